/**
 * `@tensile/train/node` — the training loop with Node defaults: `fit` writes checkpoint files
 * atomically, shows a progress bar on a terminal (plain lines otherwise) and turns Ctrl-C into
 * "checkpoint, then exit"; `fileCheckpointStore` for Effect programs; `interruptOnSignals` to give
 * your own `Effect.runPromise` the same Ctrl-C behaviour; PNG charts compressed with `node:zlib`
 * and `writePlot`. Everything of `@tensile/train` is re-exported, so one import suffices.
 *
 * @example
 * import { epochBatches, fit, makeTrainStep, writePlot } from '@tensile/train/node';
 * const result = await fit({ ...options, checkpoint: { dir: 'runs/a' }, resumeFrom: 'latest' });
 * await writePlot('runs/a/curves.png', result.history);
 *
 * @packageDocumentation
 */
export * from './index.js';
export {
  fileCheckpointStore,
  fileCheckpointStoreLayer,
} from './node/file-checkpoint-store.js';
export { fit, type NodeRunOptions } from './node/fit.js';
export { plotHistoryPng, writePlot } from './node/plot.js';
export { interruptOnSignals, type SignalInterruption } from './node/signals.js';
