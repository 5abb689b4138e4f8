/**
 * Strided iteration: the loop machinery every CPU kernel shares.
 *
 * Kernels see their operands as `ArrayView`s (a typed array plus shape, strides and offset in
 * elements). `forEachRow` walks any number of same-shape operands in row-major order, after
 * merging the dims that are contiguous for *every* operand, and hands each innermost run (a
 * "row") to the kernel as (length, start offsets, steps). A contiguous operand therefore arrives
 * as one long row and the kernel's loop is a plain `for` over it; broadcast (stride 0), flipped
 * (negative stride) and offset views need no copy. There is no allocation and no call per
 * element: the kernel owns the inner loop, and the visitor is called once per row.
 */
import type { DType } from '@tensile/core';

/**
 * The typed arrays kernels read and write: one per dtype (`bool` is a 0/1 `Uint8Array`), plus
 * `Float64Array` for the float64 scratch that float32 accumulations run in.
 *
 * @example
 * const scratch: NumericArray = new Float64Array(16);
 */
export type NumericArray = Float32Array | Int32Array | Uint32Array | Uint8Array | Float64Array;

/**
 * A kernel operand: a typed array over a whole buffer plus a strided window onto it.
 *
 * @example
 * // The transpose of a contiguous 2×3 matrix held in `data`:
 * const xT: ArrayView = { data, dtype: 'float32', shape: [3, 2], strides: [1, 3], offset: 0 };
 */
export interface ArrayView {
  readonly data: NumericArray;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

/**
 * A kernel result: a typed array written contiguously, row-major, from element 0.
 *
 * @example
 * const out: ArrayOut = { data: new Float32Array(6), dtype: 'float32', shape: [2, 3] };
 */
export interface ArrayOut {
  readonly data: NumericArray;
  readonly dtype: DType;
  readonly shape: readonly number[];
}

/**
 * Number of elements of a shape (1 for a scalar).
 *
 * @example
 * sizeOf([2, 3, 4]) // 24
 * sizeOf([])        // 1
 */
export function sizeOf(shape: readonly number[]): number {
  let size = 1;
  for (const n of shape) size *= n;
  return size;
}

/**
 * Row-major strides of a contiguous array of `shape`.
 *
 * @example
 * contiguousStrides([2, 3, 4]) // [12, 4, 1]
 */
export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = stride;
    stride *= shape[d];
  }
  return strides;
}

/**
 * `list` without the entry at `axis`.
 *
 * @example
 * removeAxis([2, 3, 4], 1) // [2, 4]
 */
export function removeAxis<T>(list: readonly T[], axis: number): T[] {
  return [...list.slice(0, axis), ...list.slice(axis + 1)];
}

/**
 * Merge dims that every operand steps through contiguously, and drop size-1 dims.
 * The result walks the same elements in the same order with as few dims as possible.
 *
 * @example
 * // A contiguous 2×3×4 array and a broadcast row: the first two dims merge for both.
 * collapseDims([2, 3, 4], [[12, 4, 1], [0, 0, 1]]) // { shape: [6, 4], strides: [[4, 1], [0, 1]] }
 */
export function collapseDims(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
): { shape: number[]; strides: number[][] } {
  const merged: number[] = [];
  const mergedStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d];
    if (size === 1) continue;
    const last = merged.length - 1;
    if (last >= 0 && strides.every((s, k) => mergedStrides[k][last] === s[d] * size)) {
      merged[last] *= size;
      strides.forEach((s, k) => {
        mergedStrides[k][last] = s[d];
      });
    } else {
      merged.push(size);
      strides.forEach((s, k) => {
        mergedStrides[k].push(s[d]);
      });
    }
  }
  return { shape: merged, strides: mergedStrides };
}

/**
 * Called once per innermost run: operand `k` is read at `starts[k] + i * steps[k]` for
 * `i < length`. The arrays are reused between calls; read them, never keep or modify them.
 *
 * @example
 * // Sum one operand row by row.
 * const sumRows: RowVisitor = (n, at, step) => {
 *   for (let i = 0; i < n; i++) total += data[at[0] + i * step[0]];
 * };
 */
export type RowVisitor = (
  length: number,
  starts: readonly number[],
  steps: readonly number[],
) => void;

/**
 * Visit the elements of several same-shape operands in row-major order, one row at a time.
 * `strides[k]` and `offsets[k]` describe operand `k`; nothing is visited for an empty shape.
 *
 * @example
 * // out[i] = x[i] for a flipped vector x (stride -1, offset 4): one row of length 5.
 * forEachRow([5], [[-1], [1]], [4, 0], (n, at, step) => {
 *   for (let i = 0; i < n; i++) out[at[1] + i] = x[at[0] + i * step[0]];
 * });
 */
export function forEachRow(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
  offsets: readonly number[],
  visit: RowVisitor,
): void {
  if (sizeOf(shape) === 0) return;
  const loop = collapseDims(shape, strides);
  const starts = offsets.slice();
  const rank = loop.shape.length;
  if (rank === 0) {
    const noSteps = offsets.map(() => 0);
    visit(1, starts, noSteps);
    return;
  }
  const inner = rank - 1;
  const steps = loop.strides.map((s) => s[inner]);
  const operands = starts.length;
  const counter = new Array<number>(inner).fill(0);
  const rows = sizeOf(loop.shape) / loop.shape[inner];
  for (let row = 0; row < rows; row++) {
    visit(loop.shape[inner], starts, steps);
    // Odometer over the outer dims: bump the innermost one that has room, rewind the others.
    for (let d = inner - 1; d >= 0; d--) {
      if (++counter[d] < loop.shape[d]) {
        for (let k = 0; k < operands; k++) starts[k] += loop.strides[k][d];
        break;
      }
      counter[d] = 0;
      for (let k = 0; k < operands; k++) starts[k] -= loop.strides[k][d] * (loop.shape[d] - 1);
    }
  }
}

/**
 * The element offset of every position of a strided view, in row-major order.
 * Used where the positions are visited out of order (gather tables, sort lines, weight packing).
 *
 * @example
 * elementOffsets([2, 2], [1, 2], 0) // Float64Array [0, 2, 1, 3] (a transpose)
 */
export function elementOffsets(
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
): Float64Array {
  const offsets = new Float64Array(sizeOf(shape));
  let w = 0;
  forEachRow(shape, [strides], [offset], (n, at, step) => {
    const s = step[0];
    let p = at[0];
    for (let i = 0; i < n; i++, p += s) offsets[w++] = p;
  });
  return offsets;
}

/**
 * Throw unless `actual` equals `expected`, naming the method and what the shape is for.
 *
 * @example
 * checkShape('reduce', 'output', [2], [2]); // passes
 * checkShape('reduce', 'output', [3], [2]); // throws "reduce: output has shape [3], expected [2]"
 */
export function checkShape(
  method: string,
  what: string,
  actual: readonly number[],
  expected: readonly number[],
): void {
  if (actual.length !== expected.length || actual.some((n, d) => n !== expected[d])) {
    throw new Error(`${method}: ${what} has shape [${actual}], expected [${expected}]`);
  }
}
