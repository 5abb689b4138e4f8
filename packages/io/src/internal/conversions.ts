/**
 * Which safetensors dtypes Tensile loads and stores, and the element conversions between a file's
 * little-endian bytes and the host arrays tensors are made from (core's `fromHost`/`data()`
 * representation: float16 as raw bits in a `Uint16Array`, bool as 0/1 bytes).
 *
 * Loading widens or narrows to the dtypes Tensile has: BF16 → float32 (exact), F16 → float16 where
 * the backend has it and float32 otherwise (exact), F64 → float32 (rounded, as JAX without x64),
 * U8/I8/I16/U16 → int32 (exact), I64 → int32 (refused when a value does not fit). Storing writes
 * each dtype as itself by default; float32 may also be stored as F16 or BF16 (rounded to nearest
 * even), int32 as U8 and bool as U8 (refused when a value does not fit).
 */
import type { DType, Tensor } from '@tensile/core';
import type { SafetensorsDType } from '../dtypes.js';
import { SafetensorsError } from '../errors.js';
import { floatBitsToBfloat16, floatBitsToHalf, halfBitsToFloat } from './half-float.js';

/** Host data of a tensor, as `data()` returns it and `fromHost` takes it. */
export type HostArray = Awaited<ReturnType<Tensor['data']>>;

/** How F16 tensors load: `'auto'` keeps float16 where the backend has it, else float32. */
export type Float16Mode = 'auto' | 'float32' | 'float16';

/** Typed arrays see host byte order; safetensors is little-endian, like every JS engine in use. */
const hostIsLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Throws on a big-endian host, where typed-array views would misread the file.
 *
 * @example
 * assertLittleEndianHost('decodeSafetensors');
 */
export function assertLittleEndianHost(who: string): void {
  if (!hostIsLittleEndian) {
    throw new SafetensorsError(
      `${who}: big-endian hosts are not supported (safetensors data is little-endian)`,
    );
  }
}

/**
 * The Tensile dtype a stored dtype loads as, or `undefined` when Tensile cannot load it.
 *
 * @example
 * loadedDType('BF16', false)  // 'float32'
 */
export function loadedDType(stored: SafetensorsDType, float16Native: boolean): DType | undefined {
  switch (stored) {
    case 'F32':
    case 'BF16':
    case 'F64':
      return 'float32';
    case 'F16':
      return float16Native ? 'float16' : 'float32';
    case 'I32':
    case 'I64':
    case 'I16':
    case 'U16':
    case 'I8':
    case 'U8':
      return 'int32';
    case 'U32':
      return 'uint32';
    case 'BOOL':
      return 'bool';
    default:
      return undefined;
  }
}

type TypedArrayClass<T> = {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): T;
  readonly BYTES_PER_ELEMENT: number;
};

/** A typed view of `bytes` (copied first when its offset is not aligned for the element type). */
function view<T>(Class: TypedArrayClass<T>, bytes: Uint8Array, length: number): T {
  const aligned = bytes.byteOffset % Class.BYTES_PER_ELEMENT === 0 ? bytes : bytes.slice();
  return new Class(aligned.buffer, aligned.byteOffset, length);
}

/**
 * Convert `count` stored elements to the host array of `target` (`loadedDType(stored, …)`).
 * `context` starts error messages, e.g. `decodeSafetensors: a.safetensors: tensor 'x' (I64)`.
 *
 * @example
 * decodeElements('BF16', 'float32', bytes, 4, "decodeSafetensors: tensor 'w' (BF16)")
 */
export function decodeElements(
  stored: SafetensorsDType,
  target: DType,
  bytes: Uint8Array,
  count: number,
  context: string,
): HostArray {
  switch (stored) {
    case 'F32':
      return view(Float32Array, bytes, count);
    case 'F16': {
      const bits = view(Uint16Array, bytes, count);
      return target === 'float16' ? bits : Float32Array.from(bits, halfBitsToFloat);
    }
    case 'BF16': {
      const bits = view(Uint16Array, bytes, count);
      const widened = new Uint32Array(count);
      for (let i = 0; i < count; i++) widened[i] = (bits[i] as number) << 16;
      return new Float32Array(widened.buffer);
    }
    case 'F64':
      return Float32Array.from(view(Float64Array, bytes, count));
    case 'I32':
      return view(Int32Array, bytes, count);
    case 'U32':
      return view(Uint32Array, bytes, count);
    case 'U8':
      return Int32Array.from(bytes.subarray(0, count));
    case 'I8':
      return Int32Array.from(view(Int8Array, bytes, count));
    case 'I16':
      return Int32Array.from(view(Int16Array, bytes, count));
    case 'U16':
      return Int32Array.from(view(Uint16Array, bytes, count));
    case 'I64':
      return int64ToInt32(view(Uint32Array, bytes, 2 * count), count, context);
    case 'BOOL':
      return checkedBool(bytes.subarray(0, count), context);
    default:
      throw new SafetensorsError(`${context}: Tensile cannot load dtype ${stored}`);
  }
}

function int64ToInt32(words: Uint32Array, count: number, context: string): Int32Array {
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const low = words[2 * i] as number;
    const high = (words[2 * i + 1] as number) | 0;
    if (high !== (low >= 0x80000000 ? -1 : 0)) {
      throw new SafetensorsError(
        `${context}: element ${i} = ${high * 2 ** 32 + low} does not fit in int32 (Tensile has no 64-bit integers)`,
      );
    }
    out[i] = low | 0;
  }
  return out;
}

function checkedBool(bytes: Uint8Array, context: string): Uint8Array {
  const bad = bytes.findIndex((b) => b > 1);
  if (bad >= 0) {
    throw new SafetensorsError(`${context}: element ${bad} is byte ${bytes[bad]}, not 0 or 1`);
  }
  return bytes.slice();
}

type Encoder = (data: HostArray, context: string) => Uint8Array;

const asBytes: Encoder = (data) => new Uint8Array(data.buffer, data.byteOffset, data.byteLength);

function mapBits(narrow: (bits: number) => number): Encoder {
  return (data) => {
    const bits = new Uint32Array(data.buffer, data.byteOffset, data.length);
    const out = new Uint16Array(bits.length);
    for (let i = 0; i < bits.length; i++) out[i] = narrow(bits[i] as number);
    return asBytes(out, '');
  };
}

const int32ToU8: Encoder = (data, context) => {
  const bad = data.findIndex((v: number) => v < 0 || v > 255);
  if (bad >= 0) {
    throw new SafetensorsError(
      `${context}: element ${bad} = ${data[bad]} does not fit in U8 (0..255)`,
    );
  }
  return Uint8Array.from(data);
};

/**
 * How each Tensile dtype may be stored; the first entry is the default. float32 bits are read
 * through a `Uint32Array` over the same buffer to narrow them.
 */
const STORE: Readonly<Record<DType, Partial<Record<SafetensorsDType, Encoder>>>> = {
  float32: { F32: asBytes, F16: mapBits(floatBitsToHalf), BF16: mapBits(floatBitsToBfloat16) },
  float16: { F16: asBytes, F32: (data) => asBytes(Float32Array.from(data, halfBitsToFloat), '') },
  int32: { I32: asBytes, U8: int32ToU8 },
  uint32: { U32: asBytes },
  bool: { BOOL: asBytes, U8: asBytes },
};

/**
 * The stored dtypes a Tensile dtype can be written as; the first is the default.
 *
 * @example
 * storableAs('float32')  // ['F32', 'F16', 'BF16']
 */
export function storableAs(dtype: DType): SafetensorsDType[] {
  return Object.keys(STORE[dtype]) as SafetensorsDType[];
}

/**
 * Little-endian bytes of `data` (a `dtype` host array) stored as `stored` (one of `storableAs`).
 *
 * @example
 * encodeElements(new Float32Array([1]), 'float32', 'BF16', "encodeSafetensors: tensor 'w'")
 */
export function encodeElements(
  data: HostArray,
  dtype: DType,
  stored: SafetensorsDType,
  context: string,
): Uint8Array {
  const encode = STORE[dtype][stored];
  if (!encode) {
    throw new SafetensorsError(
      `${context}: a ${dtype} tensor cannot be stored as ${stored} (allowed: ${storableAs(dtype).join(', ')})`,
    );
  }
  return encode(data, context);
}
