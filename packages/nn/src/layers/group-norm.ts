/**
 * `groupNorm`: normalisation of each example over groups of channels (and all spatial positions),
 * with a per-channel scale and shift, as PyTorch's `nn.GroupNorm`. Independent of the batch size,
 * so it behaves the same in training and evaluation.
 */
import { np, scope, type Tensor, ValueError } from '@tensile/core';
import { checkInput, positiveInt } from '../internal/config.js';
import { defineModule, Module } from '../module.js';

/**
 * A group-norm layer.
 *
 * @example
 * const gn = groupNorm.init({ numGroups: 4, numChannels: 32 });
 */
export class GroupNorm extends Module {
  /** `[numChannels]` scale (ones), or `null` without `affine`. */
  declare readonly weight: Tensor | null;
  /** `[numChannels]` shift (zeros), or `null`. */
  declare readonly bias: Tensor | null;
  declare readonly numGroups: number;
  declare readonly numChannels: number;
  declare readonly eps: number;
}

/** Options of `groupNorm.init` (PyTorch's `GroupNorm` arguments). */
export interface GroupNormConfig {
  numGroups: number;
  /** Must be divisible by `numGroups`. */
  numChannels: number;
  /** Default 1e-5. */
  eps?: number;
  /** Learn a per-channel scale and shift (default true). */
  affine?: boolean;
}

const make = defineModule(GroupNorm, {
  children: ['weight', 'bias'],
  statics: ['numGroups', 'numChannels', 'eps'],
  forward: (m, x) => [apply(m, x), null],
});

/**
 * A group-norm layer (weight ones, bias zeros).
 *
 * @example
 * const gn = groupNorm.init({ numGroups: 8, numChannels: 64 });
 */
export function init(config: GroupNormConfig): GroupNorm {
  const op = 'groupNorm.init';
  const numGroups = positiveInt(op, 'numGroups', config.numGroups);
  const numChannels = positiveInt(op, 'numChannels', config.numChannels);
  if (numChannels % numGroups !== 0) {
    throw new ValueError(
      `${op}: numChannels (${numChannels}) must be divisible by numGroups (${numGroups})`,
    );
  }
  const eps = config.eps ?? 1e-5;
  if (!(eps > 0)) throw new ValueError(`${op}: eps must be positive, got ${eps}`);
  const affine = config.affine ?? true;
  return make({
    weight: affine ? np.ones([numChannels]) : null,
    bias: affine ? np.zeros([numChannels]) : null,
    numGroups,
    numChannels,
    eps,
  });
}

/**
 * Normalise `x` (`[N, numChannels, ...]`) over each group of channels.
 *
 * @example
 * const y = groupNorm.apply(gn, x);  // x [N, 64, H, W]
 */
export function apply(m: GroupNorm, x: Tensor): Tensor {
  const op = 'groupNorm';
  checkInput(op, x, null, { axis: 1, size: m.numChannels, what: 'channels' });
  const [n] = x.shape as [number];
  const grouped = [n, m.numGroups, -1];
  const channelShape = [m.numChannels, ...new Array<number>(x.ndim - 2).fill(1)];
  return scope(() => {
    const g = x.reshape(grouped);
    const centered = g.sub(g.mean({ axis: 2, keepdims: true }));
    const variance = centered.square().mean({ axis: 2, keepdims: true });
    let y = centered.mul(variance.add(m.eps).sqrt().reciprocal()).reshape(x.shape);
    if (m.weight) y = y.mul(m.weight.reshape(channelShape));
    if (m.bias) y = y.add(m.bias.reshape(channelShape));
    return y;
  });
}
