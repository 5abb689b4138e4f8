/**
 * Scaling transformations: by a constant (`scale`), by a schedule of the step count
 * (`scaleBySchedule`, which keeps the count in its state), and by a learning rate
 * (`scaleByLearningRate`, which also flips the sign: updates are *added* to parameters).
 */
import { scope, type Tensor, tree } from '@tensile/core';
import type { EmptyState } from './identity.js';
import { incrementCount, zeroCount } from './internal/count.js';
import type { GradientTransformation, LearningRate, Schedule } from './types.js';

/** The state of `scaleBySchedule`: the number of updates done so far (int32 scalar). */
export interface ScaleByScheduleState {
  count: Tensor;
}

/**
 * Multiply every update by `step`.
 *
 * @example
 * const opt = chain(scaleByAdam(), scale(-1e-3));
 */
export function scale(step: number): GradientTransformation<EmptyState> {
  return {
    init: () => ({}),
    update: (updates, state) => scope(() => [tree.map((u: Tensor) => u.mul(step), updates), state]),
  };
}

/**
 * Multiply every update by `schedule(count)`, where `count` is the number of updates done before
 * this one (the first update uses `schedule(0)`, as Optax and torch's lr_scheduler).
 *
 * @example
 * // Adam with a learning rate halving every 1000 steps (negative: updates are added):
 * const opt = chain(scaleByAdam(), scaleBySchedule(exponentialDecay({
 *   initValue: -1e-3, transitionSteps: 1000, decayRate: 0.5 })));
 */
export function scaleBySchedule(schedule: Schedule): GradientTransformation<ScaleByScheduleState> {
  return {
    init: () => ({ count: zeroCount() }),
    update: (updates, state) =>
      scope(() => {
        const factor = schedule(state.count);
        const scaled = tree.map((u: Tensor) => u.mul(factor.astype(u.dtype)), updates);
        return [scaled, { count: incrementCount(state.count) }];
      }),
  };
}

/**
 * Scale by `-learningRate` (or `+learningRate` with `flipSign: false`); a schedule is evaluated at
 * the step count kept in the state.
 *
 * @example
 * const opt = chain(scaleByAdam(), scaleByLearningRate(cosineDecaySchedule({
 *   initValue: 1e-3, decaySteps: 10_000 })));
 */
export function scaleByLearningRate(
  learningRate: LearningRate,
  { flipSign = true }: { flipSign?: boolean } = {},
): GradientTransformation<EmptyState | ScaleByScheduleState> {
  const sign = flipSign ? -1 : 1;
  if (typeof learningRate === 'number') return scale(sign * learningRate);
  return scaleBySchedule((count) => learningRate(count).mul(sign));
}
