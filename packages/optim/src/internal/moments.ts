/**
 * Exponential moving averages and their bias correction, shared by the Adam family, RMSProp,
 * Adadelta and Lion. Moments are pytrees with the parameters' structure.
 */
import { np, type Tensor, tree } from '@tensile/core';

/**
 * `decay * moment + (1 - decay) * g^order` for every leaf (order 1 or 2).
 *
 * @example
 * const mu = updateMoment(grads, state.mu, 0.9, 1);
 */
export function updateMoment(
  grads: unknown,
  moments: unknown,
  decay: number,
  order: 1 | 2,
): unknown {
  return tree.map(
    (g: Tensor, m: Tensor) => m.mul(decay).add((order === 1 ? g : g.square()).mul(1 - decay)),
    grads,
    [moments],
  );
}

/**
 * `1 - decay^count` as a float32 tensor, computed as `-expm1(count * log(decay))` so it stays
 * accurate in float32 for decays close to 1 (e.g. Adam's 0.999, where `1 - 0.999` loses five
 * digits in float32). `count` is the int32 step count after the increment (≥ 1).
 *
 * @example
 * const correction = oneMinusPower(0.999, count);
 */
export function oneMinusPower(decay: number, count: Tensor): Tensor {
  return np.expm1(count.astype('float32').mul(Math.log(decay))).neg();
}

/**
 * `moment / (1 - decay^count)` for every leaf (Adam's bias correction).
 *
 * @example
 * const muHat = biasCorrection(mu, 0.9, count);
 */
export function biasCorrection(moments: unknown, decay: number, count: Tensor): unknown {
  const correction = oneMinusPower(decay, count);
  return tree.map((m: Tensor) => m.div(correction.astype(m.dtype)), moments);
}
