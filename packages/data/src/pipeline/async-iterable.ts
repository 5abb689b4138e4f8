/**
 * The non-Effect edge of a pipeline: any of this package's streams as a plain `AsyncIterable` for
 * `for await`. Failures are thrown as the plain errors (`DataFormatError`, `DownloadError`, …), and
 * leaving the loop early (`break`, `return`, a throw) stops the stream and runs its finalizers:
 * files are closed and batches that were made but not yet handed out are disposed.
 */
import { Stream } from 'effect';
import { DataError } from '../data-error.js';

/**
 * A stream as a plain async iterable.
 *
 * @example
 * for await (const batch of toAsyncIterable(batches(ds, { batchSize: 32 }))) {
 *   using _ = batch;
 *   train(batch.data);
 * }
 */
export function toAsyncIterable<A, E extends DataError = never>(
  stream: Stream.Stream<A, E>,
): AsyncIterable<A> {
  return Stream.toAsyncIterable(
    stream.pipe(Stream.mapError((error) => (error instanceof DataError ? error.cause : error))),
  );
}
