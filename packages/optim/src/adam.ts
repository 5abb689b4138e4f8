/**
 * The Adam family: the `scaleByAdam` preconditioner and the `adam` (coupled L2 decay, as
 * `torch.optim.Adam`) and `adamw` (decoupled decay, as `torch.optim.AdamW`) optimizers.
 */
import { np, scope, type Tensor, tree } from '@tensile/core';
import { chain } from './chain.js';
import { checkLearningRate, checkRange } from './internal/check.js';
import { incrementCount, zeroCount } from './internal/count.js';
import { biasCorrection, updateMoment } from './internal/moments.js';
import type { Mask } from './masking.js';
import { scaleByLearningRate } from './scale.js';
import type { GradientTransformation, LearningRate, OptState } from './types.js';
import { addDecayedWeights } from './weight-decay.js';

/** Options of `scaleByAdam` (Optax's names; torch's `betas` is `[b1, b2]`). */
export interface ScaleByAdamOptions {
  /** Decay of the first moment. Default 0.9. */
  b1?: number;
  /** Decay of the second moment. Default 0.999. */
  b2?: number;
  /** Added to `sqrt(v̂)` in the denominator. Default 1e-8. */
  eps?: number;
  /** Added to `v̂` inside the square root (Optax's `eps_root`; torch has none). Default 0. */
  epsRoot?: number;
  /**
   * AMSGrad as torch: keep the running maximum of the raw second moment `v` and divide by
   * `sqrt(max(v) / (1 - b2^t)) + eps`. (Optax's `scale_by_amsgrad` takes the maximum of the
   * bias-corrected `v̂` instead.) Default false.
   */
  amsgrad?: boolean;
}

/** The state of `scaleByAdam`: step count and first/second moments (and AMSGrad's maximum). */
export interface ScaleByAdamState {
  count: Tensor;
  mu: unknown;
  nu: unknown;
  nuMax?: unknown;
}

/**
 * Adam's preconditioner: `m = b1 m + (1 - b1) g`, `v = b2 v + (1 - b2) g²`, and the update
 * `m̂ / (sqrt(v̂ + epsRoot) + eps)` with `m̂ = m / (1 - b1^t)`, `v̂ = v / (1 - b2^t)`. With
 * `epsRoot = 0` this is torch's Adam step (eps added to `sqrt(v̂)`, as in Optax).
 *
 * @example
 * const opt = chain(scaleByAdam({ b1: 0.9, b2: 0.95 }), scaleByLearningRate(3e-4));
 */
export function scaleByAdam(
  options: ScaleByAdamOptions = {},
): GradientTransformation<ScaleByAdamState> {
  const { b1 = 0.9, b2 = 0.999, eps = 1e-8, epsRoot = 0, amsgrad = false } = options;
  checkRange('scaleByAdam', 'b1', b1, 0, 1, { maxExclusive: true });
  checkRange('scaleByAdam', 'b2', b2, 0, 1, { maxExclusive: true });
  checkRange('scaleByAdam', 'eps', eps, 0);
  checkRange('scaleByAdam', 'epsRoot', epsRoot, 0);
  const zeros = (params: unknown) => tree.map((p: Tensor) => np.zerosLike(p), params);
  return {
    init: (params) => ({
      count: zeroCount(),
      mu: zeros(params),
      nu: zeros(params),
      ...(amsgrad ? { nuMax: zeros(params) } : {}),
    }),
    update: (updates, state) =>
      scope(() => {
        const mu = updateMoment(updates, state.mu, b1, 1);
        const nu = updateMoment(updates, state.nu, b2, 2);
        const count = incrementCount(state.count);
        const nuMax = amsgrad
          ? tree.map((a: Tensor, b: Tensor) => np.maximum(a, b), state.nuMax, [nu])
          : undefined;
        const muHat = biasCorrection(mu, b1, count);
        const nuHat = biasCorrection(nuMax ?? nu, b2, count);
        const out = tree.map(
          (m: Tensor, v: Tensor) => m.div(v.add(epsRoot).sqrt().add(eps)),
          muHat,
          [nuHat],
        );
        return [out, { count, mu, nu, ...(amsgrad ? { nuMax } : {}) }];
      }),
  };
}

/** Options of `adam`: `scaleByAdam`'s plus torch's coupled `weightDecay`. */
export interface AdamOptions extends ScaleByAdamOptions {
  /** Coupled L2 decay as torch.optim.Adam: `g + weightDecay * p` before the moments. Default 0. */
  weightDecay?: number;
}

/**
 * Adam as `torch.optim.Adam` (defaults lr 1e-3, b1 0.9, b2 0.999, eps 1e-8, eps added to
 * `sqrt(v̂)`; the same as `optax.adam`). `weightDecay` is torch's coupled L2 term added to the
 * gradient (Optax's adam has none); for decoupled decay use `adamw`.
 *
 * @example
 * const opt = adam(1e-3);
 * const withSchedule = adam(warmupCosineDecaySchedule({ initValue: 0, peakValue: 1e-3,
 *   warmupSteps: 100, decaySteps: 10_000 }));
 */
export function adam(
  learningRate: LearningRate = 1e-3,
  options: AdamOptions = {},
): GradientTransformation<OptState[]> {
  const { weightDecay = 0, ...adamOptions } = options;
  checkLearningRate('adam', learningRate);
  checkRange('adam', 'weightDecay', weightDecay, 0);
  return chain(
    ...(weightDecay > 0 ? [addDecayedWeights(weightDecay)] : []),
    scaleByAdam(adamOptions),
    scaleByLearningRate(learningRate),
  );
}

/** Options of `adamw`. */
export interface AdamWOptions extends ScaleByAdamOptions {
  /** Decoupled weight decay. Default 1e-2 (torch.optim.AdamW's; Optax's adamw uses 1e-4). */
  weightDecay?: number;
  /** Which parameters decay (a boolean pytree prefix or a function of the params). Default all. */
  weightDecayMask?: Mask;
}

/**
 * AdamW as `torch.optim.AdamW`: `p -= lr * (adamUpdate + weightDecay * p)` — torch multiplies
 * `p` by `1 - lr * weightDecay` before its Adam step, which is the same because the Adam update
 * does not depend on `p`. The default weight decay is torch's 1e-2 (Optax's is 1e-4); a schedule
 * scales the decay too, as in both.
 *
 * @example
 * const opt = adamw(1e-3, { weightDecay: 0.05, weightDecayMask: (p) => tree.map((x) => x.ndim > 1, p) });
 */
export function adamw(
  learningRate: LearningRate = 1e-3,
  options: AdamWOptions = {},
): GradientTransformation<OptState[]> {
  const { weightDecay = 1e-2, weightDecayMask, ...adamOptions } = options;
  checkLearningRate('adamw', learningRate);
  checkRange('adamw', 'weightDecay', weightDecay, 0);
  return chain(
    scaleByAdam(adamOptions),
    ...(weightDecay > 0 ? [addDecayedWeights(weightDecay, weightDecayMask)] : []),
    scaleByLearningRate(learningRate),
  );
}
