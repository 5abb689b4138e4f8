/**
 * `chain`: compose gradient transformations left to right (Optax's `optax.chain`). Every
 * optimizer in this package is a chain of building blocks, e.g. `adamw` =
 * `chain(scaleByAdam(), addDecayedWeights(wd), scaleByLearningRate(lr))`.
 */
import { scope } from '@tensile/core';
import type { GradientTransformation, OptState } from './types.js';

/**
 * Apply `transforms` in order: the updates of one are the input of the next. The state is the
 * array of the transforms' states.
 *
 * @example
 * const opt = chain(clipByGlobalNorm(1), scaleByAdam(), scaleByLearningRate(1e-3));
 * const state = opt.init(params);
 * const [updates, next] = opt.update(grads, state, params);
 */
export function chain(...transforms: GradientTransformation[]): GradientTransformation<OptState[]> {
  return {
    init: (params) => transforms.map((t) => t.init(params)),
    update: (updates, state, params) =>
      scope(() => {
        const next: OptState[] = [];
        let current = updates;
        transforms.forEach((t, i) => {
          const [u, s] = t.update(current, state[i], params);
          current = u;
          next.push(s);
        });
        return [current, next];
      }),
  };
}
