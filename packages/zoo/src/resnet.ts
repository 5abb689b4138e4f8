/**
 * `resnet` / `resnet20`: the CIFAR-10 ResNets of He et al. (2016, §4.2) — a 3×3 stem, three stages
 * of `n` basic blocks (16, 32, 64 channels by default; the first block of stages 2 and 3 halves the
 * resolution), global average pooling and a linear classifier; depth `6n + 2` (20, 32, 44, 56,
 * 110). Shortcuts are option A (zero-padding identity, the paper's CIFAR setting and the default)
 * or option B (1×1 projections) — see `basic-block.ts`. Convolutions are He-normal initialised
 * (fan-out, ReLU gain) without bias; batch norm follows every convolution, so the model is
 * stateful. Global pooling makes it work on any input size (28×28 Fashion-MNIST included).
 */
import type { Tensor } from '@tensile/core';
import { random, scope, ValueError } from '@tensile/core';
import type { Module, Sequential } from '@tensile/nn';
import { batchNorm, globalAvgPool, linear, relu, sequential } from '@tensile/nn';
import { init as initBlock, type ShortcutOption } from './basic-block.js';
import { oneOf, positiveInt, positiveInts } from './internal/config.js';
import { heConv } from './internal/he-conv.js';

/** Options of `resnet.init`. */
export interface ResNetConfig {
  /** `6n + 2` layers with weights (default 20: three blocks per stage). */
  depth?: number;
  /** Input channels (default 3; 1 for Fashion-MNIST). */
  inChannels?: number;
  /** Output logits (default 10). */
  numClasses?: number;
  /** Channels of the three stages (default `[16, 32, 64]`). */
  widths?: readonly [number, number, number] | readonly number[];
  /** Shortcut where the shape changes: `'A'` zero-padding identity (default) or `'B'` projection. */
  shortcut?: ShortcutOption;
}

/**
 * A CIFAR-style ResNet as a `sequential`:
 * `conv3×3 → bn → relu → blocks (3 stages × n) → globalAvgPool → linear`.
 *
 * @example
 * const model = resnet.init(random.key(0), { depth: 32 });
 * const fashion = resnet.init(random.key(0), { depth: 20, inChannels: 1, shortcut: 'B' });
 * let state = resnet.initState(model);
 * const [logits, next] = resnet.apply(model, images, { state, train: true });
 */
export function init(key: Tensor, config: ResNetConfig = {}): Sequential {
  const op = 'resnet.init';
  const depth = positiveInt(op, 'depth', config.depth ?? 20);
  if (depth < 8 || (depth - 2) % 6 !== 0) {
    throw new ValueError(
      `${op}: depth must be 6n + 2 with n ≥ 1 (8, 14, 20, 32, 44, 56, 110…), got ${depth}`,
    );
  }
  const perStage = (depth - 2) / 6;
  const inChannels = positiveInt(op, 'inChannels', config.inChannels ?? 3);
  const numClasses = positiveInt(op, 'numClasses', config.numClasses ?? 10);
  const widths = positiveInts(op, 'widths', config.widths ?? [16, 32, 64]);
  if (widths.length !== 3) {
    throw new ValueError(
      `${op}: widths needs one entry per stage (3), got ${JSON.stringify(widths)}`,
    );
  }
  const shortcut = oneOf(op, 'shortcut', config.shortcut ?? 'A', ['A', 'B'] as const);
  return scope(() => {
    const keys = [...random.split(key, 3 * perStage + 2)];
    const next = () => keys.shift() as Tensor;
    const first = widths[0] as number;
    const layers: Module[] = [
      heConv(next(), { inChannels, outChannels: first, kernelSize: 3, stride: 1, padding: 1 }),
      batchNorm.init({ numFeatures: first }),
      relu.init(),
    ];
    let channels = first;
    widths.forEach((width, stage) => {
      for (let b = 0; b < perStage; b++) {
        const stride = stage > 0 && b === 0 ? 2 : 1;
        layers.push(
          initBlock(next(), { inChannels: channels, outChannels: width, stride, shortcut }),
        );
        channels = width;
      }
    });
    layers.push(
      globalAvgPool.init(),
      linear.init(next(), { inFeatures: channels, outFeatures: numClasses }),
    );
    return sequential(layers);
  });
}

/**
 * Run the ResNet: `[B, inChannels, H, W]` → `[logits [B, numClasses], newState]`. `train: true`
 * uses batch statistics and updates the running ones; evaluation (the default) uses the running
 * ones.
 *
 * @example
 * const [logits, state2] = resnet.apply(model, x, { state, train: true });
 */
export function apply(
  model: Sequential,
  x: Tensor,
  options: { state: unknown; train?: boolean },
): [Tensor, unknown[]] {
  return sequential.apply(model, x, { state: options.state, train: options.train });
}

/**
 * The model's batch-norm running statistics (one entry per layer of the `sequential`).
 *
 * @example
 * let state = resnet.initState(model);
 */
export function initState(model: Sequential): unknown[] {
  return sequential.initState(model);
}
