/**
 * Every model runs forward on every backend — the CPU backend and `cpu-minimal` (no optional
 * methods, so convolutions, pooling and the rest go through the core fallbacks any third-party
 * backend gets) — with the documented output shapes and finite values; `jit` of each forward
 * equals the eager forward; eager calls (`init` included) leave only their outputs alive.
 */
import { jit, memory, np, random, type Tensor, tree } from '@tensile/core';
import { describe, expect, it } from 'vitest';
import { charRnn, dcgan, seqRegressor, textClassifier, vggSmall } from '../src/index.js';
import { BACKENDS, onBackend } from './support/backends.js';
import { CASES } from './support/cases.js';
import { expectClose, host } from './support/tensors.js';

describe.each(BACKENDS)('on %s', (backend) => {
  it.each(CASES.map((c) => [c.name, c] as const))(
    '%s: forward shapes, finite values, jit equals eager',
    (_, c) => {
      onBackend(backend, () => {
        const { model, state } = c.build(random.key(0));
        const x = c.input(random.key(1));
        const outputs = c.run(model, state, x);
        expect(outputs.map((o) => [...o.shape])).toEqual(c.shapes);
        for (const o of outputs)
          expect(host(o).every(Number.isFinite), `${c.name}: finite`).toBe(true);

        const jitted = jit((m: unknown, s: unknown, input: Tensor) => c.run(m, s, input));
        const compiled = jitted(model, state, x);
        jitted.dispose();
        compiled.forEach((o, i) => {
          expectClose(o, outputs[i] as Tensor, `${c.name} jit output ${i}`, {
            rtol: 1e-4,
            atol: 1e-5,
          });
        });
      });
    },
  );
});

describe('eager calls', () => {
  it('init leaves only the parameters (and initState only the state) alive', () => {
    const live = () => memory().cpu?.tensors ?? 0;
    onBackend('cpu', () => {
      const key = random.key(0);
      for (const c of CASES) {
        const before = live();
        const built = c.build(key);
        expect(live() - before, c.name).toBe(tree.leaves(built).length);
        tree.dispose(built);
      }
    });
  });

  it('leave only their outputs alive', () => {
    const live = () => memory().cpu?.tensors ?? 0;
    onBackend('cpu', () => {
      const [k0, k1, k2, k3, k4, k5] = [...random.split(random.key(0), 6)] as Tensor[];
      const images = random.normal(k0 as Tensor, [2, 1, 28, 28]);
      const vgg = vggSmall.init(k1 as Tensor, { widths: [4], hidden: null });
      const vggState = vggSmall.initState(vgg);
      const text = textClassifier.init(k2 as Tensor, { vocabSize: 9, embedDim: 3, hiddenSize: 4 });
      const ids = random.randint(k0 as Tensor, [2, 5], 0, 9);
      const lengths = np.array([5, 2], { dtype: 'int32' });
      const lm = charRnn.init(k3 as Tensor, { vocabSize: 9, embedDim: 3, hiddenSize: 4 });
      const gan = dcgan.init(k4 as Tensor, { latentDim: 4, width: 2 });
      const ganState = dcgan.initState(gan);
      const z = random.normal(k0 as Tensor, [2, 4]);
      const reg = seqRegressor.init(k5 as Tensor, { hiddenSize: 4 });
      const series = random.normal(k0 as Tensor, [2, 6, 1]);
      const calls: [string, () => unknown][] = [
        ['vggSmall.apply', () => vggSmall.apply(vgg, images, { state: vggState, train: true })],
        ['textClassifier.apply', () => textClassifier.apply(text, ids, { lengths })],
        ['charRnn.apply', () => charRnn.apply(lm, ids)],
        ['charRnn.sample', () => charRnn.sample(lm, k0 as Tensor, ids, 4)],
        [
          'dcgan.generate',
          () => dcgan.generate(gan.generator, z, { state: ganState.generator, train: true }),
        ],
        ['seqRegressor.apply', () => seqRegressor.apply(reg, series)],
        ['seqRegressor.forecast', () => seqRegressor.forecast(reg, series, 3)],
      ];
      for (const [name, call] of calls) {
        const before = live();
        const out = call();
        expect(live() - before, name).toBe(tree.leaves(out).length);
        tree.dispose(out);
      }
    });
  });
});
