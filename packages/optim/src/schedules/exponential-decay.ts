/**
 * `exponentialDecay` (Optax's `exponential_decay`): `init * rate^((count - begin) / steps)`,
 * optionally in stairs and with a floor/ceiling. Covers torch's ExponentialLR
 * (`transitionSteps: 1`) and StepLR (`staircase: true`, `transitionSteps: step_size`).
 */
import { np, scope, ValueError } from '@tensile/core';
import { checkInteger, checkRange } from '../internal/check.js';
import { asCount } from '../internal/step.js';
import type { Schedule } from '../types.js';

/** Options of `exponentialDecay`. */
export interface ExponentialDecayOptions {
  /** The value up to `transitionBegin`. */
  initValue: number;
  /** Steps per factor of `decayRate` (> 0). */
  transitionSteps: number;
  /** Multiplier per `transitionSteps` steps (> 0; below 1 decays, above 1 grows). */
  decayRate: number;
  /** Steps to hold `initValue` before decaying. Default 0. */
  transitionBegin?: number;
  /** Decay in whole stairs: `rate^floor((count - begin) / steps)`. Default false. */
  staircase?: boolean;
  /** A lower bound when decaying (an upper bound when `decayRate > 1`). Default none. */
  endValue?: number;
}

/**
 * `initValue * decayRate^((count - transitionBegin) / transitionSteps)` after `transitionBegin`,
 * `initValue` before.
 *
 * @example
 * const lr = exponentialDecay({ initValue: 0.1, transitionSteps: 1, decayRate: 0.9 });  // ExponentialLR(gamma=0.9)
 * const step = exponentialDecay({ initValue: 0.1, transitionSteps: 30, decayRate: 0.1, staircase: true });  // StepLR
 */
export function exponentialDecay(options: ExponentialDecayOptions): Schedule {
  const {
    initValue,
    transitionSteps,
    decayRate,
    transitionBegin = 0,
    staircase = false,
    endValue,
  } = options;
  checkRange('exponentialDecay', 'initValue', initValue, Number.NEGATIVE_INFINITY);
  checkRange('exponentialDecay', 'decayRate', decayRate, 0);
  if (decayRate === 0) throw new ValueError('exponentialDecay: decayRate must be > 0, got 0');
  if (!(transitionSteps > 0)) {
    throw new ValueError(`exponentialDecay: transitionSteps must be > 0, got ${transitionSteps}`);
  }
  checkInteger('exponentialDecay', 'transitionBegin', transitionBegin, 0);
  const logRate = Math.log(decayRate);
  return (count) =>
    scope(() => {
      const elapsed = asCount('exponentialDecay', count).sub(transitionBegin).astype('float32');
      let exponent = elapsed.div(transitionSteps);
      if (staircase) exponent = np.floor(exponent);
      let value = np.where(elapsed.le(0), initValue, exponent.mul(logRate).exp().mul(initValue));
      if (endValue !== undefined) {
        value = decayRate < 1 ? np.maximum(value, endValue) : np.minimum(value, endValue);
      }
      return value.astype('float32');
    });
}
