/**
 * `avgPool2d`: average pooling over the last two axes as PyTorch's `nn.AvgPool2d`, including
 * `countIncludePad` (default true: zero padding counts in the divisor) and ceil mode (windows
 * running past the padded input only count their part inside it), for `[N, C, H, W]` or
 * unbatched `[C, H, W]` inputs.
 */
import { lax, np, scope, type Tensor } from '@tensile/core';
import { checkInput, nonNegativeInt, tuple } from '../internal/config.js';
import { checkPoolPadding, type WindowDim, windowPadding } from '../internal/pool-window.js';
import { defineModule, Module } from '../module.js';

/**
 * An average-pooling layer (no parameters).
 *
 * @example
 * const pool = avgPool2d.init({ kernelSize: 2 });
 */
export class AvgPool2d extends Module {
  declare readonly kernelSize: readonly number[];
  declare readonly stride: readonly number[];
  declare readonly padding: readonly number[];
  declare readonly ceilMode: boolean;
  declare readonly countIncludePad: boolean;
}

/** Options of `avgPool2d.init` (PyTorch's `AvgPool2d` arguments). */
export interface AvgPool2dConfig {
  kernelSize: number | readonly number[];
  /** Default: `kernelSize`. */
  stride?: number | readonly number[];
  /** Implicit zero padding on both sides (default 0, at most half the kernel). */
  padding?: number | readonly number[];
  /** Round the output size up instead of down (default false). */
  ceilMode?: boolean;
  /** Count the zero padding in the divisor (default true, as PyTorch). */
  countIncludePad?: boolean;
}

const make = defineModule(AvgPool2d, {
  children: [],
  statics: ['kernelSize', 'stride', 'padding', 'ceilMode', 'countIncludePad'],
  forward: (m, x) => [apply(m, x), null],
});

/**
 * A 2-D average-pooling layer.
 *
 * @example
 * const pool = avgPool2d.init({ kernelSize: 3, stride: 1, padding: 1, countIncludePad: false });
 */
export function init(config: AvgPool2dConfig): AvgPool2d {
  const op = 'avgPool2d.init';
  const kernelSize = tuple(op, 'kernelSize', config.kernelSize, 2);
  const padding = tuple(op, 'padding', config.padding ?? 0, 2, nonNegativeInt);
  checkPoolPadding(op, kernelSize, padding);
  return make({
    kernelSize,
    stride: tuple(op, 'stride', config.stride ?? kernelSize, 2),
    padding,
    ceilMode: config.ceilMode ?? false,
    countIncludePad: config.countIncludePad ?? true,
  });
}

/** How many elements of each window along one dim count in the divisor. */
function counts(d: WindowDim, outSize: number, includePad: boolean): number[] {
  const lo = includePad ? -d.padding : 0;
  const hi = includePad ? d.size + d.padding : d.size;
  return Array.from({ length: outSize }, (_, i) => {
    const start = i * d.stride - d.padding;
    return Math.max(0, Math.min(start + d.kernel, hi) - Math.max(start, lo));
  });
}

/**
 * The mean of each window of the last two axes.
 *
 * @example
 * const y = avgPool2d.apply(pool, x);
 */
export function apply(m: AvgPool2d, x: Tensor): Tensor {
  const op = 'avgPool2d';
  checkInput(op, x, [3, 4]);
  const lead = new Array<number>(x.ndim - 2).fill(1);
  const dims = [0, 1].map(
    (i): WindowDim => ({
      size: x.shape[x.ndim - 2 + i] as number,
      kernel: m.kernelSize[i] as number,
      stride: m.stride[i] as number,
      padding: m.padding[i] as number,
      dilation: 1,
      ceilMode: m.ceilMode,
    }),
  );
  const pads = dims.map((d) => windowPadding(op, d));
  return scope(() => {
    const sums = lax.reduceWindow(
      x,
      'sum',
      [...lead, ...m.kernelSize],
      [...lead, ...m.stride],
      [...lead.map((): [number, number] => [0, 0]), ...pads],
    );
    const [outH, outW] = sums.shape.slice(-2) as [number, number];
    const rows = counts(dims[0] as WindowDim, outH, m.countIncludePad);
    const cols = counts(dims[1] as WindowDim, outW, m.countIncludePad);
    const divisor = np.array(Float32Array.from(rows.flatMap((r) => cols.map((c) => r * c))));
    return sums.div(divisor.reshape([outH, outW]).astype(x.dtype));
  });
}
