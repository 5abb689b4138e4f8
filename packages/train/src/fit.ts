/**
 * `fit`: the training loop. An interruptible Effect that, for each epoch, pulls batches from the
 * epoch's stream and runs the train step on each, reads the step's metrics, keeps running means,
 * reports progress, evaluates and checkpoints on their cadences, and at the epoch's end records the
 * epoch in the history and checks early stopping. `fit` (Promise) runs the same Effect for callers
 * who do not use Effect.
 *
 * Exactness under interruption: a step (run, swap in the new params, count it, read its metrics)
 * is uninterruptible, and every other change of the resumable state happens in one synchronous
 * block, so an interruption — Ctrl-C, `Fiber.interrupt`, an `AbortSignal` — always lands between
 * two consistent states. The finalizer then writes that state as a checkpoint: params, optimizer
 * state, the position (epoch, batch, step), running sums, history. Resuming restores it; the data
 * factory is asked for the same epoch from the same batch and step `s` gets `foldIn(key, s)`, so the
 * continued run computes exactly what the uninterrupted one would have.
 */
import { random, Tensor, tree, ValueError, withBackend } from '@tensile/core';
import { Cause, Clock, Data, Effect, Exit, Stream } from 'effect';
import { Backend } from './backend.js';
import { makeTrigger, type Trigger } from './cadence.js';
import { CheckpointStore } from './checkpoint-store.js';
import { type BatchLike, batchSize, disposeBatch, toBatchStream } from './data-source.js';
import {
  CallbackError,
  CheckpointFailure,
  FitInterrupted,
  messageOf,
  NanLossError,
  type TrainError,
} from './errors.js';
import { runEvaluation } from './evaluate.js';
import {
  type Callback,
  type CallbackContext,
  type Callbacks,
  checkFitOptions,
  evalStepOf,
  type FitOptions,
  type FitResult,
  nanWatchList,
} from './fit-options.js';
import { initialProgress, progressFromMetadata, progressToJSON } from './fit-state.js';
import { type EpochRecord, type History, MetricAccumulator } from './history.js';
import { readMetrics } from './read-metrics.js';
import { Reporter, type StopReason, type TrainEvent } from './reporter.js';
import { type RunOptions, runTraining, withRunServices } from './run.js';
import type { BatchData } from './train-step.js';

/** Ends the current epoch's stream when a callback asked to stop. */
class StopSignal extends Data.TaggedError('StopSignal') {}

/** What an interrupted run left behind, for the Promise API's error. */
interface FitProbe {
  step: number;
  checkpoint: string | undefined;
}

const tensorLeaves = (...trees: unknown[]): Tensor[] =>
  trees.flatMap((t) => tree.leaves(t)).filter((l): l is Tensor => l instanceof Tensor);

/**
 * Train as an Effect. Needs a `Backend` (e.g. `cpuBackendLayer()`); uses the `Reporter` and
 * `CheckpointStore` in its context (defaults: console lines, no store). Interrupting the fiber saves
 * a checkpoint (when `checkpoint` is set) and disposes the run's tensors.
 *
 * @example
 * const program = fitEffect({
 *   params, optState: opt.init(params), trainStep: makeTrainStep(lossFn, opt),
 *   trainData: epochBatches(train, { batchSize: 64, key }), epochs: 5,
 * });
 * const { params: trained, history } = await Effect.runPromise(
 *   Effect.provide(program, cpuBackendLayer()),
 * );
 */
export function fitEffect<P, O, B extends BatchData>(
  options: FitOptions<P, O, B>,
): Effect.Effect<FitResult<P, O>, TrainError, Backend> {
  checkFitOptions(options);
  return fitProgram(options, { step: 0, checkpoint: undefined });
}

/**
 * Train with a Promise: `fitEffect` on the registered default backend (or `backend`), reporting
 * console lines (or `reporter`), checkpointing to `store` (Node: use `@tensile/train/node`, whose
 * `fit` writes files and shows a progress bar). Aborting `signal` interrupts the run: it saves a
 * checkpoint and rejects with `FitInterrupted`. Other failures reject with the typed error
 * (`NanLossError`, `CheckpointFailure`, `CallbackError`) or the plain data error.
 *
 * @example
 * const { params: trained, history } = await fit({
 *   params, optState: opt.init(params), trainStep: step,
 *   trainData: epochBatches(train, { batchSize: 64, key }), evalData: () => batches(test, { batchSize: 256 }),
 *   epochs: 5, store: memoryCheckpointStore(), checkpoint: { dir: 'run' },
 * });
 */
export function fit<P, O, B extends BatchData>(
  options: FitOptions<P, O, B> & RunOptions,
): Promise<FitResult<P, O>> {
  checkFitOptions(options);
  const probe: FitProbe = { step: 0, checkpoint: undefined };
  return runTraining(
    withRunServices(fitProgram(options, probe), options),
    options.signal,
    () =>
      new FitInterrupted({
        message:
          probe.checkpoint === undefined
            ? `fit: interrupted after step ${probe.step} (no checkpoint was configured)`
            : `fit: interrupted after step ${probe.step}; state saved to ${probe.checkpoint}`,
        step: probe.step,
        checkpoint: probe.checkpoint,
      }),
  );
}

function fitProgram<P, O, B extends BatchData>(
  options: FitOptions<P, O, B>,
  probe: FitProbe,
): Effect.Effect<FitResult<P, O>, TrainError, Backend> {
  const ckpt = options.checkpoint;
  const keep = ckpt?.keep ?? 3;
  const evalStep = evalStepOf(options);
  const evalData = options.evalData;
  const watch = nanWatchList(options);
  const es = options.earlyStopping;
  const esMode = es?.mode ?? (es?.monitor.includes('acc') ? 'max' : 'min');
  const esThreshold = Math.max(1, es?.patience ?? 0);

  return Effect.suspend(() => {
    // Until the body's finalizer is in place, a failure or interruption must still free the inputs.
    let handedToBody = false;
    return Effect.gen(function* () {
      const backend = yield* Backend;
      const reporter = yield* Reporter;
      const store = yield* CheckpointStore;

      // --- state: the tensors this run owns, the resumable progress, and bookkeeping ---
      let params = options.params;
      let optState = options.optState;
      let owned = true;
      const progress = initialProgress();
      let version = 0; // bumped by every change of the resumable state
      let savedVersion = -1;
      let lastCheckpoint: string | undefined;
      let stopReason: StopReason | undefined;
      let stepsPerEpoch = options.stepsPerEpoch ?? options.trainData.stepsPerEpoch;
      let segmentStart = 0; // clock ms when this epoch (or its resumed part) began
      let segmentSteps = 0;
      let segmentExamples = 0;
      let warnedMonitor = false;
      let evalTrigger: Trigger | undefined;
      let checkpointTrigger: Trigger | undefined;

      const now = Clock.currentTimeMillis;
      const report = (event: TrainEvent) => reporter.report(event);
      const history = (): History => ({
        epochs: progress.epochs,
        evaluations: progress.evaluations,
      });
      const stop = () => {
        stopReason ??= 'stopped';
      };
      const context = (): CallbackContext => ({
        step: progress.step,
        epoch: progress.epoch,
        history: history(),
        stop,
      });
      const disposeOwned = () => {
        if (!owned) return;
        owned = false;
        tree.dispose(params);
        tree.dispose(optState);
      };

      /** Run a user callback; a throw or rejection becomes `CallbackError`. */
      const call = <K extends keyof Callbacks<P, O>>(
        name: K,
        makeContext: () => Parameters<NonNullable<Callbacks<P, O>[K]>>[0],
      ): Effect.Effect<void, CallbackError> => {
        const fn = options.callbacks?.[name] as Callback<unknown> | undefined;
        if (fn === undefined) return Effect.void;
        const failure = (cause: unknown) =>
          new CallbackError({
            callback: name,
            message: `fit: ${name} failed at step ${progress.step}: ${messageOf(cause)}`,
            cause,
          });
        return Effect.suspend(() => {
          let result: void | PromiseLike<void>;
          try {
            result = fn(makeContext());
          } catch (cause) {
            return Effect.fail(failure(cause));
          }
          return result !== undefined && typeof result.then === 'function'
            ? Effect.tryPromise({ try: () => Promise.resolve(result), catch: failure })
            : Effect.void;
        });
      };

      const epochSeconds = Effect.map(
        now,
        (t) => progress.epochSecondsBefore + (t - segmentStart) / 1000,
      );

      // --- checkpoints ---
      const rotate = (justSaved: string) =>
        Effect.gen(function* () {
          if (ckpt === undefined || !Number.isFinite(keep)) return;
          const all = yield* store.list(ckpt.dir);
          for (const old of all.slice(0, Math.max(0, all.length - keep))) {
            if (old.path !== justSaved) yield* store.remove(old.path);
          }
        });

      const save = (reason: 'schedule' | 'interrupt' | 'end') =>
        Effect.gen(function* () {
          if (ckpt === undefined) return undefined;
          if (version === savedVersion) return lastCheckpoint;
          const path = store.pathFor(ckpt.dir, progress.step);
          const metadata = {
            user: ckpt.metadata ?? null,
            fit: progressToJSON(progress, yield* epochSeconds),
          };
          // Never half-written, and never abandoned by an interruption midway.
          yield* Effect.uninterruptible(
            store.save(path, { params, optState, step: progress.step, metadata }),
          );
          savedVersion = version;
          lastCheckpoint = path;
          probe.checkpoint = path;
          yield* rotate(path);
          yield* report({ type: 'checkpoint', step: progress.step, path, reason });
          yield* call('onCheckpoint', () => ({ ...context(), path, reason }));
          return path;
        });

      // --- evaluation ---
      const evaluateNow = (atEpochEnd: boolean) =>
        Effect.gen(function* () {
          if (evalStep === undefined || evalData === undefined) return;
          const t0 = yield* now;
          const metrics = yield* runEvaluation('fit', evalStep, evalData, params, backend.name);
          const seconds = ((yield* now) - t0) / 1000;
          const record = { epoch: progress.epoch, step: progress.step, metrics, seconds };
          progress.evaluations.push(record);
          progress.pendingEvaluation = false;
          if (atEpochEnd) progress.epochEvaluated = true;
          version++;
          yield* report({ type: 'evaluation', ...record });
          yield* call('onEvaluate', () => ({ ...context(), metrics, params }));
        });

      // --- resume ---
      const resume = Effect.gen(function* () {
        if (options.resumeFrom === undefined) return;
        let path: string = options.resumeFrom;
        if (path === 'latest') {
          const newest = (yield* store.list((ckpt as { dir: string }).dir)).at(-1);
          if (newest === undefined) return; // nothing saved yet: a fresh start
          path = newest.path;
        }
        const loaded = yield* store.load(path, { params, optState }, { backend: backend.name });
        const restored = progressFromMetadata(loaded.metadata, loaded.step);
        if (typeof restored === 'string') {
          tree.dispose(loaded.params);
          tree.dispose(loaded.optState);
          return yield* Effect.fail(
            new CheckpointFailure({
              operation: 'load',
              path,
              message: `fit: ${path}: ${restored}`,
            }),
          );
        }
        // The given params/state were templates; the checkpoint's tensors replace them.
        tree.dispose(params);
        tree.dispose(optState);
        params = loaded.params;
        optState = loaded.optState;
        Object.assign(progress, restored);
        if (es !== undefined && progress.early.wait >= esThreshold) stopReason = 'early-stopping';
        version++;
        savedVersion = version;
        lastCheckpoint = path;
        probe.step = progress.step;
        probe.checkpoint = path;
        yield* report({
          type: 'resumed',
          path,
          step: progress.step,
          epoch: progress.epoch,
          index: progress.index,
        });
      });

      // --- one step: uninterruptible from running the step to counting its metrics ---
      const stepAtomically = (batch: BatchLike<B>) =>
        Effect.gen(function* () {
          const size = batchSize(batch);
          const stepNumber = progress.step;
          const position = { epoch: progress.epoch, index: progress.index };
          const before = tensorLeaves(params, optState);
          const stepKey =
            options.key === undefined ? undefined : random.foldIn(options.key, stepNumber);
          let out: unknown;
          try {
            out = withBackend(backend.name, () =>
              options.trainStep(params, optState, batch.data, stepKey),
            );
          } finally {
            stepKey?.dispose();
            disposeBatch(batch);
          }
          if (!Array.isArray(out) || out.length !== 3) {
            tree.dispose(out);
            throw new ValueError(
              `fit: trainStep must return [metrics, params, optState], got ${Array.isArray(out) ? `an array of ${out.length}` : typeof out}`,
            );
          }
          const [metrics, nextParams, nextOptState] = out as [unknown, P, O];
          // Release what the step did not return (a donating step has consumed it already).
          const kept = new Set(tensorLeaves(nextParams, nextOptState));
          for (const t of before) if (!kept.has(t)) t.dispose();
          params = nextParams;
          optState = nextOptState;
          progress.step += 1;
          progress.index += 1;
          version++;
          probe.step = progress.step;
          const values = yield* readMetrics('fit', metrics);
          progress.accumulator.add(values, size);
          segmentSteps += 1;
          segmentExamples += size;
          const info = { step: progress.step, epoch: progress.epoch, index: progress.index };
          if (evalTrigger !== undefined && (yield* evalTrigger.atStepEnd(info)))
            progress.pendingEvaluation = true;
          for (const name of watch) {
            const value = values[name];
            if (value !== undefined && !Number.isFinite(value)) {
              return yield* Effect.fail(
                new NanLossError({
                  message: `fit: ${name} is ${value} at step ${stepNumber} (epoch ${position.epoch}, batch ${position.index}); training stopped. ${lastCheckpoint === undefined ? 'No checkpoint was written.' : `The last good checkpoint is ${lastCheckpoint}.`} The step's key is random.foldIn(key, ${stepNumber}); setDebugNans(true) names the op that made the first NaN.`,
                  step: stepNumber,
                  epoch: position.epoch,
                  index: position.index,
                  metric: name,
                  value,
                  lastCheckpoint,
                }),
              );
            }
          }
          return values;
        });

      const runStep = (batch: BatchLike<B>) =>
        Effect.gen(function* () {
          if (batch.index !== undefined && batch.index < progress.index) {
            disposeBatch(batch); // a source that ignored startIndex: skip to the resume point
            return;
          }
          const values = yield* Effect.uninterruptible(stepAtomically(batch));
          yield* call('onStepEnd', () => ({
            ...context(),
            index: progress.index,
            metrics: values,
            means: progress.accumulator.means(),
            params,
            optState,
          }));
          const t = yield* now;
          const seconds = (t - segmentStart) / 1000;
          yield* report({
            type: 'step',
            epoch: progress.epoch,
            epochs: options.epochs,
            index: progress.index,
            stepsPerEpoch,
            step: progress.step,
            metrics: progress.accumulator.means(),
            last: values,
            examplesPerSecond: seconds > 0 ? segmentExamples / seconds : Number.NaN,
            etaSeconds:
              stepsPerEpoch === undefined || segmentSteps === 0
                ? undefined
                : (Math.max(0, stepsPerEpoch - progress.index) * seconds) / segmentSteps,
            elapsedSeconds: progress.epochSecondsBefore + seconds,
            time: t,
          });
          if (progress.pendingEvaluation) yield* evaluateNow(false);
          const info = { step: progress.step, epoch: progress.epoch, index: progress.index };
          if (checkpointTrigger !== undefined && (yield* checkpointTrigger.atStepEnd(info)))
            yield* save('schedule');
          if (stopReason !== undefined) return yield* Effect.fail(new StopSignal());
        });

      // --- epoch end: evaluate, then record the epoch and move on in one synchronous block ---
      const earlyStoppingCheck = (record: EpochRecord): TrainEvent | undefined => {
        if (es === undefined) return undefined;
        const value = es.monitor.startsWith('val_')
          ? record.eval?.[es.monitor.slice(4)]
          : record.train[es.monitor];
        if (value === undefined || Number.isNaN(value)) return undefined;
        const early = progress.early;
        const minDelta = es.minDelta ?? 0;
        const improved =
          early.best === undefined ||
          (esMode === 'min' ? value < early.best - minDelta : value > early.best + minDelta);
        if (improved) {
          early.best = value;
          early.bestEpoch = record.epoch;
          early.wait = 0;
          return undefined;
        }
        early.wait += 1;
        if (early.wait < esThreshold) return undefined;
        return {
          type: 'earlyStopping',
          epoch: record.epoch,
          monitor: es.monitor,
          best: early.best as number,
          bestEpoch: early.bestEpoch as number,
          patience: early.wait,
        };
      };

      const endEpoch = (epoch: number) =>
        Effect.gen(function* () {
          stepsPerEpoch ??= progress.index;
          if (evalTrigger?.atEpochEnd(epoch) === true && !progress.epochEvaluated)
            yield* evaluateNow(true);
          const t = yield* now;
          const lastEvaluation = progress.evaluations.at(-1);
          const record: EpochRecord = {
            epoch,
            step: progress.step,
            train: progress.accumulator.means(),
            ...(lastEvaluation?.epoch === epoch ? { eval: lastEvaluation.metrics } : {}),
            seconds: progress.epochSecondsBefore + (t - segmentStart) / 1000,
            examples: progress.accumulator.examples,
          };
          progress.epochs.push(record);
          const stopping = earlyStoppingCheck(record);
          progress.epoch = epoch + 1;
          progress.index = 0;
          progress.accumulator = new MetricAccumulator();
          progress.epochSecondsBefore = 0;
          progress.epochEvaluated = false;
          version++;
          segmentStart = t;

          yield* report({ type: 'epochEnd', record, epochs: options.epochs });
          if (stopping !== undefined) {
            stopReason = 'early-stopping';
            yield* report(stopping);
          }
          if (es !== undefined && !warnedMonitor && progress.early.best === undefined) {
            warnedMonitor = true;
            yield* Effect.logWarning(
              `fit: earlyStopping.monitor '${es.monitor}' is not among the epoch's metrics (train: ${Object.keys(record.train).join(', ') || 'none'}; eval: ${Object.keys(record.eval ?? {}).join(', ') || 'none'}); early stopping is inactive`,
            );
          }
          yield* call('onEpochEnd', () => ({
            ...context(),
            epoch: record.epoch,
            record,
            params,
            optState,
          }));
          if (checkpointTrigger?.atEpochEnd(epoch) === true) yield* save('schedule');
        });

      const runEpoch = Effect.gen(function* () {
        const epoch = progress.epoch;
        if (progress.index === 0) yield* call('onEpochBegin', context);
        yield* report({ type: 'epochStart', epoch, epochs: options.epochs, stepsPerEpoch });
        segmentStart = yield* now;
        segmentSteps = 0;
        segmentExamples = 0;
        const source = options.trainData({ epoch, startIndex: progress.index });
        yield* Stream.runForEach(toBatchStream(source), runStep).pipe(
          Effect.catchTag('StopSignal', () => Effect.void),
        );
        if (stopReason === undefined) yield* endEpoch(epoch);
      });

      // --- the run ---
      const body = Effect.gen(function* () {
        evalTrigger = yield* makeTrigger(
          evalData === undefined ? undefined : (options.evaluateEvery ?? { epochs: 1 }),
        );
        checkpointTrigger = yield* makeTrigger(
          ckpt === undefined ? undefined : (ckpt.every ?? { epochs: 1 }),
        );
        yield* resume;
        yield* report({
          type: 'start',
          epochs: options.epochs,
          startEpoch: progress.epoch,
          startStep: progress.step,
          stepsPerEpoch,
        });
        yield* call('onTrainBegin', context);
        segmentStart = yield* now;
        if (progress.pendingEvaluation) yield* evaluateNow(false);
        while (progress.epoch < options.epochs && stopReason === undefined) yield* runEpoch;
        const reason = stopReason ?? 'completed';
        if (ckpt !== undefined && ckpt.atEnd !== false) yield* save('end');
        yield* report({ type: 'end', reason, step: progress.step, history: history() });
        yield* call('onTrainEnd', () => ({ ...context(), reason }));
        owned = false; // handed to the caller
        return {
          params,
          optState,
          history: { epochs: [...progress.epochs], evaluations: [...progress.evaluations] },
          step: progress.step,
          stopReason: reason,
          bestEpoch: es === undefined ? undefined : progress.early.bestEpoch,
          lastCheckpoint,
        } satisfies FitResult<P, O>;
      });

      // --- the finalizer: save on interruption, release on any failure ---
      const finalize = <E>(exit: Exit.Exit<FitResult<P, O>, E>) =>
        Effect.gen(function* () {
          if (Exit.isSuccess(exit)) return;
          const interrupted = Cause.hasInterrupts(exit.cause) && !Cause.hasFails(exit.cause);
          if (interrupted) {
            let path: string | undefined;
            if (ckpt !== undefined && ckpt.onInterrupt !== false && owned) {
              const saved = yield* Effect.exit(save('interrupt'));
              if (Exit.isSuccess(saved)) path = saved.value;
              else
                yield* Effect.logWarning(
                  `fit: could not save a checkpoint on interruption: ${Cause.pretty(saved.cause)}`,
                );
            }
            probe.checkpoint = path;
            yield* report({ type: 'interrupted', step: progress.step, checkpoint: path });
          }
          disposeOwned();
        });

      handedToBody = true;
      return yield* body.pipe(Effect.onExit(finalize));
    }).pipe(
      Effect.onExit((exit) =>
        Effect.sync(() => {
          if (Exit.isFailure(exit) && !handedToBody) {
            tree.dispose(options.params);
            tree.dispose(options.optState);
          }
        }),
      ),
    );
  });
}
