/**
 * Safetensors bytes → tensors (browser-safe: no file system). The whole header is validated and
 * every tensor converted on the host before the first tensor is created, so a bad file throws a
 * `SafetensorsError` naming the problem and leaves no tensors behind.
 */
import type { Tensor } from '@tensile/core';
import { messagePrefix, parseHeader } from './header.js';
import { assertLittleEndianHost } from './internal/conversions.js';
import { type LoadOptions, materialize, planLoad } from './internal/load-plan.js';

/** Options of `decodeSafetensors`. */
export interface DecodeOptions extends LoadOptions {
  /** Name of the file the bytes came from, used in error messages. */
  readonly source?: string;
}

/** What a safetensors file holds. */
export interface DecodedSafetensors {
  /** The tensors, in the order their bytes are laid out in the file. */
  readonly tensors: Record<string, Tensor>;
  /** The `__metadata__` string map, or `undefined` when the file has none. */
  readonly metadata: Record<string, string> | undefined;
}

/**
 * Read every tensor of a safetensors file. Dtypes load as: F32/BF16/F64 → float32, F16 → float16
 * or float32 (see `float16`), I32/I64/I16/U16/I8/U8 → int32 (I64 only when the values fit),
 * U32 → uint32, BOOL → bool; other dtypes are refused.
 *
 * @example
 * const { tensors, metadata } = decodeSafetensors(new Uint8Array(await (await fetch(url)).arrayBuffer()));
 * tensors['fc.weight'].shape  // [10, 784]
 */
export function decodeSafetensors(
  bytes: Uint8Array,
  options: DecodeOptions = {},
): DecodedSafetensors {
  const who = 'decodeSafetensors';
  assertLittleEndianHost(who);
  const header = parseHeader(bytes, who, options.source);
  const at = messagePrefix(who, options.source);
  const plan = planLoad(header, Object.keys(header.tensors), options, at);
  const tensors = materialize(bytes, header, plan, options, at);
  return {
    tensors: Object.fromEntries(tensors),
    metadata: header.metadata === undefined ? undefined : { ...header.metadata },
  };
}
