/**
 * Deriving new keys from a key: `split` (many independent keys at once) and
 * `foldIn` (a key for a piece of data, e.g. a step number), exactly as JAX's
 * partitionable threefry implementation.
 */
import type { Tensor } from '../core/tensor.js';
import * as lax from '../lax/primitive-ops.js';
import { freeIntermediates } from '../numpy/intermediates.js';
import { backendNameOf } from '../primitives/helpers.js';
import { checkShape } from '../shape.js';
import { hashPositions } from './counters.js';
import { checkKey, keyWords, uint32Word } from './key.js';

/**
 * `key` split into a tensor of keys of shape `[...shape, 2]` (no validation, no scoping).
 *
 * @example
 * splitKeys(key, [4])  // uint32[4, 2]
 */
export function splitKeys(key: Tensor, shape: readonly number[]): Tensor {
  const [w0, w1] = hashPositions('split', key, shape);
  const column = (w: Tensor) => lax.reshape(w, [...shape, 1]);
  return lax.concatenate([column(w0), column(w1)], shape.length);
}

/**
 * `key` split into `n` separate keys (`uint32[2]` each; no validation, no scoping).
 *
 * @example
 * const [next, sub] = splitList(key, 2);
 */
export function splitList(key: Tensor, n: number): Tensor[] {
  const keys = splitKeys(key, [n]);
  return Array.from({ length: n }, (_, i) => lax.reshape(lax.slice(keys, [i, 0], [i + 1, 2]), [2]));
}

/**
 * Split a key into `num` new keys, returned as one `uint32[num, 2]` tensor (or `[...num, 2]` when
 * `num` is a shape), bit-for-bit as JAX's `jax.random.split`. Destructure it (tensors iterate over
 * their first axis) or map over the keys with `vmap`.
 *
 * @example
 * const [k1, k2] = random.split(random.key(0));
 * const keys = random.split(key, 8);  // uint32[8, 2], e.g. for vmap
 */
export function split(key: Tensor, num: number | readonly number[] = 2): Tensor {
  checkKey('split', key);
  const shape = checkShape('split', typeof num === 'number' ? [num] : num);
  return freeIntermediates(() => splitKeys(key, shape));
}

/**
 * A new key derived from `key` and a 32-bit integer `data` (a JS integer, wrapped modulo 2³², or an
 * int32/uint32 scalar tensor), bit-for-bit as JAX's `jax.random.fold_in`.
 *
 * @example
 * const stepKey = random.foldIn(key, step);
 */
export function foldIn(key: Tensor, data: number | Tensor): Tensor {
  checkKey('foldIn', key);
  return freeIntermediates(() => {
    const word = uint32Word('foldIn', 'data', data, backendNameOf(key));
    const [k0, k1] = keyWords(key);
    // JAX hashes the seed-like pair [0, data] as one (x0, x1) counter.
    const zero = lax.full([], 0, 'uint32', false, backendNameOf(key));
    const [w0, w1] = lax.threefry2x32(k0, k1, zero, word);
    return lax.concatenate([lax.reshape(w0, [1]), lax.reshape(w1, [1])], 0);
  });
}
