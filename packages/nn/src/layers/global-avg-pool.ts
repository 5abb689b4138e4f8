/**
 * `globalAvgPool`: the mean over the last spatial axes (PyTorch's `AdaptiveAvgPool2d(1)`
 * followed by flattening), the usual head of a convolutional classifier.
 */
import { scope, type Tensor } from '@tensile/core';
import { checkInput, positiveInt } from '../internal/config.js';
import { defineModule, Module } from '../module.js';

/**
 * A global average-pooling layer (no parameters).
 *
 * @example
 * const gap = globalAvgPool.init();
 * gap.spatialDims  // 2
 */
export class GlobalAvgPool extends Module {
  declare readonly spatialDims: number;
  declare readonly keepdims: boolean;
}

/** Options of `globalAvgPool.init`. */
export interface GlobalAvgPoolConfig {
  /** How many trailing axes to average (default 2: `[N, C, H, W]` → `[N, C]`). */
  spatialDims?: number;
  /** Keep the averaged axes with size 1 (default false). */
  keepdims?: boolean;
}

const make = defineModule(GlobalAvgPool, {
  children: [],
  statics: ['spatialDims', 'keepdims'],
  forward: (m, x) => [apply(m, x), null],
});

/**
 * A global average-pooling layer.
 *
 * @example
 * const gap = globalAvgPool.init({ spatialDims: 1 });  // [N, C, L] → [N, C]
 */
export function init(config: GlobalAvgPoolConfig = {}): GlobalAvgPool {
  return make({
    spatialDims: positiveInt('globalAvgPool.init', 'spatialDims', config.spatialDims ?? 2),
    keepdims: config.keepdims ?? false,
  });
}

/**
 * The mean over the last `spatialDims` axes.
 *
 * @example
 * const features = globalAvgPool.apply(gap, x);  // [N, C, 8, 8] → [N, C]
 */
export function apply(m: GlobalAvgPool, x: Tensor): Tensor {
  checkInput('globalAvgPool', x, null);
  if (x.ndim <= m.spatialDims)
    checkInput('globalAvgPool', x, [m.spatialDims + 1, m.spatialDims + 2]);
  const axes = Array.from({ length: m.spatialDims }, (_, i) => x.ndim - m.spatialDims + i);
  return scope(() => x.mean({ axis: axes, keepdims: m.keepdims }));
}
