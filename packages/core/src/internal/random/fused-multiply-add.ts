/**
 * An exact float32 fused multiply-add, `round(a·b + c)` with one rounding,
 * built from ordinary (correctly rounded) float32 `lax` ops.
 *
 * Why: XLA contracts `x * scale + offset` into an FMA on CPU and GPU, so JAX's
 * `uniform(key, shape, minval, maxval)` rounds once; two separate roundings
 * differ in the last bit for about one sample in four. There is no FMA
 * primitive, so this emulates it:
 *
 * 1. `a·b = p + e` exactly (Dekker's product, splitting each factor into
 *    12-bit halves with 2¹² + 1),
 * 2. `c + p = h + t` exactly (Knuth's two-sum),
 * 3. `h + round_to_odd(t + e)`, rounded to nearest, is the correctly rounded
 *    `c + p + e` (Boldo & Melquiond, "Emulation of FMA and correctly rounded
 *    sums: proved algorithms using rounding to odd", IEEE TC 2008). Rounding
 *    to odd is a rounded sum whose last bit is forced to 1 when inexact.
 *
 * It assumes the backend's float32 add/mul round correctly and are not
 * themselves contracted, and that the intermediate products neither overflow
 * nor underflow (true for the samplers' operands); non-finite results fall
 * back to `a·b + c`.
 */
import type { Tensor } from '../core/tensor.js';
import * as lax from '../lax/primitive-ops.js';
import { fullLike } from '../primitives/helpers.js';

/** `[s, e]` with `s = round(a + b)` and `a + b = s + e` exactly. */
function twoSum(a: Tensor, b: Tensor): [Tensor, Tensor] {
  const s = lax.add(a, b);
  const bVirtual = lax.sub(s, a);
  const aVirtual = lax.sub(s, bVirtual);
  return [s, lax.add(lax.sub(a, aVirtual), lax.sub(b, bVirtual))];
}

/** `[hi, lo]` with `a = hi + lo`, each with at most 12 significant bits. */
function splitHalves(a: Tensor): [Tensor, Tensor] {
  const c = lax.mul(fullLike(a, 4097), a);
  const hi = lax.sub(c, lax.sub(c, a));
  return [hi, lax.sub(a, hi)];
}

/** `[p, e]` with `p = round(a·b)` and `a·b = p + e` exactly. */
function twoProduct(a: Tensor, b: Tensor): [Tensor, Tensor] {
  const p = lax.mul(a, b);
  const [ah, al] = splitHalves(a);
  const [bh, bl] = splitHalves(b);
  const e = lax.add(
    lax.add(lax.add(lax.sub(lax.mul(ah, bh), p), lax.mul(ah, bl)), lax.mul(al, bh)),
    lax.mul(al, bl),
  );
  return [p, e];
}

/** `a + b` rounded to odd: when inexact, the neighbour of the nearest float whose last bit is 1. */
function addRoundToOdd(a: Tensor, b: Tensor): Tensor {
  const [s, e] = twoSum(a, b);
  const word = lax.bitcastConvertType(s, 'uint32');
  const even = lax.eq(lax.binary('and', word, fullLike(word, 1)), fullLike(word, 0));
  const inexact = lax.ne(e, fullLike(e, 0));
  // The exact sum lies beyond s in e's direction: step the magnitude up when e and s agree in sign.
  const larger = lax.eq(lax.gt(e, fullLike(e, 0)), lax.gt(s, fullLike(s, 0)));
  const one = fullLike(word, 1);
  const stepped = lax.bitcastConvertType(
    lax.select(larger, lax.add(word, one), lax.sub(word, one)),
    'float32',
  );
  return lax.select(lax.binary('and', inexact, even), stepped, s);
}

/**
 * `a·b + c` with a single rounding, for float32 tensors of one shape.
 *
 * @example
 * fusedMultiplyAdd(floats, scale, minval)  // as XLA's fused `floats * scale + minval`
 */
export function fusedMultiplyAdd(a: Tensor, b: Tensor, c: Tensor): Tensor {
  const [p, e] = twoProduct(a, b);
  const [h, t] = twoSum(c, p);
  const fused = lax.add(h, addRoundToOdd(t, e));
  const plain = lax.add(p, c);
  return lax.select(lax.unary('isFinite', plain), fused, plain);
}
