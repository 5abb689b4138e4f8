/**
 * Supervised windows over a time series for one-step (or `horizon`-step) forecasting: input `x` is
 * `length` consecutive values, target `y` the `horizon` values right after them.
 */
import { ValueError } from '@tensile/core';
import { ArrayDataset } from '../array-dataset.js';
import type { HostTensor } from '../host-tensor.js';

/** Options of `slidingWindows`. */
export interface WindowOptions {
  /** Values per input window. */
  readonly length: number;
  /** Values to predict after each window (default 1). */
  readonly horizon?: number;
  /** Step between window starts (default 1). */
  readonly stride?: number;
}

/**
 * `x: float32[N, length, 1]` (a sequence of one feature, as recurrent layers take it) and
 * `y: float32[N, horizon]`.
 *
 * @example
 * slidingWindows([1, 2, 3, 4, 5], { length: 3 })
 * // x [[[1],[2],[3]], [[2],[3],[4]]], y [[4], [5]]
 */
export function slidingWindows(
  series: ArrayLike<number>,
  options: WindowOptions,
): ArrayDataset<{ x: HostTensor; y: HostTensor }> {
  const { length, horizon = 1, stride = 1 } = options;
  for (const [name, v] of [
    ['length', length],
    ['horizon', horizon],
    ['stride', stride],
  ] as const) {
    if (!Number.isInteger(v) || v < 1)
      throw new ValueError(`slidingWindows: ${name} must be a positive integer, got ${v}`);
  }
  const span = length + horizon;
  const count = series.length < span ? 0 : Math.floor((series.length - span) / stride) + 1;
  const x = new Float32Array(count * length);
  const y = new Float32Array(count * horizon);
  for (let w = 0; w < count; w++) {
    const start = w * stride;
    for (let i = 0; i < length; i++) x[w * length + i] = series[start + i] as number;
    for (let i = 0; i < horizon; i++) y[w * horizon + i] = series[start + length + i] as number;
  }
  return ArrayDataset.fromColumns({
    x: { data: x, shape: [count, length, 1], dtype: 'float32' },
    y: { data: y, shape: [count, horizon], dtype: 'float32' },
  });
}
