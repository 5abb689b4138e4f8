/**
 * Checkpoint files on disk (Node): `encodeCheckpoint`/`decodeCheckpoint` plus atomic writes and the
 * `ckpt-<step>.safetensors` naming convention for a directory of checkpoints.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type CheckpointContents,
  type CheckpointTemplates,
  type DecodeCheckpointOptions,
  decodeCheckpointAs,
  encodeCheckpointAs,
  type LoadedCheckpoint,
} from '../checkpoint.js';
import { CheckpointError } from '../errors.js';
import { type AtomicWriteOptions, writeFileAtomic } from './atomic-write.js';

/**
 * Write a checkpoint (params, optimizer state, step, metadata) to ONE safetensors file,
 * atomically: a crash or error at any point leaves the previous file at `path` intact.
 *
 * @example
 * await saveCheckpoint(checkpointPath('runs/a', step), { params, optState, step, metadata: { lr } });
 */
export async function saveCheckpoint(
  path: string,
  contents: CheckpointContents,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const bytes = await encodeCheckpointAs('saveCheckpoint', contents);
  try {
    await writeFileAtomic(path, bytes, options);
  } catch (error) {
    throw new CheckpointError(
      `saveCheckpoint: ${path}: could not write the checkpoint (${(error as Error).message}); any previous file there is unchanged`,
      { cause: error },
    );
  }
}

/**
 * Load and verify a checkpoint file against templates of the parameters (and optimizer state).
 * Any problem — unreadable, truncated or corrupted file, not a checkpoint, names, shapes or dtypes
 * that differ from the templates — throws a `CheckpointError` naming the file, before any tensor
 * is created.
 *
 * @example
 * const { params, optState, step } = await loadCheckpoint('runs/a/ckpt-100.safetensors', {
 *   params: initParams,
 *   optState: optimizer.init(initParams),
 * });
 */
export async function loadCheckpoint<P, O = undefined>(
  path: string,
  templates: CheckpointTemplates<P, O>,
  options: Omit<DecodeCheckpointOptions, 'source'> = {},
): Promise<LoadedCheckpoint<P, O>> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new CheckpointError(
      `loadCheckpoint: ${path}: cannot read the file (${(error as Error).message})`,
      {
        cause: error,
      },
    );
  }
  return decodeCheckpointAs('loadCheckpoint', bytes, templates, { ...options, source: path });
}

const CHECKPOINT_NAME = /^ckpt-(\d+)\.safetensors$/;

/**
 * The conventional path of the checkpoint for `step` in `directory`: `<directory>/ckpt-<step>.safetensors`.
 *
 * @example
 * checkpointPath('runs/a', 100)  // 'runs/a/ckpt-100.safetensors'
 */
export function checkpointPath(directory: string, step: number): string {
  if (!Number.isSafeInteger(step) || step < 0) {
    throw new CheckpointError(
      `checkpointPath: step must be a non-negative integer, got ${String(step)}`,
    );
  }
  return join(directory, `ckpt-${step}.safetensors`);
}

/**
 * The checkpoint with the highest step among `ckpt-<step>.safetensors` files in `directory`, or
 * `undefined` when there is none (or the directory does not exist). Temporary files of
 * interrupted writes are ignored. The file is not opened: `loadCheckpoint` verifies it.
 *
 * @example
 * const latest = await latestCheckpoint('runs/a');
 * if (latest) ({ params, optState } = await loadCheckpoint(latest.path, { params, optState }));
 */
export async function latestCheckpoint(
  directory: string,
): Promise<{ path: string; step: number } | undefined> {
  let names: string[];
  try {
    names = await readdir(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let best: { path: string; step: number } | undefined;
  for (const name of names) {
    const match = CHECKPOINT_NAME.exec(name);
    const step = match ? Number(match[1]) : Number.NaN;
    if (Number.isSafeInteger(step) && (best === undefined || step > best.step)) {
      best = { path: join(directory, name), step };
    }
  }
  return best;
}
