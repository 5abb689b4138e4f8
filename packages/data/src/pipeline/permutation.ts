/**
 * Reproducible orders from PRNG keys, computed with core's `random.permutation` (JAX's algorithm, so
 * the same key gives the same order as `jax.random.permutation`). Epoch `e` of a pipeline shuffled
 * with `key` uses `random.foldIn(key, e)`: every epoch differs, and any epoch can be recomputed
 * alone, which is what resuming a run needs.
 */
import { random, type Tensor, ValueError } from '@tensile/core';
import { Effect } from 'effect';

async function permutationOf(
  key: Tensor,
  n: number,
  epoch: number | undefined,
): Promise<Int32Array> {
  const epochKey = epoch === undefined ? key : random.foldIn(key, epoch);
  try {
    const order = random.permutation(epochKey, n);
    try {
      return Int32Array.from((await order.data()) as Int32Array);
    } finally {
      order.dispose();
    }
  } finally {
    if (epochKey !== key) epochKey.dispose();
  }
}

function checkCount(op: string, n: number): void {
  if (!Number.isInteger(n) || n < 0)
    throw new ValueError(`${op}: n must be a non-negative integer, got ${n}`);
}

/**
 * A permutation of `[0, n)` from `key` (`random.permutation(key, n)` read back to the host); with
 * `epoch`, from `random.foldIn(key, epoch)`. The key is not consumed.
 *
 * @example
 * const order = await shuffledIndices(random.key(0), 10);          // Int32Array, a permutation of 0..9
 * const epoch3 = await shuffledIndices(key, 60000, { epoch: 3 });
 */
export function shuffledIndices(
  key: Tensor,
  n: number,
  options: { epoch?: number } = {},
): Promise<Int32Array> {
  checkCount('shuffledIndices', n);
  return permutationOf(key, n, options.epoch);
}

/**
 * `shuffledIndices` as an Effect.
 *
 * @example
 * const order = yield* shuffledIndicesEffect(key, ds.length, { epoch });
 */
export function shuffledIndicesEffect(
  key: Tensor,
  n: number,
  options: { epoch?: number } = {},
): Effect.Effect<Int32Array> {
  checkCount('shuffledIndicesEffect', n);
  return Effect.promise(() => permutationOf(key, n, options.epoch));
}
