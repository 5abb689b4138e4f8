/**
 * The error @tensile/zoo throws when weights cannot be obtained: a download that failed (offline,
 * HTTP error), a checksum that does not match, or a source that is neither a path, a URL nor
 * bytes. Weights that do not fit the model throw core's `ValueError`/`ShapeError`/`DTypeError`
 * (from @tensile/io) with the source named in the message.
 */
import { TensileError } from '@tensile/core';

/**
 * Weights that could not be fetched or verified.
 *
 * @example
 * try {
 *   model = await loadWeights(model, { url, sha256 });
 * } catch (e) {
 *   if (e instanceof WeightsError) console.error(e.message); // says where to put the file by hand
 * }
 */
export class WeightsError extends TensileError {
  override name = 'WeightsError';
}
