/**
 * Checkpoints as files: `<dir>/ckpt-<step>.safetensors`, written atomically by `@tensile/io`'s
 * `saveCheckpoint` (temporary file, fsync, rename, directory fsync), so a crash or Ctrl-C mid-write
 * never damages the previous checkpoint. The directory is created on first save.
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type AtomicWriteOptions, loadCheckpoint, saveCheckpoint } from '@tensile/io/node';
import { Layer } from 'effect';
import {
  attemptCheckpoint,
  CheckpointStore,
  type CheckpointStoreService,
  checkpointStepOf,
  type StoredCheckpoint,
} from '../checkpoint-store.js';

/**
 * A checkpoint store over the file system.
 *
 * @example
 * await fit({ ...options, checkpoint: { dir: 'runs/mnist' }, store: fileCheckpointStore() });
 */
export function fileCheckpointStore(options: AtomicWriteOptions = {}): CheckpointStoreService {
  return {
    pathFor: (dir, step) => join(dir, `ckpt-${step}.safetensors`),
    save: (path, contents) =>
      attemptCheckpoint('save', path, async () => {
        await mkdir(dirname(path), { recursive: true });
        await saveCheckpoint(path, contents, options);
      }),
    load: (path, templates, loadOptions) =>
      attemptCheckpoint('load', path, () => loadCheckpoint(path, templates, loadOptions)),
    list: (dir) =>
      attemptCheckpoint('list', dir, async () => {
        let names: string[];
        try {
          names = await readdir(dir);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
          throw error;
        }
        const found: StoredCheckpoint[] = [];
        for (const name of names) {
          const step = checkpointStepOf(name);
          if (step !== undefined) found.push({ path: join(dir, name), step });
        }
        return found.sort((a, b) => a.step - b.step);
      }),
    remove: (path) => attemptCheckpoint('remove', path, () => rm(path, { force: true })),
  };
}

/**
 * A layer providing `fileCheckpointStore(options)` as the `CheckpointStore`.
 *
 * @example
 * Effect.provide(fitEffect(options), Layer.mergeAll(cpuBackendLayer(), fileCheckpointStoreLayer()))
 */
export function fileCheckpointStoreLayer(options: AtomicWriteOptions = {}): Layer.Layer<never> {
  return Layer.succeed(CheckpointStore, fileCheckpointStore(options));
}
