/**
 * `fit` for Node programs: the Promise API with Node defaults — checkpoints as files, the progress
 * bar on a terminal (plain lines when stderr is not one, e.g. in CI), and Ctrl-C handling: the first
 * SIGINT interrupts the run, the finalizer writes a checkpoint, and the process exits with status
 * 130 (or, with `exitOnSignal: false`, the promise rejects with `FitInterrupted`).
 */
import { FitInterrupted } from '../errors.js';
import { fit as fitWith } from '../fit.js';
import type { FitOptions, FitResult } from '../fit-options.js';
import { autoReporter } from '../progress-bar.js';
import type { TextSink } from '../reporter.js';
import type { RunOptions } from '../run.js';
import type { BatchData } from '../train-step.js';
import { fileCheckpointStore } from './file-checkpoint-store.js';
import { interruptOnSignals } from './signals.js';

/** Node-specific run options. */
export interface NodeRunOptions extends RunOptions {
  /** Signals that interrupt the run (default `['SIGINT', 'SIGTERM']`; `[]` leaves signals alone). */
  readonly signals?: readonly NodeJS.Signals[];
  /** Exit the process after a signal interrupted the run and its checkpoint is written (default true). */
  readonly exitOnSignal?: boolean;
  /** Where progress goes (default `process.stderr`: a bar on a terminal, lines otherwise). */
  readonly output?: TextSink;
}

/**
 * Train in Node: `fit` with file checkpoints, a terminal progress bar and Ctrl-C → checkpoint → exit.
 *
 * @example
 * import { epochBatches, makeTrainStep } from '@tensile/train';
 * import { fit } from '@tensile/train/node';
 * const result = await fit({
 *   params, optState: opt.init(params), trainStep: makeTrainStep(lossFn, opt, { hasAux: true }),
 *   trainData: epochBatches(train, { batchSize: 64, key }), evalData: () => batches(test, { batchSize: 500 }),
 *   epochs: 10, checkpoint: { dir: 'runs/cnn', every: { epochs: 1 } }, resumeFrom: 'latest', key,
 * });
 */
export async function fit<P, O, B extends BatchData>(
  options: FitOptions<P, O, B> & NodeRunOptions,
): Promise<FitResult<P, O>> {
  const output = options.output ?? process.stderr;
  const interruption = interruptOnSignals(options.signals ?? ['SIGINT', 'SIGTERM'], {
    onSignal: (name) => output.write(`\n${name}: stopping after the current step…\n`),
  });
  const signal =
    options.signal === undefined
      ? interruption.signal
      : AbortSignal.any([options.signal, interruption.signal]);
  try {
    return await fitWith({
      ...options,
      signal,
      reporter: options.reporter ?? autoReporter(output),
      store: options.store ?? fileCheckpointStore(),
    });
  } catch (error) {
    if (
      error instanceof FitInterrupted &&
      interruption.received() !== undefined &&
      options.exitOnSignal !== false
    ) {
      process.exit(interruption.exitCode());
    }
    throw error;
  } finally {
    interruption.dispose();
  }
}
