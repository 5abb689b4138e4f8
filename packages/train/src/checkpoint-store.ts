/**
 * Where checkpoints go, as an Effect service, so the loop itself stays browser-safe: Node's
 * `fileCheckpointStore` (in `@tensile/train/node`) writes `<dir>/ckpt-<step>.safetensors` files
 * atomically with `@tensile/io`; `memoryCheckpointStore` keeps the same bytes in a map (tests, a
 * browser tab, or a base for IndexedDB). Every operation fails with `CheckpointFailure`.
 */
import {
  type CheckpointContents,
  type CheckpointTemplates,
  type DecodeCheckpointOptions,
  decodeCheckpoint,
  encodeCheckpoint,
  type LoadedCheckpoint,
} from '@tensile/io';
import { Context, Effect, Layer } from 'effect';
import { CheckpointFailure, type CheckpointOperation, messageOf } from './errors.js';

/** A stored checkpoint: where it is and its step. */
export interface StoredCheckpoint {
  readonly path: string;
  readonly step: number;
}

/** The operations the loop needs from a checkpoint store. */
export interface CheckpointStoreService {
  /** The path of the checkpoint for `step` in `dir`. */
  readonly pathFor: (dir: string, step: number) => string;
  /** Write a checkpoint atomically: `path` holds the old contents or the whole new ones. */
  readonly save: (
    path: string,
    contents: CheckpointContents,
  ) => Effect.Effect<void, CheckpointFailure>;
  /** Load and verify a checkpoint against templates. */
  readonly load: <P, O>(
    path: string,
    templates: CheckpointTemplates<P, O>,
    options?: Omit<DecodeCheckpointOptions, 'source'>,
  ) => Effect.Effect<LoadedCheckpoint<P, O>, CheckpointFailure>;
  /** The checkpoints in `dir`, by ascending step (empty when `dir` does not exist). */
  readonly list: (dir: string) => Effect.Effect<readonly StoredCheckpoint[], CheckpointFailure>;
  /** Delete one checkpoint. */
  readonly remove: (path: string) => Effect.Effect<void, CheckpointFailure>;
}

/**
 * Wrap a Promise-returning operation so a rejection becomes a `CheckpointFailure`.
 *
 * @internal
 */
export function attemptCheckpoint<A>(
  operation: CheckpointOperation,
  path: string,
  f: () => PromiseLike<A>,
): Effect.Effect<A, CheckpointFailure> {
  return Effect.tryPromise({
    try: f,
    catch: (cause) => new CheckpointFailure({ operation, path, message: messageOf(cause), cause }),
  });
}

const CHECKPOINT_NAME = /^ckpt-(\d+)\.safetensors$/;

/**
 * The step of a checkpoint file name `ckpt-<step>.safetensors`, or undefined.
 *
 * @example
 * checkpointStepOf('ckpt-120.safetensors')  // 120
 */
export function checkpointStepOf(name: string): number | undefined {
  const match = CHECKPOINT_NAME.exec(name);
  const step = match ? Number(match[1]) : Number.NaN;
  return Number.isSafeInteger(step) ? step : undefined;
}

/**
 * A store that keeps checkpoint bytes in memory, under the same `dir/ckpt-<step>.safetensors` names
 * as the file store. `files` exposes the bytes (e.g. to put them in IndexedDB or download them).
 *
 * @example
 * const store = memoryCheckpointStore();
 * await fit({ ...options, checkpoint: { dir: 'run', every: { epochs: 1 } }, store });
 * store.files.get('run/ckpt-100.safetensors');  // Uint8Array
 */
export function memoryCheckpointStore(): CheckpointStoreService & {
  readonly files: Map<string, Uint8Array>;
} {
  const files = new Map<string, Uint8Array>();
  const pathFor = (dir: string, step: number) =>
    `${dir.replace(/\/+$/, '')}/ckpt-${step}.safetensors`;
  return {
    files,
    pathFor,
    save: (path, contents) =>
      attemptCheckpoint('save', path, async () => {
        files.set(path, await encodeCheckpoint(contents));
      }),
    load: (path, templates, options) =>
      attemptCheckpoint('load', path, async () => {
        const bytes = files.get(path);
        if (bytes === undefined) throw new Error(`no checkpoint at ${path}`);
        return decodeCheckpoint(bytes, templates, { ...options, source: path });
      }),
    list: (dir) =>
      Effect.sync(() => {
        const prefix = `${dir.replace(/\/+$/, '')}/`;
        const found: StoredCheckpoint[] = [];
        for (const path of files.keys()) {
          if (!path.startsWith(prefix)) continue;
          const step = checkpointStepOf(path.slice(prefix.length));
          if (step !== undefined) found.push({ path, step });
        }
        return found.sort((a, b) => a.step - b.step);
      }),
    remove: (path) => Effect.sync(() => void files.delete(path)),
  };
}

/** The default store: none. Saving or loading fails with a message saying what to provide. */
const unavailableStore: CheckpointStoreService = (() => {
  const fail = (operation: CheckpointOperation, path: string) =>
    Effect.fail(
      new CheckpointFailure({
        operation,
        path,
        message: `no checkpoint store: use fit from '@tensile/train/node' (files), pass store: memoryCheckpointStore(), or provide the CheckpointStore service`,
      }),
    );
  return {
    pathFor: (dir, step) => `${dir}/ckpt-${step}.safetensors`,
    save: (path) => fail('save', path),
    load: (path) => fail('load', path),
    list: (dir) => fail('list', dir),
    remove: (path) => fail('remove', path),
  };
})();

/**
 * The checkpoint store the loop uses (a `Context.Reference`). Its default has no storage and fails
 * with a clear message; `@tensile/train/node` provides `fileCheckpointStore`.
 *
 * @example
 * Effect.provideService(fitEffect(options), CheckpointStore, memoryCheckpointStore())
 */
export const CheckpointStore: Context.Reference<CheckpointStoreService> =
  Context.Reference<CheckpointStoreService>('@tensile/train/CheckpointStore', {
    defaultValue: () => unavailableStore,
  });

/**
 * A layer providing `store` as the `CheckpointStore`.
 *
 * @example
 * Effect.provide(fitEffect(options), checkpointStoreLayer(memoryCheckpointStore()))
 */
export function checkpointStoreLayer(store: CheckpointStoreService): Layer.Layer<never> {
  return Layer.succeed(CheckpointStore, store);
}
