/**
 * The errors @tensile/io throws on purpose. Both extend core's `TensileError`, and their messages
 * name the function, the file (when there is one) and what is wrong, e.g.
 * `loadCheckpoint: runs/ckpt-3.safetensors: tensor 'params.w' needs 24 bytes but data_offsets [0,20] hold 20`.
 */
import { TensileError } from '@tensile/core';

/**
 * A byte buffer or file that is not valid safetensors, or a tensor that cannot be stored in or
 * loaded from it (unsupported dtype, out-of-range value).
 *
 * @example
 * try {
 *   decodeSafetensors(bytes);
 * } catch (e) {
 *   if (e instanceof SafetensorsError) console.error(e.message);
 * }
 */
export class SafetensorsError extends TensileError {
  override name = 'SafetensorsError';
}

/**
 * A checkpoint that cannot be written or loaded: a corrupted or truncated file, a file that is not
 * a Tensile checkpoint, or tensors whose names, shapes or dtypes do not match the templates.
 * Loading never leaves tensors behind when it throws this.
 *
 * @example
 * try {
 *   await loadCheckpoint('ckpt-100.safetensors', { params });
 * } catch (e) {
 *   if (e instanceof CheckpointError) console.error(e.message); // names the file and the problem
 * }
 */
export class CheckpointError extends TensileError {
  override name = 'CheckpointError';
}
