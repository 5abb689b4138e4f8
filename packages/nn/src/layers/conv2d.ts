/**
 * `conv2d`: 2-D convolution over `[N, C, H, W]` (or unbatched `[C, H, W]`) as PyTorch's `nn.Conv2d`.
 */
import type { Tensor } from '@tensile/core';
import { applyConv, type Conv, type ConvConfig, initConv } from '../internal/conv-nd.js';

/**
 * A 2-D convolution initialised as PyTorch's (`U(±1/√fanIn)` for weight and bias).
 *
 * @example
 * const c = conv2d.init(random.key(0), { inChannels: 3, outChannels: 8, kernelSize: 3, padding: 'SAME' });
 */
export function init(key: Tensor, config: ConvConfig): Conv {
  return initConv('conv2d', 2, key, config);
}

/**
 * Cross-correlate `x` (`[N, inChannels, H, W]` or `[inChannels, H, W]`) with the kernel and add the bias.
 *
 * @example
 * const y = conv2d.apply(c, x);  // [N, 8, H, W]
 */
export function apply(m: Conv, x: Tensor): Tensor {
  return applyConv('conv2d', m, x);
}
