/**
 * `resnet20`: the 20-layer CIFAR ResNet (three basic blocks per stage, 0.27 M parameters with
 * option A shortcuts), i.e. `resnet` with `depth: 20`.
 */
import type { Tensor } from '@tensile/core';
import type { Sequential } from '@tensile/nn';
import { init as initResNet, type ResNetConfig } from './resnet.js';

export { apply, initState } from './resnet.js';

/**
 * ResNet-20 (`resnet.init` with `depth: 20`; the other options as `resnet`).
 *
 * @example
 * const model = resnet20.init(random.key(0));                   // CIFAR-10: [B, 3, 32, 32] → [B, 10]
 * const fashion = resnet20.init(random.key(0), { inChannels: 1 });
 * const [logits, state] = resnet20.apply(model, x, { state: resnet20.initState(model) });
 */
export function init(key: Tensor, config: Omit<ResNetConfig, 'depth'> = {}): Sequential {
  return initResNet(key, { ...config, depth: 20 });
}
