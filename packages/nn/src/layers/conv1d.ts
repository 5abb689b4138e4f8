/**
 * `conv1d`: 1-D convolution over `[N, C, L]` (or unbatched `[C, L]`) as PyTorch's `nn.Conv1d`.
 */
import type { Tensor } from '@tensile/core';
import { applyConv, type Conv, type ConvConfig, initConv } from '../internal/conv-nd.js';

/**
 * A 1-D convolution initialised as PyTorch's (`U(±1/√fanIn)` for weight and bias).
 *
 * @example
 * const c = conv1d.init(random.key(0), { inChannels: 4, outChannels: 8, kernelSize: 3, padding: 'SAME' });
 */
export function init(key: Tensor, config: ConvConfig): Conv {
  return initConv('conv1d', 1, key, config);
}

/**
 * Cross-correlate `x` (`[N, inChannels, L]` or `[inChannels, L]`) with the kernel and add the bias.
 *
 * @example
 * const y = conv1d.apply(c, x);  // [N, 8, L]
 */
export function apply(m: Conv, x: Tensor): Tensor {
  return applyConv('conv1d', m, x);
}
