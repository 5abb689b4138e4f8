/**
 * @tensile/io — safetensors read/write byte-compatible with the reference implementation, pytree ↔
 * named-tensor mapping, and verified checkpoints. This entry works in browsers and Node (bytes in,
 * bytes out); file helpers live in `@tensile/io/node`.
 *
 * @example
 * import { decodeSafetensors, encodeSafetensors, flattenWithPaths, unflattenFromPaths } from '@tensile/io';
 * const bytes = await encodeSafetensors(flattenWithPaths(params));
 * const restored = unflattenFromPaths(params, decodeSafetensors(bytes).tensors);
 *
 * @packageDocumentation
 */
export {
  CHECKPOINT_FORMAT_VERSION,
  type CheckpointContents,
  type CheckpointTemplates,
  type DecodeCheckpointOptions,
  decodeCheckpoint,
  encodeCheckpoint,
  type LoadedCheckpoint,
} from './checkpoint.js';
export { type DecodedSafetensors, type DecodeOptions, decodeSafetensors } from './decode.js';
export { isSafetensorsDType, SAFETENSORS_DTYPES, type SafetensorsDType } from './dtypes.js';
export { type EncodeOptions, encodeSafetensors } from './encode.js';
export { CheckpointError, SafetensorsError } from './errors.js';
export {
  MAX_HEADER_LENGTH,
  readSafetensorsHeader,
  type SafetensorsHeader,
  type SafetensorsTensorInfo,
} from './header.js';
export type { Float16Mode } from './internal/conversions.js';
export type { LoadOptions } from './internal/load-plan.js';
export { flattenWithPaths, type PathOptions, unflattenFromPaths } from './pytree-paths.js';
