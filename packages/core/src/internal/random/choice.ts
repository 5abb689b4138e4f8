/**
 * Sampling elements of an array (or of `[0, n)`), with or without
 * replacement, optionally weighted, following JAX's `jax.random.choice`:
 * `randint` (uniform, with replacement), `permutation` (uniform, without),
 * inverse-CDF search (weighted, with) and the Gumbel top-k trick (weighted,
 * without).
 */
import { Tensor } from '../core/tensor.js';
import { isFloat } from '../dtype.js';
import { DTypeError, fmtShape, ShapeError, ValueError } from '../errors.js';
import * as lax from '../lax/primitive-ops.js';
import { freeIntermediates } from '../numpy/intermediates.js';
import { fullLike } from '../primitives/helpers.js';
import { normalizeAxis, range, sizeOf } from '../shape.js';
import { gumbelSamples } from './categorical.js';
import { checkKey } from './key.js';
import { sampleShape } from './operands.js';
import { arange, permutation } from './permutation.js';
import { randint } from './randint.js';
import { uniformSamples } from './uniform.js';

/** Options of `choice`. */
export interface ChoiceOptions {
  /** Shape of the draws (default `[]`: one draw). */
  shape?: readonly number[];
  /** Draw with replacement (default true). */
  replace?: boolean;
  /** Probabilities of the `n` candidates (float, shape `[n]`); uniform when omitted. */
  p?: Tensor;
  /** Axis of `a` to draw along (default 0). */
  axis?: number;
}

/** For each query, the number of `sorted` values below it (`searchsorted(sorted, q, side='left')`). */
function searchSorted(sorted: Tensor, queries: Tensor): Tensor {
  const n = sorted.shape[0] as number;
  const grid = [...queries.shape, n];
  const below = lax.lt(
    lax.broadcastInDim(sorted, grid, [queries.ndim]),
    lax.broadcastInDim(queries, grid, range(queries.ndim)),
  );
  return lax.reduce('sum', lax.convertElementType(below, 'int32'), [queries.ndim]);
}

/** Indices of `n` candidates drawn with probabilities `p` (shape `draws`). */
function weightedIndices(
  key: Tensor,
  p: Tensor,
  draws: readonly number[],
  replace: boolean,
): Tensor {
  const n = p.shape[0] as number;
  if (replace) {
    const cumulative = lax.cumulative('sum', p, 0);
    const total = lax.reshape(lax.slice(cumulative, [n - 1], [n]), []);
    const u = uniformSamples('choice', key, draws, 0, 1);
    const r = lax.mul(lax.broadcastInDim(total, draws, []), lax.sub(fullLike(u, 1), u));
    return searchSorted(cumulative, r);
  }
  const scores = lax.sub(lax.neg(gumbelSamples('choice', key, [n])), lax.log(p));
  const order = lax.sort([scores, arange(n, key)], 0, 1)[1] as Tensor;
  return lax.reshape(lax.slice(order, [0], [sizeOf(draws)]), draws);
}

/**
 * Random draws from `a` along `axis` (or from `[0, a)` when `a` is a number), as JAX's
 * `jax.random.choice`. The result has `a`'s shape with `axis` replaced by `shape`.
 *
 * @example
 * random.choice(key, 10, { shape: [3], replace: false })       // 3 distinct indices in [0, 10)
 * random.choice(key, tokens, { shape: [5], p: probabilities })  // weighted, with replacement
 */
export function choice(key: Tensor, a: number | Tensor, options: ChoiceOptions = {}): Tensor {
  checkKey('choice', key);
  const draws = sampleShape('choice', options.shape ?? []);
  const replace = options.replace ?? true;
  let n: number;
  let axis = 0;
  if (typeof a === 'number') {
    if (!Number.isInteger(a) || a < 0)
      throw new ValueError(`choice: a must be a non-negative integer or a tensor, got ${a}`);
    n = a;
  } else {
    if (!(a instanceof Tensor) || a.ndim === 0) {
      throw new ValueError(
        `choice: a must be a number or a tensor of rank >= 1, got ${a instanceof Tensor ? a.aval : String(a)}`,
      );
    }
    axis = normalizeAxis('choice', options.axis ?? 0, a.ndim);
    n = a.shape[axis] as number;
  }
  const count = sizeOf(draws);
  if (count > 0 && n <= 0)
    throw new ValueError('choice: a must have at least one element unless no samples are taken');
  if (!replace && count > n) {
    throw new ValueError(`choice: cannot take ${count} samples from ${n} without replacement`);
  }
  const { p } = options;
  if (p !== undefined) {
    if (!isFloat(p.dtype)) throw new DTypeError(`choice: p must be float, got ${p.aval}`);
    if (p.ndim !== 1 || p.shape[0] !== n)
      throw new ShapeError(`choice: p must have shape ${fmtShape([n])}, got ${p.aval}`);
  }
  return freeIntermediates(() => {
    const outShape =
      typeof a === 'number'
        ? draws
        : [...a.shape.slice(0, axis), ...draws, ...a.shape.slice(axis + 1)];
    if (p === undefined && !replace) {
      const shuffled = permutation(key, a, { axis });
      const first = lax.slice(
        shuffled,
        shuffled.shape.map(() => 0),
        shuffled.shape.map((d, i) => (i === axis ? count : d)),
      );
      return lax.reshape(first, outShape);
    }
    const indices =
      p === undefined ? randint(key, draws, 0, n) : weightedIndices(key, p, draws, replace);
    return typeof a === 'number' ? indices : lax.reshape(lax.gather(a, indices, axis), outShape);
  });
}
