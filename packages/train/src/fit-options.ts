/**
 * The options of `fit`, their defaults, and the checks that run at call time (wrong arguments
 * throw a core `ValueError` before any Effect runs, as every Tensile function does).
 */
import { type Tensor, ValueError } from '@tensile/core';
import { type Cadence, checkCadence } from './cadence.js';
import type { EpochData } from './data-source.js';
import type { EvalData } from './evaluate.js';
import type { EpochRecord, History, MetricValues } from './history.js';
import type { StopReason } from './reporter.js';
import type { BatchData, EvalStep, TrainStep } from './train-step.js';

/** When and where to save checkpoints. */
export interface CheckpointOptions {
  /** The directory (or, with a memory store, the key prefix) of `ckpt-<step>.safetensors` files. */
  readonly dir: string;
  /** When to save during training (default `{ epochs: 1 }`). */
  readonly every?: Cadence;
  /** How many of the newest checkpoints in `dir` to keep (default 3; `Infinity` keeps all). */
  readonly keep?: number;
  /** Save when the run is interrupted (default true). */
  readonly onInterrupt?: boolean;
  /** Save when the run ends normally (default true). */
  readonly atEnd?: boolean;
  /** Extra JSON stored with every checkpoint (`metadata.user`). */
  readonly metadata?: unknown;
}

/** Stop when a monitored metric stops improving (checked at epoch ends, as Keras does). */
export interface EarlyStoppingOptions {
  /** A train metric (`'loss'`) or an evaluation metric with a `val_` prefix (`'val_loss'`). */
  readonly monitor: string;
  /**
   * Stop after this many epochs in a row without improvement (default 0, as Keras: 0 and 1 both stop
   * at the first epoch that does not improve).
   */
  readonly patience?: number;
  /** `'min'` or `'max'` (default `'max'` when the name contains `acc`, else `'min'`). */
  readonly mode?: 'min' | 'max';
  /** The smallest change that counts as an improvement (default 0). */
  readonly minDelta?: number;
}

/** What every callback receives. */
export interface CallbackContext {
  /** Global steps completed. */
  readonly step: number;
  /** The current epoch (0-based). */
  readonly epoch: number;
  /** The history so far. */
  readonly history: History;
  /** Ask the loop to stop after the current step (no record for a partial epoch). */
  stop(): void;
}

/** `onStepEnd`'s context. The params/state are borrowed: valid during the call only; do not dispose them. */
export interface StepContext<P, O> extends CallbackContext {
  /** Batches done in this epoch. */
  readonly index: number;
  /** The metrics of this step. */
  readonly metrics: MetricValues;
  /** Running means over the epoch so far. */
  readonly means: MetricValues;
  readonly params: P;
  readonly optState: O;
}

/** `onEpochEnd`'s context. */
export interface EpochContext<P, O> extends CallbackContext {
  readonly record: EpochRecord;
  readonly params: P;
  readonly optState: O;
}

/** A callback may be synchronous or return a promise; a throw or rejection fails the run with `CallbackError`. */
export type Callback<C> = (context: C) => void | PromiseLike<void>;

/** Hooks into the loop (Keras-style). */
export interface Callbacks<P, O> {
  readonly onTrainBegin?: Callback<CallbackContext>;
  readonly onEpochBegin?: Callback<CallbackContext>;
  readonly onStepEnd?: Callback<StepContext<P, O>>;
  readonly onEvaluate?: Callback<
    CallbackContext & { readonly metrics: MetricValues; readonly params: P }
  >;
  readonly onEpochEnd?: Callback<EpochContext<P, O>>;
  readonly onCheckpoint?: Callback<
    CallbackContext & { readonly path: string; readonly reason: 'schedule' | 'interrupt' | 'end' }
  >;
  readonly onTrainEnd?: Callback<CallbackContext & { readonly reason: StopReason }>;
}

/** Options of `fit` / `fitEffect`. */
export interface FitOptions<P, O, B extends BatchData = BatchData> {
  /**
   * The initial parameters (any pytree of tensors, e.g. an nn module). `fit` takes ownership: it
   * returns the final ones and disposes what it no longer needs, including on failure.
   */
  readonly params: P;
  /** The initial optimizer state (`optimizer.init(params)`); owned by `fit` like `params`. */
  readonly optState: O;
  /** One optimisation step (see `makeTrainStep`). */
  readonly trainStep: TrainStep<P, O, B>;
  /** The training batches of each epoch (see `epochBatches`). */
  readonly trainData: EpochData<B>;
  /** Number of epochs (the total, counting epochs done before a resume). */
  readonly epochs: number;
  /** Validation batches. */
  readonly evalData?: EvalData<B>;
  /** Metrics on a validation batch (default: the `evalStep` of a step from `makeTrainStep`). */
  readonly evalStep?: EvalStep<P, B>;
  /** When to evaluate (default `{ epochs: 1 }` when `evalData` is given). */
  readonly evaluateEvery?: Cadence;
  /** Checkpointing (needs a checkpoint store: files in `@tensile/train/node`). */
  readonly checkpoint?: CheckpointOptions;
  readonly earlyStopping?: EarlyStoppingOptions;
  readonly callbacks?: Callbacks<P, O>;
  /** Continue from the newest checkpoint in `checkpoint.dir` (`'latest'`; a fresh start when there is none) or from a path. */
  readonly resumeFrom?: 'latest' | (string & {});
  /** The PRNG key: step `s` gets `random.foldIn(key, s)`. Borrowed, not disposed. */
  readonly key?: Tensor;
  /** Batches per epoch, for the progress bar's total and ETA (default: `trainData.stepsPerEpoch`, else learnt from the first epoch). */
  readonly stepsPerEpoch?: number;
  /** Metrics that must stay finite: `true` (default) checks `loss`, `false` none, or a list of names. */
  readonly detectNans?: boolean | readonly string[];
}

/** What `fit` returns. The caller owns `params` and `optState`. */
export interface FitResult<P, O> {
  readonly params: P;
  readonly optState: O;
  readonly history: History;
  /** Global steps completed. */
  readonly step: number;
  /** Why the run ended. */
  readonly stopReason: StopReason;
  /** The best epoch by the early-stopping monitor, when early stopping was configured. */
  readonly bestEpoch: number | undefined;
  /** The last checkpoint written (or resumed from). */
  readonly lastCheckpoint: string | undefined;
}

const isPositiveInteger = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n > 0;

/** Throw a `ValueError` for any invalid option. */
export function checkFitOptions<P, O, B extends BatchData>(options: FitOptions<P, O, B>): void {
  const op = 'fit';
  if (options === null || typeof options !== 'object')
    throw new ValueError(`${op}: options must be an object`);
  if (typeof options.trainStep !== 'function')
    throw new ValueError(`${op}: trainStep must be a function`);
  if (typeof options.trainData !== 'function') {
    throw new ValueError(
      `${op}: trainData must be a function ({ epoch, startIndex }) => Stream | AsyncIterable of batches (see epochBatches)`,
    );
  }
  if (!isPositiveInteger(options.epochs))
    throw new ValueError(`${op}: epochs must be a positive integer, got ${options.epochs}`);
  if (options.evalData !== undefined && typeof options.evalData !== 'function')
    throw new ValueError(`${op}: evalData must be a function returning batches`);
  if (options.evalData !== undefined && evalStepOf(options) === undefined) {
    throw new ValueError(
      `${op}: evalData needs an evalStep (or a trainStep built by makeTrainStep, which has one)`,
    );
  }
  if (options.evaluateEvery !== undefined) {
    checkCadence(op, 'evaluateEvery', options.evaluateEvery);
    if (options.evalData === undefined) throw new ValueError(`${op}: evaluateEvery needs evalData`);
  }
  if (options.stepsPerEpoch !== undefined && !isPositiveInteger(options.stepsPerEpoch))
    throw new ValueError(
      `${op}: stepsPerEpoch must be a positive integer, got ${options.stepsPerEpoch}`,
    );
  const ckpt = options.checkpoint;
  if (ckpt !== undefined) {
    if (typeof ckpt.dir !== 'string' || ckpt.dir === '')
      throw new ValueError(`${op}: checkpoint.dir must be a non-empty string`);
    if (ckpt.every !== undefined) checkCadence(op, 'checkpoint.every', ckpt.every);
    if (
      ckpt.keep !== undefined &&
      !(isPositiveInteger(ckpt.keep) || ckpt.keep === Number.POSITIVE_INFINITY)
    ) {
      throw new ValueError(
        `${op}: checkpoint.keep must be a positive integer or Infinity, got ${ckpt.keep}`,
      );
    }
  }
  if (options.resumeFrom !== undefined) {
    if (typeof options.resumeFrom !== 'string' || options.resumeFrom === '')
      throw new ValueError(`${op}: resumeFrom must be 'latest' or a checkpoint path`);
    if (options.resumeFrom === 'latest' && ckpt === undefined)
      throw new ValueError(`${op}: resumeFrom: 'latest' needs checkpoint.dir`);
  }
  const es = options.earlyStopping;
  if (es !== undefined) {
    if (typeof es.monitor !== 'string' || es.monitor === '')
      throw new ValueError(
        `${op}: earlyStopping.monitor must name a metric ('val_loss', 'loss', …)`,
      );
    if (es.monitor.startsWith('val_') && options.evalData === undefined)
      throw new ValueError(`${op}: earlyStopping.monitor '${es.monitor}' needs evalData`);
    if (es.patience !== undefined && !(Number.isInteger(es.patience) && es.patience >= 0))
      throw new ValueError(
        `${op}: earlyStopping.patience must be a non-negative integer, got ${es.patience}`,
      );
    if (es.mode !== undefined && es.mode !== 'min' && es.mode !== 'max')
      throw new ValueError(
        `${op}: earlyStopping.mode must be 'min' or 'max', got ${String(es.mode)}`,
      );
    if (es.minDelta !== undefined && !(es.minDelta >= 0))
      throw new ValueError(`${op}: earlyStopping.minDelta must be >= 0, got ${es.minDelta}`);
  }
}

/** The eval step to use: the option, else the train step's own (from `makeTrainStep`). */
export function evalStepOf<P, O, B extends BatchData>(
  options: FitOptions<P, O, B>,
): EvalStep<P, B> | undefined {
  return (
    options.evalStep ??
    (options.trainStep as TrainStep<P, O, B> & { evalStep?: EvalStep<P, B> }).evalStep
  );
}

/** Names of the metrics that must stay finite. */
export function nanWatchList<P, O, B extends BatchData>(
  options: FitOptions<P, O, B>,
): readonly string[] {
  const d = options.detectNans ?? true;
  return d === true ? ['loss'] : d === false ? [] : d;
}
