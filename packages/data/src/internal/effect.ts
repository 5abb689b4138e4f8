/**
 * The bridge between plain code and the Effect edge: run a function that may throw a plain data
 * error as an Effect that fails with `DataError` (anything else it throws is a defect, i.e. a bug
 * or a wrong argument), and run an Effect for a non-Effect caller, rejecting with the plain error.
 */
import { Effect } from 'effect';
import { type DataError, isDataLoadError, toDataError } from '../data-error.js';
import type { DataLoadError } from '../errors.js';

/**
 * `f()` as an Effect: a thrown data error becomes a `DataError` failure, anything else a defect.
 *
 * @example
 * const bytes = attempt(() => parseIdx(buffer, 'x.idx'));
 */
export function attempt<A>(f: () => A): Effect.Effect<A, DataError> {
  return Effect.suspend(() => {
    try {
      return Effect.succeed(f());
    } catch (error) {
      return isDataLoadError(error) ? Effect.fail(toDataError(error)) : Effect.die(error);
    }
  });
}

/**
 * `f()`'s promise as an Effect, with `attempt`'s error rule. `f` gets an `AbortSignal` that fires
 * when the Effect is interrupted.
 *
 * @example
 * const body = attemptPromise((signal) => fetch(url, { signal }).then((r) => r.arrayBuffer()));
 */
export function attemptPromise<A>(
  f: (signal: AbortSignal) => PromiseLike<A>,
): Effect.Effect<A, DataError> {
  return Effect.tryPromise({ try: f, catch: (error) => error }).pipe(
    Effect.catch((error) =>
      isDataLoadError(error) ? Effect.fail(toDataError(error)) : Effect.die(error),
    ),
  );
}

/**
 * Run `effect` for a caller that does not use Effect: resolves with its value, rejects with the
 * plain error (`DataFormatError`, `DownloadError`, …) a `DataError` carries.
 *
 * @example
 * export const readIdx = (path: string) => runPlain(readIdxEffect(path));
 */
export function runPlain<A>(effect: Effect.Effect<A, DataError>): Promise<A> {
  return Effect.runPromise(effect.pipe(Effect.mapError((error): DataLoadError => error.cause)));
}
