/**
 * Metrics on hand-computed examples (accuracy, top-k accuracy, confusion matrix), and the errors
 * every layer raises for bad configurations and inputs: the messages name the layer and the
 * offending option, shape or dtype.
 */
import { DTypeError, np, random, ShapeError, scope, type Tensor, ValueError } from '@tensile/core';
import { describe, expect, it } from 'vitest';
import * as nn from '../src/index.js';

const f32 = (rows: number[][]) => np.array(rows, { dtype: 'float32' });
const i32 = (v: number[]) => np.array(v, { dtype: 'int32' });

describe('metrics', () => {
  it('accuracy from scores or integer predictions', () => {
    scope(() => {
      const scores = f32([
        [0.1, 0.9, 0],
        [0.8, 0.1, 0.1],
        [0.2, 0.3, 0.5],
        [0.3, 0.3, 0.4],
      ]);
      expect(nn.accuracy(scores, i32([1, 0, 1, 2])).item()).toBe(0.75);
      expect(nn.accuracy(i32([1, 0]), i32([1, 1])).item()).toBe(0.5);
      expect(() => nn.accuracy(scores, i32([1, 0]))).toThrow(ShapeError);
      expect(() => nn.accuracy(scores, np.zeros([4]))).toThrow(DTypeError);
    });
  });

  it('top-k accuracy', () => {
    scope(() => {
      const scores = f32([
        [0.5, 0.3, 0.2],
        [0.1, 0.2, 0.7],
        [0.3, 0.4, 0.3],
      ]);
      const labels = i32([1, 0, 1]);
      expect(nn.topKAccuracy(scores, labels, 1).item()).toBeCloseTo(1 / 3, 6);
      expect(nn.topKAccuracy(scores, labels, 2).item()).toBeCloseTo(2 / 3, 6);
      expect(nn.topKAccuracy(scores, labels, 3).item()).toBe(1);
      expect(() => nn.topKAccuracy(scores, labels, 4)).toThrow(/k must be an integer in \[1, 3\]/);
    });
  });

  it('confusion matrix: rows are labels, columns predictions', () => {
    scope(() => {
      const cm = nn.confusionMatrix(i32([0, 1, 1, 2, 2, 2]), i32([0, 1, 2, 2, 2, 0]), 3);
      expect(cm.dtype).toBe('int32');
      expect(cm.toArraySync()).toEqual([
        [1, 0, 1],
        [0, 1, 0],
        [0, 1, 2],
      ]);
      const fromScores = nn.confusionMatrix(
        f32([
          [0.9, 0.1],
          [0.2, 0.8],
          [0.6, 0.4],
        ]),
        i32([0, 0, 1]),
        2,
      );
      expect(fromScores.toArraySync()).toEqual([
        [1, 1],
        [1, 0],
      ]);
    });
  });
});

describe('errors name the layer and the problem', () => {
  it('bad configurations', () => {
    scope(() => {
      const key = random.key(0);
      expect(() => nn.linear.init(key, { inFeatures: 0, outFeatures: 2 })).toThrow(
        /linear.init: inFeatures must be a positive integer, got 0/,
      );
      expect(() =>
        nn.conv2d.init(key, { inChannels: 3, outChannels: 4, kernelSize: 3, groups: 2 }),
      ).toThrow(
        /conv2d.init: inChannels \(3\) and outChannels \(4\) must be divisible by groups \(2\)/,
      );
      expect(() =>
        nn.conv2d.init(key, { inChannels: 1, outChannels: 1, kernelSize: [3, 3, 3] }),
      ).toThrow(/kernelSize needs 2 values/);
      expect(() =>
        nn.conv1d.init(key, {
          inChannels: 1,
          outChannels: 1,
          kernelSize: 3,
          padding: 'FULL' as 'SAME',
        }),
      ).toThrow(/padding must be 'SAME', 'VALID' or numbers/);
      expect(() =>
        nn.convTranspose2d.init(key, {
          inChannels: 1,
          outChannels: 1,
          kernelSize: 3,
          stride: 2,
          outputPadding: 2,
        }),
      ).toThrow(/outputPadding \(2\) must be smaller than stride or dilation/);
      expect(() => nn.maxPool2d.init({ kernelSize: 2, padding: 2 })).toThrow(
        /at most half the kernel/,
      );
      expect(() => nn.groupNorm.init({ numGroups: 4, numChannels: 6 })).toThrow(
        /divisible by numGroups/,
      );
      expect(() => nn.dropout.init({ p: 1.5 })).toThrow(/p must be in \[0, 1\]/);
      expect(() => nn.multiHeadAttention.init(key, { embedDim: 6, numHeads: 4 })).toThrow(
        /divisible by numHeads/,
      );
      expect(() =>
        nn.rnn.init(key, { inputSize: 2, hiddenSize: 2, nonlinearity: 'gelu' as 'tanh' }),
      ).toThrow(/nonlinearity must be 'tanh' or 'relu'/);
      expect(() =>
        nn.embedding.init(key, { numEmbeddings: 4, embeddingDim: 2, paddingIdx: 4 }),
      ).toThrow(/paddingIdx must be an integer in \[-4, 4\)/);
    });
  });

  it('bad inputs', () => {
    scope(() => {
      const key = random.key(0);
      const lin = nn.linear.init(key, { inFeatures: 3, outFeatures: 2 });
      expect(() => nn.linear.apply(lin, np.zeros([2, 4]))).toThrow(
        /linear: expected 3 features on axis 1, got shape \[2, 4\]/,
      );
      expect(() => nn.linear.apply(lin, np.zeros([2, 3], { dtype: 'int32' }))).toThrow(DTypeError);
      const conv = nn.conv2d.init(key, { inChannels: 3, outChannels: 2, kernelSize: 3 });
      expect(() => nn.conv2d.apply(conv, np.zeros([1, 2, 5, 5]))).toThrow(
        /conv2d: expected 3 channels/,
      );
      expect(() => nn.conv2d.apply(conv, np.zeros([5, 5]))).toThrow(/rank 3 or 4/);
      expect(() => nn.conv1d.apply(conv, np.zeros([1, 3, 5]))).toThrow(
        /the module is a conv2d layer/,
      );
      expect(() =>
        nn.maxPool2d.apply(nn.maxPool2d.init({ kernelSize: 4 }), np.zeros([1, 1, 2, 2])),
      ).toThrow(/too small for kernel 4/);
      const bn = nn.batchNorm.init({ numFeatures: 2 });
      expect(() => nn.batchNorm.apply(bn, np.zeros([4, 2]), null)).toThrow(/pass its state/);
      expect(() =>
        nn.batchNorm.apply(bn, np.zeros([1, 2]), nn.batchNorm.initState(bn), { train: true }),
      ).toThrow(/more than one value per feature/);
      expect(() =>
        nn.layerNorm.apply(nn.layerNorm.init({ normalizedShape: 4 }), np.zeros([2, 3])),
      ).toThrow(/must end with normalizedShape \[4\]/);
      const emb = nn.embedding.init(key, { numEmbeddings: 4, embeddingDim: 2 });
      expect(() => nn.embedding.apply(emb, np.zeros([3]))).toThrow(/ids must be integers/);
      const drop = nn.dropout.init();
      expect(() => nn.dropout.apply(drop, np.zeros([3]), { train: true })).toThrow(
        /needs a PRNG key/,
      );
      const lstm = nn.lstm.init(key, { inputSize: 2, hiddenSize: 3 });
      const x = np.zeros([4, 2, 2]);
      expect(() =>
        nn.lstm.apply(lstm, x, { lengths: np.array([1, 2, 3], { dtype: 'int32' }) }),
      ).toThrow(/lengths must have shape \[2\]/);
      expect(() =>
        nn.lstm.apply(lstm, x, { initialState: [np.zeros([1, 2, 3]), np.zeros([2, 3])] }),
      ).toThrow(/initial state must have shape \[1, 2, 3\]/);
      const cell = nn.gruCell.init(key, { inputSize: 2, hiddenSize: 3 });
      expect(() => nn.gruCell.apply(cell, np.zeros([4, 2]), np.zeros([4, 2]))).toThrow(
        /state must have shape \[4, 3\]/,
      );
      const mha = nn.multiHeadAttention.init(key, { embedDim: 4, numHeads: 2 });
      const q = np.zeros([3, 2, 4]);
      expect(() =>
        nn.multiHeadAttention.apply(mha, q, q, q, { attnMask: np.zeros([2, 2]) }),
      ).toThrow(/attnMask must be \[3, 3\] or \[4, 3, 3\]/);
      expect(() => nn.softmaxCrossEntropy(np.zeros([3, 4]), np.zeros([3]))).toThrow(
        /labels must be integers/,
      );
      expect(() => nn.mse(np.zeros([3]), np.zeros([4]))).toThrow(ShapeError);
      expect(() => nn.huber(np.zeros([3]), np.zeros([3]), { delta: 0 })).toThrow(ValueError);
      const unknown = nn.sequential([{} as unknown as nn.Module]);
      expect(() => nn.sequential.apply(unknown, np.zeros([1]) as Tensor)).toThrow(
        /expected a module/,
      );
    });
  });
});
