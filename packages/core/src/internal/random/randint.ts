/**
 * Uniform integers in `[minval, maxval)`, bit-for-bit as JAX's
 * `jax.random.randint`: two independent words per sample (from the two halves
 * of `split(key)`) are combined as a 64-bit number modulo the span, using
 * `2³² mod span = (2¹⁶ mod span)² mod span` so every step fits in uint32
 * (wrapping, like XLA). The small bias of taking a remainder is JAX's too.
 */
import { Tensor } from '../core/tensor.js';
import { type DType, isFloat } from '../dtype.js';
import { DTypeError, ValueError } from '../errors.js';
import * as lax from '../lax/primitive-ops.js';
import { freeIntermediates } from '../numpy/intermediates.js';
import { backendNameOf, fullLike } from '../primitives/helpers.js';
import { randomWords } from './bits.js';
import { checkKey } from './key.js';
import { broadcastTo, checkParamShapes, type Param, paramShape, sampleShape } from './operands.js';
import { splitList } from './split.js';

const INT32_MAX = 2 ** 31 - 1;
const UINT32_MAX = 2 ** 32 - 1;

/** A bound as an integer tensor: numbers as int32 (uint32 above the int32 range); floats truncated. */
function integerBound(what: string, x: Param, like: Tensor): Tensor {
  if (x instanceof Tensor)
    return isFloat(x.dtype) || x.dtype === 'bool' ? lax.convertElementType(x, 'int32') : x;
  if (!Number.isFinite(x)) throw new ValueError(`randint: ${what} must be finite, got ${x}`);
  const v = Math.trunc(x);
  if (v < -(2 ** 31) || v > UINT32_MAX)
    throw new ValueError(`randint: ${what} ${x} is outside the 32-bit integer range`);
  return lax.full([], v, v > INT32_MAX ? 'uint32' : 'int32', false, backendNameOf(like));
}

/** Clip `x` into `dtype`'s range, then convert (JAX's `_convert_and_clip_integer`). */
function convertAndClip(x: Tensor, dtype: DType): Tensor {
  if (x.dtype === dtype) return x;
  if (dtype === 'uint32') return lax.bitcastConvertType(lax.max(x, fullLike(x, 0)), 'uint32');
  return lax.bitcastConvertType(lax.min(x, fullLike(x, INT32_MAX)), 'int32');
}

/** Same bits as uint32 (int32 wraps). */
function asUnsigned(x: Tensor): Tensor {
  return x.dtype === 'uint32' ? x : lax.bitcastConvertType(x, 'uint32');
}

/**
 * Uniform integers in `[minval, maxval)` (each a number or integer tensor broadcastable to
 * `shape`), bit-for-bit as JAX's `jax.random.randint`. When `maxval <= minval` every sample is
 * `minval`.
 *
 * @example
 * const labels = random.randint(random.key(0), [10], 0, 100);  // int32
 */
export function randint(
  key: Tensor,
  shape: readonly number[],
  minval: Param,
  maxval: Param,
  options: { dtype?: DType } = {},
): Tensor {
  checkKey('randint', key);
  const s = sampleShape('randint', shape);
  const dtype = options.dtype ?? 'int32';
  if (dtype !== 'int32' && dtype !== 'uint32')
    throw new DTypeError(`randint: dtype must be int32 or uint32, got ${dtype}`);
  checkParamShapes('randint', s, paramShape(minval), paramShape(maxval));
  return freeIntermediates(() => {
    const low = integerBound('minval', minval, key);
    const high = integerBound('maxval', maxval, key);
    // maxval above dtype's range (e.g. 2^31 for int32) means the span is one larger than it looks.
    const dtypeMax = dtype === 'uint32' && high.dtype === 'uint32' ? UINT32_MAX : INT32_MAX;
    const mayWrap = high.dtype === 'uint32' && dtype === 'int32';
    const outOfRange = broadcastTo('randint', lax.gt(high, fullLike(high, dtypeMax)), s);
    const lo = broadcastTo('randint', convertAndClip(low, dtype), s);
    const hi = broadcastTo('randint', convertAndClip(high, dtype), s);

    const [k1, k2] = splitList(key, 2) as [Tensor, Tensor];
    const higherBits = randomWords('randint', k1, s);
    const lowerBits = randomWords('randint', k2, s);

    const one = lax.full(s, 1, 'uint32', false, backendNameOf(key));
    let span = lax.select(lax.le(hi, lo), one, asUnsigned(lax.sub(hi, lo)));
    span = lax.select(lax.binary('and', outOfRange, lax.gt(hi, lo)), lax.add(span, one), span);
    // A span of 2^32 wraps to 0, and x mod 0 must be x (as XLA) for the formula to hold.
    const mod = (x: Tensor) => {
      if (!mayWrap) return lax.binary('rem', x, span);
      const zero = lax.eq(span, fullLike(span, 0));
      return lax.select(zero, x, lax.binary('rem', x, lax.select(zero, one, span)));
    };
    let multiplier = mod(fullLike(span, 2 ** 16));
    multiplier = mod(lax.mul(multiplier, multiplier));
    const offset = mod(lax.add(lax.mul(mod(higherBits), multiplier), mod(lowerBits)));
    const shifted = dtype === 'int32' ? lax.bitcastConvertType(offset, 'int32') : offset;
    return lax.add(lo, shifted);
  });
}
