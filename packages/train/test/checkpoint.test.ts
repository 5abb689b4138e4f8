/**
 * Checkpoints: written on their schedule through the atomic temp-file-and-rename path, rotated to
 * `keep`, a failed write leaves the previous file intact; an interruption mid-epoch writes the
 * current state, and resuming from it continues with exactly (bitwise) the losses and params of an
 * uninterrupted run — same data order, same step count, same PRNG stream.
 */

import * as fs from 'node:fs/promises';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { random, tree } from '@tensile/core';
import { batches } from '@tensile/data';
import { type AtomicFileSystem, loadCheckpoint, saveCheckpoint } from '@tensile/io/node';
import { Effect, Fiber, Layer } from 'effect';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CheckpointFailure,
  CheckpointStore,
  checkpointStoreLayer,
  cpuBackendLayer,
  epochBatches,
  FitInterrupted,
  fitEffect,
  makeTrainStep,
  memoryCheckpointStore,
  reporterLayer,
  silentReporter,
} from '../src/index.js';
import { fileCheckpointStore, fit } from '../src/node.js';
import {
  initParams,
  logisticLoss,
  optimizer,
  type Params,
  snapshot,
  syntheticDataset,
} from './support/logistic.js';

const train = syntheticDataset(256, 3);
const test = syntheticDataset(64, 4);
const dataKey = random.key(7);
const fitKey = random.key(11);

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tensile-train-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Options shared by the runs: shuffled data, noisy inputs from the step keys, validation. */
function runOptions() {
  const opt = optimizer();
  const params = initParams();
  const step = makeTrainStep(logisticLoss(0.3), opt, { hasAux: true });
  return {
    step,
    options: {
      params,
      optState: opt.init(params),
      trainStep: step,
      trainData: epochBatches(train, { batchSize: 32, key: dataKey }),
      evalData: () => batches(test, { batchSize: 32, prefetch: 0 }),
      key: fitKey,
      reporter: silentReporter,
      signals: [] as NodeJS.Signals[],
    },
  };
}

describe('checkpoints', () => {
  it('are written on their schedule, atomically (temp file + rename), and rotated to keep', async () => {
    const operations: string[] = [];
    const spy: AtomicFileSystem = {
      open: async (path, flags, mode) => {
        operations.push(`open ${path.slice(dir.length + 1)} ${flags}`);
        return fs.open(path, flags, mode);
      },
      rename: async (from, to) => {
        operations.push(`rename ${from.slice(dir.length + 1)} -> ${to.slice(dir.length + 1)}`);
        return fs.rename(from, to);
      },
      rm: (path, options) => fs.rm(path, options),
    };
    const { step, options } = runOptions();
    try {
      const result = await fit({
        ...options,
        epochs: 2,
        checkpoint: { dir, every: { steps: 5 }, keep: 2, metadata: { run: 'a' } },
        store: fileCheckpointStore({ fileSystem: spy }),
      });
      // Steps 5, 10, 15 on the schedule, 16 at the end; only the newest two are kept.
      const renames = operations.filter((o) => o.startsWith('rename'));
      expect(renames.map((o) => o.replace(/\.tmp-\d+-[0-9a-f]+/, '.tmp'))).toEqual([
        'rename ckpt-5.safetensors.tmp -> ckpt-5.safetensors',
        'rename ckpt-10.safetensors.tmp -> ckpt-10.safetensors',
        'rename ckpt-15.safetensors.tmp -> ckpt-15.safetensors',
        'rename ckpt-16.safetensors.tmp -> ckpt-16.safetensors',
      ]);
      // Every write went to an exclusively created temp file first.
      expect(
        operations.filter((o) => o.includes('.tmp-')).every((o) => / wx$|rename/.test(o)),
      ).toBe(true);
      expect((await readdir(dir)).sort()).toEqual(['ckpt-15.safetensors', 'ckpt-16.safetensors']);
      expect(result.lastCheckpoint).toBe(join(dir, 'ckpt-16.safetensors'));

      // A checkpoint is a plain @tensile/io checkpoint with the loop's position in its metadata.
      const loaded = await loadCheckpoint(join(dir, 'ckpt-15.safetensors'), {
        params: result.params,
        optState: result.optState,
      });
      expect(loaded.step).toBe(15);
      expect(loaded.metadata).toMatchObject({
        user: { run: 'a' },
        fit: { epoch: 1, index: 7, step: 15, pendingEvaluation: false },
      });
      const final = await loadCheckpoint(join(dir, 'ckpt-16.safetensors'), {
        params: result.params,
        optState: result.optState,
      });
      expect(await snapshot(final.params)).toEqual(await snapshot(result.params));
      tree.dispose([loaded.params, loaded.optState, final.params, final.optState]);
      tree.dispose([result.params, result.optState]);
    } finally {
      step.dispose();
    }
  });

  it('a failed write fails the run with CheckpointFailure and leaves the previous file intact', async () => {
    let renames = 0;
    const failing: AtomicFileSystem = {
      open: (path, flags, mode) => fs.open(path, flags, mode),
      rename: async (from, to) => {
        if (++renames === 2) throw new Error('EIO: simulated');
        return fs.rename(from, to);
      },
      rm: (path, options) => fs.rm(path, options),
    };
    const { step, options } = runOptions();
    try {
      const run = fit({
        ...options,
        epochs: 3,
        checkpoint: { dir, every: { epochs: 1 } },
        store: fileCheckpointStore({ fileSystem: failing }),
      });
      await expect(run).rejects.toBeInstanceOf(CheckpointFailure);
      await expect(run).rejects.toMatchObject({ operation: 'save' });
      await expect(run).rejects.toThrow(/EIO: simulated/);
      // The first checkpoint is whole; the failed one left no temporary file behind.
      expect(await readdir(dir)).toEqual(['ckpt-8.safetensors']);
      const bytes = await readFile(join(dir, 'ckpt-8.safetensors'));
      const params = initParams();
      const loaded = await loadCheckpoint(join(dir, 'ckpt-8.safetensors'), { params });
      expect(loaded.step).toBe(8);
      expect(bytes.length).toBeGreaterThan(0);
      tree.dispose([params, loaded.params]);
    } finally {
      step.dispose();
    }
  });

  it('an interruption mid-epoch saves the state; resuming continues bitwise like an uninterrupted run', async () => {
    // Reference: three epochs without interruption, recording every step's loss.
    const reference = runOptions();
    const referenceLosses: number[] = [];
    let expected: { params: number[][]; optState: number[][]; history: unknown };
    try {
      const result = await fit({
        ...reference.options,
        epochs: 3,
        callbacks: {
          onStepEnd: ({ metrics }) => void referenceLosses.push(metrics.loss as number),
        },
      });
      expected = {
        params: await snapshot(result.params),
        optState: await snapshot(result.optState),
        history: result.history.epochs.map(({ seconds: _, ...rest }) => rest),
      };
      tree.dispose([result.params, result.optState]);
    } finally {
      reference.step.dispose();
    }

    // Interrupted: abort during epoch 1 (8 steps per epoch), after step 13.
    const interrupted = runOptions();
    const controller = new AbortController();
    const run = fit({
      ...interrupted.options,
      epochs: 3,
      signal: controller.signal,
      checkpoint: { dir, every: { epochs: 1 } },
      callbacks: {
        onStepEnd: ({ step: s }) => {
          if (s === 13) controller.abort();
        },
      },
    });
    const error = await run.catch((e: unknown) => e);
    interrupted.step.dispose();
    expect(error).toBeInstanceOf(FitInterrupted);
    const { step: stoppedAt, checkpoint } = error as FitInterrupted;
    expect(stoppedAt).toBeGreaterThanOrEqual(13);
    expect(stoppedAt).toBeLessThan(16);
    expect(checkpoint).toBe(join(dir, `ckpt-${stoppedAt}.safetensors`));
    expect((await readdir(dir)).sort()).toEqual(
      ['ckpt-8.safetensors', `ckpt-${stoppedAt}.safetensors`].sort(),
    );

    // Resumed from the latest checkpoint with fresh (template) params.
    const resumed = runOptions();
    const resumedLosses: number[] = [];
    try {
      const result = await fit({
        ...resumed.options,
        epochs: 3,
        checkpoint: { dir, every: { epochs: 1 } },
        resumeFrom: 'latest',
        callbacks: { onStepEnd: ({ metrics }) => void resumedLosses.push(metrics.loss as number) },
      });
      expect(result.step).toBe(24);
      expect(resumedLosses).toHaveLength(24 - stoppedAt);
      // Bitwise: the same float32 values, in the same order, from the same step on.
      expect(resumedLosses).toEqual(referenceLosses.slice(stoppedAt));
      expect(await snapshot(result.params)).toEqual(expected.params);
      expect(await snapshot(result.optState)).toEqual(expected.optState);
      expect(result.history.epochs.map(({ seconds: _, ...rest }) => rest)).toEqual(
        expected.history,
      );
      tree.dispose([result.params, result.optState]);
    } finally {
      resumed.step.dispose();
    }
  });

  it('an interruption during a step-cadence evaluation resumes by running that evaluation', async () => {
    const withoutTimes = (evaluations: readonly { seconds: number }[]) =>
      evaluations.map(({ seconds: _, ...rest }) => rest);
    const reference = runOptions();
    let expected: unknown;
    try {
      const result = await fit({ ...reference.options, epochs: 2, evaluateEvery: { steps: 5 } });
      expected = withoutTimes(result.history.evaluations);
      expect(result.history.evaluations.map((e) => e.step)).toEqual([5, 10, 15]);
      tree.dispose([result.params, result.optState]);
    } finally {
      reference.step.dispose();
    }

    const interrupted = runOptions();
    const controller = new AbortController();
    let evaluations = 0;
    const run = fit({
      ...interrupted.options,
      epochs: 2,
      evaluateEvery: { steps: 5 },
      signal: controller.signal,
      checkpoint: { dir, every: { epochs: 100 } },
      evalData: () => {
        if (++evaluations === 2) controller.abort(); // during the evaluation at step 10
        return batches(test, { batchSize: 32, prefetch: 0 });
      },
    });
    await expect(run).rejects.toMatchObject({ _tag: 'FitInterrupted', step: 10 });
    interrupted.step.dispose();
    const params = initParams();
    const saved = await loadCheckpoint(join(dir, 'ckpt-10.safetensors'), { params });
    expect(saved.metadata).toMatchObject({ fit: { step: 10, pendingEvaluation: true } });
    tree.dispose([params, saved.params]);

    const resumed = runOptions();
    try {
      const result = await fit({
        ...resumed.options,
        epochs: 2,
        evaluateEvery: { steps: 5 },
        checkpoint: { dir, every: { epochs: 100 } },
        resumeFrom: 'latest',
      });
      expect(withoutTimes(result.history.evaluations)).toEqual(expected);
      tree.dispose([result.params, result.optState]);
    } finally {
      resumed.step.dispose();
    }
  });

  it('interrupting the fiber runs the finalizer: the Effect API with a memory store', async () => {
    const store = memoryCheckpointStore();
    const { step, options } = runOptions();
    let resolveStarted = () => {};
    const started = new Promise<void>((resolve) => {
      resolveStarted = resolve;
    });
    try {
      const program = fitEffect({
        ...options,
        epochs: 5,
        checkpoint: { dir: 'mem-run', every: { epochs: 10 } },
        callbacks: { onStepEnd: ({ step: s }) => (s === 3 ? resolveStarted() : undefined) },
      }).pipe(
        Effect.provide(
          Layer.mergeAll(
            cpuBackendLayer(),
            reporterLayer(silentReporter),
            checkpointStoreLayer(store),
          ),
        ),
      );
      const fiber = Effect.runFork(program);
      await started;
      await Effect.runPromise(Fiber.interrupt(fiber));
      const saved = [...store.files.keys()];
      expect(saved).toHaveLength(1);
      expect(saved[0]).toMatch(/^mem-run\/ckpt-\d+\.safetensors$/);

      // Resume in the Effect API too, from the stored bytes.
      const again = runOptions();
      const result = await Effect.runPromise(
        fitEffect({
          ...again.options,
          epochs: 1,
          checkpoint: { dir: 'mem-run' },
          resumeFrom: 'latest',
        }).pipe(
          Effect.provideService(CheckpointStore, store),
          Effect.provide(Layer.mergeAll(cpuBackendLayer(), reporterLayer(silentReporter))),
        ),
      );
      expect(result.step).toBe(8);
      expect(result.history.epochs).toHaveLength(1);
      tree.dispose([result.params, result.optState]);
      again.step.dispose();
    } finally {
      step.dispose();
    }
  });

  it('resuming needs a checkpoint written by fit, and says so', async () => {
    const { step, options } = runOptions();
    try {
      // A plain @tensile/io checkpoint, without the loop's position.
      const path = join(dir, 'ckpt-3.safetensors');
      await saveCheckpoint(path, { params: options.params, optState: options.optState, step: 3 });
      const run = fit({ ...options, epochs: 1, resumeFrom: path, store: fileCheckpointStore() });
      await expect(run).rejects.toBeInstanceOf(CheckpointFailure);
      await expect(run).rejects.toThrow(/ckpt-3.safetensors: .*not written by fit/);
    } finally {
      step.dispose();
    }
  });
});

export type { Params };
