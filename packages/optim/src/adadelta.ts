/**
 * Adadelta: the `scaleByAdadelta` preconditioner and the `adadelta` optimizer, as
 * torch.optim.Adadelta (lr 1.0, rho 0.9, eps 1e-6 inside both square roots — the same definition
 * as Optax's `adadelta`, whose learning rate has no default).
 */
import { np, scope, type Tensor, tree } from '@tensile/core';
import { chain } from './chain.js';
import { checkLearningRate, checkRange } from './internal/check.js';
import { updateMoment } from './internal/moments.js';
import { scaleByLearningRate } from './scale.js';
import type { GradientTransformation, LearningRate, OptState } from './types.js';
import { addDecayedWeights } from './weight-decay.js';

/** Options of `scaleByAdadelta`. */
export interface ScaleByAdadeltaOptions {
  /** Decay of both running averages. Default 0.9. */
  rho?: number;
  /** Added inside both square roots. Default 1e-6. */
  eps?: number;
}

/** The state of `scaleByAdadelta`: running averages of squared gradients and squared updates. */
export interface ScaleByAdadeltaState {
  squareAvg: unknown;
  accDelta: unknown;
}

/**
 * `v = rho v + (1 - rho) g²`, `d = sqrt(a + eps) / sqrt(v + eps) * g`,
 * `a = rho a + (1 - rho) d²`; the update is `d`.
 *
 * @example
 * const opt = chain(scaleByAdadelta({ rho: 0.95 }), scaleByLearningRate(1.0));
 */
export function scaleByAdadelta(
  options: ScaleByAdadeltaOptions = {},
): GradientTransformation<ScaleByAdadeltaState> {
  const { rho = 0.9, eps = 1e-6 } = options;
  checkRange('scaleByAdadelta', 'rho', rho, 0, 1);
  checkRange('scaleByAdadelta', 'eps', eps, 0);
  const zeros = (params: unknown) => tree.map((p: Tensor) => np.zerosLike(p), params);
  return {
    init: (params) => ({ squareAvg: zeros(params), accDelta: zeros(params) }),
    update: (updates, state) =>
      scope(() => {
        const squareAvg = updateMoment(updates, state.squareAvg, rho, 2);
        const delta = tree.map(
          (g: Tensor, v: Tensor, a: Tensor) => a.add(eps).sqrt().div(v.add(eps).sqrt()).mul(g),
          updates,
          [squareAvg, state.accDelta],
        );
        const accDelta = updateMoment(delta, state.accDelta, rho, 2);
        return [delta, { squareAvg, accDelta }];
      }),
  };
}

/** Options of `adadelta` (torch.optim.Adadelta's). */
export interface AdadeltaOptions extends ScaleByAdadeltaOptions {
  /** Coupled L2 decay: `g + weightDecay * p` first, as torch (and Optax). Default 0. */
  weightDecay?: number;
}

/**
 * Adadelta as `torch.optim.Adadelta` (defaults lr 1.0, rho 0.9, eps 1e-6).
 *
 * @example
 * const opt = adadelta();  // lr 1.0
 */
export function adadelta(
  learningRate: LearningRate = 1.0,
  options: AdadeltaOptions = {},
): GradientTransformation<OptState[]> {
  const { weightDecay = 0, ...adadeltaOptions } = options;
  checkLearningRate('adadelta', learningRate);
  checkRange('adadelta', 'weightDecay', weightDecay, 0);
  return chain(
    ...(weightDecay > 0 ? [addDecayedWeights(weightDecay)] : []),
    scaleByAdadelta(adadeltaOptions),
    scaleByLearningRate(learningRate),
  );
}
