/**
 * `linearSchedule` (Optax's `linear_schedule`): interpolate from `initValue` to `endValue` over
 * `transitionSteps` steps after `transitionBegin`, then hold — torch's LinearLR with
 * `initValue = lr * start_factor`, `endValue = lr * end_factor`, `transitionSteps = total_iters`.
 */
import { np, scope, ValueError } from '@tensile/core';
import { checkInteger, checkRange } from '../internal/check.js';
import { asCount } from '../internal/step.js';
import type { Schedule } from '../types.js';

/** Options of `linearSchedule`. */
export interface LinearScheduleOptions {
  initValue: number;
  endValue: number;
  /** Length of the ramp (> 0). */
  transitionSteps: number;
  /** Steps to hold `initValue` first. Default 0. */
  transitionBegin?: number;
}

/**
 * `initValue + (endValue - initValue) * clip(count - transitionBegin, 0, transitionSteps) /
 * transitionSteps`.
 *
 * @example
 * const warmup = linearSchedule({ initValue: 0, endValue: 1e-3, transitionSteps: 500 });
 */
export function linearSchedule(options: LinearScheduleOptions): Schedule {
  const { initValue, endValue, transitionSteps, transitionBegin = 0 } = options;
  checkRange('linearSchedule', 'initValue', initValue, Number.NEGATIVE_INFINITY);
  checkRange('linearSchedule', 'endValue', endValue, Number.NEGATIVE_INFINITY);
  if (!(transitionSteps > 0)) {
    throw new ValueError(`linearSchedule: transitionSteps must be > 0, got ${transitionSteps}`);
  }
  checkInteger('linearSchedule', 'transitionBegin', transitionBegin, 0);
  return (count) =>
    scope(() => {
      const elapsed = asCount('linearSchedule', count).sub(transitionBegin).astype('float32');
      const fraction = np.clip(elapsed, 0, transitionSteps).div(transitionSteps);
      return fraction.mul(endValue - initValue).add(initValue);
    });
}
