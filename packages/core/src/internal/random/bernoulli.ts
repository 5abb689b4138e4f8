/**
 * Bernoulli samples: `uniform < p`, as JAX's `jax.random.bernoulli`.
 */
import { Tensor } from '../core/tensor.js';
import { isFloat } from '../dtype.js';
import { DTypeError } from '../errors.js';
import * as lax from '../lax/primitive-ops.js';
import { freeIntermediates } from '../numpy/intermediates.js';
import { checkKey } from './key.js';
import {
  asTensor,
  broadcastTo,
  checkParamShapes,
  type Param,
  paramShape,
  sampleShape,
} from './operands.js';
import { uniformSamples } from './uniform.js';

/**
 * Booleans that are `true` with probability `p` (a number or float tensor broadcastable to
 * `shape`; the shape defaults to `p`'s), bit-for-bit as JAX's `jax.random.bernoulli`.
 *
 * @example
 * const keep = random.bernoulli(key, 0.9, [128, 256]);  // dropout mask
 */
export function bernoulli(key: Tensor, p: Param = 0.5, shape?: readonly number[]): Tensor {
  checkKey('bernoulli', key);
  if (p instanceof Tensor && !isFloat(p.dtype)) {
    throw new DTypeError(`bernoulli: the probability p must be a float, got ${p.aval}`);
  }
  const s = shape === undefined ? [...paramShape(p)] : sampleShape('bernoulli', shape);
  checkParamShapes('bernoulli', s, paramShape(p));
  return freeIntermediates(() => {
    const u = uniformSamples('bernoulli', key, s, 0, 1);
    return lax.lt(u, broadcastTo('bernoulli', asTensor(p, 'float32', key), s));
  });
}
