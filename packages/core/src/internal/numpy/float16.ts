/**
 * IEEE half-precision conversions. `float16` tensors hold raw bits in a
 * `Uint16Array` on the host; `np.array` encodes JS numbers into those bits and
 * `toArray()`/`item()` decode them back.
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/**
 * The number a float16 bit pattern stands for.
 *
 * @example
 * float16BitsToNumber(0x3c00)  // 1
 */
export function float16BitsToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/**
 * The float16 bit pattern nearest to `value` (round to nearest, ties to even; overflow → ±Infinity).
 *
 * @example
 * numberToFloat16Bits(1)  // 0x3c00
 */
export function numberToFloat16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0] as number;
  const sign = (x >>> 16) & 0x8000;
  const e32 = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (e32 === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  const exponent = e32 - 127 + 15;
  if (exponent >= 31) return sign | 0x7c00;
  if (exponent <= 0) {
    if (exponent < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - exponent;
    let half = mantissa >> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const middle = 1 << (shift - 1);
    if (rest > middle || (rest === middle && half & 1)) half++;
    return sign | half;
  }
  let half = (exponent << 10) | (mantissa >> 13);
  const rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++;
  return sign | half;
}
