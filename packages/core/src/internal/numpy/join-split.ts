/**
 * Joining tensors (`concatenate`, `stack`, `hstack`, `vstack`, `dstack`)
 * and splitting one into pieces (`split`, `arraySplit`). Joined operands
 * are promoted to a common dtype, as in JAX.
 */
import type { Tensor, TensorLike } from '../core/tensor.js';
import { fmtShape, ShapeError, ValueError } from '../errors.js';
import * as lax from '../lax/primitive-ops.js';
import { normalizeAxis } from '../shape.js';
import { freeIntermediates } from './intermediates.js';
import { asTensor, promoteDTypes } from './promotion.js';
import { atleast1d, atleast2d, atleast3d, expandDims } from './shape-ops.js';

function checkList(op: string, xs: readonly TensorLike[]): void {
  if (!Array.isArray(xs))
    throw new ValueError(`${op}: expected an array of tensors, got ${typeof xs}`);
  if (xs.length === 0) throw new ValueError(`${op}: needs at least one tensor`);
}

/**
 * Join tensors along an existing `axis` (default 0; `null` flattens them first).
 *
 * @example
 * np.concatenate([np.ones([2, 3]), np.zeros([1, 3])]).shape          // [3, 3]
 * np.concatenate([a, b], { axis: -1 })
 */
export function concatenate(
  xs: readonly TensorLike[],
  options: { axis?: number | null } = {},
): Tensor {
  checkList('concatenate', xs);
  return freeIntermediates(() => {
    let tensors = promoteDTypes('concatenate', ...xs);
    if (options.axis === null) tensors = tensors.map((t) => lax.reshape(t, [t.size]));
    const first = tensors[0] as Tensor;
    if (first.ndim === 0)
      throw new ShapeError('concatenate: zero-dimensional tensors cannot be concatenated');
    const axis = normalizeAxis('concatenate', options.axis ?? 0, first.ndim);
    for (const t of tensors) {
      const ok =
        t.ndim === first.ndim && t.shape.every((d, i) => i === axis || d === first.shape[i]);
      if (!ok) {
        throw new ShapeError(
          `concatenate: shapes ${tensors.map((u) => fmtShape(u.shape)).join(', ')} must match except along axis ${axis}`,
        );
      }
    }
    return lax.concatenate(tensors, axis);
  });
}

/**
 * Join same-shape tensors along a new `axis` (default 0).
 *
 * @example
 * np.stack([np.ones([3]), np.zeros([3])]).shape            // [2, 3]
 * np.stack([a, b], { axis: -1 }).shape                      // [3, 2]
 */
export function stack(xs: readonly TensorLike[], options: { axis?: number } = {}): Tensor {
  checkList('stack', xs);
  return freeIntermediates(() => {
    const tensors = xs.map((x) => asTensor('stack', x));
    const first = tensors[0] as Tensor;
    for (const t of tensors) {
      if (t.ndim !== first.ndim || t.shape.some((d, i) => d !== first.shape[i])) {
        throw new ShapeError(
          `stack: all tensors need the same shape, got ${tensors.map((u) => fmtShape(u.shape)).join(', ')}`,
        );
      }
    }
    const axis = normalizeAxis('stack', options.axis ?? 0, first.ndim + 1);
    return concatenate(
      tensors.map((t) => expandDims(t, axis)),
      { axis },
    );
  });
}

/**
 * Join horizontally: along axis 1 (axis 0 for 1-D tensors).
 *
 * @example
 * np.hstack([np.ones([2, 1]), np.zeros([2, 3])]).shape  // [2, 4]
 */
export function hstack(xs: readonly TensorLike[]): Tensor {
  checkList('hstack', xs);
  return freeIntermediates(() => {
    const tensors = xs.map(atleast1d);
    return concatenate(tensors, { axis: (tensors[0] as Tensor).ndim === 1 ? 0 : 1 });
  });
}

/**
 * Join vertically: along axis 0, after making 1-D tensors rows.
 *
 * @example
 * np.vstack([np.ones([3]), np.zeros([3])]).shape  // [2, 3]
 */
export function vstack(xs: readonly TensorLike[]): Tensor {
  checkList('vstack', xs);
  return freeIntermediates(() => concatenate(xs.map(atleast2d), { axis: 0 }));
}

/**
 * Join along axis 2 (depth), after making tensors at least 3-D.
 *
 * @example
 * np.dstack([np.ones([2, 2]), np.zeros([2, 2])]).shape  // [2, 2, 2]
 */
export function dstack(xs: readonly TensorLike[]): Tensor {
  checkList('dstack', xs);
  return freeIntermediates(() => concatenate(xs.map(atleast3d), { axis: 2 }));
}

function pieces(x: Tensor, axis: number, bounds: readonly number[]): Tensor[] {
  return freeIntermediates(() =>
    bounds.slice(0, -1).map((start, i) => {
      const stop = bounds[i + 1] as number;
      return lax.slice(
        x,
        x.shape.map((_, d) => (d === axis ? start : 0)),
        x.shape.map((n, d) => (d === axis ? stop : n)),
      );
    }),
  );
}

function splitAt(
  op: string,
  x: TensorLike,
  spec: number | readonly number[],
  axisOption: number | undefined,
  equal: boolean,
): Tensor[] {
  const a = asTensor(op, x);
  if (a.ndim === 0) throw new ShapeError(`${op}: cannot split a zero-dimensional tensor`);
  const axis = normalizeAxis(op, axisOption ?? 0, a.ndim);
  const n = a.shape[axis] as number;
  let bounds: number[];
  if (typeof spec === 'number') {
    if (!Number.isInteger(spec) || spec <= 0)
      throw new ValueError(`${op}: number of sections must be a positive integer, got ${spec}`);
    if (equal && n % spec !== 0) {
      throw new ValueError(
        `${op}: axis ${axis} of size ${n} (shape ${fmtShape(a.shape)}) cannot be split into ${spec} equal sections`,
      );
    }
    const base = Math.floor(n / spec);
    const extra = n % spec;
    bounds = [0];
    for (let i = 0; i < spec; i++) bounds.push((bounds[i] as number) + base + (i < extra ? 1 : 0));
  } else {
    if (!Array.isArray(spec) || !spec.every(Number.isInteger)) {
      throw new ValueError(`${op}: indices must be integers, got ${JSON.stringify(spec)}`);
    }
    // Python slice semantics: negative indices count from the end, everything clamps into [0, n].
    const clamp = (i: number) => Math.min(n, Math.max(0, i < 0 ? i + n : i));
    bounds = [0, ...spec.map(clamp), n];
    for (let i = 1; i < bounds.length; i++)
      bounds[i] = Math.max(bounds[i] as number, bounds[i - 1] as number);
  }
  return pieces(a, axis, bounds);
}

/**
 * Split into `sections` equal pieces, or at the given `indices`, along `axis` (default 0).
 *
 * @example
 * np.split(np.arange(6), 3)         // [[0, 1], [2, 3], [4, 5]]
 * np.split(np.arange(6), [1, 4])    // [[0], [1, 2, 3], [4, 5]]
 */
export function split(
  x: TensorLike,
  sectionsOrIndices: number | readonly number[],
  options: { axis?: number } = {},
): Tensor[] {
  return splitAt('split', x, sectionsOrIndices, options.axis, true);
}

/**
 * Like `split`, but `sections` need not divide the axis (the first pieces get one more element).
 *
 * @example
 * np.arraySplit(np.arange(5), 2)  // [[0, 1, 2], [3, 4]]
 */
export function arraySplit(
  x: TensorLike,
  sectionsOrIndices: number | readonly number[],
  options: { axis?: number } = {},
): Tensor[] {
  return splitAt('arraySplit', x, sectionsOrIndices, options.axis, false);
}
