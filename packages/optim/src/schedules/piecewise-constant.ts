/**
 * `piecewiseConstantSchedule` (Optax's `piecewise_constant_schedule`): start at `initValue` and
 * multiply by a scale at each boundary — torch's MultiStepLR when every scale is `gamma`.
 */
import { np, scope, ValueError } from '@tensile/core';
import { checkRange } from '../internal/check.js';
import { asCount } from '../internal/step.js';
import type { Schedule } from '../types.js';

/**
 * `initValue` times the product of the scales of every boundary `b` with `count >= b`.
 *
 * @example
 * // MultiStepLR(milestones=[30, 80], gamma=0.1) from lr 0.1:
 * const lr = piecewiseConstantSchedule(0.1, { 30: 0.1, 80: 0.1 });
 */
export function piecewiseConstantSchedule(
  initValue: number,
  boundariesAndScales: Record<number, number> = {},
): Schedule {
  checkRange('piecewiseConstantSchedule', 'initValue', initValue, Number.NEGATIVE_INFINITY);
  const steps = Object.entries(boundariesAndScales)
    .map(([boundary, scale]) => [Number(boundary), scale] as const)
    .sort((a, b) => a[0] - b[0]);
  for (const [boundary, scale] of steps) {
    if (!Number.isInteger(boundary)) {
      throw new ValueError(`piecewiseConstantSchedule: boundary ${boundary} is not an integer`);
    }
    checkRange('piecewiseConstantSchedule', `the scale at ${boundary}`, scale, 0);
  }
  return (count) =>
    scope(() => {
      const c = asCount('piecewiseConstantSchedule', count);
      let value = np.fullLike(c, initValue, { dtype: 'float32' });
      for (const [boundary, scale] of steps)
        value = np.where(c.ge(boundary), value.mul(scale), value);
      return value;
    });
}
