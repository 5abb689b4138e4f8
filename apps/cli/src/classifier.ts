/**
 * The Fashion-MNIST classifiers of the CLI (`--model cnn|mlp|resnet20`, all from `@tensile/zoo`)
 * and their training step. A classifier's parameters travel as `{ model, state }`: the nn module
 * and its batch-norm state (an array of `null`s for models without batch norm), so one jitted step
 * serves every model: `valueAndGrad` over `model` only, the optimizer's update, and the new
 * batch-norm state from the forward pass — the shape `@tensile/train`'s `fit` expects of a step.
 */
import {
  nn as functional,
  type JittedFunction,
  jit,
  random,
  scope,
  type Tensor,
  tree,
  valueAndGrad,
} from '@tensile/core';
import * as nn from '@tensile/nn';
import { applyUpdates, type GradientTransformation } from '@tensile/optim';
import type { EvalStep, Metrics, TrainStep } from '@tensile/train';
import { mlp, resnet20, vggSmall } from '@tensile/zoo';

/** `--model` choices for Fashion-MNIST. */
export const FASHION_MODELS = ['cnn', 'mlp', 'resnet20'] as const;
export type FashionModelName = (typeof FASHION_MODELS)[number];

/** What is needed to rebuild a classifier (stored in its checkpoint's metadata). */
export interface ClassifierSpec {
  readonly model: FashionModelName;
  readonly numClasses: number;
}

/** A classifier's parameters and batch-norm state: the pytree the training loop carries. */
export interface Classifier {
  readonly model: nn.Sequential;
  readonly state: unknown[];
}

/** A batch of images and labels. */
export type ImageBatch = { x: Tensor; y: Tensor };

/**
 * A fresh classifier.
 * - `cnn`: conv3×3(32) → relu → pool → conv3×3(64) → relu → pool → fc128 → relu → dropout 0.25 → fc
 *   (`vggSmall` with one convolution per block and no batch norm; DESIGN §8's small CNN);
 * - `mlp`: 784 → 256 → 128 → classes, ReLU (`mlp`);
 * - `resnet20`: He et al.'s CIFAR ResNet-20 (option A shortcuts, batch norm) on 1 channel.
 *
 * @example
 * const params = initClassifier(random.key(0), { model: 'cnn', numClasses: 10 });
 */
export function initClassifier(key: Tensor, spec: ClassifierSpec): Classifier {
  const numClasses = spec.numClasses;
  let model: nn.Sequential;
  switch (spec.model) {
    case 'cnn':
      model = vggSmall.init(key, {
        widths: [32, 64],
        convsPerBlock: 1,
        batchNorm: false,
        hidden: 128,
        dropout: 0.25,
        numClasses,
      });
      break;
    case 'mlp':
      model = mlp.init(key, { sizes: [784, 256, 128, numClasses], activation: 'relu' });
      break;
    case 'resnet20':
      model = resnet20.init(key, { inChannels: 1, numClasses });
      break;
  }
  return { model, state: nn.sequential.initState(model) };
}

/** One line describing the architecture. */
export function describeClassifier(spec: ClassifierSpec, params: Classifier): string {
  const arch = {
    cnn: 'conv32-pool-conv64-pool-fc128-dropout-fc (zoo.vggSmall)',
    mlp: '784-256-128 ReLU MLP (zoo.mlp)',
    resnet20: 'ResNet-20, option A shortcuts, batch norm (zoo.resnet20)',
  }[spec.model];
  const total = nn.countParams(params.model);
  const trainable = nn.countParams(params.model, { trainableOnly: true });
  const frozen = total - trainable;
  return `${spec.model}: ${arch}, ${spec.numClasses} classes, ${total.toLocaleString('en-US')} parameters${frozen > 0 ? ` (${frozen.toLocaleString('en-US')} frozen)` : ''}`;
}

/**
 * Logits (and the new batch-norm state) of a classifier on `x [B, 1, 28, 28]`.
 *
 * @example
 * const [logits] = forwardClassifier(params, x);  // evaluation mode
 */
export function forwardClassifier(
  params: Classifier,
  x: Tensor,
  options: { key?: Tensor | undefined; train?: boolean } = {},
): [Tensor, unknown[]] {
  const train = options.train ?? false;
  return nn.sequential.apply(params.model, x, {
    state: params.state,
    train,
    ...(options.key === undefined ? {} : { key: options.key }),
  });
}

/** A jitted train step with its eval step; dispose it when done. */
export interface ClassifierStep extends TrainStep<Classifier, unknown, ImageBatch>, Disposable {
  readonly evalStep: EvalStep<Classifier, ImageBatch>;
  readonly jitted: JittedFunction<
    [Classifier, unknown, ImageBatch, Tensor | undefined],
    readonly [Metrics, Classifier, unknown]
  >;
  dispose(): void;
}

/**
 * The classifier's training step for `fit`: cross-entropy and accuracy, gradients of the model's
 * parameters only, the optimizer update and the new batch-norm state, in one `jit` that donates
 * the old params and optimizer state. `evalStep` computes loss and accuracy in evaluation mode.
 *
 * @example
 * using step = makeClassifierStep(adam(1e-3));
 * await fit({ params, optState: adam(1e-3).init(params.model), trainStep: step, ... });
 */
export function makeClassifierStep(optimizer: GradientTransformation): ClassifierStep {
  const jitted = jit(
    (params: Classifier, optState: unknown, batch: ImageBatch, key: Tensor | undefined) => {
      const lossOf = (model: nn.Sequential) => {
        const [logits, state] = forwardClassifier({ model, state: params.state }, batch.x, {
          key,
          train: true,
        });
        const loss = nn.softmaxCrossEntropy(logits, batch.y);
        return [loss, { accuracy: nn.accuracy(logits, batch.y), state }] as [
          Tensor,
          { accuracy: Tensor; state: unknown[] },
        ];
      };
      const [[loss, aux], grads] = valueAndGrad(lossOf, { hasAux: true })(params.model);
      const [updates, next] = optimizer.update(grads, optState as never, params.model);
      const model = applyUpdates(params.model, updates) as nn.Sequential;
      return [{ loss, accuracy: aux.accuracy }, { model, state: aux.state }, next] as const;
    },
    { donateArgnums: [0, 1], name: 'classifierTrainStep' },
  );
  const evalJitted = jit(
    (params: Classifier, batch: ImageBatch): Metrics => {
      const [logits] = forwardClassifier(params, batch.x);
      return {
        loss: nn.softmaxCrossEntropy(logits, batch.y),
        accuracy: nn.accuracy(logits, batch.y),
      };
    },
    { name: 'classifierEvalStep' },
  );
  const step = (params: Classifier, optState: unknown, batch: ImageBatch, key?: Tensor) =>
    jitted(params, optState, batch, key);
  const dispose = () => {
    jitted.dispose();
    evalJitted.dispose();
  };
  return Object.assign(step, {
    evalStep: (params: Classifier, batch: ImageBatch) => evalJitted(params, batch),
    jitted: jitted as ClassifierStep['jitted'],
    dispose,
    [Symbol.dispose]: dispose,
  });
}

/**
 * A jitted `(params, x) → softmax probabilities [B, classes]` in evaluation mode.
 *
 * @example
 * using predict = makePredictor();
 * const probs = predict(params, x);
 */
export function makePredictor(): ((params: Classifier, x: Tensor) => Tensor) & Disposable {
  const jitted = jit(
    (params: Classifier, x: Tensor) =>
      functional.softmax(forwardClassifier(params, x)[0], { axis: -1 }),
    { name: 'classifierProbabilities' },
  );
  return Object.assign((params: Classifier, x: Tensor) => jitted(params, x), {
    [Symbol.dispose]: () => jitted.dispose(),
  });
}

/** Dispose a classifier's tensors. */
export function disposeClassifier(params: Classifier): void {
  tree.dispose(params);
}

/** A key per purpose from `--seed`. */
export function seedKeys(seed: number, count: number): Tensor[] {
  return scope(() => {
    const keys = random.split(random.key(seed), count);
    return [...keys];
  });
}

/** Row-wise argmax and max of a `[B, C]` host array. */
export function topClass(
  probs: Float32Array,
  classes: number,
): { index: number[]; prob: number[] } {
  const rows = probs.length / classes;
  const index: number[] = [];
  const prob: number[] = [];
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < classes; c++) {
      if ((probs[r * classes + c] as number) > (probs[r * classes + best] as number)) best = c;
    }
    index.push(best);
    prob.push(probs[r * classes + best] as number);
  }
  return { index, prob };
}
