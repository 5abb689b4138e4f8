/**
 * The CNN demo: zoo's LeNet-5 (or a smaller two-convolution net for software GPUs) trained with `jit(valueAndGrad(loss) + adam)` on host-gathered
 * mini-batches, one awaited loss read per step (which both drives the live curve and yields to
 * the event loop), then evaluated and asked for sample predictions. Every tensor made here is
 * disposed; the trained model is handed to the caller, who disposes it.
 */
import { jit, nn, np, random, scope, type Tensor, tree, valueAndGrad } from '@tensile/core';
import { gatherRows, toTensor } from '@tensile/data';
import {
  conv2d,
  flatten,
  linear,
  type Module,
  relu,
  type Sequential,
  sequential,
  softmaxCrossEntropy,
} from '@tensile/nn';
import { adam, applyUpdates, type OptState } from '@tensile/optim';
import { lenet5 } from '@tensile/zoo';
import { BatchSampler, type Split } from './data.js';

type Model = Sequential;

/** A classifier architecture: `[B, 1, 28, 28]` images → `[B, 10]` logits. */
export interface Architecture {
  readonly label: string;
  init(key: Tensor): Model;
  apply(model: Model, x: Tensor): Tensor;
}

/** The architectures the page offers, by URL/select value. */
export const ARCHITECTURES = {
  lenet5: {
    label: 'LeNet-5',
    init: (key) => lenet5.init(key),
    apply: (model, x) => lenet5.apply(model, x),
  },
  small: {
    // Stride-2 convolutions instead of conv + pool: a quarter of LeNet-5's convolution work,
    // which is what a software WebGPU adapter (SwiftShader) spends its time on.
    label: 'small CNN (conv 5×5/2 → conv 3×3/2 → linear)',
    init: (key) =>
      scope(() => {
        const [k1, k2, k3] = [...random.split(key, 3)] as Tensor[];
        return sequential([
          conv2d.init(k1 as Tensor, {
            inChannels: 1,
            outChannels: 8,
            kernelSize: 5,
            stride: 2,
            padding: 2,
          }),
          relu.init(),
          conv2d.init(k2 as Tensor, {
            inChannels: 8,
            outChannels: 16,
            kernelSize: 3,
            stride: 2,
            padding: 1,
          }),
          relu.init(),
          flatten.init(),
          linear.init(k3 as Tensor, { inFeatures: 16 * 7 * 7, outFeatures: 10 }),
        ] as Module[]);
      }),
    apply: (model, x) => sequential.apply(model, x),
  },
} satisfies Record<string, Architecture>;

/** A key of `ARCHITECTURES`. */
export type ArchitectureName = keyof typeof ARCHITECTURES;

/** What a training run needs. */
export interface TrainOptions {
  readonly architecture: Architecture;
  readonly steps: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly seed: number;
  /** Called after every step with its 0-based index and loss (awaited: it may draw). */
  readonly onStep: (step: number, loss: number) => void | Promise<void>;
  /** Called every `previewEvery` steps (and at the end) with the current model. */
  readonly onPreview?: (model: Model, step: number) => Promise<void>;
  readonly previewEvery?: number;
}

/** Let the browser render and handle input between steps. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Train a fresh LeNet-5 for `steps` Adam steps; returns the trained model (the caller owns it).
 *
 * @example
 * const model = await trainClassifier(data.train, { steps: 100, batchSize: 32, learningRate: 2e-3, seed: 0, onStep });
 */
export async function trainClassifier(train: Split, options: TrainOptions): Promise<Model> {
  const { architecture: arch } = options;
  const opt = adam(options.learningRate);
  let model = scope(() => arch.init(random.key(options.seed)));
  let optState = opt.init(model);
  const lossOf = (m: Model, x: Tensor, y: Tensor) => softmaxCrossEntropy(arch.apply(m, x), y);
  const step = jit(
    (m: Model, s: OptState[], x: Tensor, y: Tensor): [Tensor, Model, OptState[]] => {
      const [loss, grads] = valueAndGrad(lossOf)(m, x, y);
      const [updates, next] = opt.update(grads, s, m);
      return [loss, applyUpdates(m, updates), next as OptState[]];
    },
    { donateArgnums: [0, 1], name: 'trainStep' },
  );
  const sampler = new BatchSampler(train.size, options.seed + 1);
  const previewEvery = options.previewEvery ?? 0;
  try {
    for (let i = 0; i < options.steps; i++) {
      const rows = sampler.next(options.batchSize);
      const x = toTensor(gatherRows(train.images, rows));
      const y = toTensor(gatherRows(train.labels, rows));
      const [loss, nextModel, nextState] = step(model, optState, x, y);
      model = nextModel;
      optState = nextState;
      tree.dispose([x, y]);
      const value = (await loss.data())[0] as number;
      loss.dispose();
      await options.onStep(i, value);
      const last = i === options.steps - 1;
      if (
        options.onPreview !== undefined &&
        (last || (previewEvery > 0 && (i + 1) % previewEvery === 0))
      ) {
        await options.onPreview(model, i);
      }
      await yieldToEventLoop();
    }
  } catch (error) {
    tree.dispose(model);
    throw error;
  } finally {
    tree.dispose(optState);
    step.dispose();
  }
  return model;
}

/** Class probabilities `[n, 10]` of some rows of a split, read back to the host. */
export async function predictRows(
  arch: Architecture,
  model: Model,
  split: Split,
  rows: number[],
): Promise<Float32Array> {
  const x = toTensor(gatherRows(split.images, rows));
  const probs = scope(() => nn.softmax(arch.apply(model, x), { axis: -1 }));
  try {
    return (await probs.data()) as Float32Array;
  } finally {
    tree.dispose([x, probs]);
  }
}

/**
 * Accuracy on the first `count` images of a split, in jitted batches of at most 100 (all of one
 * shape: `count` is rounded down to a multiple of the batch).
 */
export async function accuracy(
  arch: Architecture,
  model: Model,
  split: Split,
  count = split.size,
): Promise<number> {
  const n = Math.min(count, split.size);
  const batchSize = Math.min(100, n);
  const correct = jit(
    (m: Model, x: Tensor, y: Tensor) =>
      np.sum(np.equal(np.argmax(arch.apply(m, x), { axis: -1 }), y).astype('int32')),
    { name: 'countCorrect' },
  );
  let hits = 0;
  let seen = 0;
  try {
    for (let start = 0; start + batchSize <= n; start += batchSize) {
      const rows = Array.from({ length: batchSize }, (_, i) => start + i);
      const x = toTensor(gatherRows(split.images, rows));
      const y = toTensor(gatherRows(split.labels, rows));
      const count = correct(model, x, y);
      tree.dispose([x, y]);
      hits += (await count.data())[0] as number;
      count.dispose();
      seen += batchSize;
      await yieldToEventLoop();
    }
  } finally {
    correct.dispose();
  }
  return hits / seen;
}
