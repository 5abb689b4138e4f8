/**
 * Raw random bits: the uint32 words every sampler starts from. With the
 * partitionable layout each element's word is the xor of the two threefry
 * outputs at its position, so any slice of the output can be computed alone.
 */
import type { Tensor } from '../core/tensor.js';
import * as lax from '../lax/primitive-ops.js';
import { freeIntermediates } from '../numpy/intermediates.js';
import { hashPositions } from './counters.js';
import { checkKey } from './key.js';
import { sampleShape } from './operands.js';

/**
 * Random uint32 words of `shape` (no validation, no scoping).
 *
 * @example
 * randomWords('randint', key, [10])  // uint32[10]
 */
export function randomWords(op: string, key: Tensor, shape: readonly number[]): Tensor {
  const [w0, w1] = hashPositions(op, key, shape);
  return lax.binary('xor', w0, w1);
}

/**
 * Uniformly random uint32 words of `shape`, bit-for-bit as JAX's `jax.random.bits`.
 *
 * @example
 * random.bits(random.key(0), [2, 3])  // uint32[2, 3]
 */
export function bits(key: Tensor, shape: readonly number[] = []): Tensor {
  checkKey('bits', key);
  const s = sampleShape('bits', shape);
  return freeIntermediates(() => randomWords('bits', key, s));
}
