/**
 * Multi-operand stable sort along one axis (`lax.sort` with `num_keys`).
 *
 * Each line along the axis is sorted independently: the keys of the line are copied into float64
 * scratch, a permutation of `0…n-1` is sorted with `Array.prototype.sort` (stable by spec), and
 * every operand is written out through that permutation. The order is ascending and
 * lexicographic over the keys, NaN after everything else and -0 equal to +0, as JAX's sort.
 */
import {
  type ArrayOut,
  type ArrayView,
  checkShape,
  elementOffsets,
  removeAxis,
  sizeOf,
} from './strided.js';

/**
 * Sort `operands` along `axis` by their first `numKeys`; all operands move together.
 *
 * @example
 * // keys: [2, 1, 2, 1], values: [10, 20, 30, 40], numKeys 1
 * sort([keys, values], 0, 1, [sortedKeys, sortedValues]); // [1, 1, 2, 2], [20, 40, 10, 30]
 */
export function sort(
  operands: readonly ArrayView[],
  axis: number,
  numKeys: number,
  outs: readonly ArrayOut[],
): void {
  if (
    operands.length === 0 ||
    outs.length !== operands.length ||
    !(numKeys >= 1 && numKeys <= operands.length)
  ) {
    throw new Error(
      `sort: need as many outputs as operands (${operands.length}, ${outs.length}) and 1 ≤ numKeys (${numKeys}) ≤ operands`,
    );
  }
  const { shape } = operands[0];
  if (!(axis >= 0 && axis < shape.length)) {
    throw new Error(`sort: axis ${axis} is out of range for shape [${shape}]`);
  }
  for (const [k, operand] of operands.entries())
    checkShape('sort', `operand ${k}`, operand.shape, shape);
  for (const [k, out] of outs.entries()) checkShape('sort', `output ${k}`, out.shape, shape);
  const length = shape[axis];
  const inner = sizeOf(shape.slice(axis + 1));
  const otherShape = removeAxis(shape, axis);
  // Start of every line, per operand, in row-major order of the other dims.
  const lineStarts = operands.map((x) =>
    elementOffsets(otherShape, removeAxis(x.strides, axis), x.offset),
  );
  const keys = operands.slice(0, numKeys).map(() => new Float64Array(length));
  const order = Array.from({ length }, (_, j) => j);
  const compare = (i: number, j: number): number => {
    for (const key of keys) {
      const a = key[i];
      const b = key[j];
      if (a < b) return -1;
      if (a > b) return 1;
      const aNaN = Number.isNaN(a);
      if (aNaN !== Number.isNaN(b)) return aNaN ? 1 : -1;
    }
    return 0;
  };
  const lines = sizeOf(otherShape);
  for (let line = 0; line < lines; line++) {
    keys.forEach((key, k) => {
      const { data, strides } = operands[k];
      const step = strides[axis];
      for (let j = 0, p = lineStarts[k][line]; j < length; j++, p += step) key[j] = data[p];
    });
    for (let j = 0; j < length; j++) order[j] = j;
    order.sort(compare);
    // Line `line` of the output starts at (outer index * length) * inner + inner index.
    const outStart = Math.floor(line / inner) * length * inner + (line % inner);
    operands.forEach((operand, k) => {
      const { data, strides } = operand;
      const step = strides[axis];
      const start = lineStarts[k][line];
      const target = outs[k].data;
      for (let j = 0; j < length; j++) target[outStart + j * inner] = data[start + order[j] * step];
    });
  }
}
