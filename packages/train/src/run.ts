/**
 * The bridge from the Effect core to the Promise API: provide the services a call asked for (a
 * registered backend or a backend layer, a reporter, a checkpoint store), run the program with an
 * optional `AbortSignal` that interrupts it, and turn its exit into a value or a thrown error — the
 * typed failure itself, the plain data error for a `DataError`, the defect for a bug, and for an
 * interruption whatever the caller says (`FitInterrupted` for `fit`).
 */
import { DataError } from '@tensile/data';
import { Cause, Effect, Exit, type Layer, Option } from 'effect';
import { type Backend, registeredBackendLayer } from './backend.js';
import { CheckpointStore, type CheckpointStoreService } from './checkpoint-store.js';
import { Reporter, type ReporterService } from './reporter.js';

/** How a Promise-API call runs. */
export interface RunOptions {
  /** Aborting it interrupts the run (a checkpoint is written when `checkpoint` is configured). */
  readonly signal?: AbortSignal;
  /** Where progress goes (default: console lines; the progress bar in `@tensile/train/node`). */
  readonly reporter?: ReporterService;
  /** Where checkpoints go (default: none; files in `@tensile/train/node`). */
  readonly store?: CheckpointStoreService;
  /**
   * The backend: the name of a registered one (default: the current default backend) or a
   * `Backend` layer. A layer lives for the call only: give one whose backend outlives it (e.g.
   * `cpuBackendLayer()`, which reuses the registered CPU backend), since the returned params stay on it.
   */
  readonly backend?: string | Layer.Layer<Backend, unknown>;
}

/**
 * `program` with the services of `options` provided.
 *
 * @internal
 */
export function withRunServices<A, E>(
  program: Effect.Effect<A, E, Backend>,
  options: RunOptions,
): Effect.Effect<A, unknown> {
  let effect: Effect.Effect<A, E, Backend> = program;
  if (options.reporter !== undefined)
    effect = Effect.provideService(effect, Reporter, options.reporter);
  if (options.store !== undefined)
    effect = Effect.provideService(effect, CheckpointStore, options.store);
  const backend =
    options.backend === undefined || typeof options.backend === 'string'
      ? registeredBackendLayer(options.backend)
      : options.backend;
  return Effect.provide(effect, backend as Layer.Layer<Backend, unknown>);
}

/**
 * Run `effect` as a Promise: the value, or a thrown error (see the file header).
 *
 * @internal
 */
export async function runTraining<A>(
  effect: Effect.Effect<A, unknown>,
  signal: AbortSignal | undefined,
  onInterrupt: () => Error | undefined,
): Promise<A> {
  const exit = await Effect.runPromiseExit(effect, signal === undefined ? undefined : { signal });
  if (Exit.isSuccess(exit)) return exit.value;
  const failure = Cause.findErrorOption(exit.cause);
  if (Option.isSome(failure)) {
    const error = failure.value;
    throw error instanceof DataError ? error.cause : error;
  }
  if (Cause.hasInterruptsOnly(exit.cause)) {
    throw onInterrupt() ?? new Error('interrupted');
  }
  throw Cause.squash(exit.cause);
}
