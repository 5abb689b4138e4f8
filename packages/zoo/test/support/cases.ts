/**
 * Small instances of every zoo model (narrow widths, tiny batches, so the whole suite runs in
 * seconds on two cores) with a way to run each forward in evaluation mode and a training loss on a
 * fixed batch. The forward, jit, training and weights tests iterate over this table.
 */
import { np, random, type Tensor } from '@tensile/core';
import { binaryCrossEntropyWithLogits, mse, softmaxCrossEntropy } from '@tensile/nn';
import {
  type CharRnn,
  charRnn,
  type Dcgan,
  dcgan,
  lenet5,
  mlp,
  resnet,
  resnet20,
  type SeqRegressor,
  seqRegressor,
  type TextClassifier,
  textClassifier,
  vggSmall,
} from '../../src/index.js';

/** A built model with its state (`null` for stateless models). */
export interface Built {
  model: unknown;
  state: unknown;
}

/** One model under test. */
export interface ModelCase {
  name: string;
  build(key: Tensor): Built;
  /** A fixed input / batch for the model. */
  input(key: Tensor): Tensor;
  /** Evaluation-mode outputs. */
  run(model: unknown, state: unknown, x: Tensor): Tensor[];
  /** Shapes of `run`'s outputs. */
  shapes: number[][];
  /** Training-mode loss on `x` (a fixed batch) and the new state. */
  loss(model: unknown, state: unknown, x: Tensor): [Tensor, unknown];
  /** Learning rate of the Adam steps in the training test. */
  learningRate: number;
}

/** Fixed integer labels `[n]` in `[0, classes)`. */
function labels(n: number, classes: number): Tensor {
  return np.arange(n).mod(classes).astype('int32');
}

type Stateless = (model: never, x: Tensor) => Tensor;
type Stateful = (
  model: never,
  x: Tensor,
  o: { state: unknown; train?: boolean },
) => [Tensor, unknown];

/** A classifier of images `[B, C, S, S]` into `classes`. */
function classifier(
  name: string,
  build: (key: Tensor) => Built,
  inputShape: number[],
  classes: number,
  apply: { stateless: Stateless } | { stateful: Stateful },
  learningRate = 0.01,
): ModelCase {
  const batch = inputShape[0] as number;
  const forward = (model: unknown, state: unknown, x: Tensor, train: boolean): [Tensor, unknown] =>
    'stateless' in apply
      ? [apply.stateless(model as never, x), null]
      : apply.stateful(model as never, x, { state, train });
  return {
    name,
    build,
    input: (key) => random.normal(key, inputShape),
    run: (model, state, x) => [forward(model, state, x, false)[0]],
    shapes: [[batch, classes]],
    loss: (model, state, x) => {
      const [logits, next] = forward(model, state, x, true);
      return [softmaxCrossEntropy(logits, labels(batch, classes)), next];
    },
    learningRate,
  };
}

const tokens = (key: Tensor, shape: number[], vocab: number) =>
  random.randint(key, shape, 1, vocab).astype('int32');

/** The table. */
export const CASES: ModelCase[] = [
  classifier(
    'mlp',
    (key) => ({ model: mlp.init(key, { sizes: [784, 16, 10], activation: 'gelu' }), state: null }),
    [4, 1, 28, 28],
    10,
    { stateless: mlp.apply as Stateless },
  ),
  classifier('lenet5', (key) => ({ model: lenet5.init(key), state: null }), [2, 1, 28, 28], 10, {
    stateless: lenet5.apply as Stateless,
  }),
  classifier(
    'lenet5 (tanh, avg pool, 3×32×32)',
    (key) => ({
      model: lenet5.init(key, { inChannels: 3, imageSize: 32, activation: 'tanh', pooling: 'avg' }),
      state: null,
    }),
    [2, 3, 32, 32],
    10,
    { stateless: lenet5.apply as Stateless },
  ),
  classifier(
    'vggSmall',
    (key) => {
      const model = vggSmall.init(key, { widths: [4, 8], hidden: 16 });
      return { model, state: vggSmall.initState(model) };
    },
    [2, 1, 28, 28],
    10,
    { stateful: vggSmall.apply as unknown as Stateful },
  ),
  classifier(
    'resnet20 (option A)',
    (key) => {
      const model = resnet20.init(key, { inChannels: 1, widths: [4, 8, 16] });
      return { model, state: resnet20.initState(model) };
    },
    [2, 1, 8, 8],
    10,
    { stateful: resnet20.apply as Stateful },
  ),
  classifier(
    'resnet depth 8 (option B)',
    (key) => {
      const model = resnet.init(key, {
        depth: 8,
        widths: [4, 8, 16],
        numClasses: 3,
        shortcut: 'B',
      });
      return { model, state: resnet.initState(model) };
    },
    [3, 3, 8, 8],
    3,
    { stateful: resnet.apply as Stateful },
  ),
  {
    name: 'textClassifier (bidirectional GRU, padded)',
    build: (key) => ({
      model: textClassifier.init(key, {
        vocabSize: 20,
        numClasses: 3,
        embedDim: 6,
        hiddenSize: 5,
        cell: 'gru',
        bidirectional: true,
      }),
      state: null,
    }),
    input: (key) => tokens(key, [3, 5], 20),
    run: (model, _s, x) => [
      textClassifier.apply(model as TextClassifier, x, {
        lengths: np.array([5, 3, 1], { dtype: 'int32' }),
      }),
    ],
    shapes: [[3, 3]],
    loss: (model, _s, x) => [
      softmaxCrossEntropy(
        textClassifier.apply(model as TextClassifier, x, {
          lengths: np.array([5, 3, 1], { dtype: 'int32' }),
          train: true,
        }),
        labels(3, 3),
      ),
      null,
    ],
    learningRate: 0.05,
  },
  {
    name: 'textClassifier (2-layer LSTM, dropout)',
    build: (key) => ({
      model: textClassifier.init(key, {
        vocabSize: 16,
        embedDim: 6,
        hiddenSize: 5,
        numLayers: 2,
        dropout: 0.1,
      }),
      state: null,
    }),
    input: (key) => tokens(key, [4, 6], 16),
    run: (model, _s, x) => [textClassifier.apply(model as TextClassifier, x)],
    shapes: [[4, 2]],
    loss: (model, _s, x) => [
      softmaxCrossEntropy(
        textClassifier.apply(model as TextClassifier, x, { key: random.key(7), train: true }),
        labels(4, 2),
      ),
      null,
    ],
    learningRate: 0.05,
  },
  {
    name: 'charRnn',
    build: (key) => ({
      model: charRnn.init(key, { vocabSize: 12, embedDim: 4, hiddenSize: 8 }),
      state: null,
    }),
    input: (key) => tokens(key, [2, 7], 12),
    run: (model, _s, x) => {
      const [logits, state] = charRnn.apply(model as CharRnn, x);
      return [logits, ...state];
    },
    shapes: [
      [2, 7, 12],
      [2, 2, 8],
      [2, 2, 8],
    ],
    loss: (model, _s, x) => {
      const [logits] = charRnn.apply(model as CharRnn, x.slice(null, [0, -1]), { train: true });
      return [softmaxCrossEntropy(logits, x.slice(null, [1, null])), null];
    },
    learningRate: 0.05,
  },
  {
    name: 'dcgan',
    build: (key) => {
      const model = dcgan.init(key, { latentDim: 8, width: 4 });
      return { model, state: dcgan.initState(model) };
    },
    input: (key) => random.normal(key, [2, 8]),
    run: (model, state, z) => {
      const gan = model as Dcgan;
      const s = state as ReturnType<typeof dcgan.initState>;
      const [images] = dcgan.generate(gan.generator, z, { state: s.generator });
      const [logits] = dcgan.discriminate(gan.discriminator, images, { state: s.discriminator });
      return [images, logits];
    },
    shapes: [[2, 1, 28, 28], [2]],
    // The discriminator's loss on fixed real images (label 1) and the generator's fakes (label 0).
    loss: (model, state, z) => {
      const gan = model as Dcgan;
      const s = state as ReturnType<typeof dcgan.initState>;
      const [fakes, g] = dcgan.generate(gan.generator, z, { state: s.generator, train: true });
      const real = random.uniform(random.key(11), [2, 1, 28, 28], { minval: -1, maxval: 1 });
      const both = np.concatenate([real, fakes], { axis: 0 });
      const [logits, d] = dcgan.discriminate(gan.discriminator, both, {
        state: s.discriminator,
        train: true,
      });
      const targets = np.array([1, 1, 0, 0], { dtype: 'float32' });
      return [binaryCrossEntropyWithLogits(logits, targets), { generator: g, discriminator: d }];
    },
    learningRate: 0.01,
  },
  ...(['lstm', 'gru', 'rnn'] as const).map(
    (cell): ModelCase => ({
      name: `seqRegressor (${cell})`,
      build: (key) => ({ model: seqRegressor.init(key, { hiddenSize: 8, cell }), state: null }),
      // Two phase-shifted sine waves, [2, 12, 1].
      input: () =>
        np.sin(
          np
            .arange(12)
            .reshape([1, 12, 1])
            .mul(0.5)
            .add(np.array([0, 1]).reshape([2, 1, 1])),
        ),
      run: (model, _s, x) => {
        const [pred, state] = seqRegressor.apply(model as SeqRegressor, x);
        return [pred, ...state];
      },
      shapes:
        cell === 'lstm'
          ? [
              [2, 12, 1],
              [1, 2, 8],
              [1, 2, 8],
            ]
          : [
              [2, 12, 1],
              [1, 2, 8],
            ],
      loss: (model, _s, x) => {
        const [pred] = seqRegressor.apply(model as SeqRegressor, x.slice(null, [0, -1]), {
          train: true,
        });
        return [mse(pred, x.slice(null, [1, null])), null];
      },
      learningRate: 0.02,
    }),
  ),
];
