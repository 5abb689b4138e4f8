/**
 * `maxPool2d`: max pooling over the last two axes as PyTorch's `nn.MaxPool2d` (padding with −∞,
 * dilation, ceil mode), for `[N, C, H, W]` or unbatched `[C, H, W]` inputs.
 */
import { lax, scope, type Tensor } from '@tensile/core';
import { checkInput, nonNegativeInt, tuple } from '../internal/config.js';
import { checkPoolPadding, windowPadding } from '../internal/pool-window.js';
import { defineModule, Module } from '../module.js';

/**
 * A max-pooling layer (no parameters).
 *
 * @example
 * const pool = maxPool2d.init({ kernelSize: 2 });
 * pool.stride  // [2, 2]
 */
export class MaxPool2d extends Module {
  declare readonly kernelSize: readonly number[];
  declare readonly stride: readonly number[];
  declare readonly padding: readonly number[];
  declare readonly dilation: readonly number[];
  declare readonly ceilMode: boolean;
}

/** Options of `maxPool2d.init` (PyTorch's `MaxPool2d` arguments). */
export interface MaxPool2dConfig {
  kernelSize: number | readonly number[];
  /** Default: `kernelSize`. */
  stride?: number | readonly number[];
  /** Implicit −∞ padding on both sides (default 0, at most half the kernel). */
  padding?: number | readonly number[];
  /** Default 1. */
  dilation?: number | readonly number[];
  /** Round the output size up instead of down (default false). */
  ceilMode?: boolean;
}

const make = defineModule(MaxPool2d, {
  children: [],
  statics: ['kernelSize', 'stride', 'padding', 'dilation', 'ceilMode'],
  forward: (m, x) => [apply(m, x), null],
});

/**
 * A 2-D max-pooling layer.
 *
 * @example
 * const pool = maxPool2d.init({ kernelSize: 3, stride: 2, padding: 1 });
 */
export function init(config: MaxPool2dConfig): MaxPool2d {
  const op = 'maxPool2d.init';
  const kernelSize = tuple(op, 'kernelSize', config.kernelSize, 2);
  const padding = tuple(op, 'padding', config.padding ?? 0, 2, nonNegativeInt);
  checkPoolPadding(op, kernelSize, padding);
  return make({
    kernelSize,
    stride: tuple(op, 'stride', config.stride ?? kernelSize, 2),
    padding,
    dilation: tuple(op, 'dilation', config.dilation ?? 1, 2),
    ceilMode: config.ceilMode ?? false,
  });
}

/**
 * The maximum of each window of the last two axes.
 *
 * @example
 * const y = maxPool2d.apply(pool, x);  // [N, C, H/2, W/2] for kernel 2
 */
export function apply(m: MaxPool2d, x: Tensor): Tensor {
  const op = 'maxPool2d';
  checkInput(op, x, [3, 4]);
  const lead = new Array<number>(x.ndim - 2).fill(1);
  const pads = [0, 1].map((i) =>
    windowPadding(op, {
      size: x.shape[x.ndim - 2 + i] as number,
      kernel: m.kernelSize[i] as number,
      stride: m.stride[i] as number,
      padding: m.padding[i] as number,
      dilation: m.dilation[i] as number,
      ceilMode: m.ceilMode,
    }),
  );
  return scope(() =>
    lax.reduceWindow(
      x,
      'max',
      [...lead, ...m.kernelSize],
      [...lead, ...m.stride],
      [...lead.map((): [number, number] => [0, 0]), ...pads],
      { windowDilation: [...lead, ...m.dilation] },
    ),
  );
}
