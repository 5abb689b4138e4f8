/**
 * The loop end to end on logistic regression: the loss falls and the history is recorded (Promise
 * and Effect APIs), evaluation cadences (steps, epochs, Schedule), early stopping, callbacks and
 * stopping, NaN detection, data errors passing through, and argument checks.
 */
import { np, random, type Tensor, tree, ValueError } from '@tensile/core';
import { batches, DataFormatError } from '@tensile/data';
import { Effect, Exit, Layer, Schedule } from 'effect';
import { describe, expect, it } from 'vitest';
import {
  CallbackError,
  collectingReporter,
  cpuBackendLayer,
  type EpochData,
  epochBatches,
  evaluate,
  FitInterrupted,
  fit,
  fitEffect,
  makeTrainStep,
  NanLossError,
  reporterLayer,
  silentReporter,
} from '../src/index.js';
import {
  type Columns,
  initParams,
  logisticLoss,
  optimizer,
  type Params,
  syntheticDataset,
} from './support/logistic.js';

const train = syntheticDataset(256, 1);
const test = syntheticDataset(128, 2);
/** Lives for the whole file (created before the per-test leak check counts). */
const shuffleKey = random.key(0);

/** The common options: 8 batches of 32 per epoch, validation on 128 points. */
function setup() {
  const opt = optimizer();
  const params = initParams();
  const step = makeTrainStep(logisticLoss(), opt, { hasAux: true });
  return {
    step,
    base: {
      params,
      optState: opt.init(params),
      trainStep: step,
      trainData: epochBatches(train, { batchSize: 32, key: shuffleKey, prefetch: 0 }),
      evalData: () => batches(test, { batchSize: 64, prefetch: 0 }),
      reporter: silentReporter,
    },
  };
}

function release(result: { params: unknown; optState: unknown }): void {
  tree.dispose(result.params);
  tree.dispose(result.optState);
}

describe('fit', () => {
  it('trains logistic regression: the loss falls and the history is recorded', async () => {
    const { step, base } = setup();
    try {
      const result = await fit({ ...base, epochs: 5 });
      const { history } = result;
      expect(result.stopReason).toBe('completed');
      expect(result.step).toBe(40);
      expect(history.epochs.map((e) => e.epoch)).toEqual([0, 1, 2, 3, 4]);
      expect(history.epochs.map((e) => e.step)).toEqual([8, 16, 24, 32, 40]);
      const losses = history.epochs.map((e) => e.train.loss as number);
      expect(losses[0]).toBeLessThan(0.6);
      expect(losses[4]).toBeLessThan(losses[0] as number);
      expect(losses[4]).toBeLessThan(0.25);
      for (const e of history.epochs) {
        expect(e.examples).toBe(256);
        expect(e.seconds).toBeGreaterThanOrEqual(0);
        expect(Object.keys(e.eval ?? {}).sort()).toEqual(['accuracy', 'loss']);
      }
      expect(history.epochs[4]?.eval?.accuracy).toBeGreaterThan(0.9);
      expect(history.evaluations.map((e) => [e.epoch, e.step])).toEqual([
        [0, 8],
        [1, 16],
        [2, 24],
        [3, 32],
        [4, 40],
      ]);
      // The recorded eval metrics are what `evaluate` computes for the final params.
      const final = await evaluate({
        params: result.params,
        evalStep: step.evalStep,
        data: base.evalData,
      });
      expect(final.loss).toBe(history.epochs[4]?.eval?.loss);
      release(result);
    } finally {
      step.dispose();
    }
  });

  it('runs as an Effect with a Backend layer and reports to the Reporter service', async () => {
    const { step, base } = setup();
    const { reporter, events } = collectingReporter();
    try {
      const program = fitEffect({ ...base, epochs: 2 });
      const result = await Effect.runPromise(
        Effect.provide(program, Layer.mergeAll(cpuBackendLayer(), reporterLayer(reporter))),
      );
      expect(result.history.epochs).toHaveLength(2);
      const types = events.map((e) => e.type);
      expect(types[0]).toBe('start');
      expect(types.filter((t) => t === 'step')).toHaveLength(16);
      expect(types.filter((t) => t === 'epochEnd')).toHaveLength(2);
      expect(types.at(-1)).toBe('end');
      const steps = events.filter((e) => e.type === 'step');
      expect(steps[0]).toMatchObject({ epoch: 0, index: 1, step: 1, stepsPerEpoch: 8, epochs: 2 });
      release(result);
    } finally {
      step.dispose();
    }
  });

  it('evaluates on a cadence of steps, of epochs, or a Schedule', async () => {
    const { step, base } = setup();
    try {
      const bySteps = await fit({ ...base, epochs: 2, evaluateEvery: { steps: 3 } });
      expect(bySteps.history.evaluations.map((e) => e.step)).toEqual([3, 6, 9, 12, 15]);
      // An epoch's record holds the last evaluation that ran in it.
      expect(bySteps.history.epochs[0]?.eval).toEqual(bySteps.history.evaluations[1]?.metrics);
      release(bySteps);

      const { base: b2 } = setup();
      const byEpochs = await fit({ ...b2, epochs: 4, evaluateEvery: { epochs: 2 } });
      expect(byEpochs.history.evaluations.map((e) => e.epoch)).toEqual([1, 3]);
      expect(byEpochs.history.epochs.map((e) => e.eval !== undefined)).toEqual([
        false,
        true,
        false,
        true,
      ]);
      release(byEpochs);

      // Once per recurrence, each after its delay (zero here): the first two step ends.
      const { base: b3 } = setup();
      const bySchedule = await fit({ ...b3, epochs: 1, evaluateEvery: Schedule.recurs(2) });
      expect(bySchedule.history.evaluations.map((e) => e.step)).toEqual([1, 2]);
      release(bySchedule);

      // A time-based schedule: the first hour has not passed, so it never fires.
      const { base: b4 } = setup();
      const hourly = await fit({ ...b4, epochs: 1, evaluateEvery: Schedule.spaced('1 hour') });
      expect(hourly.history.evaluations).toEqual([]);
      release(hourly);

      // Every step end.
      const { base: b5 } = setup();
      const always = await fit({ ...b5, epochs: 1, evaluateEvery: Schedule.forever });
      expect(always.history.evaluations.map((e) => e.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      release(always);
    } finally {
      step.dispose();
    }
  });

  it('stops early when the monitored metric stops improving', async () => {
    const { step, base } = setup();
    try {
      // The loss falls every epoch, so under mode 'max' epoch 0 stays the best.
      const result = await fit({
        ...base,
        epochs: 10,
        earlyStopping: { monitor: 'loss', mode: 'max', patience: 2 },
      });
      expect(result.stopReason).toBe('early-stopping');
      expect(result.history.epochs).toHaveLength(3);
      expect(result.bestEpoch).toBe(0);
      release(result);

      // Improvements smaller than minDelta do not count.
      const { base: b2 } = setup();
      const { reporter, events } = collectingReporter();
      const strict = await fit({
        ...b2,
        reporter,
        epochs: 10,
        earlyStopping: { monitor: 'val_loss', minDelta: 10 },
      });
      expect(strict.history.epochs).toHaveLength(2);
      expect(events.find((e) => e.type === 'earlyStopping')).toMatchObject({
        monitor: 'val_loss',
        bestEpoch: 0,
      });
      release(strict);
    } finally {
      step.dispose();
    }
  });

  it('calls the callbacks with the history, and stop() ends the run', async () => {
    const { step, base } = setup();
    const calls: string[] = [];
    try {
      const result = await fit({
        ...base,
        epochs: 3,
        callbacks: {
          onTrainBegin: () => void calls.push('trainBegin'),
          onEpochBegin: ({ epoch }) => void calls.push(`epochBegin ${epoch}`),
          onEvaluate: ({ step: s }) => void calls.push(`evaluate ${s}`),
          onEpochEnd: ({ record, history }) => {
            calls.push(`epochEnd ${record.epoch} (${history.epochs.length})`);
          },
          onStepEnd: async ({ step: s, epoch, stop, metrics, means }) => {
            expect(Number.isFinite(metrics.loss)).toBe(true);
            expect(Object.keys(means).sort()).toEqual(['accuracy', 'loss']);
            if (epoch === 1 && s === 11) stop();
          },
          onTrainEnd: ({ reason }) => void calls.push(`trainEnd ${reason}`),
        },
      });
      expect(result.stopReason).toBe('stopped');
      expect(result.step).toBe(11);
      expect(result.history.epochs).toHaveLength(1); // the partial epoch has no record
      expect(calls).toEqual([
        'trainBegin',
        'epochBegin 0',
        'evaluate 8',
        'epochEnd 0 (1)',
        'epochBegin 1',
        'trainEnd stopped',
      ]);
      release(result);

      const { base: b2 } = setup();
      const failing = fit({
        ...b2,
        epochs: 1,
        callbacks: {
          onStepEnd: ({ step: s }) => {
            if (s === 2) throw new Error('boom');
          },
        },
      });
      await expect(failing).rejects.toBeInstanceOf(CallbackError);
      await expect(failing).rejects.toThrow('fit: onStepEnd failed at step 2: boom');
    } finally {
      step.dispose();
    }
  });

  it('stops with NanLossError naming the step when the loss becomes NaN', async () => {
    let calls = 0;
    const params = { w: np.ones([2]) };
    const nanStep = (p: { w: Tensor }, o: null, _batch: Columns) => {
      calls++;
      const loss = np.array(calls === 5 ? Number.NaN : 1 / calls);
      return [{ loss }, { w: p.w.mul(0.5) }, o] as const;
    };
    const run = fit({
      params,
      optState: null,
      trainStep: nanStep,
      trainData: epochBatches(train, { batchSize: 32, prefetch: 0 }),
      epochs: 2,
      reporter: silentReporter,
    });
    await expect(run).rejects.toBeInstanceOf(NanLossError);
    await expect(run).rejects.toMatchObject({ step: 4, epoch: 0, index: 4, metric: 'loss' });
    await expect(run).rejects.toThrow(/loss is NaN at step 4 \(epoch 0, batch 4\)/);
    expect(calls).toBe(5);
    // fit owned the params and released them on failure (the shared setup checks for leaks).
    expect(params.w.isDisposed).toBe(true);
  });

  it('passes data errors through: plain errors from fit, DataError from fitEffect', async () => {
    const { step, base } = setup();
    try {
      const broken: EpochData<Columns> = () =>
        (async function* () {
          yield* [];
          throw new DataFormatError('readIdx: bad.idx: bad magic number', 'bad.idx');
        })();
      await expect(fit({ ...base, trainData: broken, epochs: 1 })).rejects.toBeInstanceOf(
        DataFormatError,
      );

      const { base: b2 } = setup();
      const exit = await Effect.runPromiseExit(
        Effect.provide(fitEffect({ ...b2, trainData: broken, epochs: 1 }), cpuBackendLayer()),
      );
      expect(Exit.isFailure(exit)).toBe(true);
      const error = Exit.isFailure(exit) ? exit.cause.reasons[0] : undefined;
      expect(error).toMatchObject({ _tag: 'Fail', error: { _tag: 'DataError', kind: 'format' } });
    } finally {
      step.dispose();
    }
  });

  it('an already aborted signal interrupts before the first step and frees the inputs', async () => {
    const { step, base } = setup();
    try {
      const run = fit({ ...base, epochs: 1, signal: AbortSignal.abort() });
      await expect(run).rejects.toBeInstanceOf(FitInterrupted);
      await expect(run).rejects.toMatchObject({ step: 0, checkpoint: undefined });
      expect(base.params.w.isDisposed).toBe(true);
    } finally {
      step.dispose();
    }
  });

  it('rejects wrong arguments with ValueError at call time', () => {
    const { step, base } = setup();
    try {
      expect(() => fit({ ...base, epochs: 0 })).toThrow(ValueError);
      expect(() => fit({ ...base, epochs: 1, evaluateEvery: { steps: 0 } })).toThrow(
        /evaluateEvery must be/,
      );
      expect(() => fit({ ...base, epochs: 1, resumeFrom: 'latest' })).toThrow(
        /resumeFrom: 'latest' needs checkpoint.dir/,
      );
      expect(() =>
        fit({ ...base, evalData: undefined, epochs: 1, earlyStopping: { monitor: 'val_loss' } }),
      ).toThrow(/needs evalData/);
    } finally {
      tree.dispose([base.params, base.optState]);
      step.dispose();
    }
  });
});

export type { Params };
