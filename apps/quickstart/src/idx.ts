/**
 * A minimal reader for (gzipped) IDX files, the format of MNIST and Fashion-MNIST, so the
 * quickstart needs nothing but the files committed under `fixtures/fashion-mnist/`.
 * (`@tensile/data` will provide the full loaders with caching and checksums.)
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** The dimensions and raw bytes of an IDX file of unsigned bytes. */
export interface IdxArray {
  shape: number[];
  data: Uint8Array;
}

/**
 * Read an IDX file of unsigned bytes (magic 0x0000080N), gunzipping `.gz` files.
 *
 * @example
 * const labels = readIdx('fixtures/fashion-mnist/train-labels-idx1-ubyte.gz');  // shape [2000]
 */
export function readIdx(path: string): IdxArray {
  const raw = readFileSync(path);
  const bytes = path.endsWith('.gz') ? gunzipSync(raw) : raw;
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== 0x08) {
    throw new Error(`${path}: not an IDX file of unsigned bytes (bad magic number)`);
  }
  const ndim = bytes[3] as number;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i));
  const header = 4 + 4 * ndim;
  const size = shape.reduce((a, b) => a * b, 1);
  if (bytes.length !== header + size) {
    throw new Error(
      `${path}: expected ${header + size} bytes for shape [${shape}], found ${bytes.length} (truncated?)`,
    );
  }
  return { shape, data: new Uint8Array(bytes.buffer, bytes.byteOffset + header, size) };
}
