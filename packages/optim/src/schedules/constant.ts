/**
 * `constantSchedule`: the same value at every step (a schedule-shaped constant, for APIs that take
 * a schedule).
 */
import { np, scope } from '@tensile/core';
import { asCount } from '../internal/step.js';
import type { Schedule } from '../types.js';

/**
 * `value` at every step, as float32 (with the count's shape).
 *
 * @example
 * constantSchedule(0.1)(7);  // 0.1
 */
export function constantSchedule(value: number): Schedule {
  return (count) =>
    scope(() => np.fullLike(asCount('constantSchedule', count), value, { dtype: 'float32' }));
}
