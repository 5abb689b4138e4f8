/**
 * @tensile/train — the training loop. `fit`/`evaluate` run a jitted step over epochs with a
 * progress bar (plain lines off a terminal), a metrics history, evaluation and checkpoints on a
 * schedule, checkpoints on interruption and exact resume, early stopping, callbacks and typed
 * errors; `plotHistory` draws the curves as SVG (and PNG). Effect inside (`fitEffect`, the
 * `Backend`/`Reporter`/`CheckpointStore` services, `Schedule` cadences); a Promise API outside.
 * This entry works in browsers and Node; `@tensile/train/node` adds checkpoint files, the terminal
 * progress bar by default, Ctrl-C handling and compressed PNG files.
 *
 * @example
 * import { epochBatches, fit, makeTrainStep, memoryCheckpointStore } from '@tensile/train';
 * using step = makeTrainStep(lossFn, adam(1e-2), { hasAux: true });
 * const { params: trained, history } = await fit({
 *   params, optState: adam(1e-2).init(params), trainStep: step,
 *   trainData: epochBatches(train, { batchSize: 32, key }), epochs: 10,
 * });
 *
 * @packageDocumentation
 */
export { Backend, backendLayer, cpuBackendLayer, registeredBackendLayer } from './backend.js';
export type { Cadence, StepInfo } from './cadence.js';
export {
  CheckpointStore,
  type CheckpointStoreService,
  checkpointStepOf,
  checkpointStoreLayer,
  memoryCheckpointStore,
  type StoredCheckpoint,
} from './checkpoint-store.js';
export {
  type BatchLike,
  type BatchSource,
  type EpochData,
  type EpochPosition,
  epochBatches,
} from './data-source.js';
export {
  CallbackError,
  CheckpointFailure,
  type CheckpointOperation,
  FitInterrupted,
  NanLossError,
  type TrainError,
} from './errors.js';
export {
  type EvalData,
  type EvaluateOptions,
  evaluate,
  evaluateEffect,
} from './evaluate.js';
export { fit, fitEffect } from './fit.js';
export type {
  Callback,
  CallbackContext,
  Callbacks,
  CheckpointOptions,
  EarlyStoppingOptions,
  EpochContext,
  FitOptions,
  FitResult,
  StepContext,
} from './fit-options.js';
export { formatDuration, formatMetrics, formatRate, formatValue } from './format.js';
export {
  type EpochRecord,
  type EvaluationRecord,
  type History,
  type MetricValues,
  metricNames,
  metricSeries,
} from './history.js';
export {
  type PlotOptions,
  plotHistory,
  plotHistoryPng,
  type RasterImage,
  rasterizeHistory,
} from './plot/plot-history.js';
export { encodePng, type PngOptions, storedDeflate } from './plot/png.js';
export { autoReporter, type ProgressBarOptions, progressBarReporter } from './progress-bar.js';
export {
  collectingReporter,
  type LineReporterOptions,
  lineReporter,
  logReporter,
  Reporter,
  type ReporterService,
  reporterFrom,
  reporterLayer,
  type StopReason,
  silentReporter,
  type TextSink,
  type TrainEvent,
} from './reporter.js';
export type { RunOptions } from './run.js';
export {
  type BatchData,
  type BuiltTrainStep,
  type EvalStep,
  type LossFn,
  type MakeTrainStepOptions,
  type Metrics,
  makeEvalStep,
  makeTrainStep,
  type TrainStep,
} from './train-step.js';
