/**
 * `linear`: a fully connected layer `y = x·Wᵀ + b`, with PyTorch's weight layout
 * (`weight [out, in]`) and default initialisation (`U(±1/√in)` for weight and bias).
 */
import { np, random, scope, type Tensor } from '@tensile/core';
import * as initializers from '../init.js';
import { checkInput, positiveInt } from '../internal/config.js';
import { defineModule, Module } from '../module.js';

/**
 * A linear layer's parameters and sizes.
 *
 * @example
 * const m: Linear = linear.init(random.key(0), { inFeatures: 4, outFeatures: 2 });
 * m.weight.shape  // [2, 4]
 */
export class Linear extends Module {
  /** `[outFeatures, inFeatures]`. */
  declare readonly weight: Tensor;
  /** `[outFeatures]`, or `null` without bias. */
  declare readonly bias: Tensor | null;
  declare readonly inFeatures: number;
  declare readonly outFeatures: number;
}

/** Options of `linear.init`. */
export interface LinearConfig {
  inFeatures: number;
  outFeatures: number;
  /** Add a learned bias (default true). */
  bias?: boolean;
}

const make = defineModule(Linear, {
  children: ['weight', 'bias'],
  statics: ['inFeatures', 'outFeatures'],
  forward: (m, x) => [apply(m, x), null],
});

/**
 * A linear layer initialised as PyTorch's `nn.Linear`.
 *
 * @example
 * const layer = linear.init(random.key(0), { inFeatures: 784, outFeatures: 10 });
 */
export function init(key: Tensor, config: LinearConfig): Linear {
  const op = 'linear.init';
  const inFeatures = positiveInt(op, 'inFeatures', config.inFeatures);
  const outFeatures = positiveInt(op, 'outFeatures', config.outFeatures);
  return scope(() => {
    const [kw, kb] = random.split(key);
    const bound = 1 / Math.sqrt(inFeatures);
    return make({
      weight: initializers.kaimingUniform({ a: Math.sqrt(5) })(kw, [outFeatures, inFeatures]),
      bias:
        config.bias === false
          ? null
          : initializers.uniform({ low: -bound, high: bound })(kb, [outFeatures]),
      inFeatures,
      outFeatures,
    });
  });
}

/**
 * `x·Wᵀ + b` over the last axis of `x` (`[..., inFeatures]` → `[..., outFeatures]`).
 *
 * @example
 * const logits = linear.apply(layer, x);  // [batch, 10]
 */
export function apply(m: Linear, x: Tensor): Tensor {
  checkInput('linear', x, null, { axis: -1, size: m.inFeatures, what: 'features' });
  return scope(() => {
    const y = np.matmul(x, m.weight.T);
    return m.bias ? y.add(m.bias) : y;
  });
}
