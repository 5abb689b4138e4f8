/**
 * `dropout`: during training, zero each element with probability `p` and scale the rest by
 * `1/(1 − p)` (inverted dropout, as PyTorch); the identity in evaluation mode. The randomness
 * comes from an explicit PRNG key, so a step is reproducible and works under `jit`/`vmap`.
 */
import { np, random, scope, type Tensor, ValueError } from '@tensile/core';
import { probability } from '../internal/config.js';
import { defineModule, Module } from '../module.js';

/**
 * A dropout layer (no parameters).
 *
 * @example
 * const drop = dropout.init({ p: 0.5 });
 */
export class Dropout extends Module {
  declare readonly p: number;
}

/** Options of `dropout.init`. */
export interface DropoutConfig {
  /** Probability of zeroing an element (default 0.5). */
  p?: number;
}

const make = defineModule(Dropout, {
  children: [],
  statics: ['p'],
  forward: (m, x, { key, train }) => [apply(m, x, { key, train }), null],
});

/**
 * A dropout layer.
 *
 * @example
 * const drop = dropout.init({ p: 0.1 });
 */
export function init(config: DropoutConfig = {}): Dropout {
  return make({ p: probability('dropout.init', 'p', config.p ?? 0.5) });
}

/**
 * Dropout of `x` when `train` is true (then `key` is required); `x` itself otherwise.
 *
 * @example
 * const y = dropout.apply(drop, x, { key, train: true });
 * dropout.apply(drop, x) === x  // evaluation mode
 */
export function apply(
  m: Dropout,
  x: Tensor,
  options: { key?: Tensor; train?: boolean } = {},
): Tensor {
  if (!(options.train ?? false) || m.p === 0) return x;
  if (!options.key) {
    throw new ValueError(
      'dropout: training mode needs a PRNG key (apply(m, x, { key, train: true }))',
    );
  }
  const key = options.key;
  if (m.p === 1) return scope(() => np.zerosLike(x));
  return scope(() => {
    const keep = random.bernoulli(key, 1 - m.p, x.shape);
    return np.where(keep, x.div(1 - m.p), 0);
  });
}
