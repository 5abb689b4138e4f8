/**
 * `tensile train transfer`: the transfer-learning workflow on real data. Pretrain the CNN on
 * Fashion-MNIST classes 0–4 (T-shirt, Trouser, Pullover, Dress, Coat); keep its convolution
 * layers, frozen with `nn.freeze` (the optimizer is `multiTransform({ train: adam, frozen:
 * setToZero() })` labelled by `nn.trainableMask`), under a fresh head for classes 5–9 (Sandal, Shirt,
 * Sneaker, Bag, Ankle boot); train that head on a small budget of images; and compare it with the
 * same CNN trained from scratch on the same images for the same epochs. Both are tested on the
 * test images of classes 5–9.
 */
import { join } from 'node:path';
import { type Tensor, tree } from '@tensile/core';
import { type ArrayDataset, batches } from '@tensile/data';
import * as nn from '@tensile/nn';
import { adam, type GradientTransformation, multiTransform, setToZero } from '@tensile/optim';
import { epochBatches, evaluate } from '@tensile/train/node';
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
import { BACKEND_CHOICES, type BackendChoice, selectBackend } from '../backend.js';
import {
  type Classifier,
  describeClassifier,
  type ImageBatch,
  initClassifier,
  makeClassifierStep,
  seedKeys,
} from '../classifier.js';
import type { CliContext } from '../context.js';
import {
  CLASS_NAMES,
  describeSource,
  type FashionColumns,
  loadFashion,
  toImageInputs,
} from '../fashion.js';
import { runFit, writeRunFiles } from '../training.js';

export const options = {
  ...commonTrainOptions,
  'pretrain-epochs': { type: 'string', default: '2' },
  budget: { type: 'string', default: '1000' },
  slice: { type: 'boolean' },
} as const;

export const usage = `tensile train transfer [options]

Pretrain the CNN on Fashion-MNIST classes 0-4, freeze its convolution layers, train a new head
on a small budget of classes 5-9, and compare with training the CNN from scratch on the same
images for the same epochs.

  --backend cpu|dawn|auto  (default auto)
  --pretrain-epochs N      epochs of pretraining on classes 0-4 (default 2)
  --budget N               training images of classes 5-9 for both contestants (default 1000)
  --epochs N               epochs on the budget, for both (default 5)
  --batch B                batch size (default 64)
  --lr X                   Adam learning rate (default 0.001)
  --limit N                use at most N pretraining images and N test images (smoke runs)
  --slice                  use the committed slice
  --out DIR                output directory (default runs/transfer)
  --seed N                 PRNG seed (default 0)`;

export interface TransferOptions {
  readonly backend: BackendChoice;
  readonly pretrainEpochs: number;
  readonly budget: number;
  readonly epochs: number;
  readonly batch: number;
  readonly lr: number;
  readonly limit: number | undefined;
  readonly slice: boolean;
  readonly out: string;
  readonly seed: number;
}

export function parse(values: OptionValues): TransferOptions {
  return {
    backend: choiceOption(values, 'backend', BACKEND_CHOICES),
    pretrainEpochs: requiredInt(values, 'pretrain-epochs', { min: 1 }),
    budget: requiredInt(values, 'budget', { min: 1 }),
    epochs: intOption(values, 'epochs', { min: 1 }) ?? 5,
    batch: intOption(values, 'batch', { min: 1 }) ?? 64,
    lr: numberOption(values, 'lr', { above: 0 }) ?? 1e-3,
    limit: intOption(values, 'limit', { min: 1 }),
    slice: flag(values, 'slice'),
    out: stringOption(values, 'out') ?? join('runs', 'transfer'),
    seed: requiredInt(values, 'seed', { min: 0 }),
  };
}

const SOURCE = [0, 1, 2, 3, 4];
const TARGET = [5, 6, 7, 8, 9];

/** What the command measured (test accuracy on classes 5–9). */
export interface TransferResult {
  readonly pretrainAccuracy: number;
  readonly transferAccuracy: number;
  readonly scratchAccuracy: number;
}

/**
 * The pretrained network's layers up to the flatten, convolutions frozen, followed by `fresh`'s
 * head. Returns the new model and the layers neither keeps (to dispose).
 */
export function withNewHead(
  pretrained: nn.Sequential,
  fresh: nn.Sequential,
): { model: nn.Sequential; unused: nn.Module[] } {
  const cut = pretrained.layers.findIndex((layer) => layer instanceof nn.Flatten) + 1;
  if (cut === 0) throw new Error('transfer: the pretrained model has no flatten layer');
  const features = pretrained.layers
    .slice(0, cut)
    .map((layer) => (layer instanceof nn.Conv ? nn.freeze(layer) : layer));
  return {
    model: nn.sequential([...features, ...fresh.layers.slice(cut)]),
    unused: [...pretrained.layers.slice(cut), ...fresh.layers.slice(0, cut)],
  };
}

/** Adam on trainable parameters, zero updates for frozen ones. */
function frozenAwareAdam(lr: number): GradientTransformation {
  return multiTransform({ train: adam(lr), frozen: setToZero() }, (params: unknown) =>
    tree.map((trainable: boolean) => (trainable ? 'train' : 'frozen'), nn.trainableMask(params)),
  );
}

/**
 * Run the command.
 *
 * @example
 * await trainTransfer(parse({ slice: true, limit: '200', budget: '100', epochs: '1', 'pretrain-epochs': '1', backend: 'cpu', seed: '0' }), ctx);
 */
export async function trainTransfer(
  opts: TransferOptions,
  ctx: CliContext,
): Promise<TransferResult> {
  const backend = await selectBackend(opts.backend);
  const keys: Tensor[] = [];
  const owned: unknown[] = [];
  try {
    ctx.out(`backend: ${backend.description}`);
    const load = { limit: opts.limit, slice: opts.slice, relabel: true };
    const sourceTrain = await loadFashion(ctx, { split: 'train', classes: SOURCE, ...load });
    const sourceTest = await loadFashion(ctx, { split: 'test', classes: SOURCE, ...load });
    const targetAll = await loadFashion(ctx, {
      split: 'train',
      classes: TARGET,
      relabel: true,
      slice: opts.slice,
      limit: opts.budget,
    });
    const targetTest = await loadFashion(ctx, { split: 'test', classes: TARGET, ...load });
    const names = (classes: number[]) => classes.map((c) => CLASS_NAMES[c]).join(', ');
    ctx.out(`data: Fashion-MNIST (${describeSource(sourceTrain)})`);
    ctx.out(
      `  pretraining: classes 0-4 (${names(SOURCE)}): ${sourceTrain.dataset.length.toLocaleString('en-US')} train / ${sourceTest.dataset.length.toLocaleString('en-US')} test images`,
    );
    ctx.out(
      `  target: classes 5-9 (${names(TARGET)}): budget ${targetAll.dataset.length.toLocaleString('en-US')} train images, ${targetTest.dataset.length.toLocaleString('en-US')} test images`,
    );
    keys.push(...seedKeys(opts.seed, 6));
    const [pretrainKey, headKey, scratchKey, shuffleKey, fitKey, targetShuffleKey] = keys as [
      Tensor,
      Tensor,
      Tensor,
      Tensor,
      Tensor,
      Tensor,
    ];
    const evalData = (ds: ArrayDataset<FashionColumns>) => () =>
      batches(ds, { batchSize: 500, map: toImageInputs });

    // 1. Pretrain on classes 0–4.
    const spec = { model: 'cnn' as const, numClasses: 5 };
    const initial = initClassifier(pretrainKey, spec);
    ctx.out(`model: ${describeClassifier(spec, initial)}`);
    const pretrainOptimizer = adam(opts.lr);
    let pretrained: Classifier;
    let pretrainAccuracy: number;
    {
      using step = makeClassifierStep(pretrainOptimizer);
      const result = await runFit<Classifier, unknown, ImageBatch>({
        ctx,
        backend: backend.name,
        key: fitKey,
        params: initial,
        optState: pretrainOptimizer.init(initial.model),
        trainStep: step,
        evalStep: step.evalStep,
        trainData: epochBatches(sourceTrain.dataset, {
          batchSize: opts.batch,
          key: shuffleKey,
          map: toImageInputs,
        }),
        evalData: evalData(sourceTest.dataset),
        epochs: opts.pretrainEpochs,
        label: 'pretrain',
      });
      tree.dispose(result.optState);
      pretrained = result.params;
      owned.push(pretrained); // its convolutions move into the transfer model; disposing twice is a no-op
      const metrics = await evaluate({
        params: pretrained,
        evalStep: step.evalStep,
        data: evalData(sourceTest.dataset),
        backend: backend.name,
      });
      pretrainAccuracy = metrics.accuracy ?? Number.NaN;
      ctx.out(`pretrained: test accuracy on classes 0-4 = ${pretrainAccuracy.toFixed(4)}`);
    }

    // 2. Frozen convolutions + a new head, and 3. the same CNN from scratch: same data, epochs, seed.
    const fresh = initClassifier(headKey, spec);
    const { model: transferModel, unused } = withNewHead(pretrained.model, fresh.model);
    tree.dispose(unused);
    const contestants = [
      {
        name: 'transfer',
        params: { model: transferModel, state: nn.sequential.initState(transferModel) },
        optimizer: frozenAwareAdam(opts.lr),
      },
      { name: 'scratch', params: initClassifier(scratchKey, spec), optimizer: adam(opts.lr) },
    ];
    ctx.out(`transfer model: ${describeClassifier(spec, contestants[0]?.params as Classifier)}`);
    const accuracies: Record<string, number> = {};
    const histories: Record<string, unknown> = {};
    for (const contestant of contestants) {
      using step = makeClassifierStep(contestant.optimizer);
      const result = await runFit<Classifier, unknown, ImageBatch>({
        ctx,
        backend: backend.name,
        key: fitKey,
        params: contestant.params,
        optState: contestant.optimizer.init(contestant.params.model),
        trainStep: step,
        evalStep: step.evalStep,
        trainData: epochBatches(targetAll.dataset, {
          batchSize: opts.batch,
          key: targetShuffleKey,
          map: toImageInputs,
        }),
        evalData: evalData(targetTest.dataset),
        epochs: opts.epochs,
        label: contestant.name,
      });
      owned.push(result.params, result.optState);
      const metrics = await evaluate({
        params: result.params,
        evalStep: step.evalStep,
        data: evalData(targetTest.dataset),
        backend: backend.name,
      });
      accuracies[contestant.name] = metrics.accuracy ?? Number.NaN;
      histories[contestant.name] = result.history;
      await writeRunFiles(
        opts.out,
        result.history,
        { contestant: contestant.name },
        {
          prefix: `${contestant.name}-`,
        },
      );
    }
    const transferAccuracy = accuracies.transfer ?? Number.NaN;
    const scratchAccuracy = accuracies.scratch ?? Number.NaN;
    const budget = `${targetAll.dataset.length.toLocaleString('en-US')} images × ${opts.epochs} epoch${opts.epochs === 1 ? '' : 's'}`;
    ctx.out(
      `test on classes 5-9 (${targetTest.dataset.length.toLocaleString('en-US')} images) after ${budget}: frozen pretrained features + new head accuracy=${transferAccuracy.toFixed(4)}, from scratch accuracy=${scratchAccuracy.toFixed(4)} (${transferAccuracy >= scratchAccuracy ? '+' : ''}${((transferAccuracy - scratchAccuracy) * 100).toFixed(2)} points for transfer)`,
    );
    const summary = {
      command: 'train transfer',
      backend: backend.name,
      pretrainImages: sourceTrain.dataset.length,
      pretrainEpochs: opts.pretrainEpochs,
      pretrainAccuracy,
      budget: targetAll.dataset.length,
      epochs: opts.epochs,
      transferAccuracy,
      scratchAccuracy,
    };
    const files = [
      ...(await writeRunFiles(
        opts.out,
        { epochs: [], evaluations: [] },
        { ...summary, histories },
      )),
      join(opts.out, 'transfer-curves.svg'),
      join(opts.out, 'scratch-curves.svg'),
    ];
    ctx.out(`wrote ${files.join(', ')} (and the PNG and history of each)`);
    return { pretrainAccuracy, transferAccuracy, scratchAccuracy };
  } finally {
    tree.dispose(owned);
    for (const key of keys) key.dispose();
    await backend.release();
  }
}
