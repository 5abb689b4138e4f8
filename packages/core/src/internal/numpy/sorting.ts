/**
 * Sorting along an axis with the variadic `sort` primitive: `sort`,
 * `argsort` (sorts an iota alongside the keys) and `topK`. Sorts are
 * stable and put NaNs last; descending order reverses a stable ascending
 * sort of the reversed input, so ties keep their original order.
 */
import type { Tensor, TensorLike } from '../core/tensor.js';
import { ValueError } from '../errors.js';
import * as lax from '../lax/primitive-ops.js';
import { normalizeAxis } from '../shape.js';
import { freeIntermediates } from './intermediates.js';
import { asTensor, backendFor, constantLike } from './promotion.js';

/** Options of `sort`/`argsort`. */
export interface SortOptions {
  /** Axis to sort along (default -1; `null` sorts the flattened tensor). */
  axis?: number | null;
  /** Largest first (ties still keep their original order). */
  descending?: boolean;
  /** Accepted for JAX compatibility: sorts are always stable. */
  stable?: boolean;
}

function prepare(
  op: string,
  x: TensorLike,
  axisOption: number | null | undefined,
): { a: Tensor; axis: number } {
  let a = asTensor(op, x);
  if (axisOption === null) a = lax.reshape(a, [a.size]);
  if (a.ndim === 0) throw new ValueError(`${op}: cannot sort a zero-dimensional tensor`);
  return { a, axis: normalizeAxis(op, axisOption ?? -1, a.ndim) };
}

/** Bools sort as int32 (false < true). */
function sortable(a: Tensor): Tensor {
  return a.dtype === 'bool' ? lax.convertElementType(a, 'int32', false) : a;
}

/**
 * Sorted copy along `axis` (NaNs last; descending puts them first).
 *
 * @example
 * np.sort(np.array([3, 1, 2]))                           // [1, 2, 3]
 * np.sort(np.array([3, 1, 2]), { descending: true })     // [3, 2, 1]
 */
export function sort(x: TensorLike, options: SortOptions = {}): Tensor {
  return freeIntermediates(() => {
    const { a, axis } = prepare('sort', x, options.axis);
    const keys = sortable(a);
    let [sorted] = lax.sort([keys], axis, 1) as [Tensor];
    if (options.descending) sorted = lax.rev(sorted, [axis]);
    return sorted.dtype === a.dtype ? sorted : lax.convertElementType(sorted, a.dtype, false);
  });
}

/**
 * Indices (int32) that sort `x` along `axis`; ties keep their original order.
 *
 * @example
 * np.argsort(np.array([3, 1, 2]))                         // [1, 2, 0]
 * np.argsort(np.array([1, 3, 3]), { descending: true })   // [1, 2, 0]
 */
export function argsort(x: TensorLike, options: SortOptions = {}): Tensor {
  return freeIntermediates(() => {
    const { a, axis } = prepare('argsort', x, options.axis);
    const n = a.shape[axis] as number;
    const keys = options.descending ? lax.rev(sortable(a), [axis]) : sortable(a);
    const iota = lax.iota(a.shape, 'int32', axis, backendFor([a]));
    const [, order] = lax.sort([keys, iota], axis, 1) as [Tensor, Tensor];
    if (!options.descending) return order;
    return lax.sub(constantLike(order, n - 1), lax.rev(order, [axis]));
  });
}

/**
 * The `k` largest entries along the last axis, largest first, and their indices.
 *
 * @example
 * const [values, indices] = np.topK(np.array([1, 4, 2, 8]), 2);  // [8, 4], [3, 1]
 */
export function topK(x: TensorLike, k: number): [Tensor, Tensor] {
  return freeIntermediates(() => {
    const { a, axis } = prepare('topK', x, -1);
    const n = a.shape[axis] as number;
    if (!Number.isInteger(k) || k < 0 || k > n)
      throw new ValueError(`topK: k must be an integer in [0, ${n}], got ${k}`);
    const order = argsort(a, { axis, descending: true });
    const start = a.shape.map(() => 0);
    const limit = a.shape.map((d, i) => (i === axis ? k : d));
    const indices = lax.slice(order, start, limit);
    const values = lax.slice(sort(a, { axis, descending: true }), start, limit);
    return [values, indices];
  }) as [Tensor, Tensor];
}
