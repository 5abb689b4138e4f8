/**
 * Host-side values of every dtype, written independently of the code under test: byte
 * encoding and decoding (float16 included, which JS lacks), rounding a JS number to what a
 * dtype can hold, and the numeric range a dtype represents without overflow or subnormals.
 *
 * The testkit keeps values as plain JS numbers (bool as 0/1, float16 as its exact value) and
 * converts to bytes only at the device boundary, so every oracle can compute in float64.
 */
import type { DType } from '@tensile/core';

/** A tensor on the host: row-major `values` of `shape`, each exactly representable in `dtype`. */
export interface HostTensor {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly values: readonly number[];
}

/**
 * Bytes per element, as the core lays tensors out in backend buffers.
 *
 * @example
 * ITEM_SIZE.bool // 1
 */
export const ITEM_SIZE: { readonly [D in DType]: number } = {
  float32: 4,
  float16: 2,
  int32: 4,
  uint32: 4,
  bool: 1,
};

/**
 * Number of elements of `shape` (1 for a scalar).
 *
 * @example
 * sizeOf([2, 3]) // 6
 */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

/**
 * Row-major strides (in elements) of a contiguous array of `shape`.
 *
 * @example
 * rowMajorStrides([2, 3, 4]) // [12, 4, 1]
 */
export function rowMajorStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = stride;
    stride *= shape[d] as number;
  }
  return strides;
}

/**
 * True for the float dtypes (`float32`, `float16`).
 *
 * @example
 * isFloatDType('float16') // true
 */
export function isFloatDType(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float16';
}

const F16_MAX = 65504;
const F16_MIN_NORMAL = 2 ** -14;

/**
 * The float16 value nearest to `x` (ties to even), as a JS number.
 *
 * @example
 * roundToFloat16(0.1)   // 0.0999755859375
 * roundToFloat16(70000) // Infinity
 */
export function roundToFloat16(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const magnitude = Math.abs(x);
  // Spacing of float16 values around x: 2^(e-10) for normals, 2^-24 for subnormals.
  const spacing = 2 ** (Math.max(binade(magnitude), -14) - 10);
  const scaled = magnitude / spacing;
  let rounded = Math.round(scaled);
  if (rounded - scaled === 0.5 && rounded % 2 !== 0) rounded -= 1;
  const result = rounded * spacing;
  return Math.sign(x) * (result > F16_MAX ? Number.POSITIVE_INFINITY : result);
}

/** The exponent `e` with `2^e ≤ magnitude < 2^(e+1)` (log2 alone can be off by one). */
function binade(magnitude: number): number {
  let e = Math.floor(Math.log2(magnitude));
  if (2 ** e > magnitude) e--;
  if (2 ** (e + 1) <= magnitude) e++;
  return e;
}

function float16Bits(x: number): number {
  const value = roundToFloat16(x);
  const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0;
  const magnitude = Math.abs(value);
  if (Number.isNaN(value)) return 0x7e00;
  if (magnitude === Number.POSITIVE_INFINITY) return sign | 0x7c00;
  if (magnitude < F16_MIN_NORMAL) return sign | Math.round(magnitude / 2 ** -24);
  const e = binade(magnitude);
  return sign | ((e + 15) << 10) | Math.round((magnitude / 2 ** e - 1) * 1024);
}

function float16Value(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/**
 * The value `dtype` stores for the JS number `x`: floats round to nearest, integers wrap
 * modulo 2^32 (after truncation toward zero), bool is `x != 0`.
 *
 * @example
 * roundTo('float32', 0.1)   // 0.10000000149011612
 * roundTo('int32', 2 ** 31) // -2147483648
 * roundTo('uint32', -1)     // 4294967295
 */
export function roundTo(dtype: DType, x: number): number {
  switch (dtype) {
    case 'float32':
      return Math.fround(x);
    case 'float16':
      return roundToFloat16(x);
    case 'int32':
      return Number(BigInt.asIntN(32, BigInt(Math.trunc(x))));
    case 'uint32':
      return Number(BigInt.asUintN(32, BigInt(Math.trunc(x))));
    case 'bool':
      return x !== 0 ? 1 : 0;
  }
}

/**
 * Host tensor from values rounded to `dtype`.
 *
 * @example
 * hostTensor('float32', [2], [0.1, 2]) // values [0.10000000149011612, 2]
 */
export function hostTensor(
  dtype: DType,
  shape: readonly number[],
  values: readonly number[],
): HostTensor {
  if (values.length !== sizeOf(shape)) {
    throw new Error(`testkit: ${values.length} values do not fill shape [${shape}]`);
  }
  return { dtype, shape, values: values.map((v) => roundTo(dtype, v)) };
}

/**
 * Largest finite value and smallest normal magnitude of a float dtype: values outside
 * `[minNormal, max]` (other than 0) overflow or become subnormal, where hardware differs.
 *
 * @example
 * floatRange('float16') // { max: 65504, minNormal: 0.00006103515625 }
 */
export function floatRange(dtype: DType): { max: number; minNormal: number } {
  return dtype === 'float16'
    ? { max: F16_MAX, minNormal: F16_MIN_NORMAL }
    : { max: 3.4028234663852886e38, minNormal: 2 ** -126 };
}

/**
 * True when `x` is 0 or a normal finite value of the float dtype (not too large or too small).
 *
 * @example
 * inNormalRange('float16', 1e-6) // false (subnormal)
 */
export function inNormalRange(dtype: DType, x: number): boolean {
  const { max, minNormal } = floatRange(dtype);
  const magnitude = Math.abs(x);
  return magnitude === 0 || (magnitude >= minNormal && magnitude <= max);
}

/**
 * The bytes of `values` laid out as `dtype` elements (little-endian, as typed arrays are on
 * every platform Tensile runs on).
 *
 * @example
 * encode('int32', [1, -1]) // Uint8Array [1, 0, 0, 0, 255, 255, 255, 255]
 */
export function encode(dtype: DType, values: readonly number[]): Uint8Array {
  switch (dtype) {
    case 'float32':
      return new Uint8Array(Float32Array.from(values).buffer);
    case 'float16':
      return new Uint8Array(Uint16Array.from(values, float16Bits).buffer);
    case 'int32':
      return new Uint8Array(Int32Array.from(values, (v) => roundTo('int32', v)).buffer);
    case 'uint32':
      return new Uint8Array(Uint32Array.from(values, (v) => roundTo('uint32', v)).buffer);
    case 'bool':
      return Uint8Array.from(values, (v) => (v !== 0 ? 1 : 0));
  }
}

/**
 * Decode `bytes` holding `dtype` elements into JS numbers (bool as 0/1; any nonzero byte of a
 * bool reads as 1).
 *
 * @example
 * decode('uint32', new Uint8Array([255, 255, 255, 255])) // [4294967295]
 */
export function decode(dtype: DType, bytes: Uint8Array): number[] {
  const copy = bytes.slice();
  const buffer = copy.buffer;
  switch (dtype) {
    case 'float32':
      return Array.from(new Float32Array(buffer, 0, copy.byteLength / 4));
    case 'float16':
      return Array.from(new Uint16Array(buffer, 0, copy.byteLength / 2), float16Value);
    case 'int32':
      return Array.from(new Int32Array(buffer, 0, copy.byteLength / 4));
    case 'uint32':
      return Array.from(new Uint32Array(buffer, 0, copy.byteLength / 4));
    case 'bool':
      return Array.from(copy, (b) => (b !== 0 ? 1 : 0));
  }
}

/**
 * Format a value of `dtype` for an error message (hex for large integers, NaN/±Infinity
 * spelled out).
 *
 * @example
 * formatValue('uint32', 4294967295) // '4294967295 (0xffffffff)'
 */
export function formatValue(dtype: DType, x: number): string {
  if ((dtype === 'int32' || dtype === 'uint32') && Math.abs(x) >= 65536) {
    return `${x} (0x${(x >>> 0).toString(16)})`;
  }
  if (dtype === 'bool') return x ? 'true' : 'false';
  return Object.is(x, -0) ? '-0' : String(x);
}
