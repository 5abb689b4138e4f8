/**
 * RMSProp: the `scaleByRms` and (centered) `scaleByStddev` preconditioners and the `rmsprop`
 * optimizer, with torch.optim.RMSprop's definition and defaults (decay 0.99, eps outside the
 * square root) rather than Optax's (decay 0.9, eps inside the square root).
 */
import { np, scope, type Tensor, tree } from '@tensile/core';
import { chain } from './chain.js';
import { checkLearningRate, checkRange } from './internal/check.js';
import { updateMoment } from './internal/moments.js';
import { scaleByLearningRate } from './scale.js';
import { traceMomentum } from './sgd.js';
import type { GradientTransformation, LearningRate, OptState } from './types.js';
import { addDecayedWeights } from './weight-decay.js';

/** Options of `scaleByRms` and `scaleByStddev`. */
export interface ScaleByRmsOptions {
  /** Decay of the squared-gradient average (torch's `alpha`). Default 0.99 (torch; Optax 0.9). */
  decay?: number;
  /** Stabilizer. Default 1e-8. */
  eps?: number;
  /**
   * Put `eps` inside the square root, `g / sqrt(v + eps)` (Optax's default), instead of torch's
   * `g / (sqrt(v) + eps)`. Default false.
   */
  epsInSqrt?: boolean;
}

/** The state of `scaleByRms`: the running average of squared gradients. */
export interface ScaleByRmsState {
  nu: unknown;
}

/** The state of `scaleByStddev`: running averages of gradients and squared gradients. */
export interface ScaleByStddevState {
  mu: unknown;
  nu: unknown;
}

const zeros = (params: unknown) => tree.map((p: Tensor) => np.zerosLike(p), params);

function divideByRoot(g: Tensor, v: Tensor, eps: number, epsInSqrt: boolean): Tensor {
  return epsInSqrt ? g.div(v.add(eps).sqrt()) : g.div(v.sqrt().add(eps));
}

/**
 * `v = decay v + (1 - decay) g²`, update `g / (sqrt(v) + eps)` (torch.optim.RMSprop without
 * centering or momentum).
 *
 * @example
 * const opt = chain(scaleByRms({ decay: 0.9 }), scaleByLearningRate(1e-3));
 */
export function scaleByRms(
  options: ScaleByRmsOptions = {},
): GradientTransformation<ScaleByRmsState> {
  const { decay = 0.99, eps = 1e-8, epsInSqrt = false } = options;
  checkRange('scaleByRms', 'decay', decay, 0, 1);
  checkRange('scaleByRms', 'eps', eps, 0);
  return {
    init: (params) => ({ nu: zeros(params) }),
    update: (updates, state) =>
      scope(() => {
        const nu = updateMoment(updates, state.nu, decay, 2);
        const out = tree.map(
          (g: Tensor, v: Tensor) => divideByRoot(g, v, eps, epsInSqrt),
          updates,
          [nu],
        );
        return [out, { nu }];
      }),
  };
}

/**
 * Centered RMS: also track `m = decay m + (1 - decay) g` and divide by `sqrt(v - m²) + eps`
 * (torch.optim.RMSprop with `centered=True`; Optax's `scale_by_stddev`).
 *
 * @example
 * const opt = chain(scaleByStddev(), scaleByLearningRate(1e-3));
 */
export function scaleByStddev(
  options: ScaleByRmsOptions = {},
): GradientTransformation<ScaleByStddevState> {
  const { decay = 0.99, eps = 1e-8, epsInSqrt = false } = options;
  checkRange('scaleByStddev', 'decay', decay, 0, 1);
  checkRange('scaleByStddev', 'eps', eps, 0);
  return {
    init: (params) => ({ mu: zeros(params), nu: zeros(params) }),
    update: (updates, state) =>
      scope(() => {
        const mu = updateMoment(updates, state.mu, decay, 1);
        const nu = updateMoment(updates, state.nu, decay, 2);
        const out = tree.map(
          (g: Tensor, m: Tensor, v: Tensor) => divideByRoot(g, v.sub(m.square()), eps, epsInSqrt),
          updates,
          [mu, nu],
        );
        return [out, { mu, nu }];
      }),
  };
}

/** Options of `rmsprop` (torch.optim.RMSprop's). */
export interface RmspropOptions extends ScaleByRmsOptions {
  /** Momentum on the preconditioned update: `buf = m buf + g / avg; p -= lr buf`. Default 0. */
  momentum?: number;
  /** Normalize by the variance estimate `v - m²` instead of `v`. Default false. */
  centered?: boolean;
  /** Coupled L2 decay: `g + weightDecay * p` first, as torch. Default 0. */
  weightDecay?: number;
}

/**
 * RMSProp as `torch.optim.RMSprop` (defaults lr 1e-2, decay = torch's alpha 0.99, eps 1e-8 added
 * *outside* the square root, momentum 0, not centered). Optax's `rmsprop` defaults to decay 0.9
 * and `eps` inside the square root (`epsInSqrt: true` gives that).
 *
 * @example
 * const opt = rmsprop(1e-3, { momentum: 0.9, centered: true });
 */
export function rmsprop(
  learningRate: LearningRate = 1e-2,
  options: RmspropOptions = {},
): GradientTransformation<OptState[]> {
  const { momentum = 0, centered = false, weightDecay = 0, ...rmsOptions } = options;
  checkLearningRate('rmsprop', learningRate);
  checkRange('rmsprop', 'momentum', momentum, 0);
  checkRange('rmsprop', 'weightDecay', weightDecay, 0);
  return chain(
    ...(weightDecay > 0 ? [addDecayedWeights(weightDecay)] : []),
    centered ? scaleByStddev(rmsOptions) : scaleByRms(rmsOptions),
    ...(momentum > 0 ? [traceMomentum({ decay: momentum })] : []),
    scaleByLearningRate(learningRate),
  );
}
