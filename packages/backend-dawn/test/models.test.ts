/**
 * Models run on every backend: a few @tensile/zoo models evaluated on Dawn give the CPU
 * backend's results for the same parameters and inputs (copied between backends through the host).
 */
import { createCpuBackend } from '@tensile/backend-cpu';
import {
  fromHost,
  type HostArray,
  listBackends,
  np,
  random,
  registerBackend,
  scope,
  type Tensor,
  tree,
  unregisterBackend,
  withBackend,
} from '@tensile/core';
import { lenet5, mlp, resnet20, textClassifier } from '@tensile/zoo';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tryCreateDawnBackend } from './gpu.js';

const GPU = 'dawn-models';
const CPU = 'cpu-models';
const backend = await tryCreateDawnBackend({ name: GPU });

/** Copy every tensor of a pytree to `name` (through host memory). */
async function copyTo<T>(name: string, t: T): Promise<T> {
  const leaves = tree.leaves(t);
  const data = await Promise.all(
    leaves.map((l) => (l instanceof Object && 'data' in l ? (l as Tensor).data() : null)),
  );
  let i = 0;
  return tree.map((l: unknown) => {
    const host = data[i++];
    const x = l as Tensor;
    return host ? fromHost(host as HostArray, x.shape, x.dtype, { backend: name }) : l;
  }, t);
}

/** Each case builds a model and an input on the current backend and evaluates it. */
const CASES: { name: string; build(): [unknown, Tensor]; run(model: never, x: Tensor): Tensor }[] =
  [
    {
      name: 'mlp',
      build: () => [
        mlp.init(random.key(0), { sizes: [784, 32, 10] }),
        random.normal(random.key(1), [4, 1, 28, 28]),
      ],
      run: (m, x) => mlp.apply(m, x),
    },
    {
      name: 'lenet5',
      build: () => [lenet5.init(random.key(0)), random.normal(random.key(1), [2, 1, 28, 28])],
      run: (m, x) => lenet5.apply(m, x),
    },
    {
      name: 'resnet20 (evaluation mode, batch-norm state)',
      build: () => {
        const model = resnet20.init(random.key(0), { inChannels: 1, widths: [4, 8, 16] } as never);
        return [
          { model, state: resnet20.initState(model) },
          random.normal(random.key(1), [2, 1, 12, 12]),
        ];
      },
      run: (m, x) => {
        const { model, state } = m as { model: never; state: never };
        return resnet20.apply(model, x, { state })[0] as Tensor;
      },
    },
    {
      name: 'textClassifier (LSTM)',
      build: () => [
        textClassifier.init(random.key(0), {
          vocabSize: 50,
          embedDim: 8,
          hiddenSize: 8,
          numClasses: 2,
        } as never),
        np
          .array([
            [3, 7, 9, 0],
            [5, 2, 0, 0],
          ])
          .astype('int32'),
      ],
      run: (m, x) => textClassifier.apply(m, x),
    },
  ];

describe.skipIf(backend === null)('@tensile/zoo models on Dawn', () => {
  beforeAll(() => {
    registerBackend(backend as NonNullable<typeof backend>);
    if (!listBackends().includes(CPU)) registerBackend(createCpuBackend({ name: CPU }));
  });
  afterAll(() => {
    unregisterBackend(GPU);
    unregisterBackend(CPU);
    backend?.dispose?.();
  });

  for (const c of CASES) {
    it(`${c.name}: same outputs as on the CPU`, async () => {
      const [model, x] = withBackend(CPU, () => scope(() => c.build()));
      const expected = withBackend(CPU, () => scope(() => c.run(model as never, x)));
      const [gpuModel, gpuX] = await copyTo(GPU, [model, x]);
      const actual = withBackend(GPU, () => scope(() => c.run(gpuModel as never, gpuX as Tensor)));
      const got = Array.from((await actual.data()) as Float32Array);
      const want = Array.from(expected.dataSync() as Float32Array);
      expect(actual.shape).toEqual(expected.shape);
      got.forEach((g, i) => {
        expect(Math.abs(g - (want[i] as number))).toBeLessThanOrEqual(
          1e-3 + 1e-3 * Math.abs(want[i] as number),
        );
      });
      tree.dispose([model, x, expected, gpuModel, gpuX, actual]);
    });
  }
});
