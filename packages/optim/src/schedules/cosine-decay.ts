/**
 * Cosine decay (Optax's `cosine_decay_schedule`, torch's CosineAnnealingLR up to `T_max`) and
 * linear warmup followed by cosine decay (Optax's `warmup_cosine_decay_schedule`).
 */
import { np, scope, ValueError } from '@tensile/core';
import { checkInteger, checkRange } from '../internal/check.js';
import { asCount } from '../internal/step.js';
import type { Schedule } from '../types.js';
import { joinSchedules } from './join.js';
import { linearSchedule } from './linear.js';

/** Options of `cosineDecaySchedule`. */
export interface CosineDecayOptions {
  /** The value at step 0. */
  initValue: number;
  /** Steps to go from `initValue` to `alpha * initValue` (> 0). */
  decaySteps: number;
  /** The final value as a fraction of `initValue`. Default 0. */
  alpha?: number;
  /** Power applied to the cosine factor. Default 1. */
  exponent?: number;
}

/**
 * `initValue * ((1 - alpha) * (0.5 * (1 + cos(pi * t / decaySteps)))^exponent + alpha)` with
 * `t = min(count, decaySteps)`. Equals torch's CosineAnnealingLR(T_max = decaySteps,
 * eta_min = alpha * lr) for steps 0..T_max; past T_max torch's cosine rises again (it is periodic)
 * while this one holds `alpha * initValue`, as Optax.
 *
 * @example
 * const lr = cosineDecaySchedule({ initValue: 0.1, decaySteps: 1000, alpha: 0.01 });
 */
export function cosineDecaySchedule(options: CosineDecayOptions): Schedule {
  const { initValue, decaySteps, alpha = 0, exponent = 1 } = options;
  checkRange('cosineDecaySchedule', 'initValue', initValue, Number.NEGATIVE_INFINITY);
  checkInteger('cosineDecaySchedule', 'decaySteps', decaySteps, 1);
  checkRange('cosineDecaySchedule', 'alpha', alpha, Number.NEGATIVE_INFINITY);
  checkRange('cosineDecaySchedule', 'exponent', exponent, 0);
  return (count) =>
    scope(() => {
      const t = np.minimum(asCount('cosineDecaySchedule', count), decaySteps).astype('float32');
      let cosine = np
        .cos(t.mul(Math.PI / decaySteps))
        .add(1)
        .mul(0.5);
      if (exponent !== 1) cosine = np.power(cosine, exponent);
      return cosine.mul((1 - alpha) * initValue).add(alpha * initValue);
    });
}

/** Options of `warmupCosineDecaySchedule`. */
export interface WarmupCosineDecayOptions {
  /** The value at step 0. */
  initValue: number;
  /** The value reached at the end of the warmup. */
  peakValue: number;
  /** Length of the linear warmup. */
  warmupSteps: number;
  /** Total length of warmup + decay (> warmupSteps). */
  decaySteps: number;
  /** The value at the end of the decay. Default 0. */
  endValue?: number;
  /** Power applied to the cosine factor. Default 1. */
  exponent?: number;
}

/**
 * Linear warmup from `initValue` to `peakValue` over `warmupSteps`, then cosine decay to
 * `endValue` at step `decaySteps` (counted from 0, warmup included), as Optax.
 *
 * @example
 * const lr = warmupCosineDecaySchedule({ initValue: 0, peakValue: 1e-3, warmupSteps: 500,
 *   decaySteps: 10_000, endValue: 1e-5 });
 */
export function warmupCosineDecaySchedule(options: WarmupCosineDecayOptions): Schedule {
  const { initValue, peakValue, warmupSteps, decaySteps, endValue = 0, exponent = 1 } = options;
  checkInteger('warmupCosineDecaySchedule', 'warmupSteps', warmupSteps, 0);
  if (!Number.isInteger(decaySteps) || decaySteps <= warmupSteps) {
    throw new ValueError(
      `warmupCosineDecaySchedule: decaySteps (${decaySteps}) must be an integer > warmupSteps (${warmupSteps})`,
    );
  }
  const decay = cosineDecaySchedule({
    initValue: peakValue,
    decaySteps: decaySteps - warmupSteps,
    alpha: peakValue === 0 ? 0 : endValue / peakValue,
    exponent,
  });
  if (warmupSteps === 0) return decay;
  const warmup = linearSchedule({ initValue, endValue: peakValue, transitionSteps: warmupSteps });
  return joinSchedules([warmup, decay], [warmupSteps]);
}
