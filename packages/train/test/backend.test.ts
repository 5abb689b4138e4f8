/**
 * Backend selection through Effect layers: `cpuBackendLayer` reuses a registered CPU backend or
 * registers (and later removes) its own and makes it the default for the layer's lifetime; a
 * backend acquired by any effect plugs in through `backendLayer` (how Dawn's `dawnLayer` is used);
 * `evaluate` and the train step run on the chosen backend.
 */
import { getBackend, listBackends, memory, np, random, type Tensor, tree } from '@tensile/core';
import { batches } from '@tensile/data';
import { Context, Effect, Layer } from 'effect';
import { describe, expect, it } from 'vitest';
import {
  Backend,
  backendLayer,
  cpuBackendLayer,
  epochBatches,
  evaluateEffect,
  fitEffect,
  type Metrics,
  makeEvalStep,
  makeTrainStep,
  reporterLayer,
  silentReporter,
} from '../src/index.js';
import {
  type Columns,
  initParams,
  logisticLoss,
  optimizer,
  type Params,
  syntheticDataset,
} from './support/logistic.js';

describe('Backend layers', () => {
  it('cpuBackendLayer reuses the registered CPU backend and leaves it registered', async () => {
    const name = await Effect.runPromise(
      Effect.provide(
        Effect.map(Effect.service(Backend), (b) => [b.name, b === getBackend('cpu')] as const),
        cpuBackendLayer(),
      ),
    );
    expect(name).toEqual(['cpu', true]);
    expect(listBackends()).toContain('cpu');
    expect(getBackend().name).toBe('cpu');
  });

  it('a new CPU backend is the default while the layer lives, and removed afterwards', async () => {
    const inside = await Effect.runPromise(
      Effect.provide(
        Effect.sync(() => {
          const x = np.ones([3]);
          const live = memory()['cpu-train-test']?.tensors;
          x.dispose();
          return { default: getBackend().name, live, registered: listBackends() };
        }),
        cpuBackendLayer({ name: 'cpu-train-test' }),
      ),
    );
    expect(inside).toEqual({
      default: 'cpu-train-test',
      live: 1,
      registered: expect.arrayContaining(['cpu', 'cpu-train-test']),
    });
    expect(listBackends()).not.toContain('cpu-train-test');
    expect(getBackend().name).toBe('cpu');
  });

  it('trains on the backend a layer provides (a device layer plugged in with backendLayer)', async () => {
    // A stand-in for `dawnLayer()`: a service whose layer acquires a device-backed backend.
    class FakeDevice extends Context.Service<FakeDevice, ReturnType<typeof getBackend>>()(
      'test/FakeDevice',
    ) {}
    const released: string[] = [];
    const deviceLayer = Layer.effect(
      FakeDevice,
      Effect.acquireRelease(
        Effect.sync(() => getBackend('cpu')),
        () => Effect.sync(() => void released.push('device')),
      ),
    );
    const layer = backendLayer(Effect.service(FakeDevice)).pipe(Layer.provide(deviceLayer));

    const train = syntheticDataset(64, 9);
    const opt = optimizer();
    const params = initParams();
    const step = makeTrainStep(logisticLoss(), opt, { hasAux: true });
    const evalStep = makeEvalStep((p: Params, batch: Columns) => {
      const [loss, aux] = logisticLoss()(p, batch, undefined) as readonly [Tensor, Metrics];
      return { loss, ...aux };
    });
    const key = random.key(1);
    try {
      const { result, metrics } = await Effect.runPromise(
        Effect.gen(function* () {
          const result = yield* fitEffect({
            params,
            optState: opt.init(params),
            trainStep: step,
            trainData: epochBatches(train, { batchSize: 16, key }),
            epochs: 2,
          });
          const metrics = yield* evaluateEffect({
            params: result.params,
            evalStep,
            data: () => batches(train, { batchSize: 32 }),
          });
          return { result, metrics };
        }).pipe(Effect.provide(Layer.mergeAll(layer, reporterLayer(silentReporter)))),
      );
      expect(released).toEqual(['device']);
      expect(result.step).toBe(8);
      expect(metrics.loss).toBeLessThan(result.history.epochs[0]?.train.loss as number);
      expect(Object.keys(metrics).sort()).toEqual(['accuracy', 'loss']);
      tree.dispose([result.params, result.optState]);
    } finally {
      step.dispose();
      evalStep.dispose();
      key.dispose();
    }
  });
});
