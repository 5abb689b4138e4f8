/**
 * `evaluate`: run an eval step over a data set and average its metrics over the examples (each
 * batch's means weighted by its size). The Effect form needs a `Backend` and fails only with
 * `DataError`; the Promise form runs on a registered backend. The params are borrowed, not consumed.
 */
import { ValueError, withBackend } from '@tensile/core';
import type { DataError } from '@tensile/data';
import { Effect, Stream } from 'effect';
import { Backend } from './backend.js';
import {
  type BatchSource,
  batchSize,
  disposeBatch,
  type EpochData,
  toBatchStream,
} from './data-source.js';
import { MetricAccumulator, type MetricValues } from './history.js';
import { readMetrics } from './read-metrics.js';
import { type RunOptions, runTraining, withRunServices } from './run.js';
import type { BatchData, EvalStep } from './train-step.js';

/** Evaluation data: epoch data (epoch 0 is used) or a plain factory of a batch source. */
export type EvalData<B extends BatchData> = EpochData<B> | (() => BatchSource<B>);

/** Options of `evaluate` / `evaluateEffect`. */
export interface EvaluateOptions<P, B extends BatchData> {
  /** The parameters to evaluate (borrowed: not disposed). */
  readonly params: P;
  /** Metrics of one batch (means over the batch). */
  readonly evalStep: EvalStep<P, B>;
  /** The batches. */
  readonly data: EvalData<B>;
}

/**
 * Average `evalStep` over the batches of `data`, on `backend`.
 *
 * @internal
 */
export function runEvaluation<P, B extends BatchData>(
  op: string,
  evalStep: EvalStep<P, B>,
  data: EvalData<B>,
  params: P,
  backend: string,
): Effect.Effect<MetricValues, DataError> {
  return Effect.suspend(() => {
    const accumulator = new MetricAccumulator();
    const source = (data as EpochData<B>)({ epoch: 0, startIndex: 0 });
    return Stream.runForEach(toBatchStream(source), (batch) =>
      // One batch at a time and never half-done: interruption waits for the read.
      Effect.uninterruptible(
        Effect.suspend(() => {
          const size = batchSize(batch);
          let metrics: unknown;
          try {
            metrics = withBackend(backend, () => evalStep(params, batch.data));
          } finally {
            disposeBatch(batch);
          }
          return Effect.map(readMetrics(op, metrics), (values) => accumulator.add(values, size));
        }),
      ),
    ).pipe(Effect.map(() => accumulator.means()));
  });
}

function checkEvaluateOptions<P, B extends BatchData>(
  op: string,
  options: EvaluateOptions<P, B>,
): void {
  if (typeof options?.evalStep !== 'function')
    throw new ValueError(`${op}: evalStep must be a function`);
  if (typeof options.data !== 'function') {
    throw new ValueError(
      `${op}: data must be a function returning a Stream or AsyncIterable of batches`,
    );
  }
}

/**
 * Evaluate as an Effect: metrics averaged over the examples of `data`.
 *
 * @example
 * const metrics = yield* evaluateEffect({ params, evalStep, data: () => batches(test, { batchSize: 256 }) });
 * // { loss: 0.31, accuracy: 0.89 }
 */
export function evaluateEffect<P, B extends BatchData>(
  options: EvaluateOptions<P, B>,
): Effect.Effect<MetricValues, DataError, Backend> {
  checkEvaluateOptions('evaluate', options);
  return Effect.flatMap(Effect.service(Backend), (backend) =>
    runEvaluation('evaluate', options.evalStep, options.data, options.params, backend.name),
  );
}

/**
 * Evaluate with a Promise: metrics averaged over the examples of `data`. Rejects with the plain data
 * error when reading the data fails.
 *
 * @example
 * const { loss, accuracy } = await evaluate({ params, evalStep: step.evalStep, data: () => testBatches() });
 */
export function evaluate<P, B extends BatchData>(
  options: EvaluateOptions<P, B> & Pick<RunOptions, 'signal' | 'backend'>,
): Promise<MetricValues> {
  const program = evaluateEffect(options);
  return runTraining(withRunServices(program, options), options.signal, () => undefined);
}
