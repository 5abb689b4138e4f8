/**
 * The IDX format of MNIST and Fashion-MNIST (LeCun et al.): two zero bytes, a type code, the number
 * of dims, each dim as a big-endian uint32, then the data, big-endian, row-major. This reader checks
 * the magic number and that the dims account for exactly the bytes that follow, so a truncated or
 * padded file fails with a message naming the file instead of yielding garbage.
 */
import { DataFormatError } from '../errors.js';
import { type HostTensor, sizeOfShape } from '../host-tensor.js';
import { gunzip, isGzip } from './gzip.js';

interface IdxType {
  readonly name: string;
  readonly bytes: number;
  readonly read: (view: DataView, offset: number, count: number) => HostTensor['data'];
}

/** Type codes (third byte of the magic number) and how each is read. */
const idxTypes: Record<number, IdxType> = {
  8: { name: 'uint8', bytes: 1, read: (v, o, n) => new Uint8Array(v.buffer, v.byteOffset + o, n) },
  9: {
    name: 'int8',
    bytes: 1,
    read: (v, o, n) => Int32Array.from({ length: n }, (_, i) => v.getInt8(o + i)),
  },
  11: {
    name: 'int16',
    bytes: 2,
    read: (v, o, n) => Int32Array.from({ length: n }, (_, i) => v.getInt16(o + 2 * i)),
  },
  12: {
    name: 'int32',
    bytes: 4,
    read: (v, o, n) => Int32Array.from({ length: n }, (_, i) => v.getInt32(o + 4 * i)),
  },
  13: {
    name: 'float32',
    bytes: 4,
    read: (v, o, n) => Float32Array.from({ length: n }, (_, i) => v.getFloat32(o + 4 * i)),
  },
  14: {
    name: 'float64',
    bytes: 8,
    read: (v, o, n) => Float32Array.from({ length: n }, (_, i) => v.getFloat64(o + 8 * i)),
  },
};

/** Where the bytes came from and which function is reading them (both appear in error messages). */
export interface IdxSource {
  /** The file name or URL (default `<bytes>`). */
  readonly source?: string;
  /** The public function doing the reading (default `parseIdx`). */
  readonly op?: string;
}

/**
 * Parse uncompressed IDX bytes. `uint8` data stays `uint8` (a view of `bytes`, not a copy); `int8`,
 * `int16` and `int32` become `int32`; `float32` and `float64` become `float32`.
 *
 * @example
 * const labels = parseIdx(bytes, { source: 'train-labels-idx1-ubyte' });  // uint8[60000]
 */
export function parseIdx(
  bytes: Uint8Array,
  { source = '<bytes>', op = 'parseIdx' }: IdxSource = {},
): HostTensor {
  const fail = (problem: string) => new DataFormatError(`${op}: ${source}: ${problem}`, source);
  if (isGzip(bytes)) throw fail('is gzip-compressed; decompress it first (decodeIdx/readIdx do)');
  if (bytes.length < 4)
    throw fail(`${bytes.length} bytes is too short for an IDX header (at least 4)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  const hex = `0x${magic.toString(16).padStart(8, '0')}`;
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw fail(
      `bad magic number ${hex}: an IDX file starts with two zero bytes, a type code and the number of dims`,
    );
  }
  const type = idxTypes[bytes[2] as number];
  if (type === undefined) {
    throw fail(
      `bad magic number ${hex}: unknown type code 0x${(bytes[2] as number).toString(16).padStart(2, '0')} (expected 0x08 uint8, 0x09 int8, 0x0b int16, 0x0c int32, 0x0d float32 or 0x0e float64)`,
    );
  }
  const ndim = bytes[3] as number;
  const headerBytes = 4 + 4 * ndim;
  if (bytes.length < headerBytes) {
    throw fail(
      `header declares ${ndim} dims (${headerBytes} header bytes) but the file holds only ${bytes.length} bytes (truncated)`,
    );
  }
  const shape = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i));
  const count = sizeOfShape(shape);
  const needed = count * type.bytes;
  const held = bytes.length - headerBytes;
  if (held !== needed) {
    const why = held < needed ? 'truncated' : `${held - needed} trailing bytes`;
    throw fail(
      `dims [${shape.join(',')}] of ${type.name} need ${needed} data bytes but the file holds ${held} (${why})`,
    );
  }
  return {
    data: type.read(view, headerBytes, count),
    shape,
    dtype: type.name === 'uint8' ? 'uint8' : type.name.startsWith('float') ? 'float32' : 'int32',
  };
}

/**
 * Parse IDX bytes that may be gzip-compressed (decompressed with the platform's
 * `DecompressionStream`; works in browsers).
 *
 * @example
 * const images = await decodeIdx(new Uint8Array(await (await fetch(url)).arrayBuffer()), { source: url });
 */
export async function decodeIdx(bytes: Uint8Array, where: IdxSource = {}): Promise<HostTensor> {
  const op = where.op ?? 'decodeIdx';
  const raw = isGzip(bytes) ? await gunzip(bytes, where.source ?? '<bytes>', op) : bytes;
  return parseIdx(raw, { ...where, op });
}
