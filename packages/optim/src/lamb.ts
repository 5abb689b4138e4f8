/**
 * LAMB (You et al. 2020, "Large Batch Optimization for Deep Learning"): the `scaleByTrustRatio`
 * layer-wise rescaling and the `lamb` optimizer. torch.optim has no LAMB, so the definition is
 * Optax's `lamb`: Adam direction plus decoupled weight decay, rescaled per parameter tensor by
 * `||p|| / ||u||`.
 */
import { np, scope, type Tensor, tree, ValueError } from '@tensile/core';
import { scaleByAdam } from './adam.js';
import { chain } from './chain.js';
import type { EmptyState } from './identity.js';
import { checkLearningRate, checkRange } from './internal/check.js';
import type { Mask } from './masking.js';
import { scaleByLearningRate } from './scale.js';
import type { GradientTransformation, LearningRate, OptState } from './types.js';
import { addDecayedWeights } from './weight-decay.js';

/** Options of `scaleByTrustRatio` (Optax's). */
export interface ScaleByTrustRatioOptions {
  /** Norms below this count as this value. Default 0. */
  minNorm?: number;
  /** Multiplier of the ratio. Default 1. */
  trustCoefficient?: number;
  /** Added to the update norm. Default 0. */
  eps?: number;
}

function norm(x: Tensor, minNorm: number): Tensor {
  const n = np.sum(x.astype('float32').square()).sqrt();
  return minNorm > 0 ? np.maximum(n, minNorm) : n;
}

/**
 * Scale each parameter tensor's update `u` by `trustCoefficient * ||p|| / (||u|| + eps)`, or by 1
 * when either norm is 0. `update` needs `params`.
 *
 * @example
 * const opt = chain(scaleByAdam(), scaleByTrustRatio(), scaleByLearningRate(1e-3));
 */
export function scaleByTrustRatio(
  options: ScaleByTrustRatioOptions = {},
): GradientTransformation<EmptyState> {
  const { minNorm = 0, trustCoefficient = 1, eps = 0 } = options;
  checkRange('scaleByTrustRatio', 'minNorm', minNorm, 0);
  checkRange('scaleByTrustRatio', 'trustCoefficient', trustCoefficient, 0);
  checkRange('scaleByTrustRatio', 'eps', eps, 0);
  return {
    init: () => ({}),
    update: (updates, state, params) => {
      if (params === undefined) {
        throw new ValueError('scaleByTrustRatio: update(grads, state, params) needs params');
      }
      return scope(() => [
        tree.map(
          (u: Tensor, p: Tensor) => {
            const paramNorm = norm(p, minNorm);
            const updateNorm = norm(u, minNorm);
            const degenerate = np.logicalOr(paramNorm.eq(0), updateNorm.eq(0));
            const ratio = np.where(
              degenerate,
              1,
              paramNorm.mul(trustCoefficient).div(np.where(degenerate, 1, updateNorm.add(eps))),
            );
            return u.mul(ratio.astype(u.dtype));
          },
          updates,
          [params],
        ),
        state,
      ]);
    },
  };
}

/** Options of `lamb` (Optax's names and defaults). */
export interface LambOptions {
  /** Default 0.9. */
  b1?: number;
  /** Default 0.999. */
  b2?: number;
  /** Default 1e-6. */
  eps?: number;
  /** Default 0. */
  epsRoot?: number;
  /** Decoupled weight decay added before the trust ratio. Default 0. */
  weightDecay?: number;
  /** Which parameters decay (a boolean pytree prefix or a function of the params). Default all. */
  weightDecayMask?: Mask;
}

/**
 * LAMB as Optax's `lamb`: `u = m̂ / (sqrt(v̂) + eps) + weightDecay * p`, then
 * `p -= lr * (||p|| / ||u||) * u` per parameter tensor.
 *
 * @example
 * const opt = lamb(1e-3, { weightDecay: 0.01 });
 */
export function lamb(
  learningRate: LearningRate,
  options: LambOptions = {},
): GradientTransformation<OptState[]> {
  const {
    b1 = 0.9,
    b2 = 0.999,
    eps = 1e-6,
    epsRoot = 0,
    weightDecay = 0,
    weightDecayMask,
  } = options;
  checkLearningRate('lamb', learningRate);
  checkRange('lamb', 'weightDecay', weightDecay, 0);
  return chain(
    scaleByAdam({ b1, b2, eps, epsRoot }),
    ...(weightDecay > 0 ? [addDecayedWeights(weightDecay, weightDecayMask)] : []),
    scaleByTrustRatio(),
    scaleByLearningRate(learningRate),
  );
}
