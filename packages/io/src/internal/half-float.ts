/**
 * Bit-level conversions between float32 and the two 16-bit float formats safetensors files use:
 * IEEE binary16 (`F16`) and bfloat16 (`BF16`). Widening to float32 is exact; narrowing rounds to
 * nearest, ties to even, as numpy's and PyTorch's casts do (overflow gives ±Infinity; NaN stays a
 * quiet NaN).
 */

/**
 * The float32 value of binary16 bits `h` (exact: every binary16 value is a float32 value).
 *
 * @example
 * halfBitsToFloat(0x3c00)  // 1
 * halfBitsToFloat(0x0001)  // 2 ** -24 (smallest subnormal)
 */
export function halfBitsToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >>> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/**
 * The binary16 bits nearest to float32 bits `x` (round to nearest, ties to even).
 *
 * @example
 * floatBitsToHalf(0x3f800000)  // 0x3c00 (1.0)
 */
export function floatBitsToHalf(x: number): number {
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  const mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa === 0 ? 0 : 0x200 | (mantissa >>> 13));
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // Subnormal (or zero) in binary16: shift the full significand right by 14 - e places.
    if (e < -10) return sign;
    const significand = mantissa | 0x800000;
    const shift = 14 - e;
    const half = significand >>> shift;
    const rest = significand & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    return sign | (rest > halfway || (rest === halfway && half & 1) ? half + 1 : half);
  }
  const half = (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  // A carry out of the mantissa correctly bumps the exponent (up to Infinity).
  return sign | (rest > 0x1000 || (rest === 0x1000 && half & 1) ? half + 1 : half);
}

/**
 * The bfloat16 bits nearest to float32 bits `x` (round to nearest, ties to even; NaN → 0x7fc0).
 *
 * @example
 * floatBitsToBfloat16(0x3f800000)  // 0x3f80 (1.0)
 */
export function floatBitsToBfloat16(x: number): number {
  if ((x & 0x7f800000) === 0x7f800000 && (x & 0x7fffff) !== 0) return 0x7fc0;
  return ((x >>> 0) + 0x7fff + ((x >>> 16) & 1)) >>> 16;
}
