/**
 * Random permutations, as JAX's `jax.random.permutation`: instead of
 * Fisher–Yates (sequential), sort by fresh random 32-bit keys, repeated
 * `ceil(3 · ln(size) / ln(2³² - 1))` times so that key collisions (which
 * would bias a single stable sort) become negligible.
 */
import { Tensor } from '../core/tensor.js';
import { ValueError } from '../errors.js';
import * as lax from '../lax/primitive-ops.js';
import { freeIntermediates } from '../numpy/intermediates.js';
import { backendNameOf } from '../primitives/helpers.js';
import { normalizeAxis } from '../shape.js';
import { randomWords } from './bits.js';
import { checkKey } from './key.js';
import { splitList } from './split.js';

/**
 * `x` shuffled along `axis` (every line independently), as JAX's `_shuffle`.
 *
 * @example
 * shuffle(key, arange(10, key), 0)
 */
export function shuffle(key: Tensor, x: Tensor, axis: number): Tensor {
  const rounds = Math.ceil((3 * Math.log(Math.max(1, x.size))) / Math.log(2 ** 32 - 1));
  let current = key;
  let out = x;
  for (let r = 0; r < rounds; r++) {
    const [next, sub] = splitList(current, 2) as [Tensor, Tensor];
    current = next;
    out = lax.sort([randomWords('permutation', sub, out.shape), out], axis, 1)[1] as Tensor;
  }
  return out;
}

/**
 * `[0, 1, …, n-1]` as int32, on `key`'s backend.
 *
 * @example
 * arange(4, key)  // int32 [0, 1, 2, 3]
 */
export function arange(n: number, key: Tensor): Tensor {
  return lax.iota([n], 'int32', 0, backendNameOf(key));
}

/**
 * A random permutation of `[0, n)` (for a number `n`) or of `x` along `axis`, as JAX's
 * `jax.random.permutation`. With a tensor of rank ≥ 2 the slices along `axis` move together,
 * unless `independent` shuffles every line separately.
 *
 * @example
 * const order = random.permutation(random.key(0), 60000);      // int32[60000]
 * const rows = random.permutation(key, x, { axis: 0 });         // x with its rows shuffled
 */
export function permutation(
  key: Tensor,
  x: number | Tensor,
  options: { axis?: number; independent?: boolean } = {},
): Tensor {
  checkKey('permutation', key);
  if (typeof x === 'number') {
    if (!Number.isInteger(x) || x < 0)
      throw new ValueError(`permutation: n must be a non-negative integer, got ${x}`);
    return freeIntermediates(() => shuffle(key, arange(x, key), 0));
  }
  if (!(x instanceof Tensor) || x.ndim === 0) {
    throw new ValueError(
      `permutation: x must be a number or a tensor of rank >= 1, got ${x instanceof Tensor ? x.aval : String(x)}`,
    );
  }
  const axis = normalizeAxis('permutation', options.axis ?? 0, x.ndim);
  return freeIntermediates(() => {
    if (options.independent || x.ndim === 1) return shuffle(key, x, axis);
    const order = shuffle(key, arange(x.shape[axis] as number, key), 0);
    return lax.gather(x, order, axis);
  });
}
