/**
 * Every layer under the transforms: `jit(apply)` equals eager `apply`; `vmap` over examples
 * equals the batched call (or, for layers that need a batch, `vmap` over an extra leading axis
 * equals one call per slice); and `checkGrads` (finite differences, forward and reverse mode)
 * holds with respect to the input and every parameter.
 */
import { checkGrads, jit, np, random, scope, type Tensor, tree, vmap } from '@tensile/core';
import { describe, it } from 'vitest';
import type { Module } from '../src/index.js';
import * as nn from '../src/index.js';
import { expectTensorsClose } from './support/golden.js';

/** A layer instance, a batched input and how to call it. */
interface Case {
  name: string;
  build(): { m: Module; x: Tensor; apply: (m: Module, x: Tensor) => Tensor };
  /** `examples`: vmap over axis 0 of x equals the batched call; `outer`: vmap over a new axis. */
  vmap: 'examples' | 'outer';
}

const k = (i: number) => random.key(i);
const normal = (i: number, shape: number[]) => random.normal(k(100 + i), shape);
/** Distinct values 0.5 apart in random order (max pooling has no ties within finite-difference steps). */
const distinct = (i: number, shape: number[]) => {
  const n = shape.reduce((a, b) => a * b, 1);
  return random
    .permutation(k(200 + i), n)
    .astype('float32')
    .mul(0.5)
    .reshape(shape);
};
// biome-ignore lint/suspicious/noExplicitAny: each case closes over its own module type
type Apply = (m: any, x: Tensor) => Tensor;
const c = (name: string, vmapMode: Case['vmap'], make: () => [Module, Tensor, Apply]): Case => ({
  name,
  vmap: vmapMode,
  build: () => {
    const [m, x, apply] = make();
    return { m, x, apply };
  },
});

const cases: Case[] = [
  c('linear', 'examples', () => [
    nn.linear.init(k(1), { inFeatures: 3, outFeatures: 2 }),
    normal(1, [4, 3]),
    nn.linear.apply,
  ]),
  c('conv1d', 'examples', () => [
    nn.conv1d.init(k(2), { inChannels: 2, outChannels: 3, kernelSize: 3, stride: 2, padding: 1 }),
    normal(2, [2, 2, 5]),
    nn.conv1d.apply,
  ]),
  c('conv2d', 'examples', () => [
    nn.conv2d.init(k(3), {
      inChannels: 2,
      outChannels: 2,
      kernelSize: 2,
      groups: 2,
      padding: 'SAME',
    }),
    normal(3, [2, 2, 3, 3]),
    nn.conv2d.apply,
  ]),
  c('convTranspose2d', 'examples', () => [
    nn.convTranspose2d.init(k(4), {
      inChannels: 2,
      outChannels: 2,
      kernelSize: 3,
      stride: 2,
      padding: 1,
      outputPadding: 1,
    }),
    normal(4, [2, 2, 2, 2]),
    nn.convTranspose2d.apply,
  ]),
  c('maxPool2d', 'examples', () => [
    nn.maxPool2d.init({ kernelSize: 2, stride: 1, padding: 1 }),
    distinct(5, [2, 1, 3, 3]),
    nn.maxPool2d.apply,
  ]),
  c('avgPool2d', 'examples', () => [
    nn.avgPool2d.init({
      kernelSize: 3,
      stride: 2,
      padding: 1,
      ceilMode: true,
      countIncludePad: false,
    }),
    normal(6, [2, 1, 4, 4]),
    nn.avgPool2d.apply,
  ]),
  c('globalAvgPool', 'examples', () => [
    nn.globalAvgPool.init(),
    normal(7, [2, 3, 2, 2]),
    nn.globalAvgPool.apply,
  ]),
  c('batchNorm (train)', 'outer', () => [
    nn.batchNorm.init({ numFeatures: 2 }),
    normal(8, [3, 2, 2]),
    (m: nn.BatchNorm, x: Tensor) =>
      nn.batchNorm.apply(m, x, nn.batchNorm.initState(m), { train: true })[0],
  ]),
  c('batchNorm (eval)', 'outer', () => [
    nn.batchNorm.init({ numFeatures: 2 }),
    normal(9, [3, 2, 2]),
    (m: nn.BatchNorm, x: Tensor) =>
      nn.batchNorm.apply(m, x, {
        runningMean: np.array([0.5, -1]),
        runningVar: np.array([2, 0.5]),
      })[0],
  ]),
  c('layerNorm', 'examples', () => [
    nn.layerNorm.init({ normalizedShape: 4 }),
    normal(10, [3, 4]),
    nn.layerNorm.apply,
  ]),
  c('groupNorm', 'outer', () => [
    nn.groupNorm.init({ numGroups: 2, numChannels: 4 }),
    normal(11, [2, 4, 3]),
    nn.groupNorm.apply,
  ]),
  // No paddingIdx: its row deliberately gets no gradient, which finite differences would see.
  c('embedding', 'examples', () => [
    nn.embedding.init(k(12), { numEmbeddings: 5, embeddingDim: 3 }),
    np.array(
      [
        [0, 1, 4],
        [3, 3, 2],
      ],
      { dtype: 'int32' },
    ),
    nn.embedding.apply,
  ]),
  c('flatten', 'outer', () => [nn.flatten.init(), normal(13, [2, 2, 3]), nn.flatten.apply]),
  c('gelu', 'examples', () => [nn.gelu.init(), normal(14, [3, 4]), nn.gelu.apply]),
  c('softmax', 'examples', () => [nn.softmax.init(), normal(15, [3, 4]), nn.softmax.apply]),
  c('leakyRelu', 'examples', () => [
    nn.leakyRelu.init({ negativeSlope: 0.3 }),
    normal(16, [3, 4]),
    nn.leakyRelu.apply,
  ]),
  c('rnnCell', 'examples', () => [
    nn.rnnCell.init(k(17), { inputSize: 3, hiddenSize: 2 }),
    normal(17, [2, 3]),
    (m: nn.RNNCell, x: Tensor) => nn.rnnCell.apply(m, x, x.slice('...', [0, 2]).tanh()),
  ]),
  c('lstmCell', 'examples', () => [
    nn.lstmCell.init(k(18), { inputSize: 3, hiddenSize: 2 }),
    normal(18, [2, 3]),
    (m: nn.LSTMCell, x: Tensor) => {
      const [h, cell] = nn.lstmCell.apply(m, x, [x.slice('...', [0, 2]), x.slice('...', [1, 3])]);
      return h.add(cell);
    },
  ]),
  c('gruCell', 'examples', () => [
    nn.gruCell.init(k(19), { inputSize: 3, hiddenSize: 2 }),
    normal(19, [2, 3]),
    (m: nn.GRUCell, x: Tensor) => nn.gruCell.apply(m, x, x.slice('...', [0, 2])),
  ]),
  c('rnn (2 layers)', 'examples', () => [
    nn.rnn.init(k(20), { inputSize: 2, hiddenSize: 2, numLayers: 2, batchFirst: true }),
    normal(20, [2, 3, 2]),
    (m: nn.RNN, x: Tensor) => nn.rnn.apply(m, x)[0],
  ]),
  c('lstm (bidirectional, lengths)', 'outer', () => [
    nn.lstm.init(k(21), { inputSize: 2, hiddenSize: 2, bidirectional: true, batchFirst: true }),
    normal(21, [2, 3, 2]),
    (m: nn.LSTM, x: Tensor) => {
      const [y, [h, cell]] = nn.lstm.apply(m, x, { lengths: np.array([3, 2], { dtype: 'int32' }) });
      return np.concatenate([y.reshape([-1]), h.reshape([-1]), cell.reshape([-1])]);
    },
  ]),
  c('gru (bidirectional)', 'examples', () => [
    nn.gru.init(k(22), { inputSize: 2, hiddenSize: 2, bidirectional: true, batchFirst: true }),
    normal(22, [2, 3, 2]),
    (m: nn.GRU, x: Tensor) => nn.gru.apply(m, x)[0],
  ]),
  c('multiHeadAttention', 'examples', () => [
    nn.multiHeadAttention.init(k(23), { embedDim: 4, numHeads: 2, batchFirst: true }),
    normal(23, [2, 3, 4]),
    (m: nn.MultiheadAttention, x: Tensor) => nn.multiHeadAttention.apply(m, x, x, x)[0],
  ]),
  c('sequential', 'examples', () => [
    nn.sequential([
      nn.linear.init(k(24), { inFeatures: 3, outFeatures: 4 }),
      nn.tanh.init(),
      nn.linear.init(k(25), { inFeatures: 4, outFeatures: 2 }),
    ]),
    normal(24, [3, 3]),
    (m: nn.Sequential, x: Tensor) => nn.sequential.apply(m, x),
  ]),
];

describe('jit(apply) equals apply', () => {
  for (const t of cases) {
    it(t.name, () => {
      scope(() => {
        const { m, x, apply } = t.build();
        const jitted = jit(apply);
        expectTensorsClose(jitted(m, x), apply(m, x), 'jit', { rtol: 1e-5, atol: 1e-6 });
        jitted.dispose();
      });
    });
  }
});

describe('vmap(apply) equals the batched call', () => {
  for (const t of cases) {
    it(`${t.name} (${t.vmap})`, () => {
      scope(() => {
        const { m, x, apply } = t.build();
        if (t.vmap === 'examples') {
          const perExample = vmap((xi: Tensor) => apply(m, xi))(x);
          expectTensorsClose(perExample, apply(m, x), 'vmap', { rtol: 1e-5, atol: 1e-6 });
        } else {
          const stacked = np.stack([x, x.mul(0.5).add(1)]);
          const mapped = vmap((xi: Tensor) => apply(m, xi))(stacked);
          const loop = np.stack([...stacked].map((xi) => apply(m, xi)));
          expectTensorsClose(mapped, loop, 'vmap', { rtol: 1e-5, atol: 1e-6 });
        }
      });
    });
  }
});

describe('checkGrads with respect to the input and every parameter', () => {
  for (const t of cases) {
    it(t.name, () => {
      scope(() => {
        const { m, x, apply } = t.build();
        const [params, def] = tree.flatten<Tensor>(m);
        checkGrads((xx, ...ps) => [apply(tree.unflatten(def, ps), xx)], [x, ...params]);
      });
    });
  }
});
