/**
 * `joinSchedules` (Optax's `join_schedules`): run one schedule until a boundary, then the next one
 * restarted from step 0 — e.g. a warmup followed by a decay.
 */
import { np, scope, ValueError } from '@tensile/core';
import { asCount } from '../internal/step.js';
import type { Schedule } from '../types.js';

/**
 * `schedules[0]` before `boundaries[0]`, then `schedules[i](count - boundaries[i - 1])` up to the
 * next boundary. Needs one boundary fewer than schedules, in increasing order.
 *
 * @example
 * const lr = joinSchedules(
 *   [linearSchedule({ initValue: 0, endValue: 0.1, transitionSteps: 100 }), constantSchedule(0.1)],
 *   [100],
 * );
 */
export function joinSchedules(
  schedules: readonly Schedule[],
  boundaries: readonly number[],
): Schedule {
  if (schedules.length === 0 || boundaries.length !== schedules.length - 1) {
    throw new ValueError(
      `joinSchedules: needs n schedules and n - 1 boundaries, got ${schedules.length} and ${boundaries.length}`,
    );
  }
  boundaries.forEach((b, i) => {
    if (!Number.isInteger(b) || (i > 0 && b < (boundaries[i - 1] as number))) {
      throw new ValueError(
        `joinSchedules: boundaries must be increasing integers, got [${boundaries.join(', ')}]`,
      );
    }
  });
  return (count) =>
    scope(() => {
      const c = asCount('joinSchedules', count);
      let value = (schedules[0] as Schedule)(c);
      boundaries.forEach((boundary, i) => {
        const next = (schedules[i + 1] as Schedule)(c.sub(boundary));
        value = np.where(c.lt(boundary), value, next);
      });
      return value;
    });
}
