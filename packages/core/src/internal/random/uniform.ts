/**
 * Uniform floats, JAX's way: the top 23 bits of a random word become the
 * mantissa of a float in [1, 2), minus 1 gives [0, 1), then
 * `max(minval, floats · (maxval - minval) + minval)` with the multiply-add
 * fused as XLA fuses it (see `fused-multiply-add.ts`). Every other
 * continuous sampler starts here.
 */
import type { Tensor } from '../core/tensor.js';
import type { DType } from '../dtype.js';
import * as lax from '../lax/primitive-ops.js';
import { freeIntermediates } from '../numpy/intermediates.js';
import { backendNameOf, fullLike } from '../primitives/helpers.js';
import { randomWords } from './bits.js';
import { fusedMultiplyAdd } from './fused-multiply-add.js';
import { checkKey } from './key.js';
import { asTensor, broadcastTo, floatDType, type Param, sampleShape } from './operands.js';

/** Options of `uniform`. */
export interface UniformOptions {
  /** Inclusive lower bound, broadcastable to the shape (default 0). */
  minval?: Param;
  /** Exclusive upper bound, broadcastable to the shape (default 1). */
  maxval?: Param;
  /** Float dtype of the samples (default float32, the only one supported). */
  dtype?: DType;
}

/** `m · 2^k` for an integer k: multiplying by it is exact, so the multiply-add needs no fusing. */
function isPowerOfTwo(x: number): boolean {
  if (!(x > 0) || !Number.isFinite(x)) return false;
  return 2 ** Math.round(Math.log2(x)) === x;
}

/** Floats in [0, 1) from the top 23 bits of random words. */
function unitFloats(op: string, key: Tensor, shape: readonly number[]): Tensor {
  const words = randomWords(op, key, shape);
  const mantissa = lax.binary('shiftRightLogical', words, fullLike(words, 9));
  const oneToTwo = lax.bitcastConvertType(
    lax.binary('or', mantissa, fullLike(mantissa, 0x3f800000)),
    'float32',
  );
  return lax.sub(oneToTwo, fullLike(oneToTwo, 1));
}

/**
 * `uniform` without validation or scoping (for the other samplers).
 *
 * @example
 * uniformSamples('normal', key, [3], Math.fround(-1 + 2 ** -24), 1)
 */
export function uniformSamples(
  op: string,
  key: Tensor,
  shape: readonly number[],
  minval: Param,
  maxval: Param,
): Tensor {
  const floats = unitFloats(op, key, shape);
  if (typeof minval === 'number' && typeof maxval === 'number') {
    const low = Math.fround(minval);
    const scale = Math.fround(Math.fround(maxval) - low);
    if (low === 0 && scale === 1) return floats;
    const name = backendNameOf(floats);
    const lowT = lax.full(shape, low, 'float32', false, name);
    const scaleT = lax.full(shape, scale, 'float32', false, name);
    const value = isPowerOfTwo(scale)
      ? lax.add(lax.mul(floats, scaleT), lowT)
      : fusedMultiplyAdd(floats, scaleT, lowT);
    return lax.max(lowT, value);
  }
  const low = broadcastTo(op, asTensor(minval, 'float32', key), shape);
  const high = broadcastTo(op, asTensor(maxval, 'float32', key), shape);
  return lax.max(low, fusedMultiplyAdd(floats, lax.sub(high, low), low));
}

/**
 * Uniform samples in `[minval, maxval)`, bit-for-bit as JAX's `jax.random.uniform` (default
 * threefry, partitionable). `minval`/`maxval` may be tensors broadcastable to `shape`.
 *
 * @example
 * const u = random.uniform(random.key(0), [2, 3]);                    // [0, 1)
 * const v = random.uniform(key, [5], { minval: -1, maxval: 1 });     // [-1, 1)
 */
export function uniform(
  key: Tensor,
  shape: readonly number[] = [],
  options: UniformOptions = {},
): Tensor {
  checkKey('uniform', key);
  const s = sampleShape('uniform', shape);
  floatDType('uniform', options.dtype);
  return freeIntermediates(() =>
    uniformSamples('uniform', key, s, options.minval ?? 0, options.maxval ?? 1),
  );
}
