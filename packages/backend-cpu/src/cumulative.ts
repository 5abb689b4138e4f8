/**
 * Inclusive scans (cumsum, cumprod, cummax, cummin) along one axis.
 *
 * The input is first copied into the result (a float64 scratch for float32, so partial sums
 * round once each), then each element is combined with its predecessor along the axis in place.
 * Both steps reuse other kernels: `copy` and `combineRow`, whose in-order loop turns into a scan
 * when its source is its destination one step behind.
 */
import type { ReduceOp } from '@tensile/core';
import { copy } from './elementwise.js';
import { combineKind, combineRow } from './reduce.js';
import { type ArrayOut, type ArrayView, checkShape, sizeOf } from './strided.js';

/**
 * Inclusive scan along `axis`; `reverse` scans from the end. Integer sums and products wrap;
 * float `max`/`min` propagate NaN.
 *
 * @example
 * // x: [1, 2, 3, 4]
 * cumulative('sum', x, 0, false, out); // [1, 3, 6, 10]
 * cumulative('sum', x, 0, true, out);  // [10, 9, 7, 4]
 */
export function cumulative(
  op: Extract<ReduceOp, 'sum' | 'prod' | 'max' | 'min'>,
  x: ArrayView,
  axis: number,
  reverse: boolean,
  out: ArrayOut,
): void {
  const kind = combineKind(op, x.dtype, 'cumulative');
  const { shape } = x;
  if (!(axis >= 0 && axis < shape.length)) {
    throw new Error(`cumulative: axis ${axis} is out of range for shape [${shape}]`);
  }
  checkShape('cumulative', 'output', out.shape, shape);
  const scan = x.dtype === 'float32' ? new Float64Array(sizeOf(shape)) : out.data;
  copy(x, { data: scan, dtype: x.dtype, shape });
  const length = shape[axis];
  const inner = sizeOf(shape.slice(axis + 1));
  const outer = sizeOf(shape.slice(0, axis));
  const line = length * inner;
  // Each element combines with its predecessor in scan order, one `step` back.
  const step = reverse ? -inner : inner;
  const first = reverse ? length - 1 : 0;
  if (inner >= length) {
    // Long rows across the axis: combine whole slices, slice after slice.
    for (let o = 0; o < outer; o++) {
      for (let j = 1; j < length; j++) {
        const previous = o * line + (reverse ? length - j : j - 1) * inner;
        combineRow(kind, inner, scan, previous + step, 1, scan, previous, 1);
      }
    }
  } else {
    // Long lines along the axis: one scan per line.
    for (let o = 0; o < outer; o++) {
      for (let q = 0; q < inner; q++) {
        const start = o * line + first * inner + q;
        combineRow(kind, length - 1, scan, start + step, step, scan, start, step);
      }
    }
  }
  if (scan !== out.data) out.data.set(scan);
}
