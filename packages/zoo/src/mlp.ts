/**
 * `mlp`: a multi-layer perceptron — linear layers with an activation (and optional dropout)
 * between them — as an nn `sequential`. The input is flattened after the batch axis, so
 * Fashion-MNIST images `[B, 1, 28, 28]` go in as they are.
 */
import type { Tensor } from '@tensile/core';
import { random, scope } from '@tensile/core';
import type { ActivationName, Module, Sequential } from '@tensile/nn';
import { dropout, flatten, linear, sequential } from '@tensile/nn';
import { activationLayer } from './internal/activation.js';
import { dropoutRate, positiveInts } from './internal/config.js';

/** Options of `mlp.init`. */
export interface MlpConfig {
  /** Layer widths from input to output, e.g. `[784, 256, 10]` (default): `sizes.length − 1` linear layers. */
  sizes?: readonly number[];
  /** Activation between linear layers (default `'relu'`); none after the last. */
  activation?: ActivationName;
  /** Dropout probability after each hidden activation, in training (default 0: no dropout layers). */
  dropout?: number;
}

/**
 * A multi-layer perceptron: `flatten → [linear → activation → dropout?] × (n−1) → linear`.
 *
 * @example
 * const model = mlp.init(random.key(0), { sizes: [784, 256, 10], activation: 'relu' });
 * const logits = mlp.apply(model, images);  // images [B, 1, 28, 28] → [B, 10]
 */
export function init(key: Tensor, config: MlpConfig = {}): Sequential {
  const op = 'mlp.init';
  const sizes = positiveInts(op, 'sizes', config.sizes ?? [784, 256, 10], 2);
  const rate = dropoutRate(op, 'dropout', config.dropout ?? 0);
  // Parameterless, so one instance can sit between every pair of linear layers.
  const act = activationLayer(op, config.activation ?? 'relu');
  return scope(() => {
    const keys = [...random.split(key, sizes.length - 1)];
    const layers: Module[] = [flatten.init()];
    for (let i = 0; i + 1 < sizes.length; i++) {
      layers.push(
        linear.init(keys[i] as Tensor, {
          inFeatures: sizes[i] as number,
          outFeatures: sizes[i + 1] as number,
        }),
      );
      if (i + 2 < sizes.length) {
        layers.push(act);
        if (rate > 0) layers.push(dropout.init({ p: rate }));
      }
    }
    return sequential(layers);
  });
}

/**
 * Run the MLP: `[B, ...]` (flattened to `[B, sizes[0]]`) → `[B, sizes.at(-1)]`. With dropout,
 * training needs `{ key, train: true }`.
 *
 * @example
 * const logits = mlp.apply(model, x);
 * const trainLogits = mlp.apply(model, x, { key, train: true });
 */
export function apply(
  model: Sequential,
  x: Tensor,
  options: { key?: Tensor; train?: boolean } = {},
): Tensor {
  return sequential.apply(model, x, options);
}
