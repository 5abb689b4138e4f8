/**
 * The step counter kept in optimizer states: an int32 scalar tensor, so that jitted steps see a
 * value of the same shape/dtype every time (no retrace) and schedules can read it while traced.
 */
import { np, type Tensor } from '@tensile/core';

const INT32_MAX = 2 ** 31 - 1;

/**
 * A fresh int32 scalar 0.
 *
 * @example
 * const state = { count: zeroCount() };
 */
export function zeroCount(): Tensor {
  return np.zeros([], { dtype: 'int32' });
}

/**
 * `count + 1`, saturating at the largest int32 instead of wrapping (Optax's
 * `safe_int32_increment`).
 *
 * @example
 * const next = incrementCount(state.count);
 */
export function incrementCount(count: Tensor): Tensor {
  return np.where(count.lt(INT32_MAX), count.add(1), count);
}
