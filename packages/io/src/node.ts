/**
 * `@tensile/io/node` — the Node file helpers: safetensors files and checkpoints on disk, written
 * atomically. The main entry `@tensile/io` stays browser-safe (bytes in, bytes out); this one
 * imports `node:fs`.
 *
 * @example
 * import { saveCheckpoint, loadCheckpoint, latestCheckpoint, checkpointPath } from '@tensile/io/node';
 * await saveCheckpoint(checkpointPath('runs/a', step), { params, optState, step });
 * const latest = await latestCheckpoint('runs/a');
 *
 * @packageDocumentation
 */
export {
  type AtomicFileHandle,
  type AtomicFileSystem,
  type AtomicWriteOptions,
  writeFileAtomic,
} from './node/atomic-write.js';
export {
  checkpointPath,
  latestCheckpoint,
  loadCheckpoint,
  saveCheckpoint,
} from './node/checkpoint-files.js';
export { loadSafetensors, saveSafetensors } from './node/safetensors-files.js';
