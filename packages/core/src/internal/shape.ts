/**
 * Shape arithmetic shared by every layer: sizes, row-major strides, NumPy
 * broadcasting and axis normalisation, each with error messages that name
 * the op and the shapes involved.
 */
import { fmtShape, ShapeError, ValueError } from './errors.js';

/** A tensor shape: one non-negative integer per dimension. */
export type Shape = readonly number[];

/** Number of elements of `shape` (1 for a scalar). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major (C-order) strides of `shape`, in elements. */
export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i] as number;
  }
  return strides;
}

/** True when two shapes are equal. */
export function shapesEqual(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Validate a user-given shape: integers ≥ 0. */
export function checkShape(op: string, shape: unknown): number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new ShapeError(
      `${op}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`,
    );
  }
  return shape as number[];
}

/**
 * The NumPy broadcast of several shapes.
 *
 * @example
 * broadcastShapes('add', [3, 1], [4])  // [3, 4]
 */
export function broadcastShapes(op: string, ...shapes: Shape[]): number[] {
  const ndim = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(ndim).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const j = ndim - s.length + i;
      const d = s[i] as number;
      const o = out[j] as number;
      if (o === 1) out[j] = d;
      else if (d !== 1 && d !== o) {
        throw new ShapeError(
          `${op}: shapes ${shapes.map(fmtShape).join(', ')} cannot be broadcast together`,
        );
      }
    }
  }
  return out;
}

/**
 * Turn a possibly negative axis into `0..ndim-1`, or throw naming the op.
 *
 * @example
 * normalizeAxis('sum', -1, 3)  // 2
 */
export function normalizeAxis(op: string, axis: number, ndim: number): number {
  if (!Number.isInteger(axis) || axis < -ndim || axis >= ndim) {
    throw new ValueError(`${op}: axis ${axis} is out of bounds for a tensor of rank ${ndim}`);
  }
  return axis < 0 ? axis + ndim : axis;
}

/** Normalise a list of axes (or all axes when `undefined`), rejecting duplicates. Sorted ascending. */
export function normalizeAxes(
  op: string,
  axes: number | readonly number[] | undefined | null,
  ndim: number,
): number[] {
  if (axes === undefined || axes === null) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof axes === 'number' ? [axes] : axes;
  const out = list.map((a) => normalizeAxis(op, a, ndim));
  if (new Set(out).size !== out.length)
    throw new ValueError(`${op}: repeated axis in ${JSON.stringify(list)}`);
  return out.sort((a, b) => a - b);
}

/** Check that `perm` is a permutation of `0..ndim-1`. */
export function checkPermutation(op: string, perm: readonly number[], ndim: number): number[] {
  const norm = perm.map((a) => normalizeAxis(op, a, ndim));
  if (norm.length !== ndim || new Set(norm).size !== ndim) {
    throw new ValueError(`${op}: ${JSON.stringify(perm)} is not a permutation of ${ndim} axes`);
  }
  return norm;
}

/** The inverse of a permutation. */
export function invertPermutation(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => {
    inv[p] = i;
  });
  return inv;
}

/** `[0, 1, …, n-1]`. */
export function range(n: number, start = 0): number[] {
  return Array.from({ length: Math.max(0, n - start) }, (_, i) => i + start);
}
