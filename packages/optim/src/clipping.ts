/**
 * Gradient clipping: elementwise (`clip`, as torch's `clip_grad_value_`) and by the global norm of
 * the whole update tree (`clipByGlobalNorm`, as Optax's `clip_by_global_norm`), plus `globalNorm`.
 */
import { np, scope, type Tensor, tree } from '@tensile/core';
import type { EmptyState } from './identity.js';
import { checkRange } from './internal/check.js';
import type { GradientTransformation } from './types.js';

/**
 * The L2 norm of all leaves of a pytree taken together: `sqrt(sum over leaves of sum(x^2))`, a
 * float32 scalar.
 *
 * @example
 * globalNorm({ w: np.array([3]), b: np.array([4]) });  // 5
 */
export function globalNorm(t: unknown): Tensor {
  return scope(() => {
    const squares = tree.leaves<Tensor>(t).map((x) => np.sum(x.astype('float32').square()));
    return squares.reduce((acc, s) => acc.add(s), np.zeros([])).sqrt();
  });
}

/**
 * Clip every update elementwise to `[-maxDelta, maxDelta]`.
 *
 * @example
 * const opt = chain(clip(1), sgd(0.1));
 */
export function clip(maxDelta: number): GradientTransformation<EmptyState> {
  checkRange('clip', 'maxDelta', maxDelta, 0);
  return {
    init: () => ({}),
    update: (updates, state) =>
      scope(() => [tree.map((u: Tensor) => np.clip(u, -maxDelta, maxDelta), updates), state]),
  };
}

/**
 * Rescale the updates so their global norm is at most `maxNorm`: unchanged when
 * `globalNorm(updates) < maxNorm`, otherwise `u * maxNorm / globalNorm(updates)`. PyTorch's
 * `clip_grad_norm_` divides by `norm + 1e-6` instead (a relative difference of 1e-6 / norm); this
 * follows Optax so a clipped tree has norm exactly `maxNorm`.
 *
 * @example
 * const opt = chain(clipByGlobalNorm(1.0), adam(1e-3));
 */
export function clipByGlobalNorm(maxNorm: number): GradientTransformation<EmptyState> {
  checkRange('clipByGlobalNorm', 'maxNorm', maxNorm, 0);
  return {
    init: () => ({}),
    update: (updates, state) =>
      scope(() => {
        const norm = globalNorm(updates);
        const small = norm.lt(maxNorm);
        const factor = np.where(small, 1, np.divide(maxNorm, np.where(small, 1, norm)));
        return [tree.map((u: Tensor) => u.mul(factor.astype(u.dtype)), updates), state];
      }),
  };
}
