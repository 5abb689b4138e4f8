/**
 * The errors @tensile/data throws on purpose (the plain, non-Effect API). Each extends core's
 * `TensileError`; messages name the function, the file or URL, and what is wrong, e.g.
 * `readIdx: fixtures/train-images-idx3-ubyte.gz: dims [2000,28,28] need 1568000 data bytes but the file holds 1567000 (truncated)`.
 * At the Effect edge the same errors travel inside a `DataError` (see `data-error.ts`).
 */
import { TensileError } from '@tensile/core';

/**
 * Bytes that are not what the reader expects: a wrong magic number, dims that do not match the file
 * size, a truncated or corrupt gzip stream, a malformed CSV row, a non-numeric value in a numeric
 * column.
 *
 * @example
 * try {
 *   await readIdx('labels.idx1-ubyte');
 * } catch (e) {
 *   if (e instanceof DataFormatError) console.error(e.file, e.message);
 * }
 */
export class DataFormatError extends TensileError {
  override name = 'DataFormatError';
  /** The file (or URL, or a label the caller passed) whose bytes are wrong. */
  readonly file: string | undefined;
  constructor(message: string, file?: string) {
    super(message);
    this.file = file;
  }
}

/**
 * A file that cannot be read at all (missing, a directory, no permission).
 *
 * @example
 * await readCsv('missing.csv'); // DataReadError: readCsv: cannot read missing.csv: ENOENT …
 */
export class DataReadError extends TensileError {
  override name = 'DataReadError';
  /** The file that could not be read. */
  readonly file: string | undefined;
  constructor(message: string, file?: string) {
    super(message);
    this.file = file;
  }
}

/**
 * A file whose checksum differs from the expected one (a corrupt cache entry or download).
 *
 * @example
 * // ChecksumError: fashionMnist: train-labels-idx1-ubyte.gz from http://…: sha256 of the contents is 1f…, expected 0a…
 */
export class ChecksumError extends TensileError {
  override name = 'ChecksumError';
  /** The file or URL whose checksum is wrong. */
  readonly file: string | undefined;
  constructor(message: string, file?: string) {
    super(message);
    this.file = file;
  }
}

/**
 * A download that failed: no network, a refused connection, an HTTP error status, a timeout.
 *
 * @example
 * // DownloadError: fashionMnist: GET http://…/t10k-labels-idx1-ubyte.gz failed: connect ECONNREFUSED 127.0.0.1:9
 */
export class DownloadError extends TensileError {
  override name = 'DownloadError';
  /** The URL that failed. */
  readonly file: string | undefined;
  constructor(message: string, url?: string) {
    super(message);
    this.file = url;
  }
}

/**
 * A dataset found nowhere: not in the cache, not installed by the system package, not
 * downloadable, and no fallback allowed. The message lists every place that was tried and why it
 * failed.
 *
 * @example
 * await fashionMnist({ download: false, fallbackToSlice: false }); // DatasetUnavailableError: …
 */
export class DatasetUnavailableError extends TensileError {
  override name = 'DatasetUnavailableError';
  /** No single file is to blame. */
  readonly file: string | undefined = undefined;
}

/** Any of the errors above. */
export type DataLoadError =
  | DataFormatError
  | DataReadError
  | ChecksumError
  | DownloadError
  | DatasetUnavailableError;
