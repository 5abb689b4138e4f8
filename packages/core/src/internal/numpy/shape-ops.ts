/**
 * Rearranging a tensor's axes without changing its elements: `reshape`,
 * `transpose`, `squeeze`, `expandDims`, `broadcastTo`, `flip`, `moveaxis`, …
 * and `astype`. Each validates its arguments and reports the shapes
 * involved; the primitives underneath are zero-copy views where possible.
 */
import { Tensor, type TensorLike } from '../core/tensor.js';
import { checkDType, type DType } from '../dtype.js';
import { fmtShape, ShapeError, ValueError } from '../errors.js';
import * as lax from '../lax/primitive-ops.js';
import {
  broadcastShapes,
  checkPermutation,
  normalizeAxes,
  normalizeAxis,
  range,
  sizeOf,
} from '../shape.js';
import { freeIntermediates } from './intermediates.js';
import { asTensor, broadcastToShape } from './promotion.js';

/**
 * Give `x` a new shape with the same number of elements; one dim may be -1 (inferred).
 *
 * @example
 * np.reshape(np.arange(6), [2, -1])  // shape [2, 3]
 */
export function reshape(x: TensorLike, shape: readonly number[]): Tensor {
  const a = asTensor('reshape', x);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= -1)) {
    throw new ShapeError(
      `reshape: shape must be an array of integers >= -1, got ${JSON.stringify(shape)}`,
    );
  }
  const unknown = shape.filter((d) => d === -1).length;
  if (unknown > 1)
    throw new ShapeError(`reshape: only one dimension can be -1, got ${fmtShape(shape)}`);
  let target = shape;
  if (unknown === 1) {
    const known = sizeOf(shape.filter((d) => d !== -1));
    if (known === 0 || a.size % known !== 0) {
      throw new ShapeError(
        `reshape: cannot reshape ${fmtShape(a.shape)} (${a.size} elements) into ${fmtShape(shape)}`,
      );
    }
    target = shape.map((d) => (d === -1 ? a.size / known : d));
  }
  if (sizeOf(target) !== a.size) {
    throw new ShapeError(
      `reshape: cannot reshape ${fmtShape(a.shape)} (${a.size} elements) into ${fmtShape(shape)}`,
    );
  }
  return lax.reshape(a, target);
}

/**
 * Flatten to 1-D.
 *
 * @example
 * np.ravel(np.ones([2, 3])).shape  // [6]
 */
export function ravel(x: TensorLike): Tensor {
  const a = asTensor('ravel', x);
  return lax.reshape(a, [a.size]);
}

/**
 * Permute axes (reverse them when `axes` is omitted); negative axes count from the end.
 *
 * @example
 * np.transpose(np.ones([2, 3, 4]), [2, 0, 1]).shape  // [4, 2, 3]
 */
export function transpose(x: TensorLike, axes?: readonly number[]): Tensor {
  const a = asTensor('transpose', x);
  const perm =
    axes === undefined ? range(a.ndim).reverse() : checkPermutation('transpose', axes, a.ndim);
  return lax.transpose(a, perm);
}

/**
 * Exchange two axes.
 *
 * @example
 * np.swapaxes(np.ones([2, 3, 4]), 0, 2).shape  // [4, 3, 2]
 */
export function swapaxes(x: TensorLike, axis1: number, axis2: number): Tensor {
  const a = asTensor('swapaxes', x);
  const i = normalizeAxis('swapaxes', axis1, a.ndim);
  const j = normalizeAxis('swapaxes', axis2, a.ndim);
  const perm = range(a.ndim);
  perm[i] = j;
  perm[j] = i;
  return lax.transpose(a, perm);
}

/**
 * Move axes `source` to positions `destination`, keeping the order of the others.
 *
 * @example
 * np.moveaxis(np.ones([2, 3, 4]), 0, -1).shape  // [3, 4, 2]
 */
export function moveaxis(
  x: TensorLike,
  source: number | readonly number[],
  destination: number | readonly number[],
): Tensor {
  const a = asTensor('moveaxis', x);
  const src = (typeof source === 'number' ? [source] : source).map((s) =>
    normalizeAxis('moveaxis', s, a.ndim),
  );
  const dst = (typeof destination === 'number' ? [destination] : destination).map((d) =>
    normalizeAxis('moveaxis', d, a.ndim),
  );
  if (src.length !== dst.length) {
    throw new ValueError(
      `moveaxis: source ${JSON.stringify(source)} and destination ${JSON.stringify(destination)} differ in length`,
    );
  }
  if (new Set(src).size !== src.length || new Set(dst).size !== dst.length) {
    throw new ValueError('moveaxis: repeated axis in source or destination');
  }
  const rest = range(a.ndim).filter((i) => !src.includes(i));
  const perm = new Array<number>(a.ndim);
  dst.forEach((d, k) => {
    perm[d] = src[k] as number;
  });
  let r = 0;
  for (let i = 0; i < a.ndim; i++) if (perm[i] === undefined) perm[i] = rest[r++] as number;
  return lax.transpose(a, perm);
}

/**
 * Insert size-1 axes at `axis` (positions in the result; negative counts from its end).
 *
 * @example
 * np.expandDims(np.ones([3]), 0).shape        // [1, 3]
 * np.expandDims(np.ones([3]), [0, -1]).shape  // [1, 3, 1]
 */
export function expandDims(x: TensorLike, axis: number | readonly number[]): Tensor {
  const a = asTensor('expandDims', x);
  const list = typeof axis === 'number' ? [axis] : axis;
  const outNdim = a.ndim + list.length;
  const axes = normalizeAxes('expandDims', list, outNdim);
  const shape: number[] = [];
  let k = 0;
  for (let i = 0; i < outNdim; i++) shape.push(axes.includes(i) ? 1 : (a.shape[k++] as number));
  return lax.reshape(a, shape);
}

/**
 * Remove size-1 axes: all of them, or the given ones (which must have size 1).
 *
 * @example
 * np.squeeze(np.ones([1, 3, 1])).shape             // [3]
 * np.squeeze(np.ones([1, 3, 1]), 0).shape          // [3, 1]
 */
export function squeeze(x: TensorLike, axis?: number | readonly number[] | null): Tensor {
  const a = asTensor('squeeze', x);
  const axes =
    axis === undefined || axis === null
      ? range(a.ndim).filter((i) => a.shape[i] === 1)
      : normalizeAxes('squeeze', axis, a.ndim);
  for (const i of axes) {
    if (a.shape[i] !== 1) {
      throw new ShapeError(
        `squeeze: cannot squeeze axis ${i} of size ${a.shape[i]} in ${fmtShape(a.shape)}`,
      );
    }
  }
  return lax.reshape(
    a,
    a.shape.filter((_, i) => !axes.includes(i)),
  );
}

/**
 * Broadcast `x` to `shape` by NumPy rules.
 *
 * @example
 * np.broadcastTo(np.array([1, 2, 3]), [2, 3])  // [[1, 2, 3], [1, 2, 3]]
 */
export function broadcastTo(x: TensorLike, shape: readonly number[]): Tensor {
  const a = asTensor('broadcastTo', x);
  const fail = () =>
    new ShapeError(`broadcastTo: cannot broadcast ${fmtShape(a.shape)} to ${fmtShape(shape)}`);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) throw fail();
  if (a.ndim > shape.length) throw fail();
  const lead = shape.length - a.ndim;
  a.shape.forEach((d, i) => {
    if (d !== 1 && d !== shape[lead + i]) throw fail();
  });
  return freeIntermediates(() => broadcastToShape(a, shape));
}

/**
 * Broadcast tensors against each other to their common shape.
 *
 * @example
 * const [a, b] = np.broadcastArrays(np.ones([3, 1]), np.ones([4]));  // both [3, 4]
 */
export function broadcastArrays(...xs: readonly TensorLike[]): Tensor[] {
  const tensors = xs.map((x) => asTensor('broadcastArrays', x));
  const shape = broadcastShapes('broadcastArrays', ...tensors.map((t) => t.shape));
  return freeIntermediates(() => tensors.map((t) => broadcastToShape(t, shape)));
}

/**
 * Reverse the order of elements along `axis` (all axes when omitted).
 *
 * @example
 * np.flip(np.array([1, 2, 3]))  // [3, 2, 1]
 */
export function flip(x: TensorLike, axis?: number | readonly number[] | null): Tensor {
  const a = asTensor('flip', x);
  return lax.rev(a, normalizeAxes('flip', axis, a.ndim));
}

function requireRank(op: string, a: Tensor, rank: number): void {
  if (a.ndim < rank)
    throw new ShapeError(`${op}: needs a tensor of rank >= ${rank}, got ${a.aval.toString()}`);
}

/**
 * Reverse the columns (axis 1).
 *
 * @example
 * np.fliplr(np.array([[1, 2], [3, 4]]))  // [[2, 1], [4, 3]]
 */
export function fliplr(x: TensorLike): Tensor {
  const a = asTensor('fliplr', x);
  requireRank('fliplr', a, 2);
  return lax.rev(a, [1]);
}

/**
 * Reverse the rows (axis 0).
 *
 * @example
 * np.flipud(np.array([[1, 2], [3, 4]]))  // [[3, 4], [1, 2]]
 */
export function flipud(x: TensorLike): Tensor {
  const a = asTensor('flipud', x);
  requireRank('flipud', a, 1);
  return lax.rev(a, [0]);
}

function atLeast(op: string, x: TensorLike, rank: number): Tensor {
  const a = asTensor(op, x);
  if (a.ndim >= rank) return a;
  if (rank === 3 && a.ndim === 2) return lax.reshape(a, [...a.shape, 1]);
  if (rank === 3 && a.ndim === 1) return lax.reshape(a, [1, ...a.shape, 1]);
  return lax.reshape(a, [...new Array<number>(rank - a.ndim).fill(1), ...a.shape]);
}

/**
 * `x` with at least one dimension.
 *
 * @example
 * np.atleast1d(np.scalar(3)).shape  // [1]
 */
export const atleast1d = (x: TensorLike): Tensor => atLeast('atleast1d', x, 1);
/**
 * `x` with at least two dimensions (1-D `[n]` becomes `[1, n]`).
 *
 * @example
 * np.atleast2d(np.ones([3])).shape  // [1, 3]
 */
export const atleast2d = (x: TensorLike): Tensor => atLeast('atleast2d', x, 2);
/**
 * `x` with at least three dimensions (`[n]` → `[1, n, 1]`, `[m, n]` → `[m, n, 1]`).
 *
 * @example
 * np.atleast3d(np.ones([3])).shape  // [1, 3, 1]
 */
export const atleast3d = (x: TensorLike): Tensor => atLeast('atleast3d', x, 3);

/**
 * Convert to `dtype` (float → int truncates toward zero; → bool is `x != 0`).
 *
 * @example
 * np.astype(np.array([1.7, -1.7]), 'int32')  // [1, -1]
 */
export function astype(x: TensorLike, dtype: DType): Tensor {
  const a = asTensor('astype', x);
  const target = checkDType('astype', dtype);
  if (a.dtype === target && !a.weakType) return a;
  return lax.convertElementType(a, target, false);
}

/**
 * Number of dimensions of `x`.
 *
 * @example
 * np.ndim(np.ones([2, 3]))  // 2
 */
export function ndim(x: TensorLike): number {
  return x instanceof Tensor ? x.ndim : 0;
}

/**
 * Shape of `x` (`[]` for JS scalars).
 *
 * @example
 * np.shape(np.ones([2, 3]))  // [2, 3]
 */
export function shape(x: TensorLike): readonly number[] {
  return x instanceof Tensor ? x.shape : [];
}

/**
 * Number of elements of `x`.
 *
 * @example
 * np.size(np.ones([2, 3]))  // 6
 */
export function size(x: TensorLike): number {
  return x instanceof Tensor ? x.size : 1;
}
