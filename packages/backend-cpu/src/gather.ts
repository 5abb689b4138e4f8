/**
 * Indexing along one axis: `gather` (`x.take(indices, axis)`) and its transpose `scatterAdd`.
 *
 * Both split the operand into outer dims × the indexed axis × inner dims, precompute the element
 * offsets of the outer and inner positions once, and then run a triple loop with no per-element
 * index arithmetic beyond two additions. Indices are int32 and already clamped by the core; they
 * are clamped again here so a bad index can never read or write outside the buffer.
 */
import { copy } from './elementwise.js';
import {
  type ArrayOut,
  type ArrayView,
  checkShape,
  elementOffsets,
  type NumericArray,
} from './strided.js';

/**
 * `out = x.take(indices, axis)`: output shape `x.shape[:axis] + indices.shape + x.shape[axis+1:]`.
 *
 * @example
 * // x: [[1, 2, 3], [4, 5, 6]], indices: [2, 0] along axis 1 → [[3, 1], [6, 4]]
 * gather(x, indices, 1, out);
 */
export function gather(x: ArrayView, indices: ArrayView, axis: number, out: ArrayOut): void {
  const { shape, strides } = x;
  checkAxis('gather', shape, axis);
  checkShape('gather', 'output', out.shape, [
    ...shape.slice(0, axis),
    ...indices.shape,
    ...shape.slice(axis + 1),
  ]);
  const index = clampedIndices('gather', indices, shape[axis]);
  const outer = elementOffsets(shape.slice(0, axis), strides.slice(0, axis), x.offset);
  const inner = elementOffsets(shape.slice(axis + 1), strides.slice(axis + 1), 0);
  const axisStride = strides[axis];
  const source = x.data;
  const target = out.data;
  let w = 0;
  for (let o = 0; o < outer.length; o++) {
    for (let p = 0; p < index.length; p++) {
      const base = outer[o] + index[p] * axisStride;
      for (let q = 0; q < inner.length; q++) target[w++] = source[base + inner[q]];
    }
  }
}

/**
 * `out = operand` with `updates` added at `indices` along `axis`; duplicate indices accumulate.
 * `updates.shape` is `operand.shape[:axis] + indices.shape + operand.shape[axis+1:]`. Float adds
 * round to float32 one by one, integer adds wrap, bool adds are logical or.
 *
 * @example
 * // operand: [0, 0, 0], indices: [1, 1, 2], updates: [1, 2, 3] → [0, 3, 3]
 * scatterAdd(operand, indices, updates, 0, out);
 */
export function scatterAdd(
  operand: ArrayView,
  indices: ArrayView,
  updates: ArrayView,
  axis: number,
  out: ArrayOut,
): void {
  const { shape } = operand;
  checkAxis('scatterAdd', shape, axis);
  checkShape('scatterAdd', 'output', out.shape, shape);
  const indexRank = indices.shape.length;
  checkShape('scatterAdd', 'updates', updates.shape, [
    ...shape.slice(0, axis),
    ...indices.shape,
    ...shape.slice(axis + 1),
  ]);
  copy(operand, out);
  const index = clampedIndices('scatterAdd', indices, shape[axis]);
  const { strides } = updates;
  const indexEnd = axis + indexRank;
  const updateOuter = elementOffsets(
    updates.shape.slice(0, axis),
    strides.slice(0, axis),
    updates.offset,
  );
  const updateAtIndex = elementOffsets(indices.shape, strides.slice(axis, indexEnd), 0);
  const updateInner = elementOffsets(updates.shape.slice(indexEnd), strides.slice(indexEnd), 0);
  const innerSize = updateInner.length;
  const lineSize = shape[axis] * innerSize;
  const source = updates.data;
  const target = out.data;
  const logical = out.dtype === 'bool';
  for (let o = 0; o < updateOuter.length; o++) {
    for (let p = 0; p < index.length; p++) {
      const from = updateOuter[o] + updateAtIndex[p];
      const to = o * lineSize + index[p] * innerSize;
      addRow(logical, innerSize, target, to, source, from, updateInner);
    }
  }
}

/** `target[to + q] += source[from + offsets[q]]` (or `|=` for bool). */
function addRow(
  logical: boolean,
  n: number,
  target: NumericArray,
  to: number,
  source: NumericArray,
  from: number,
  offsets: Float64Array,
): void {
  if (logical) for (let q = 0; q < n; q++) target[to + q] |= source[from + offsets[q]];
  else for (let q = 0; q < n; q++) target[to + q] += source[from + offsets[q]];
}

function checkAxis(method: string, shape: readonly number[], axis: number): void {
  if (!(axis >= 0 && axis < shape.length)) {
    throw new Error(`${method}: axis ${axis} is out of range for shape [${shape}]`);
  }
}

/** The indices in row-major order, clamped into `[0, length)`. */
function clampedIndices(method: string, indices: ArrayView, length: number): Int32Array {
  const offsets = elementOffsets(indices.shape, indices.strides, indices.offset);
  if (length === 0 && offsets.length > 0)
    throw new Error(`${method}: cannot index an axis of length 0`);
  const index = new Int32Array(offsets.length);
  for (let i = 0; i < offsets.length; i++)
    index[i] = Math.min(Math.max(indices.data[offsets[i]], 0), length - 1);
  return index;
}
