/**
 * `tensile eval --checkpoint PATH`: load a Fashion-MNIST classifier written by
 * `tensile train fashion-mnist` (its `model.safetensors`, or a training checkpoint) and report its
 * test accuracy, mean cross-entropy, per-class accuracy and confusion matrix.
 */
import {
  choiceOption,
  flag,
  intOption,
  type OptionValues,
  stringOption,
  UsageError,
} from '../args.js';
import { BACKEND_CHOICES, type BackendChoice, selectBackend } from '../backend.js';
import { disposeClassifier } from '../classifier.js';
import type { CliContext } from '../context.js';
import { CLASS_NAMES, describeSource, loadFashion } from '../fashion.js';
import { loadClassifier } from '../model-file.js';
import {
  confusionLines,
  type PredictionReport,
  predictDataset,
  summarize,
} from '../predictions.js';

export const options = {
  checkpoint: { type: 'string' },
  backend: { type: 'string', default: 'auto' },
  limit: { type: 'string' },
  slice: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const usage = `tensile eval --checkpoint PATH [options]

Evaluate a Fashion-MNIST classifier on the test set: accuracy, loss, confusion matrix.

  --checkpoint PATH        model.safetensors (or checkpoints/ckpt-<step>.safetensors) written
                           by 'tensile train fashion-mnist'
  --backend cpu|dawn|auto  (default auto)
  --limit N                evaluate the first N test images only
  --slice                  use the committed 500-image test slice`;

export interface EvalOptions {
  readonly checkpoint: string;
  readonly backend: BackendChoice;
  readonly limit: number | undefined;
  readonly slice: boolean;
}

export function parse(values: OptionValues): EvalOptions {
  const checkpoint = stringOption(values, 'checkpoint');
  if (checkpoint === undefined) throw new UsageError('--checkpoint PATH is required');
  return {
    checkpoint,
    backend: choiceOption(values, 'backend', BACKEND_CHOICES),
    limit: intOption(values, 'limit', { min: 1 }),
    slice: flag(values, 'slice'),
  };
}

/**
 * Run the command.
 *
 * @example
 * const report = await evalCheckpoint({ checkpoint: 'runs/fashion-mnist-cnn/model.safetensors', backend: 'cpu', limit: undefined, slice: false }, ctx);
 */
export async function evalCheckpoint(
  opts: EvalOptions,
  ctx: CliContext,
): Promise<PredictionReport> {
  const backend = await selectBackend(opts.backend);
  try {
    ctx.out(`backend: ${backend.description}`);
    const { params, metadata, step } = await loadClassifier(opts.checkpoint);
    try {
      ctx.out(`checkpoint: ${opts.checkpoint} (${metadata.model}, step ${step})`);
      const test = await loadFashion(ctx, { split: 'test', limit: opts.limit, slice: opts.slice });
      ctx.out(
        `data: Fashion-MNIST test (${describeSource(test)}): ${test.dataset.length.toLocaleString('en-US')} images`,
      );
      const started = performance.now();
      const report = summarize(await predictDataset(params, test.dataset, metadata.numClasses));
      const seconds = (performance.now() - started) / 1000;
      ctx.out(
        `test: accuracy=${report.accuracy.toFixed(4)} loss=${report.loss.toFixed(4)} on ${test.dataset.length.toLocaleString('en-US')} images (${seconds.toFixed(1)}s)`,
      );
      ctx.out('confusion matrix (rows: true class, columns: predicted):');
      for (const line of confusionLines(report, CLASS_NAMES)) ctx.out(`  ${line}`);
      return report;
    } finally {
      disposeClassifier(params);
    }
  } finally {
    await backend.release();
  }
}
