/**
 * Safetensors bytes → a model of the template's structure, all or nothing: io decodes (validating
 * the file) and matches names, shapes and dtypes against the template; on a mismatch the decoded
 * tensors are disposed and the error is rethrown, with the caller and the source named and its
 * class (`ValueError`, `ShapeError`, `DTypeError`) kept.
 */
import { DTypeError, ShapeError, TensileError, type Tensor, tree, ValueError } from '@tensile/core';
import { type DecodeOptions, decodeSafetensors, unflattenFromPaths } from '@tensile/io';

function withSource(error: unknown, who: string, source: string): unknown {
  if (!(error instanceof TensileError)) return error;
  const message = `${who}: ${source} does not fit the model: ${error.message}`;
  if (error instanceof ShapeError) return new ShapeError(message);
  if (error instanceof DTypeError) return new DTypeError(message);
  if (error instanceof ValueError) return new ValueError(message);
  return error;
}

/** Decode `bytes` into a model shaped like `template` (see the header). */
export function fitWeights<T>(
  who: string,
  template: T,
  bytes: Uint8Array,
  options: DecodeOptions,
): T {
  const { tensors } = decodeSafetensors(bytes, options);
  try {
    return unflattenFromPaths(template, tensors);
  } catch (error) {
    tree.dispose(Object.values(tensors) as Tensor[]);
    throw withSource(error, who, options.source ?? 'the weights');
  }
}
