/**
 * The typed failures of the training loop (DESIGN.md §5: Effect owns the edges, with typed errors).
 * `fitEffect`/`evaluateEffect` fail with one of these or with `@tensile/data`'s `DataError`, which
 * passes through unchanged; the Promise API rejects with the same objects (they are `Error`s), except
 * that a `DataError` is unwrapped to the plain data error it carries, as `@tensile/data` does.
 * Wrong arguments (0 epochs, a missing step function) throw a core `ValueError` at call time instead.
 */
import type { DataError } from '@tensile/data';
import { Data } from 'effect';

/** Which checkpoint operation failed. */
export type CheckpointOperation = 'save' | 'load' | 'list' | 'remove';

/**
 * A checkpoint could not be written, found, read or rotated. `path` names the file (or directory);
 * `cause` is the underlying error (`@tensile/io`'s `CheckpointError`, a file-system error, …).
 * A failed save never damages the previous checkpoint: files are written atomically.
 *
 * @example
 * fitEffect(options).pipe(
 *   Effect.catchTag('CheckpointFailure', (e) => Effect.logError(`${e.operation} ${e.path}: ${e.message}`)),
 * );
 */
export class CheckpointFailure extends Data.TaggedError('CheckpointFailure')<{
  readonly operation: CheckpointOperation;
  readonly path: string;
  readonly message: string;
  readonly cause?: unknown;
}> {}

/**
 * A monitored metric (by default `loss`) became NaN or infinite. Training stops at once; the step
 * that produced it is named so it can be reproduced (the per-step key is `foldIn(key, step)`), and
 * `lastCheckpoint` says where the last good state is, when there is one.
 *
 * @example
 * Effect.catchTag('NanLossError', (e) => Effect.logError(e.message)) // "fit: loss is NaN at step 41 (epoch 0, batch 41) …"
 */
export class NanLossError extends Data.TaggedError('NanLossError')<{
  readonly message: string;
  /** The 0-based global step whose result was not finite. */
  readonly step: number;
  /** The epoch (0-based) and the batch index within it. */
  readonly epoch: number;
  readonly index: number;
  readonly metric: string;
  readonly value: number;
  /** The path of the last checkpoint written by this run or resumed from, if any. */
  readonly lastCheckpoint: string | undefined;
}> {}

/**
 * A user callback (`onStepEnd`, `onEpochEnd`, …) threw or rejected. `cause` is what it threw.
 *
 * @example
 * Effect.catchTag('CallbackError', (e) => Effect.logError(`${e.callback}: ${e.message}`))
 */
export class CallbackError extends Data.TaggedError('CallbackError')<{
  readonly callback: string;
  readonly message: string;
  readonly cause: unknown;
}> {}

/**
 * How the Promise API reports an interrupted run (an `AbortSignal`, or SIGINT in
 * `@tensile/train/node`): the fiber was interrupted after `step` steps, and the state was saved to
 * `checkpoint` when checkpointing was configured. Resume with `resumeFrom: 'latest'`.
 *
 * @example
 * try { await fit({ ...options, signal }); } catch (e) { if (e instanceof FitInterrupted) console.log(e.checkpoint); }
 */
export class FitInterrupted extends Data.TaggedError('FitInterrupted')<{
  readonly message: string;
  readonly step: number;
  readonly checkpoint: string | undefined;
}> {}

/** Every typed failure of `fitEffect`. */
export type TrainError = CheckpointFailure | NanLossError | CallbackError | DataError;

/** The message of an unknown thrown value. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
