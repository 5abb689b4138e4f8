/**
 * Schedules against torch.optim.lr_scheduler (ExponentialLR, StepLR, MultiStepLR, LinearLR,
 * CosineAnnealingLR, OneCycleLR) and Optax's closed forms (fixtures/golden/optim.json), evaluated
 * on a vector of counts, on JS numbers and under `jit`; plus argument validation.
 */
import { DTypeError, jit, np, scope, type Tensor, ValueError } from '@tensile/core';
import { describe, expect, it } from 'vitest';
import {
  constantSchedule,
  cosineDecaySchedule,
  exponentialDecay,
  joinSchedules,
  linearSchedule,
  oneCycle,
  piecewiseConstantSchedule,
  type Schedule,
  warmupCosineDecaySchedule,
} from '../src/index.js';
import { expectNear, loadOptimGolden } from './support/golden.js';

type Formula = Record<string, unknown> & { fn: string };

function scheduleFor(f: Formula): Schedule {
  const n = (k: string) => f[k] as number;
  const opt = (k: string) => f[k] as number | undefined;
  switch (f.fn) {
    case 'constant':
      return constantSchedule(n('value'));
    case 'exponential':
      return exponentialDecay({
        initValue: n('init'),
        transitionSteps: n('transition_steps'),
        decayRate: n('decay_rate'),
        staircase: f.staircase as boolean | undefined,
        transitionBegin: opt('transition_begin'),
        endValue: opt('end_value'),
      });
    case 'piecewise_constant':
      return piecewiseConstantSchedule(
        n('init'),
        Object.fromEntries(f.boundaries_and_scales as Array<[number, number]>),
      );
    case 'linear':
      return linearSchedule({
        initValue: n('init'),
        endValue: n('end'),
        transitionSteps: n('transition_steps'),
        transitionBegin: opt('transition_begin'),
      });
    case 'cosine_decay':
      return cosineDecaySchedule({
        initValue: n('init'),
        decaySteps: n('decay_steps'),
        alpha: n('alpha'),
      });
    case 'warmup_cosine_decay':
      return warmupCosineDecaySchedule({
        initValue: n('init'),
        peakValue: n('peak'),
        warmupSteps: n('warmup_steps'),
        decaySteps: n('decay_steps'),
        endValue: n('end'),
      });
    case 'one_cycle':
      return oneCycle({
        peakValue: n('max_lr'),
        totalSteps: n('total_steps'),
        pctStart: opt('pct_start'),
        divFactor: opt('div_factor'),
        finalDivFactor: opt('final_div_factor'),
        threePhase: f.three_phase as boolean | undefined,
        annealStrategy: f.anneal_strategy as 'cos' | 'linear' | undefined,
      });
    default:
      throw new Error(`no schedule for ${f.fn}`);
  }
}

const cases = loadOptimGolden().filter((c) => c.name.startsWith('schedule_'));
/** float32 rounding relative to the schedule's scale (values near 0 carry its absolute error). */
const toleranceFor = (data: readonly number[]) => ({
  rtol: 2e-6,
  atol: 1e-7 * Math.max(...data.map(Math.abs)),
});

describe('schedules vs torch.optim.lr_scheduler / Optax closed forms', () => {
  for (const c of cases) {
    const want = c.outputs.lr as { shape: number[]; data: number[] };
    const schedule = scheduleFor(c.params.formula as Formula);
    const tolerance = toleranceFor(want.data);

    it(`${c.name}: a vector of int32 counts`, () => {
      scope(() => {
        const counts = np.arange(want.data.length);
        const lr = schedule(counts);
        expect(lr.dtype).toBe('float32');
        expectNear(lr, want.data, want.shape, c.name, tolerance);
      });
    });

    it(`${c.name}: JS-number counts give float32 scalars`, () => {
      scope(() => {
        want.data.forEach((value, k) => {
          const lr = schedule(k);
          expect(lr.shape).toEqual([]);
          expectNear(lr, [value], [], `${c.name}(${k})`, tolerance);
        });
      });
    });

    it(`${c.name}: under jit, one compilation for every count`, () => {
      const jitted = jit((count: Tensor) => schedule(count));
      try {
        scope(() => {
          want.data.forEach((value, k) => {
            const lr = jitted(np.array(k, { dtype: 'int32' }));
            expectNear(lr, [value], [], `${c.name}(${k}) jitted`, tolerance);
          });
        });
        expect(jitted.cacheSize).toBe(1);
      } finally {
        jitted.dispose();
      }
    });
  }
});

describe('schedule semantics beyond the fixtures', () => {
  it('oneCycle holds its final value past totalSteps - 1 (torch raises there)', () => {
    scope(() => {
      const s = oneCycle({ peakValue: 1, totalSteps: 10 });
      const final = 1 / 25 / 1e4;
      expectNear(s(np.array([9, 10, 50], { dtype: 'int32' })), [final, final, final], [3], 'end', {
        rtol: 1e-5,
        atol: 0,
      });
    });
  });

  it('cosineDecaySchedule holds alpha * initValue past decaySteps', () => {
    scope(() => {
      const s = cosineDecaySchedule({ initValue: 2, decaySteps: 4, alpha: 0.25 });
      expectNear(s(np.array([4, 5, 100], { dtype: 'int32' })), [0.5, 0.5, 0.5], [3], 'tail', {
        rtol: 1e-6,
        atol: 0,
      });
    });
  });

  it('exponentialDecay with decayRate > 1 caps at endValue', () => {
    scope(() => {
      const s = exponentialDecay({ initValue: 1, transitionSteps: 1, decayRate: 2, endValue: 5 });
      expectNear(s(np.arange(5)), [1, 2, 4, 5, 5], [5], 'growth', {
        rtol: 1e-6,
        atol: 0,
      });
    });
  });

  it('joinSchedules restarts each schedule at its boundary', () => {
    scope(() => {
      const s = joinSchedules(
        [constantSchedule(1), linearSchedule({ initValue: 0, endValue: 4, transitionSteps: 4 })],
        [2],
      );
      expectNear(s(np.arange(7)), [1, 1, 0, 1, 2, 3, 4], [7], 'joined', {
        rtol: 0,
        atol: 1e-7,
      });
    });
  });

  it('warmupCosineDecaySchedule without warmup is the cosine decay', () => {
    scope(() => {
      const s = warmupCosineDecaySchedule({
        initValue: 0,
        peakValue: 1,
        warmupSteps: 0,
        decaySteps: 2,
      });
      expectNear(s(np.arange(3)), [1, 0.5, 0], [3], 'no warmup', {
        rtol: 0,
        atol: 1e-7,
      });
    });
  });
});

describe('schedule argument checks', () => {
  it('reject bad hyperparameters with the function and value in the message', () => {
    expect(() => exponentialDecay({ initValue: 1, transitionSteps: 0, decayRate: 0.5 })).toThrow(
      /exponentialDecay: transitionSteps must be > 0, got 0/,
    );
    expect(() => exponentialDecay({ initValue: 1, transitionSteps: 1, decayRate: 0 })).toThrow(
      ValueError,
    );
    expect(() => linearSchedule({ initValue: 1, endValue: 0, transitionSteps: -1 })).toThrow(
      /linearSchedule: transitionSteps must be > 0/,
    );
    expect(() => cosineDecaySchedule({ initValue: 1, decaySteps: 0 })).toThrow(
      /cosineDecaySchedule: decaySteps must be an integer >= 1, got 0/,
    );
    expect(() => piecewiseConstantSchedule(1, { 10: -0.5 })).toThrow(/the scale at 10/);
    expect(() => oneCycle({ peakValue: 1, totalSteps: 3, pctStart: 0.3 })).toThrow(
      /oneCycle: phase 1 is empty/,
    );
    expect(() =>
      warmupCosineDecaySchedule({ initValue: 0, peakValue: 1, warmupSteps: 10, decaySteps: 10 }),
    ).toThrow(/decaySteps \(10\) must be an integer > warmupSteps \(10\)/);
    expect(() => joinSchedules([constantSchedule(1)], [3])).toThrow(/n - 1 boundaries/);
  });

  it('reject non-integer counts', () => {
    const s = constantSchedule(1);
    expect(() => s(1.5)).toThrow(DTypeError);
    scope(() => {
      expect(() => s(np.array(1, { dtype: 'float32' }))).toThrow(
        /constantSchedule: the step count must be an integer tensor, got float32/,
      );
    });
  });
});
