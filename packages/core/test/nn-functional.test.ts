/**
 * `nn` functional ops against PyTorch float64 golden values (fixtures/golden/elementwise.json and
 * softmax_ce.json): activations and their derivatives, softmax/logSoftmax with VJPs, a
 * cross-entropy built from them, numerical stability at extreme inputs, and `oneHot`.
 */
import { describe, expect, it } from 'vitest';
import { grad, nn, np, scope, type Tensor, ValueError, vjp } from '../src/index.js';
import { expectClose } from './support/assertions.js';
import { type GoldenArray, goldenTensor, loadGolden } from './support/golden.js';
import { hostData } from './support/tensors.js';

const f32 = (data: number[] | number[][]) => np.array(data, { dtype: 'float32' });

/** Closeness to a float64 reference (see `expectClose`), skipping the indices in `skip` (kinks). */
const expectNear = (
  actual: Tensor,
  expected: readonly number[],
  skip: readonly number[] = [],
  atol = 1e-6,
  rtol = 2e-5,
) => expectClose(actual, expected, undefined, { atol, rtol, skip });

const activations: Record<string, (x: Tensor) => Tensor> = {
  exp: (x) => np.exp(x),
  log1p: (x) => np.log1p(x),
  expm1: (x) => np.expm1(x),
  tanh: (x) => nn.tanh(x),
  sigmoid: (x) => nn.sigmoid(x),
  softplus: (x) => nn.softplus(x),
  gelu_tanh: (x) => nn.gelu(x),
  gelu_exact: (x) => nn.gelu(x, { approximate: false }),
  silu: (x) => nn.silu(x),
  elu: (x) => nn.elu(x, { alpha: 1 }),
  leaky_relu: (x) => nn.leakyRelu(x, { negativeSlope: 0.01 }),
  log_sigmoid: (x) => nn.logSigmoid(x),
};

describe('activations vs golden values (PyTorch float64)', () => {
  for (const c of loadGolden('elementwise')) {
    const fn = activations[c.name];
    if (!fn) continue;
    it(`${c.name}: values and derivatives`, () => {
      scope(() => {
        const x = goldenTensor(c.inputs.x as GoldenArray);
        const kinks = (c.params.kinks as number[]) ?? [];
        expectNear(fn(x), (c.outputs.y as GoldenArray).data);
        const dy = grad((v: Tensor) => np.sum(fn(v)))(x) as Tensor;
        expectNear(dy, (c.outputs.dy as GoldenArray).data, kinks);
      });
    });
  }
});

describe('softmax and logSoftmax vs golden values', () => {
  for (const c of loadGolden('softmax_ce')) {
    it(c.name, () => {
      scope(() => {
        const logits = goldenTensor(c.inputs.logits as GoldenArray);
        const labels = goldenTensor(c.inputs.labels as GoldenArray);
        const ct = goldenTensor(c.inputs.ct as GoldenArray);
        const out = (k: string) => c.outputs[k] as GoldenArray;
        expectNear(nn.logSoftmax(logits), out('log_softmax').data, [], 1e-5);
        expectNear(nn.softmax(logits), out('softmax').data);
        expectNear(nn.softmax(logits, { axis: 1 }), out('softmax').data);

        const [, pullLog] = vjp((z: Tensor) => nn.logSoftmax(z), logits);
        expectNear(pullLog(ct)[0] as Tensor, out('dlog_softmax').data, [], 1e-5);
        pullLog.dispose();
        const [, pullSoft] = vjp((z: Tensor) => nn.softmax(z), logits);
        expectNear(pullSoft(ct)[0] as Tensor, out('dsoftmax').data, [], 1e-5);
        pullSoft.dispose();

        const eps = c.params.label_smoothing as number;
        const numClasses = logits.shape[1] as number;
        const crossEntropy = (z: Tensor) => {
          const logp = nn.logSoftmax(z);
          const picked = np.sum(np.multiply(logp, nn.oneHot(labels, numClasses)), { axis: -1 });
          const smooth = np.mean(logp, { axis: -1 });
          return np.negative(
            np.mean(np.add(np.multiply(picked, 1 - eps), np.multiply(smooth, eps))),
          );
        };
        expectNear(crossEntropy(logits), out('loss').data, [], 1e-5);
        expectNear(grad(crossEntropy)(logits) as Tensor, out('dloss').data, [], 1e-6);
        const viaTake = np.negative(
          np.mean(np.takeAlongAxis(nn.logSoftmax(logits), labels.reshape([-1, 1]), 1)),
        );
        if (eps === 0) expectNear(viaTake, out('loss').data, [], 1e-5);
      });
    });
  }
});

describe('stability at extreme inputs', () => {
  const allFinite = (t: Tensor) => hostData(t).every(Number.isFinite);

  it('logsumexp subtracts the max and handles -Infinity rows', () => {
    scope(() => {
      expectClose(nn.logsumexp(np.array([1000, 1000])), [1000 + Math.LN2], [], { rtol: 1e-6 });
      expectClose(nn.logsumexp(np.array([-1000, -1000])), [-1000 + Math.LN2], [], { rtol: 1e-6 });
      const x = np.array([
        [1, 2, 3],
        [-1e30, 0, 1e3],
      ]);
      const lse = (row: number[]) => {
        const m = Math.max(...row);
        return m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
      };
      expectClose(nn.logsumexp(x, { axis: 1 }), [lse([1, 2, 3]), lse([-1e30, 0, 1e3])], [2]);
      expect([...nn.logsumexp(x, { axis: 1, keepdims: true }).shape]).toEqual([2, 1]);
      expectClose(nn.logsumexp(x), [lse([1, 2, 3, -1e30, 0, 1e3])], []);
      const inf = nn.logsumexp(np.array([Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY]));
      expect(inf.item()).toBe(Number.NEGATIVE_INFINITY);
      const g = grad((v: Tensor) => nn.logsumexp(v))(f32([1000, 0, -1000])) as Tensor;
      expectClose(g, [1, 0, 0]);
    });
  });

  it('softmax/logSoftmax of ±1000 logits are finite, with finite gradients', () => {
    scope(() => {
      const z = f32([[1000, -1000, 0]]);
      expectClose(nn.softmax(z), [1, 0, 0], [1, 3]);
      expectClose(nn.logSoftmax(z), [0, -2000, -1000], [1, 3]);
      const g = grad((v: Tensor) => np.sum(np.multiply(nn.logSoftmax(v), np.array([[1, 0, 0]]))))(
        z,
      ) as Tensor;
      expect(allFinite(g)).toBe(true);
      expectClose(g, [0, 0, 0], [1, 3]);
    });
  });

  it('sigmoid family and softplus stay finite far out', () => {
    scope(() => {
      const x = f32([-1000, -100, 100, 1000]);
      expectClose(nn.softplus(x), [0, 3.720075976020836e-44, 100, 1000], [4], { atol: 1e-44 });
      expectClose(nn.logSigmoid(x), [-1000, -100, 0, 0], [4]);
      expectClose(nn.sigmoid(x), [0, 3.7200759760208356e-44, 1, 1], [4], { atol: 1e-44 });
      for (const fn of [
        nn.softplus,
        nn.logSigmoid,
        nn.sigmoid,
        nn.silu,
        nn.elu,
        (v: Tensor) => nn.gelu(v),
        nn.tanh,
      ]) {
        const out = fn(x);
        expect(allFinite(out)).toBe(true);
        expect(allFinite(grad((v: Tensor) => np.sum(fn(v)))(x) as Tensor)).toBe(true);
      }
      expectClose(grad((v: Tensor) => np.sum(nn.logSigmoid(v)))(x) as Tensor, [1, 1, 0, 0], [4], {
        atol: 1e-7,
      });
    });
  });
});

describe('other activations (closed forms)', () => {
  const xs = [-7, -1.5, -0.25, 0, 0.25, 1.5, 7];
  const cases: [string, (x: Tensor) => Tensor, (v: number) => number][] = [
    ['relu', nn.relu, (v) => Math.max(v, 0)],
    ['relu6', nn.relu6, (v) => Math.min(Math.max(v, 0), 6)],
    ['softSign', nn.softSign, (v) => v / (Math.abs(v) + 1)],
    ['swish', nn.swish, (v) => v / (1 + Math.exp(-v))],
    ['hardTanh', nn.hardTanh, (v) => Math.min(Math.max(v, -1), 1)],
    ['hardSigmoid', nn.hardSigmoid, (v) => Math.min(Math.max(v + 3, 0), 6) / 6],
    ['hardSilu', nn.hardSilu, (v) => (v * Math.min(Math.max(v + 3, 0), 6)) / 6],
    ['selu', nn.selu, (v) => 1.0507009873554805 * (v > 0 ? v : 1.6732632423543772 * Math.expm1(v))],
    [
      'celu',
      (x) => nn.celu(x, { alpha: 2 }),
      (v) => Math.max(v, 0) + 2 * Math.expm1(Math.min(v, 0) / 2),
    ],
    [
      'leakyRelu 0.2',
      (x) => nn.leakyRelu(x, { negativeSlope: 0.2 }),
      (v) => (v >= 0 ? v : 0.2 * v),
    ],
    ['elu alpha 0.5', (x) => nn.elu(x, { alpha: 0.5 }), (v) => (v > 0 ? v : 0.5 * Math.expm1(v))],
  ];
  for (const [name, fn, ref] of cases) {
    it(name, () => {
      scope(() => {
        expectClose(fn(np.array(xs)), xs.map(ref), [xs.length], { rtol: 1e-5, atol: 1e-6 });
      });
    });
  }

  it('relu: derivative 0 at 0 (as JAX), NaN propagates, ints stay ints', () => {
    scope(() => {
      expectClose(
        grad((v: Tensor) => np.sum(nn.relu(v)))(
          np.array([-1, 0, 2], { dtype: 'float32' }),
        ) as Tensor,
        [0, 0, 1],
      );
      expect(hostData(nn.relu(np.array([Number.NaN])))[0]).toBeNaN();
      expect(nn.relu(np.array([-1, 3])).toArraySync()).toEqual([0, 3]);
      expect(nn.relu(np.array([-1, 3])).dtype).toBe('int32');
      expectClose(
        grad((v: Tensor) => np.sum(nn.relu6(v)))(
          np.array([0, 3, 6], { dtype: 'float32' }),
        ) as Tensor,
        [0, 1, 0],
      );
    });
  });

  it('standardize normalises over the axis', () => {
    scope(() => {
      const s = Math.sqrt(2 / 3 + 1e-5);
      expectClose(nn.standardize(np.array([[1, 2, 3]])), [-1 / s, 0, 1 / s], [1, 3]);
    });
  });
});

describe('oneHot', () => {
  it('encodes along the last or a given axis; out-of-range labels give zeros', () => {
    scope(() => {
      expect(nn.oneHot(np.array([0, 2, 5, -1]), 3).toArraySync()).toEqual([
        [1, 0, 0],
        [0, 0, 1],
        [0, 0, 0],
        [0, 0, 0],
      ]);
      const h = nn.oneHot(np.array([1, 0]), 3, { axis: 0, dtype: 'int32' });
      expect(h.dtype).toBe('int32');
      expect(h.toArraySync()).toEqual([
        [0, 1],
        [1, 0],
        [0, 0],
      ]);
      expect([...nn.oneHot(np.array([[1, 2]]), 4).shape]).toEqual([1, 2, 4]);
      expect(nn.oneHot([1], 2).toArraySync()).toEqual([[0, 1]]);
      expect(() => nn.oneHot(np.array([1]), -1)).toThrow(ValueError);
      expect(() => nn.oneHot(np.array([true]), 2)).toThrow(/oneHot: labels must be numbers/);
    });
  });
});
