/**
 * Ctrl-C for training runs: while a run is active, SIGINT (and SIGTERM) abort an `AbortSignal`
 * that interrupts the run's fiber; its finalizer writes a checkpoint; then the process exits with
 * the conventional status (130 for SIGINT). A second Ctrl-C while the checkpoint is being written
 * exits at once (the previous checkpoint is intact: writes are atomic).
 */
import { constants } from 'node:os';

/** What `interruptOnSignals` returns. */
export interface SignalInterruption {
  /** Aborted when one of the signals arrives. */
  readonly signal: AbortSignal;
  /** The signal that arrived, if one did. */
  received(): NodeJS.Signals | undefined;
  /** The exit status for the received signal (128 + its number). */
  exitCode(): number;
  /** Remove the handlers. */
  dispose(): void;
}

/**
 * Turn `signals` into an `AbortSignal` (pass it to `Effect.runPromise(program, { signal })` or to
 * `fit`). Until `dispose()`, the default "exit at once" behaviour of those signals is replaced.
 *
 * @example
 * const interruption = interruptOnSignals();
 * try {
 *   await Effect.runPromise(Effect.provide(fitEffect(options), layers), { signal: interruption.signal });
 * } finally {
 *   interruption.dispose();
 * }
 */
export function interruptOnSignals(
  signals: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'],
  options: { onSignal?: (signal: NodeJS.Signals) => void } = {},
): SignalInterruption {
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  const handlers = signals.map((name) => {
    const handler = () => {
      if (received !== undefined) {
        // A second signal: stop waiting for the checkpoint.
        process.exit(128 + (constants.signals[name] ?? 2));
      }
      received = name;
      options.onSignal?.(name);
      controller.abort(new Error(`received ${name}`));
    };
    process.on(name, handler);
    return [name, handler] as const;
  });
  return {
    signal: controller.signal,
    received: () => received,
    exitCode: () => (received === undefined ? 0 : 128 + (constants.signals[received] ?? 2)),
    dispose: () => {
      for (const [name, handler] of handlers) process.off(name, handler);
    },
  };
}
