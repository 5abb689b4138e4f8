/**
 * Lion (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms"): the `scaleByLion`
 * sign update and the `lion` optimizer. torch 1.13 has no Lion, so the definition is the paper's
 * Algorithm 2, identical to Optax's `lion` (defaults b1 0.9, b2 0.99, decoupled weight decay 1e-3).
 */
import { np, scope, type Tensor, tree } from '@tensile/core';
import { chain } from './chain.js';
import { checkLearningRate, checkRange } from './internal/check.js';
import { updateMoment } from './internal/moments.js';
import type { Mask } from './masking.js';
import { scaleByLearningRate } from './scale.js';
import type { GradientTransformation, LearningRate, OptState } from './types.js';
import { addDecayedWeights } from './weight-decay.js';

/** Options of `scaleByLion`. */
export interface ScaleByLionOptions {
  /** Interpolation weight of the momentum in the update direction. Default 0.9. */
  b1?: number;
  /** Decay of the momentum. Default 0.99. */
  b2?: number;
}

/** The state of `scaleByLion`: the momentum. */
export interface ScaleByLionState {
  mu: unknown;
}

/**
 * Update `sign(b1 m + (1 - b1) g)`, then `m = b2 m + (1 - b2) g`.
 *
 * @example
 * const opt = chain(scaleByLion(), scaleByLearningRate(1e-4));
 */
export function scaleByLion(
  options: ScaleByLionOptions = {},
): GradientTransformation<ScaleByLionState> {
  const { b1 = 0.9, b2 = 0.99 } = options;
  checkRange('scaleByLion', 'b1', b1, 0, 1);
  checkRange('scaleByLion', 'b2', b2, 0, 1);
  return {
    init: (params) => ({ mu: tree.map((p: Tensor) => np.zerosLike(p), params) }),
    update: (updates, state) =>
      scope(() => {
        const direction = tree.map(
          (g: Tensor, m: Tensor) => np.sign(m.mul(b1).add(g.mul(1 - b1))),
          updates,
          [state.mu],
        );
        return [direction, { mu: updateMoment(updates, state.mu, b2, 1) }];
      }),
  };
}

/** Options of `lion`. */
export interface LionOptions extends ScaleByLionOptions {
  /** Decoupled weight decay (`p -= lr * wd * p`). Default 1e-3 (Optax's). */
  weightDecay?: number;
  /** Which parameters decay (a boolean pytree prefix or a function of the params). Default all. */
  weightDecayMask?: Mask;
}

/**
 * Lion: `p -= lr * (sign(b1 m + (1 - b1) g) + weightDecay * p)`, `m = b2 m + (1 - b2) g`.
 * Typical learning rates are 3-10x smaller than AdamW's.
 *
 * @example
 * const opt = lion(1e-4, { weightDecay: 1.0 });
 */
export function lion(
  learningRate: LearningRate,
  options: LionOptions = {},
): GradientTransformation<OptState[]> {
  const { weightDecay = 1e-3, weightDecayMask, ...lionOptions } = options;
  checkLearningRate('lion', learningRate);
  checkRange('lion', 'weightDecay', weightDecay, 0);
  return chain(
    scaleByLion(lionOptions),
    ...(weightDecay > 0 ? [addDecayedWeights(weightDecay, weightDecayMask)] : []),
    scaleByLearningRate(learningRate),
  );
}
