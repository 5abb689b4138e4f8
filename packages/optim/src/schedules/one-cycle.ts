/**
 * `oneCycle`: the 1cycle policy with torch.optim.lr_scheduler.OneCycleLR's definition (phase ends
 * at `pctStart * totalSteps - 1` and `totalSteps - 1`, cosine or linear annealing, optional third
 * phase). Optax's `cosine_onecycle_schedule` puts the phase ends one step later (at
 * `floor(pctStart * totalSteps)` and `totalSteps`); this follows torch.
 */
import { np, scope, type Tensor, ValueError } from '@tensile/core';
import { checkInteger, checkRange } from '../internal/check.js';
import { asCount } from '../internal/step.js';
import type { Schedule } from '../types.js';

/** Options of `oneCycle` (torch's OneCycleLR arguments and defaults). */
export interface OneCycleOptions {
  /** The peak value (torch's `max_lr`). */
  peakValue: number;
  /** Length of the cycle in steps (torch's `total_steps`). */
  totalSteps: number;
  /** Fraction of the cycle spent increasing. Default 0.3. */
  pctStart?: number;
  /** The start value is `peakValue / divFactor`. Default 25. */
  divFactor?: number;
  /** The final value is `peakValue / divFactor / finalDivFactor`. Default 1e4. */
  finalDivFactor?: number;
  /** `'cos'` (default) or `'linear'` annealing within each phase. */
  annealStrategy?: 'cos' | 'linear';
  /**
   * Three phases (up to the peak, back down to the start value, then down to the final value)
   * instead of two. Default false.
   */
  threePhase?: boolean;
}

interface Phase {
  start: number;
  end: number;
  from: number;
  to: number;
}

/**
 * The learning rate of torch's `OneCycleLR` at each step (the momentum cycling of
 * `cycle_momentum` is not part of it). Steps past `totalSteps - 1` hold the final value (torch
 * raises an error there).
 *
 * @example
 * const lr = oneCycle({ peakValue: 0.1, totalSteps: 1000 });  // OneCycleLR(max_lr=0.1, total_steps=1000)
 */
export function oneCycle(options: OneCycleOptions): Schedule {
  const {
    peakValue,
    totalSteps,
    pctStart = 0.3,
    divFactor = 25,
    finalDivFactor = 1e4,
    annealStrategy = 'cos',
    threePhase = false,
  } = options;
  checkRange('oneCycle', 'peakValue', peakValue, Number.NEGATIVE_INFINITY);
  checkInteger('oneCycle', 'totalSteps', totalSteps, 1);
  checkRange('oneCycle', 'pctStart', pctStart, 0, 1);
  checkRange('oneCycle', 'divFactor', divFactor, 0);
  checkRange('oneCycle', 'finalDivFactor', finalDivFactor, 0);
  if (annealStrategy !== 'cos' && annealStrategy !== 'linear') {
    throw new ValueError(
      `oneCycle: annealStrategy must be 'cos' or 'linear', got ${annealStrategy}`,
    );
  }
  const initial = peakValue / divFactor;
  const final = initial / finalDivFactor;
  const ends = threePhase
    ? [pctStart * totalSteps - 1, 2 * pctStart * totalSteps - 2, totalSteps - 1]
    : [pctStart * totalSteps - 1, totalSteps - 1];
  const values = threePhase ? [initial, peakValue, initial, final] : [initial, peakValue, final];
  const phases: Phase[] = ends.map((end, i) => ({
    start: i === 0 ? 0 : (ends[i - 1] as number),
    end,
    from: values[i] as number,
    to: values[i + 1] as number,
  }));
  for (const [i, p] of phases.entries()) {
    if (!(p.end > p.start)) {
      throw new ValueError(
        `oneCycle: phase ${i + 1} is empty (steps ${p.start}..${p.end}); ` +
          `increase totalSteps (${totalSteps}) or change pctStart (${pctStart})`,
      );
    }
  }
  const anneal = (p: Phase, step: Tensor): Tensor => {
    const pct = step.sub(p.start).div(p.end - p.start);
    if (annealStrategy === 'linear') return pct.mul(p.to - p.from).add(p.from);
    return np
      .cos(pct.mul(Math.PI))
      .add(1)
      .mul((p.from - p.to) / 2)
      .add(p.to);
  };
  return (count) =>
    scope(() => {
      const step = np.minimum(asCount('oneCycle', count), totalSteps - 1).astype('float32');
      const last = phases[phases.length - 1] as Phase;
      let value = anneal(last, step);
      for (let i = phases.length - 2; i >= 0; i--) {
        const p = phases[i] as Phase;
        value = np.where(step.le(p.end), anneal(p, step), value);
      }
      return value;
    });
}
