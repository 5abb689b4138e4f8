/**
 * `flatten`: merge the axes `startDim..endDim` into one, as PyTorch's `nn.Flatten` (default
 * `startDim: 1`, keeping the batch axis) — the bridge from convolutional features to linear layers.
 */
import { scope, type Tensor, ValueError } from '@tensile/core';
import { defineModule, Module } from '../module.js';

/**
 * A flatten layer (no parameters).
 *
 * @example
 * const f = flatten.init();
 * f.startDim  // 1
 */
export class Flatten extends Module {
  declare readonly startDim: number;
  declare readonly endDim: number;
}

/** Options of `flatten.init`. */
export interface FlattenConfig {
  /** First axis to merge (default 1; negative counts from the end). */
  startDim?: number;
  /** Last axis to merge (default -1). */
  endDim?: number;
}

const make = defineModule(Flatten, {
  children: [],
  statics: ['startDim', 'endDim'],
  forward: (m, x) => [apply(m, x), null],
});

/**
 * A flatten layer.
 *
 * @example
 * const f = flatten.init({ startDim: 0 });  // flatten everything
 */
export function init(config: FlattenConfig = {}): Flatten {
  const startDim = config.startDim ?? 1;
  const endDim = config.endDim ?? -1;
  if (!Number.isInteger(startDim) || !Number.isInteger(endDim)) {
    throw new ValueError(
      `flatten.init: startDim and endDim must be integers, got ${startDim}, ${endDim}`,
    );
  }
  return make({ startDim, endDim });
}

/**
 * `x` with axes `startDim..endDim` merged.
 *
 * @example
 * flatten.apply(f, np.zeros([8, 16, 4, 4])).shape  // [8, 256]
 */
export function apply(m: Flatten, x: Tensor): Tensor {
  const rank = Math.max(x.ndim, 1);
  const start = m.startDim < 0 ? m.startDim + rank : m.startDim;
  const end = m.endDim < 0 ? m.endDim + rank : m.endDim;
  if (start < 0 || end >= rank || start > end) {
    throw new ValueError(
      `flatten: startDim ${m.startDim} and endDim ${m.endDim} do not fit input [${x.shape.join(', ')}]`,
    );
  }
  const merged = x.shape.slice(start, end + 1).reduce((a, b) => a * b, 1);
  return scope(() => x.reshape([...x.shape.slice(0, start), merged, ...x.shape.slice(end + 1)]));
}
