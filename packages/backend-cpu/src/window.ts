/**
 * `reduceWindow`: sum/max/min pooling over every dim of the operand, with strides, padding,
 * base dilation and window dilation (`lax.reduce_window`). Padding and dilation holes hold the
 * reduction's identity, so they are simply skipped; a window with no real element gives the
 * identity. Float sums accumulate in float64.
 */
import type { DType, WindowParams } from '@tensile/core';
import { identity } from './reduce.js';
import { type ArrayOut, type ArrayView, checkShape, type NumericArray } from './strided.js';
import { forEachWindow, windowOutputSize } from './window-taps.js';

/**
 * Reduce each window of `x` to one output element.
 *
 * @example
 * // 2×2 max pooling with stride 2 over a 4×4 image → 2×2
 * reduceWindow('max', x, { windowDimensions: [2, 2], windowStrides: [2, 2], padding: [[0, 0], [0, 0]],
 *   baseDilation: [1, 1], windowDilation: [1, 1] }, out);
 */
export function reduceWindow(
  op: 'sum' | 'max' | 'min',
  x: ArrayView,
  params: WindowParams,
  out: ArrayOut,
): void {
  const kind = windowKind(op, x.dtype);
  const rank = x.shape.length;
  const { windowDimensions, windowStrides, padding, baseDilation, windowDilation } = params;
  if (
    [windowDimensions, windowStrides, padding, baseDilation, windowDilation].some(
      (p) => p.length !== rank,
    )
  ) {
    throw new Error(
      `reduceWindow: every window parameter needs ${rank} entries for shape [${x.shape}]`,
    );
  }
  const outputShape = x.shape.map((n, d) =>
    windowOutputSize(
      n,
      windowDimensions[d],
      windowStrides[d],
      padding[d][0],
      padding[d][1],
      baseDilation[d],
      windowDilation[d],
    ),
  );
  checkShape('reduceWindow', 'output', out.shape, outputShape);
  const init = identity(op, x.dtype);
  const data = x.data;
  const target = out.data;
  const geometry = {
    inputShape: x.shape,
    outputShape,
    windowShape: windowDimensions,
    strides: windowStrides,
    padLow: padding.map((p) => p[0]),
    baseDilation,
    windowDilation,
  };
  forEachWindow(
    geometry,
    x.strides,
    windowDimensions.map(() => 0),
    (o, count, inputs) => {
      target[o] = foldTaps(kind, init, data, x.offset, count, inputs);
    },
  );
}

/** How taps combine: float sums in float64, integer sums wrapping. */
type WindowKind = 'floatSum' | 'intSum' | 'max' | 'min';

function windowKind(op: 'sum' | 'max' | 'min', dtype: DType): WindowKind {
  if (op !== 'sum') return op;
  if (dtype === 'bool') throw new Error("reduceWindow: op 'sum' does not accept dtype bool");
  return dtype === 'float32' ? 'floatSum' : 'intSum';
}

/** Combine `data[base + offsets[j]]` for `j < count` into `acc`. */
function foldTaps(
  kind: WindowKind,
  acc: number,
  data: NumericArray,
  base: number,
  count: number,
  offsets: Int32Array,
): number {
  switch (kind) {
    case 'floatSum':
      for (let j = 0; j < count; j++) acc += data[base + offsets[j]];
      return acc;
    case 'intSum':
      for (let j = 0; j < count; j++) acc = (acc + data[base + offsets[j]]) | 0;
      return acc;
    case 'max':
      for (let j = 0; j < count; j++) acc = Math.max(acc, data[base + offsets[j]]);
      return acc;
    case 'min':
      for (let j = 0; j < count; j++) acc = Math.min(acc, data[base + offsets[j]]);
      return acc;
  }
}
