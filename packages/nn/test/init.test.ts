/**
 * Initializers (`nn.init`) and the layers' default initialisation: closed-form bounds, sample
 * moments against the variances PyTorch's `torch.nn.init` specifies, orthogonality of
 * `orthogonal`, gains and fans, and determinism per key.
 */
import { random, scope, type Tensor } from '@tensile/core';
import { describe, expect, it } from 'vitest';
import {
  conv2d,
  convTranspose2d,
  embedding,
  init,
  linear,
  lstm,
  multiHeadAttention,
} from '../src/index.js';

const host = (t: Tensor) => Array.from(t.dataSync() as Float32Array);
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const std = (v: number[]) => {
  const m = mean(v);
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
};
const maxAbs = (v: number[]) => v.reduce((a, b) => Math.max(a, Math.abs(b)), 0);
const key = () => random.key(7);

describe('fans and gains', () => {
  it('follow torch.nn.init', () => {
    expect(init.fans([64, 3, 3, 3])).toEqual([27, 576]);
    expect(init.fans([10, 20])).toEqual([20, 10]);
    expect(() => init.fans([5])).toThrow(/at least 2 dims/);
    expect(init.calculateGain('linear')).toBe(1);
    expect(init.calculateGain('conv2d')).toBe(1);
    expect(init.calculateGain('sigmoid')).toBe(1);
    expect(init.calculateGain('tanh')).toBeCloseTo(5 / 3, 12);
    expect(init.calculateGain('relu')).toBeCloseTo(Math.SQRT2, 12);
    expect(init.calculateGain('leakyRelu')).toBeCloseTo(Math.sqrt(2 / (1 + 0.01 ** 2)), 12);
    expect(init.calculateGain('leakyRelu', Math.sqrt(5))).toBeCloseTo(Math.sqrt(1 / 3), 12);
    expect(init.calculateGain('selu')).toBe(0.75);
  });
});

describe('initializers', () => {
  it('constant initializers', () => {
    scope(() => {
      expect(host(init.zeros(key(), [2, 3]))).toEqual([0, 0, 0, 0, 0, 0]);
      expect(host(init.ones(key(), [2]))).toEqual([1, 1]);
      expect(host(init.constant(0.5)(key(), [3]))).toEqual([0.5, 0.5, 0.5]);
    });
  });

  it('distributions have the variances torch specifies', () => {
    scope(() => {
      const shape = [400, 100, 3, 3]; // fanIn 900, fanOut 3600; 360k samples
      const [fanIn, fanOut] = init.fans(shape);
      const cases: [string, init.Initializer, number][] = [
        ['normal', init.normal({ mean: 0, std: 0.3 }), 0.3],
        ['uniform', init.uniform({ low: -1, high: 1 }), 1 / Math.sqrt(3)],
        ['xavierUniform', init.xavierUniform(), Math.sqrt(2 / (fanIn + fanOut))],
        ['xavierNormal', init.xavierNormal({ gain: 2 }), 2 * Math.sqrt(2 / (fanIn + fanOut))],
        ['kaimingUniform', init.kaimingUniform(), Math.SQRT2 / Math.sqrt(fanIn)],
        [
          'kaimingNormal',
          init.kaimingNormal({ mode: 'fanOut', nonlinearity: 'relu' }),
          Math.SQRT2 / Math.sqrt(fanOut),
        ],
        ['lecunUniform', init.lecunUniform(), 1 / Math.sqrt(fanIn)],
        ['lecunNormal', init.lecunNormal(), 1 / Math.sqrt(fanIn)],
        ['truncatedNormal', init.truncatedNormal({ std: 1 }), 0.8796256610342398],
      ];
      for (const [name, initializer, expected] of cases) {
        const v = host(initializer(key(), shape));
        expect(Math.abs(mean(v)), `${name} mean`).toBeLessThan(0.01 * expected + 1e-3);
        expect(std(v) / expected, `${name} std`).toBeGreaterThan(0.98);
        expect(std(v) / expected, `${name} std`).toBeLessThan(1.02);
      }
    });
  });

  it('bounded distributions stay within their bounds', () => {
    scope(() => {
      const v = host(init.kaimingUniform({ a: Math.sqrt(5) })(key(), [300, 50]));
      expect(maxAbs(v)).toBeLessThanOrEqual(1 / Math.sqrt(50));
      expect(maxAbs(v)).toBeGreaterThan(0.99 / Math.sqrt(50));
      const t = host(init.truncatedNormal({ mean: 1, std: 2, a: 0, b: 3 })(key(), [10000]));
      expect(Math.min(...t)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...t)).toBeLessThanOrEqual(3);
      const l = host(init.lecunNormal()(key(), [100, 25]));
      expect(maxAbs(l)).toBeLessThanOrEqual((2 * (1 / 5)) / 0.8796256610342398 + 1e-6);
    });
  });

  it('are deterministic per key', () => {
    scope(() => {
      const a = host(init.xavierNormal()(random.key(3), [4, 5]));
      const b = host(init.xavierNormal()(random.key(3), [4, 5]));
      const c = host(init.xavierNormal()(random.key(4), [4, 5]));
      expect(a).toEqual(b);
      expect(a).not.toEqual(c);
    });
  });

  it('orthogonal gives orthonormal rows or columns, scaled by gain', () => {
    scope(() => {
      for (const [shape, gain] of [
        [[6, 6], 1],
        [[12, 4], 1],
        [[3, 8], 2],
        [[4, 2, 3, 3], 1],
      ] as [number[], number][]) {
        const w = init.orthogonal({ gain })(key(), shape);
        expect(w.shape).toEqual(shape);
        const rows = shape[0] as number;
        const flat = w.reshape([rows, -1]);
        const cols = flat.shape[1] as number;
        const gram = rows >= cols ? flat.T.matmul(flat) : flat.matmul(flat.T);
        const n = Math.min(rows, cols);
        const g = host(gram);
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < n; j++) {
            expect(g[i * n + j] as number).toBeCloseTo(i === j ? gain * gain : 0, 4);
          }
        }
      }
      expect(() => init.orthogonal()(key(), [5])).toThrow(/at least 2 dims/);
    });
  });
});

describe('layer defaults match PyTorch', () => {
  it('linear and conv: U(±1/√fanIn) for weight and bias', () => {
    scope(() => {
      const l = linear.init(key(), { inFeatures: 64, outFeatures: 256 });
      const bound = 1 / 8;
      expect(maxAbs(host(l.weight))).toBeLessThanOrEqual(bound);
      expect(std(host(l.weight)) / (bound / Math.sqrt(3))).toBeCloseTo(1, 1);
      expect(maxAbs(host(l.bias as Tensor))).toBeLessThanOrEqual(bound);
      const c = conv2d.init(key(), { inChannels: 8, outChannels: 64, kernelSize: 3, groups: 2 });
      expect(c.weight.shape).toEqual([64, 4, 3, 3]);
      const convBound = 1 / 6; // fanIn = 4·9
      expect(maxAbs(host(c.weight))).toBeLessThanOrEqual(convBound);
      expect(maxAbs(host(c.weight))).toBeGreaterThan(0.95 * convBound);
      expect(maxAbs(host(c.bias as Tensor))).toBeLessThanOrEqual(convBound);
      const t = convTranspose2d.init(key(), { inChannels: 32, outChannels: 8, kernelSize: 2 });
      expect(t.weight.shape).toEqual([32, 8, 2, 2]);
      const tBound = 1 / Math.sqrt(8 * 4); // torch's fanIn of an [in, out, k, k] weight is out·k²
      expect(maxAbs(host(t.weight))).toBeLessThanOrEqual(tBound);
      expect(maxAbs(host(t.weight))).toBeGreaterThan(0.95 * tBound);
    });
  });

  it('recurrent, embedding and attention initialisation', () => {
    scope(() => {
      const r = lstm.init(key(), { inputSize: 10, hiddenSize: 16, numLayers: 2 });
      for (const cell of r.cells) {
        for (const p of [cell.weightIh, cell.weightHh, cell.biasIh, cell.biasHh] as Tensor[]) {
          expect(maxAbs(host(p))).toBeLessThanOrEqual(0.25);
        }
      }
      const e = embedding.init(key(), { numEmbeddings: 1000, embeddingDim: 32, paddingIdx: -1 });
      expect(e.paddingIdx).toBe(999);
      const rows = host(e.weight);
      expect(rows.slice(999 * 32)).toEqual(new Array(32).fill(0));
      expect(std(rows.slice(0, 999 * 32))).toBeCloseTo(1, 1);
      const a = multiHeadAttention.init(key(), { embedDim: 16, numHeads: 4 });
      expect(maxAbs(host(a.inProjWeight))).toBeLessThanOrEqual(Math.sqrt(6 / (16 + 48)));
      expect(host(a.inProjBias as Tensor)).toEqual(new Array(48).fill(0));
      expect(host(a.outProj.bias as Tensor)).toEqual(new Array(16).fill(0));
      expect(maxAbs(host(a.outProj.weight))).toBeLessThanOrEqual(0.25);
    });
  });
});
