/**
 * Adagrad: the `scaleByRss` preconditioner (root of the sum of squared gradients) and the
 * `adagrad` optimizer, as torch.optim.Adagrad (accumulator starting at 0, eps 1e-10 outside the
 * square root, optional `lrDecay`) rather than Optax (accumulator 0.1, eps 1e-7 inside the root).
 */
import { np, scope, type Tensor, tree } from '@tensile/core';
import { chain } from './chain.js';
import { checkLearningRate, checkRange } from './internal/check.js';
import { asCount } from './internal/step.js';
import { scaleByLearningRate } from './scale.js';
import type { GradientTransformation, LearningRate, OptState, Schedule } from './types.js';
import { addDecayedWeights } from './weight-decay.js';

/** Options of `scaleByRss`. */
export interface ScaleByRssOptions {
  /** Starting value of the sum of squares (torch's `initial_accumulator_value`). Default 0. */
  initialAccumulatorValue?: number;
  /** Added to `sqrt(sum)`. Default 1e-10 (torch). */
  eps?: number;
}

/** The state of `scaleByRss`: the running sum of squared gradients. */
export interface ScaleByRssState {
  sumOfSquares: unknown;
}

/**
 * `s = s + g²`, update `g / (sqrt(s) + eps)` (torch's Adagrad step before the learning rate).
 *
 * @example
 * const opt = chain(scaleByRss({ initialAccumulatorValue: 0.1 }), scaleByLearningRate(0.1));
 */
export function scaleByRss(
  options: ScaleByRssOptions = {},
): GradientTransformation<ScaleByRssState> {
  const { initialAccumulatorValue = 0, eps = 1e-10 } = options;
  checkRange('scaleByRss', 'initialAccumulatorValue', initialAccumulatorValue, 0);
  checkRange('scaleByRss', 'eps', eps, 0);
  return {
    init: (params) => ({
      sumOfSquares: tree.map((p: Tensor) => np.fullLike(p, initialAccumulatorValue), params),
    }),
    update: (updates, state) =>
      scope(() => {
        const sumOfSquares = tree.map((g: Tensor, s: Tensor) => s.add(g.square()), updates, [
          state.sumOfSquares,
        ]);
        const out = tree.map((g: Tensor, s: Tensor) => g.div(s.sqrt().add(eps)), updates, [
          sumOfSquares,
        ]);
        return [out, { sumOfSquares }];
      }),
  };
}

/** Options of `adagrad` (torch.optim.Adagrad's). */
export interface AdagradOptions extends ScaleByRssOptions {
  /** Learning-rate decay: step k (from 0) uses `lr / (1 + k * lrDecay)`. Default 0. */
  lrDecay?: number;
  /** Coupled L2 decay: `g + weightDecay * p` first, as torch. Default 0. */
  weightDecay?: number;
}

function decayedLearningRate(learningRate: LearningRate, lrDecay: number): Schedule {
  return (count) =>
    scope(() => {
      const k = asCount('adagrad', count).astype('float32');
      const base = typeof learningRate === 'number' ? learningRate : learningRate(count);
      return np.divide(base, k.mul(lrDecay).add(1));
    });
}

/**
 * Adagrad as `torch.optim.Adagrad` (defaults lr 1e-2, initial accumulator 0, eps 1e-10 added to
 * `sqrt(sum)`, lrDecay 0). Optax's `adagrad` starts the accumulator at 0.1 and puts eps 1e-7
 * inside the square root.
 *
 * @example
 * const opt = adagrad(0.1, { lrDecay: 1e-3 });
 */
export function adagrad(
  learningRate: LearningRate = 1e-2,
  options: AdagradOptions = {},
): GradientTransformation<OptState[]> {
  const { lrDecay = 0, weightDecay = 0, ...rssOptions } = options;
  checkLearningRate('adagrad', learningRate);
  checkRange('adagrad', 'lrDecay', lrDecay, 0);
  checkRange('adagrad', 'weightDecay', weightDecay, 0);
  return chain(
    ...(weightDecay > 0 ? [addDecayedWeights(weightDecay)] : []),
    scaleByRss(rssOptions),
    scaleByLearningRate(lrDecay > 0 ? decayedLearningRate(learningRate, lrDecay) : learningRate),
  );
}
