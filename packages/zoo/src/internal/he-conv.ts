/**
 * The convolutions of the ResNets: bias-free (batch norm follows) with He-normal weights
 * (`N(0, 2/fanOut)`, fan-out mode with ReLU gain), as He et al. and torchvision initialise them.
 */
import { random, scope, type Tensor } from '@tensile/core';
import { type Conv, conv2d, init as initializers, treeAt } from '@tensile/nn';

/**
 * A bias-free 2-D convolution with He-normal weights.
 *
 * @example
 * const stem = heConv(key, { inChannels: 3, outChannels: 16, kernelSize: 3, stride: 1, padding: 1 });
 */
export function heConv(
  key: Tensor,
  config: {
    inChannels: number;
    outChannels: number;
    kernelSize: number;
    stride: number;
    padding: number;
  },
): Conv {
  return scope(() => {
    const [kInit, kWeight] = random.split(key);
    const conv = conv2d.init(kInit as Tensor, { ...config, bias: false });
    const weight = initializers.kaimingNormal({ mode: 'fanOut', nonlinearity: 'relu' })(
      kWeight as Tensor,
      conv.weight.shape,
    );
    return treeAt((c: Conv) => c.weight, conv, weight);
  });
}
