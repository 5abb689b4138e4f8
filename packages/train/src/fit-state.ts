/**
 * Everything `fit` needs to continue a run exactly, and its JSON form inside a checkpoint's
 * metadata (`metadata.fit`): the position (epoch, batch index, global step), the epoch's running
 * metric sums and time so far, the history, early-stopping state, and whether an evaluation was due
 * but not finished. The tensors (params, optimizer state) are the checkpoint's own; the data order
 * follows from the position, and the per-step PRNG key from the step (`foldIn(key, step)`).
 */
import type { EpochRecord, EvaluationRecord } from './history.js';
import { MetricAccumulator } from './history.js';

/** Early-stopping bookkeeping. */
export interface EarlyStoppingState {
  best: number | undefined;
  bestEpoch: number | undefined;
  /** Epochs in a row without improvement. */
  wait: number;
}

/** The resumable position and bookkeeping of a run (not the tensors). */
export interface FitProgress {
  /** The epoch in progress (0-based). */
  epoch: number;
  /** Batches completed in that epoch. */
  index: number;
  /** Global steps completed. */
  step: number;
  /** Running sums of the epoch's train metrics. */
  accumulator: MetricAccumulator;
  /** Seconds spent in this epoch before the current segment (a resume starts a new segment). */
  epochSecondsBefore: number;
  epochs: EpochRecord[];
  evaluations: EvaluationRecord[];
  early: EarlyStoppingState;
  /** A step-cadence evaluation was due at `step` and has not finished. */
  pendingEvaluation: boolean;
  /** The epoch-end evaluation of `epoch` has run (its record is the last in `evaluations`). */
  epochEvaluated: boolean;
}

/** A fresh run's progress. */
export function initialProgress(): FitProgress {
  return {
    epoch: 0,
    index: 0,
    step: 0,
    accumulator: new MetricAccumulator(),
    epochSecondsBefore: 0,
    epochs: [],
    evaluations: [],
    early: { best: undefined, bestEpoch: undefined, wait: 0 },
    pendingEvaluation: false,
    epochEvaluated: false,
  };
}

const FORMAT = 1;

/** The JSON stored under `metadata.fit` in a checkpoint. */
export function progressToJSON(progress: FitProgress, epochSeconds: number): unknown {
  return {
    format: FORMAT,
    epoch: progress.epoch,
    index: progress.index,
    step: progress.step,
    accumulator: progress.accumulator.toJSON(),
    epochSeconds,
    epochs: progress.epochs,
    evaluations: progress.evaluations,
    early: progress.early,
    pendingEvaluation: progress.pendingEvaluation,
    epochEvaluated: progress.epochEvaluated,
  };
}

const isObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);
const isCount = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;

/**
 * The progress stored in checkpoint `metadata`, or a description of what is wrong with it.
 * JSON turns NaN into `null`; values come back as `NaN` where a number was expected.
 */
export function progressFromMetadata(metadata: unknown, step: number): FitProgress | string {
  const fit = isObject(metadata) ? metadata.fit : undefined;
  if (!isObject(fit)) {
    return 'the checkpoint has no training position (metadata.fit); it was not written by fit — load it with loadCheckpoint and pass the params instead';
  }
  if (fit.format !== FORMAT) return `unsupported fit state format ${JSON.stringify(fit.format)}`;
  const acc = fit.accumulator;
  if (
    !isCount(fit.epoch) ||
    !isCount(fit.index) ||
    fit.step !== step ||
    !isObject(acc) ||
    !isObject(acc.sums) ||
    !isCount(acc.examples) ||
    !isCount(acc.batches) ||
    !Array.isArray(fit.epochs) ||
    !Array.isArray(fit.evaluations) ||
    !isObject(fit.early)
  ) {
    return 'the training position in metadata.fit is malformed';
  }
  const num = (x: unknown) => (typeof x === 'number' ? x : Number.NaN);
  const values = (x: unknown): Record<string, number> => {
    const out: Record<string, number> = {};
    if (isObject(x)) for (const [k, v] of Object.entries(x)) out[k] = num(v);
    return out;
  };
  const epochs = (fit.epochs as unknown[]).filter(isObject).map(
    (e): EpochRecord => ({
      epoch: num(e.epoch),
      step: num(e.step),
      train: values(e.train),
      ...(isObject(e.eval) ? { eval: values(e.eval) } : {}),
      seconds: num(e.seconds),
      examples: num(e.examples),
    }),
  );
  const evaluations = (fit.evaluations as unknown[]).filter(isObject).map(
    (e): EvaluationRecord => ({
      epoch: num(e.epoch),
      step: num(e.step),
      metrics: values(e.metrics),
      seconds: num(e.seconds),
    }),
  );
  const early = fit.early as Record<string, unknown>;
  return {
    epoch: fit.epoch,
    index: fit.index,
    step,
    accumulator: MetricAccumulator.fromJSON({
      sums: values(acc.sums),
      examples: acc.examples,
      batches: acc.batches,
    }),
    epochSecondsBefore: num(fit.epochSeconds) || 0,
    epochs,
    evaluations,
    early: {
      best: typeof early.best === 'number' ? early.best : undefined,
      bestEpoch: typeof early.bestEpoch === 'number' ? early.bestEpoch : undefined,
      wait: isCount(early.wait) ? early.wait : 0,
    },
    pendingEvaluation: fit.pendingEvaluation === true,
    epochEvaluated: fit.epochEvaluated === true,
  };
}
