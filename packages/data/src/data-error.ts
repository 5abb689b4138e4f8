/**
 * `DataError`: the one typed error of the Effect edge (DESIGN.md §5). It wraps the plain
 * `TensileError` the same failure raises in the non-Effect API, so both worlds read the same
 * message; `kind` tells the cases apart for `Stream.catchTag('DataError', …)`.
 */
import { Data } from 'effect';
import {
  ChecksumError,
  DataFormatError,
  type DataLoadError,
  DataReadError,
  DatasetUnavailableError,
  DownloadError,
} from './errors.js';

/** What went wrong: bad bytes, unreadable file, checksum mismatch, failed download, or nowhere to load from. */
export type DataErrorKind = 'format' | 'read' | 'checksum' | 'download' | 'unavailable';

/**
 * The typed failure of every @tensile/data Effect and Stream.
 *
 * @example
 * import { Effect, Stream } from 'effect';
 * const safe = readIdxEffect('x.gz').pipe(
 *   Effect.catchTag('DataError', (e) => Effect.succeed(e.kind === 'read' ? undefined : e.message)),
 * );
 */
export class DataError extends Data.TaggedError('DataError')<{
  readonly kind: DataErrorKind;
  readonly message: string;
  /** The file or URL at fault, when there is one. */
  readonly file: string | undefined;
  /** The same failure as the plain API throws it. */
  readonly cause: DataLoadError;
}> {}

const kindOf = (error: DataLoadError): DataErrorKind => {
  if (error instanceof DataFormatError) return 'format';
  if (error instanceof DataReadError) return 'read';
  if (error instanceof ChecksumError) return 'checksum';
  if (error instanceof DownloadError) return 'download';
  return 'unavailable';
};

/** True for the plain errors a `DataError` can carry. */
export function isDataLoadError(error: unknown): error is DataLoadError {
  return (
    error instanceof DataFormatError ||
    error instanceof DataReadError ||
    error instanceof ChecksumError ||
    error instanceof DownloadError ||
    error instanceof DatasetUnavailableError
  );
}

/**
 * Wrap a plain data error as a `DataError`.
 *
 * @example
 * Effect.fail(toDataError(new DataFormatError('readIdx: x: bad magic', 'x')))
 */
export function toDataError(error: DataLoadError): DataError {
  return new DataError({
    kind: kindOf(error),
    message: error.message,
    file: error.file,
    cause: error,
  });
}
