/**
 * `addDecayedWeights`: add `weightDecay * params` to the updates. Where it sits in a chain decides
 * the kind of decay: first (on the raw gradients) it is torch's coupled L2 `weight_decay` of
 * SGD/Adam/RMSprop/Adagrad/Adadelta; after the preconditioner (before the learning rate) it is
 * AdamW's decoupled decay.
 */
import { scope, type Tensor, tree, ValueError } from '@tensile/core';
import type { EmptyState } from './identity.js';
import { checkRange } from './internal/check.js';
import { type Mask, type MaskedState, maskedTransform } from './masking.js';
import type { GradientTransformation } from './types.js';

/**
 * `updates + weightDecay * params` for every leaf (on the leaves `mask` selects, when given; the
 * others pass through). `update` needs `params`.
 *
 * @example
 * // AdamW by hand, without decay on 1-D parameters (biases, norm scales):
 * const opt = chain(scaleByAdam(),
 *   addDecayedWeights(1e-2, (p) => tree.map((x) => x.ndim > 1, p)),
 *   scaleByLearningRate(1e-3));
 */
export function addDecayedWeights(
  weightDecay: number,
  mask?: Mask,
): GradientTransformation<EmptyState | MaskedState<EmptyState>> {
  checkRange('addDecayedWeights', 'weightDecay', weightDecay, 0);
  const decay: GradientTransformation<EmptyState> = {
    init: () => ({}),
    update: (updates, state, params) => {
      if (params === undefined) {
        throw new ValueError('addDecayedWeights: update(grads, state, params) needs params');
      }
      return scope(() => [
        tree.map((u: Tensor, p: Tensor) => u.add(p.mul(weightDecay).astype(u.dtype)), updates, [
          params,
        ]),
        state,
      ]);
    },
  };
  return mask === undefined ? decay : maskedTransform(decay, mask);
}
