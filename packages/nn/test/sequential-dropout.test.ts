/**
 * Composition and randomness: `sequential` equals calling its layers in turn, threads batch-norm
 * state and splits the PRNG key per layer; dropout's closed-form behaviour (identity in
 * evaluation, zero rate ≈ p, survivors scaled by 1/(1−p), gradient = mask/(1−p), determinism per
 * key, inter-layer dropout of recurrent layers); a few SGD steps on a small CNN reduce the loss;
 * eager calls leave only their outputs alive.
 */
import {
  grad,
  jit,
  memory,
  np,
  random,
  scope,
  type Tensor,
  tree,
  valueAndGrad,
} from '@tensile/core';
import { describe, expect, it } from 'vitest';
import * as nn from '../src/index.js';
import { expectTensorsClose } from './support/golden.js';

const host = (t: Tensor) => Array.from(t.dataSync() as Float32Array);

describe('sequential', () => {
  it('equals applying its layers in order', () => {
    scope(() => {
      const [k1, k2] = random.split(random.key(0));
      const l1 = nn.linear.init(k1 as Tensor, { inFeatures: 3, outFeatures: 5 });
      const l2 = nn.linear.init(k2 as Tensor, { inFeatures: 5, outFeatures: 2 });
      const model = nn.sequential([l1, nn.relu.init(), nn.sequential([l2, nn.sigmoid.init()])]);
      const x = random.normal(random.key(1), [4, 3]);
      const manual = nn.sigmoid.apply(
        nn.sigmoid.init(),
        nn.linear.apply(l2, nn.relu.apply(nn.relu.init(), nn.linear.apply(l1, x))),
      );
      expectTensorsClose(nn.sequential.apply(model, x), manual, 'sequential', { rtol: 0, atol: 0 });
    });
  });

  it('threads batch-norm state and the training flag', () => {
    scope(() => {
      const bn = nn.batchNorm.init({ numFeatures: 3 });
      const model = nn.sequential([
        nn.linear.init(random.key(2), { inFeatures: 2, outFeatures: 3 }),
        bn,
        nn.relu.init(),
      ]);
      const state = nn.sequential.initState(model);
      expect(state[0]).toBeNull();
      expect(state[2]).toBeNull();
      const x = random.normal(random.key(3), [6, 2]);
      const [y, next] = nn.sequential.apply(model, x, { state, train: true });
      const h = nn.linear.apply(model.layers[0] as nn.Linear, x);
      const [bnY, bnState] = nn.batchNorm.apply(bn, h, state[1] as nn.BatchNormState, {
        train: true,
      });
      expectTensorsClose(y, nn.relu.apply(nn.relu.init(), bnY), 'train output', {
        rtol: 0,
        atol: 0,
      });
      const s1 = next[1] as nn.BatchNormState;
      expectTensorsClose(
        s1.runningMean,
        (bnState as nn.BatchNormState).runningMean,
        'running mean',
        { rtol: 0, atol: 0 },
      );
      const [evalY] = nn.sequential.apply(model, x, { state: next });
      const [bnEval] = nn.batchNorm.apply(bn, h, s1);
      expectTensorsClose(evalY, nn.relu.apply(nn.relu.init(), bnEval), 'eval output', {
        rtol: 0,
        atol: 0,
      });
      expect(() => nn.sequential.apply(model, x)).toThrow(/pass its state/);
      expect(() => nn.sequential.apply(model, x, { state: [null] })).toThrow(/one entry per layer/);
    });
  });

  it('splits the key into one key per layer', () => {
    scope(() => {
      const drop = nn.dropout.init({ p: 0.5 });
      const model = nn.sequential([drop, nn.tanh.init(), drop]);
      const x = random.normal(random.key(4), [50]);
      const key = random.key(5);
      const keys = [...random.split(key, 3)];
      const manual = nn.dropout.apply(
        drop,
        np.tanh(nn.dropout.apply(drop, x, { key: keys[0], train: true })),
        { key: keys[2], train: true },
      );
      expectTensorsClose(nn.sequential.apply(model, x, { key, train: true }), manual, 'keys', {
        rtol: 0,
        atol: 0,
      });
      expect(() => nn.sequential.apply(model, x, { train: true })).toThrow(/PRNG key/);
      expectTensorsClose(nn.sequential.apply(model, x), np.tanh(x), 'eval', { rtol: 0, atol: 0 });
    });
  });

  it('trains: a few jitted SGD steps reduce a CNN’s loss', () => {
    scope(() => {
      const keys = [...random.split(random.key(6), 4)];
      let model = nn.sequential([
        nn.conv2d.init(keys[0] as Tensor, {
          inChannels: 1,
          outChannels: 4,
          kernelSize: 3,
          padding: 1,
        }),
        nn.batchNorm.init({ numFeatures: 4 }),
        nn.relu.init(),
        nn.maxPool2d.init({ kernelSize: 2 }),
        nn.flatten.init(),
        nn.dropout.init({ p: 0.1 }),
        nn.linear.init(keys[1] as Tensor, { inFeatures: 16, outFeatures: 3 }),
      ]);
      let state = nn.sequential.initState(model);
      const x = random.normal(keys[2] as Tensor, [8, 1, 4, 4]);
      const y = random.randint(keys[3] as Tensor, [8], 0, 3);
      const lossOf = (m: nn.Sequential, s: unknown[], key: Tensor) => {
        const [logits, next] = nn.sequential.apply(m, x, { state: s, key, train: true });
        return [nn.softmaxCrossEntropy(logits, y), next] as [Tensor, unknown[]];
      };
      const step = jit((m: nn.Sequential, s: unknown[], key: Tensor) => {
        const [[loss, next], g] = valueAndGrad(lossOf, { hasAux: true })(m, s, key) as unknown as [
          [Tensor, unknown[]],
          nn.Sequential,
        ];
        return [loss, tree.map((p: Tensor, d: Tensor) => p.sub(d.mul(0.2)), m, [g]), next] as const;
      });
      const losses: number[] = [];
      for (let i = 0; i < 15; i++) {
        const [loss, m2, s2] = step(model, state, random.key(100 + i));
        losses.push(loss.item() as number);
        model = m2;
        state = s2 as unknown[];
      }
      step.dispose();
      expect(losses[14] as number).toBeLessThan(0.5 * (losses[0] as number));
    });
  });
});

describe('dropout', () => {
  it('is the identity in evaluation mode and with p = 0', () => {
    scope(() => {
      const x = random.normal(random.key(0), [10]);
      expect(nn.dropout.apply(nn.dropout.init(), x)).toBe(x);
      expect(
        nn.dropout.apply(nn.dropout.init({ p: 0 }), x, { key: random.key(1), train: true }),
      ).toBe(x);
      expect(
        host(nn.dropout.apply(nn.dropout.init({ p: 1 }), x, { key: random.key(1), train: true })),
      ).toEqual(new Array(10).fill(0));
    });
  });

  it('zeroes a fraction p and scales the rest by 1/(1−p), deterministically per key', () => {
    scope(() => {
      const p = 0.3;
      const drop = nn.dropout.init({ p });
      const x = np.ones([20000]);
      const y = host(nn.dropout.apply(drop, x, { key: random.key(2), train: true }));
      const zeros = y.filter((v) => v === 0).length / y.length;
      expect(Math.abs(zeros - p)).toBeLessThan(0.015);
      for (const v of y) if (v !== 0) expect(v).toBeCloseTo(1 / (1 - p), 6);
      expect(host(nn.dropout.apply(drop, x, { key: random.key(2), train: true }))).toEqual(y);
      expect(host(nn.dropout.apply(drop, x, { key: random.key(3), train: true }))).not.toEqual(y);
    });
  });

  it('has gradient mask/(1−p)', () => {
    scope(() => {
      const drop = nn.dropout.init({ p: 0.5 });
      const x = random.normal(random.key(4), [64]);
      const key = random.key(5);
      const y = host(nn.dropout.apply(drop, x, { key, train: true }));
      const g = host(grad((v: Tensor) => nn.dropout.apply(drop, v, { key, train: true }).sum())(x));
      g.forEach((gi, i) => {
        expect(gi).toBe(y[i] === 0 ? 0 : 2);
      });
    });
  });

  it('drops between recurrent layers only in training', () => {
    scope(() => {
      const m = nn.gru.init(random.key(6), {
        inputSize: 2,
        hiddenSize: 3,
        numLayers: 2,
        dropout: 0.5,
      });
      const x = random.normal(random.key(7), [4, 2]);
      const [evalY] = nn.gru.apply(m, x);
      const [trainY] = nn.gru.apply(m, x, { key: random.key(8), train: true });
      const [again] = nn.gru.apply(m, x, { key: random.key(8), train: true });
      expect(host(trainY)).not.toEqual(host(evalY));
      expect(host(again)).toEqual(host(trainY));
      expect(() => nn.gru.apply(m, x, { train: true })).toThrow(/PRNG key/);
    });
  });
});

describe('eager calls free their intermediates', () => {
  it('leave only the outputs alive', () => {
    const live = () => memory().cpu?.tensors ?? 0;
    scope(() => {
      const model = nn.lstm.init(random.key(0), {
        inputSize: 3,
        hiddenSize: 4,
        bidirectional: true,
      });
      const mha = nn.multiHeadAttention.init(random.key(1), { embedDim: 4, numHeads: 2 });
      const bn = nn.batchNorm.init({ numFeatures: 3 });
      const state = nn.batchNorm.initState(bn) as nn.BatchNormState;
      const x = random.normal(random.key(2), [5, 2, 3]);
      const q = random.normal(random.key(3), [5, 2, 4]);
      const channelsFirst = x.swapaxes(1, 2);
      const logits = q.reshape([10, 4]);
      const labels = np.zeros([10], { dtype: 'int32' });
      const initKey = random.key(4);
      const calls: (() => unknown)[] = [
        () => nn.lstm.apply(model, x),
        () => nn.multiHeadAttention.apply(mha, q, q, q, { needWeights: true }),
        () => nn.batchNorm.apply(bn, channelsFirst, state, { train: true }),
        () => nn.softmaxCrossEntropy(logits, labels, { labelSmoothing: 0.1 }),
        () => nn.init.orthogonal()(initKey, [6, 3]),
      ];
      for (const call of calls) {
        const before = live();
        const out = call();
        const outputs = tree
          .leaves(out)
          .filter((l) => l !== state.runningMean && l !== state.runningVar);
        expect(live() - before).toBe(outputs.length);
        tree.dispose(out);
      }
    });
  });
});
