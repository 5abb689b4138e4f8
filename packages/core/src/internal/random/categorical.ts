/**
 * Gumbel samples and categorical sampling by the Gumbel-max trick
 * (`argmax(logits + gumbel)`), as JAX's `jax.random.gumbel` and
 * `jax.random.categorical` (default `mode`, with replacement).
 */
import type { Tensor } from '../core/tensor.js';
import { type DType, isFloat } from '../dtype.js';
import { DTypeError } from '../errors.js';
import * as lax from '../lax/primitive-ops.js';
import { freeIntermediates } from '../numpy/intermediates.js';
import { normalizeAxis, range } from '../shape.js';
import { checkKey } from './key.js';
import { checkParamShapes, floatDType, sampleShape } from './operands.js';
import { uniformSamples } from './uniform.js';

/** The smallest normal float32, JAX's `finfo(float32).tiny`. */
const TINY = 2 ** -126;

/**
 * Gumbel samples of `shape` (no validation, no scoping).
 *
 * @example
 * gumbelSamples('categorical', key, [12, 4])
 */
export function gumbelSamples(op: string, key: Tensor, shape: readonly number[]): Tensor {
  const u = uniformSamples(op, key, shape, TINY, 1);
  return lax.neg(lax.log(lax.neg(lax.log(u))));
}

/**
 * Standard Gumbel samples `-log(-log(u))`, as JAX's `jax.random.gumbel`.
 *
 * @example
 * const g = random.gumbel(random.key(0), [4]);
 */
export function gumbel(
  key: Tensor,
  shape: readonly number[] = [],
  options: { dtype?: DType } = {},
): Tensor {
  checkKey('gumbel', key);
  const s = sampleShape('gumbel', shape);
  floatDType('gumbel', options.dtype);
  return freeIntermediates(() => gumbelSamples('gumbel', key, s));
}

/**
 * Indices drawn from the categorical distributions `softmax(logits, axis)` (int32), as JAX's
 * `jax.random.categorical`. `shape` (default: `logits.shape` without `axis`) may add leading dims
 * and must broadcast with the batch dims of `logits`.
 *
 * @example
 * const next = random.categorical(key, logits);                       // one index per row
 * const draws = random.categorical(key, np.log(probs), { shape: [12] }); // 12 draws from one distribution
 */
export function categorical(
  key: Tensor,
  logits: Tensor,
  options: { axis?: number; shape?: readonly number[] } = {},
): Tensor {
  checkKey('categorical', key);
  if (!isFloat(logits.dtype))
    throw new DTypeError(`categorical: logits must be float, got ${logits.aval}`);
  floatDType('categorical', logits.dtype);
  const axis = normalizeAxis('categorical', options.axis ?? -1, logits.ndim);
  const batchShape = logits.shape.filter((_, d) => d !== axis);
  const shape =
    options.shape === undefined ? batchShape : sampleShape('categorical', options.shape);
  checkParamShapes('categorical', shape, batchShape);
  const prefix = shape.slice(0, shape.length - batchShape.length);
  const sampleLogitsShape = [...shape.slice(prefix.length)];
  sampleLogitsShape.splice(axis, 0, logits.shape[axis] as number);
  const full = [...prefix, ...sampleLogitsShape];
  return freeIntermediates(() => {
    const noise = gumbelSamples('categorical', key, full);
    const spread = lax.broadcastInDim(logits, full, range(full.length, prefix.length));
    return lax.argReduce('argmax', lax.add(noise, spread), prefix.length + axis);
  });
}
