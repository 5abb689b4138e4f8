/**
 * Model weights as safetensors bytes (browser-safe: no file system). Every tensor of the model
 * pytree is stored under its @tensile/io path name; loading rebuilds a model of the template's
 * structure after io has checked the names, shapes and dtypes, so a file that does not fit throws
 * and leaves no tensors behind. Any pytree works: save `{ model, state }` to keep batch-norm
 * running statistics. `@tensile/zoo/node` adds files, URLs and the download cache.
 */
import type { DecodeOptions } from '@tensile/io';
import { encodeSafetensors, flattenWithPaths } from '@tensile/io';
import { fitWeights } from './internal/fit-weights.js';

/** Options of `weightsToBytes` and `saveWeights`. */
export interface EncodeWeightsOptions {
  /** String metadata stored in the file's `__metadata__`. */
  metadata?: Readonly<Record<string, string>>;
}

/**
 * The model's tensors as a safetensors file (PyTorch / Hugging Face tools can read it).
 *
 * @example
 * const bytes = await weightsToBytes(model);
 */
export async function weightsToBytes(
  model: unknown,
  options: EncodeWeightsOptions = {},
): Promise<Uint8Array> {
  return encodeSafetensors(flattenWithPaths(model), options.metadata);
}

/**
 * A model shaped like `template` with its tensors read from safetensors `bytes`. The file must
 * hold exactly the template's tensor names with the same shapes and dtypes; otherwise this throws
 * (naming each offending tensor) and creates nothing. `template` itself is left as it is.
 *
 * @example
 * const trained = weightsFromBytes(lenet5.init(random.key(0)), bytes);
 */
export function weightsFromBytes<T>(
  template: T,
  bytes: Uint8Array,
  options: DecodeOptions = {},
): T {
  return fitWeights('weightsFromBytes', template, bytes, options);
}
