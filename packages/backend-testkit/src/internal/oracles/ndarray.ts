/**
 * Index arithmetic for the reference implementations: converting between flat row-major
 * positions and multi-indices, and visiting every index of a shape. Deliberately naive —
 * oracles favour obviousness over speed.
 */
import { rowMajorStrides, sizeOf } from '../host-data.js';

/**
 * The multi-index of row-major position `flat` in `shape`.
 *
 * @example
 * unravel(5, [2, 3]) // [1, 2]
 */
export function unravel(flat: number, shape: readonly number[]): number[] {
  const strides = rowMajorStrides(shape);
  return shape.map((n, d) => Math.floor(flat / (strides[d] as number)) % n);
}

/**
 * The row-major position of multi-index `index` in `shape`.
 *
 * @example
 * ravel([1, 2], [2, 3]) // 5
 */
export function ravel(index: readonly number[], shape: readonly number[]): number {
  const strides = rowMajorStrides(shape);
  return index.reduce((flat, i, d) => flat + i * (strides[d] as number), 0);
}

/**
 * Call `visit` with every multi-index of `shape` in row-major order (and its flat position).
 *
 * @example
 * forEachIndex([2, 2], (index, flat) => console.log(flat, index)); // 0 [0,0], 1 [0,1], 2 [1,0], 3 [1,1]
 */
export function forEachIndex(
  shape: readonly number[],
  visit: (index: number[], flat: number) => void,
): void {
  const size = sizeOf(shape);
  for (let flat = 0; flat < size; flat++) visit(unravel(flat, shape), flat);
}
