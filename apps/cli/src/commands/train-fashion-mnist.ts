/**
 * `tensile train fashion-mnist`: train a zoo classifier (cnn, mlp, resnet20) on Fashion-MNIST with
 * Adam through `@tensile/train`'s `fit` — a validation split evaluated every epoch, checkpoints
 * each epoch (Ctrl-C saves one; `--resume` continues) — then report the test accuracy and write
 * `model.safetensors`, `history.json` and the loss/accuracy curves (`curves.svg`, `curves.png`).
 */
import { join } from 'node:path';
import { type Tensor, tree } from '@tensile/core';
import { batches, trainValidationSplit } from '@tensile/data';
import { adam } from '@tensile/optim';
import { epochBatches, evaluate, formatDuration } from '@tensile/train/node';
import {
  choiceOption,
  commonTrainOptions,
  flag,
  intOption,
  numberOption,
  type OptionValues,
  requiredInt,
  stringOption,
} from '../args.js';
import { BACKEND_CHOICES, selectBackend } from '../backend.js';
import {
  type Classifier,
  describeClassifier,
  FASHION_MODELS,
  type FashionModelName,
  type ImageBatch,
  initClassifier,
  makeClassifierStep,
  seedKeys,
} from '../classifier.js';
import type { CliContext } from '../context.js';
import { describeSource, loadFashion, toImageInputs } from '../fashion.js';
import { saveClassifier } from '../model-file.js';
import { runFit, writeRunFiles } from '../training.js';

export const options = {
  ...commonTrainOptions,
  model: { type: 'string', default: 'cnn' },
  validation: { type: 'string', default: '0.1' },
  resume: { type: 'boolean' },
  slice: { type: 'boolean' },
} as const;

export const usage = `tensile train fashion-mnist [options]

Train a Fashion-MNIST classifier (Adam, cross-entropy) and report its test accuracy.

  --model cnn|mlp|resnet20  architecture from @tensile/zoo (default cnn)
  --backend cpu|dawn|auto   auto: Dawn on a real GPU adapter, else CPU (default auto)
  --epochs N                epochs (default 10)
  --batch B                 batch size (default 64)
  --lr X                    Adam learning rate (default 0.001)
  --limit N                 use at most N training and N test images (smoke runs)
  --validation F            share of the training images held out for per-epoch
                            validation (default 0.1; 0 for none)
  --out DIR                 output directory (default runs/fashion-mnist-<model>)
  --resume                  continue from the newest checkpoint in DIR/checkpoints
  --slice                   use the committed 2,000/500-image slice even if the full data exists
  --seed N                  PRNG seed for initialisation, split and shuffling (default 0)

Data: the cache (~/.cache/tensile), the Debian package dataset-fashion-mnist, a download,
or the committed slice, in that order.
Writes DIR/model.safetensors, DIR/history.json, DIR/curves.svg, DIR/curves.png and
DIR/checkpoints/ckpt-<step>.safetensors.`;

/** Parsed options of the command. */
export interface FashionTrainOptions {
  readonly model: FashionModelName;
  readonly backend: (typeof BACKEND_CHOICES)[number];
  readonly epochs: number;
  readonly batch: number;
  readonly lr: number;
  readonly limit: number | undefined;
  readonly validation: number;
  readonly out: string;
  readonly resume: boolean;
  readonly slice: boolean;
  readonly seed: number;
}

export function parse(values: OptionValues): FashionTrainOptions {
  const model = choiceOption(values, 'model', FASHION_MODELS);
  return {
    model,
    backend: choiceOption(values, 'backend', BACKEND_CHOICES),
    epochs: intOption(values, 'epochs', { min: 1 }) ?? 10,
    batch: intOption(values, 'batch', { min: 1 }) ?? 64,
    lr: numberOption(values, 'lr', { above: 0 }) ?? 1e-3,
    limit: intOption(values, 'limit', { min: 1 }),
    validation: numberOption(values, 'validation', { atLeast: 0, max: 0.9 }) ?? 0.1,
    out: stringOption(values, 'out') ?? join('runs', `fashion-mnist-${model}`),
    resume: flag(values, 'resume'),
    slice: flag(values, 'slice'),
    seed: requiredInt(values, 'seed', { min: 0 }),
  };
}

/** What the command measured. */
export interface FashionTrainResult {
  readonly testAccuracy: number;
  readonly testLoss: number;
  readonly secondsPerEpoch: number;
  readonly files: string[];
}

/**
 * Run the command.
 *
 * @example
 * await trainFashionMnist(parse({ model: 'mlp', epochs: '1', limit: '200', backend: 'cpu', seed: '0' }), ctx);
 */
export async function trainFashionMnist(
  opts: FashionTrainOptions,
  ctx: CliContext,
): Promise<FashionTrainResult> {
  const backend = await selectBackend(opts.backend);
  const keys: Tensor[] = [];
  let trained: { params: Classifier; optState: unknown } | undefined;
  try {
    ctx.out(`backend: ${backend.description}`);
    const load = { limit: opts.limit, slice: opts.slice };
    const trainSplit = await loadFashion(ctx, { split: 'train', ...load });
    const testSplit = await loadFashion(ctx, { split: 'test', ...load });
    keys.push(...seedKeys(opts.seed, 4));
    const [splitKey, shuffleKey, initKey, fitKey] = keys as [Tensor, Tensor, Tensor, Tensor];
    const all = trainSplit.dataset;
    const holdOut = Math.round(all.length * opts.validation);
    const { train, validation } =
      holdOut >= 1 && holdOut < all.length
        ? await trainValidationSplit(all, { key: splitKey, validation: holdOut })
        : { train: all, validation: undefined };
    const test = testSplit.dataset;
    ctx.out(
      `data: Fashion-MNIST (${describeSource(trainSplit)}): train ${train.length.toLocaleString('en-US')}, validation ${(validation?.length ?? 0).toLocaleString('en-US')}, test ${test.length.toLocaleString('en-US')} images`,
    );

    const spec = { model: opts.model, numClasses: 10 };
    const params = initClassifier(initKey, spec);
    ctx.out(`model: ${describeClassifier(spec, params)}`);
    ctx.out(
      `training: Adam lr=${opts.lr}, batch ${opts.batch}, ${opts.epochs} epoch${opts.epochs === 1 ? '' : 's'}, seed ${opts.seed}`,
    );
    const optimizer = adam(opts.lr);
    using step = makeClassifierStep(optimizer);
    const evalBatches = (ds: typeof test) => () =>
      batches(ds, { batchSize: 500, map: toImageInputs });
    const metadata = {
      task: 'fashion-classifier' as const,
      model: opts.model,
      numClasses: 10,
    };
    const started = performance.now();
    const result = await runFit<Classifier, unknown, ImageBatch>({
      ctx,
      backend: backend.name,
      key: fitKey,
      params,
      optState: optimizer.init(params.model),
      trainStep: step,
      evalStep: step.evalStep,
      trainData: epochBatches(train, {
        batchSize: opts.batch,
        key: shuffleKey,
        map: toImageInputs,
      }),
      ...(validation === undefined ? {} : { evalData: evalBatches(validation) }),
      epochs: opts.epochs,
      checkpointDir: join(opts.out, 'checkpoints'),
      checkpointMetadata: { cli: metadata },
      resume: opts.resume,
    });
    trained = result;
    const trainSeconds = (performance.now() - started) / 1000;
    const epochsRun = result.history.epochs.length;
    const secondsPerEpoch =
      epochsRun === 0
        ? 0
        : result.history.epochs.reduce((sum, e) => sum + e.seconds, 0) / epochsRun;

    const testStarted = performance.now();
    const testMetrics = await evaluate({
      params: result.params,
      evalStep: step.evalStep,
      data: evalBatches(test),
      backend: backend.name,
    });
    const testAccuracy = testMetrics.accuracy ?? Number.NaN;
    const testLoss = testMetrics.loss ?? Number.NaN;
    ctx.out(
      `test: accuracy=${testAccuracy.toFixed(4)} loss=${testLoss.toFixed(4)} on ${test.length.toLocaleString('en-US')} images (${formatDuration((performance.now() - testStarted) / 1000)})`,
    );
    ctx.out(
      `time: ${formatDuration(trainSeconds)} training, ${formatDuration(secondsPerEpoch)} per epoch (${backend.name})`,
    );
    const summary = {
      command: 'train fashion-mnist',
      model: opts.model,
      backend: backend.name,
      data: trainSplit.source,
      train: train.length,
      validation: validation?.length ?? 0,
      test: test.length,
      epochs: epochsRun,
      batch: opts.batch,
      lr: opts.lr,
      seed: opts.seed,
      testAccuracy,
      testLoss,
      secondsPerEpoch,
      trainSeconds,
    };
    const modelPath = join(opts.out, 'model.safetensors');
    await saveClassifier(modelPath, result.params, { ...metadata, run: summary }, result.step);
    const files = [modelPath, ...(await writeRunFiles(opts.out, result.history, summary))];
    ctx.out(`wrote ${files.join(', ')}`);
    return { testAccuracy, testLoss, secondsPerEpoch, files };
  } finally {
    if (trained !== undefined) tree.dispose([trained.params, trained.optState]);
    for (const key of keys) key.dispose();
    await backend.release();
  }
}
