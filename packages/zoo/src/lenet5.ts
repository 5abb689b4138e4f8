/**
 * `lenet5`: LeCun et al.'s LeNet-5 (1998) for 28×28 inputs: the first convolution pads by 2, so a
 * 28×28 image is seen as the original 32×32 one and the feature maps keep their classic sizes
 * (6@28×28 → 6@14×14 → 16@10×10 → 16@5×5 → 120 → 84 → classes). As in most modern uses, C3 is
 * fully connected to S2 (no connection table) and the output is a linear layer of logits (no RBF
 * units). ReLU with max pooling is the default; `{ activation: 'tanh', pooling: 'avg' }` is the
 * original's choice of nonlinearity and subsampling.
 */
import type { Tensor } from '@tensile/core';
import { random, scope, ValueError } from '@tensile/core';
import type { ActivationName, Module, Sequential } from '@tensile/nn';
import { avgPool2d, conv2d, flatten, linear, maxPool2d, sequential } from '@tensile/nn';
import { activationLayer } from './internal/activation.js';
import { oneOf, positiveInt } from './internal/config.js';

/** Options of `lenet5.init`. */
export interface LeNet5Config {
  /** Input channels (default 1: grayscale). */
  inChannels?: number;
  /** Height = width of the input (default 28; 32 for CIFAR-sized images). */
  imageSize?: number;
  /** Output logits (default 10). */
  numClasses?: number;
  /** Nonlinearity after every convolution and hidden linear layer (default `'relu'`). */
  activation?: ActivationName;
  /** Subsampling layers: 2×2 `'max'` (default) or `'avg'` pooling. */
  pooling?: 'max' | 'avg';
}

/**
 * LeNet-5: `conv5×5(6, pad 2) → act → pool → conv5×5(16) → act → pool → flatten → 120 → act →
 * 84 → act → numClasses`.
 *
 * @example
 * const model = lenet5.init(random.key(0));               // Fashion-MNIST: [B, 1, 28, 28] → [B, 10]
 * const cifar = lenet5.init(random.key(0), { inChannels: 3, imageSize: 32 });
 * const logits = lenet5.apply(model, images);
 */
export function init(key: Tensor, config: LeNet5Config = {}): Sequential {
  const op = 'lenet5.init';
  const inChannels = positiveInt(op, 'inChannels', config.inChannels ?? 1);
  const imageSize = positiveInt(op, 'imageSize', config.imageSize ?? 28);
  const numClasses = positiveInt(op, 'numClasses', config.numClasses ?? 10);
  const activation = config.activation ?? 'relu';
  const pooling = oneOf(op, 'pooling', config.pooling ?? 'max', ['max', 'avg'] as const);
  // conv1 keeps the size (5×5, pad 2), each pool halves it, conv2 (5×5, no pad) removes 4.
  const finalSize = Math.floor((Math.floor(imageSize / 2) - 4) / 2);
  if (finalSize < 1) {
    throw new ValueError(`${op}: imageSize must be at least 12, got ${imageSize}`);
  }
  // Parameterless layers hold no tensors, so one instance can sit at several positions.
  const act = activationLayer(op, activation);
  const pool: Module =
    pooling === 'max' ? maxPool2d.init({ kernelSize: 2 }) : avgPool2d.init({ kernelSize: 2 });
  return scope(() => {
    const [k1, k2, k3, k4, k5] = [...random.split(key, 5)] as Tensor[];
    return sequential([
      conv2d.init(k1 as Tensor, { inChannels, outChannels: 6, kernelSize: 5, padding: 2 }),
      act,
      pool,
      conv2d.init(k2 as Tensor, { inChannels: 6, outChannels: 16, kernelSize: 5 }),
      act,
      pool,
      flatten.init(),
      linear.init(k3 as Tensor, { inFeatures: 16 * finalSize * finalSize, outFeatures: 120 }),
      act,
      linear.init(k4 as Tensor, { inFeatures: 120, outFeatures: 84 }),
      act,
      linear.init(k5 as Tensor, { inFeatures: 84, outFeatures: numClasses }),
    ]);
  });
}

/**
 * Run LeNet-5: `[B, inChannels, imageSize, imageSize]` → logits `[B, numClasses]`.
 *
 * @example
 * const logits = lenet5.apply(model, images);
 */
export function apply(model: Sequential, x: Tensor): Tensor {
  return sequential.apply(model, x);
}
