/**
 * File readers: IDX (gzipped or not), CSV (whole file or streamed row by row) and plain text lines.
 * Each comes as an Effect/Stream (failing with `DataError`) and as a plain Promise/AsyncIterable
 * (throwing `DataFormatError`/`DataReadError`).
 */
import { Effect, Stream } from 'effect';
import type { DataError } from '../data-error.js';
import { DataFormatError } from '../errors.js';
import type { HostTensor } from '../host-tensor.js';
import { attempt, runPlain } from '../internal/effect.js';
import { toAsyncIterable } from '../pipeline/async-iterable.js';
import { CsvParser, type CsvTable, parseCsv, tableFromRecords } from '../readers/csv.js';
import { parseIdx } from '../readers/idx.js';
import { fileChunks, maybeGunzip, readBytes } from './files.js';

const utf8 = new TextDecoder('utf-8');

/**
 * `readIdx` as an Effect.
 *
 * @example
 * const labels = yield* readIdxEffect('/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz');
 */
export function readIdxEffect(path: string): Effect.Effect<HostTensor, DataError> {
  return readBytes(path, 'readIdx').pipe(
    Effect.flatMap((bytes) => maybeGunzip(bytes, path, 'readIdx')),
    Effect.flatMap((raw) => attempt(() => parseIdx(raw, { source: path, op: 'readIdx' }))),
  );
}

/**
 * Read an IDX file (gzipped or not) into a host tensor, checking its magic number and that its dims
 * match its size.
 *
 * @example
 * const images = await readIdx('train-images-idx3-ubyte.gz');  // uint8[60000,28,28]
 */
export function readIdx(path: string): Promise<HostTensor> {
  return runPlain(readIdxEffect(path));
}

/** Options of the CSV file readers. */
export interface ReadCsvOptions {
  /** Field separator (default `,`). */
  readonly delimiter?: string;
}

/**
 * `readCsv` as an Effect.
 *
 * @example
 * const table = yield* readCsvEffect('sunspots.csv');
 */
export function readCsvEffect(
  path: string,
  options: ReadCsvOptions = {},
): Effect.Effect<CsvTable, DataError> {
  return readBytes(path, 'readCsv').pipe(
    Effect.flatMap((bytes) => maybeGunzip(bytes, path, 'readCsv')),
    Effect.flatMap((raw) =>
      attempt(() => parseCsv(utf8.decode(raw), { ...options, source: path, op: 'readCsv' })),
    ),
  );
}

/**
 * Read a whole CSV file (gzipped or not) with a header row; see `numericColumns` for numbers.
 *
 * @example
 * const table = await readCsv('data.csv');
 * const { price } = numericColumns(table, ['price']);
 */
export function readCsv(path: string, options: ReadCsvOptions = {}): Promise<CsvTable> {
  return runPlain(readCsvEffect(path, options));
}

/**
 * The rows of a CSV file as records keyed by the header, streamed: the file is read in chunks and
 * closed when the stream ends or is interrupted.
 *
 * @example
 * const rows = csvRowsStream('big.csv').pipe(Stream.take(10), Stream.runCollect);
 */
export function csvRowsStream(
  path: string,
  options: ReadCsvOptions = {},
): Stream.Stream<Readonly<Record<string, string>>, DataError> {
  return Stream.suspend(() => {
    const where = { ...options, source: path, op: 'csvRowsStream' };
    const parser = new CsvParser(where);
    let header: readonly string[] | undefined;
    const toRows = (records: ReturnType<CsvParser['push']>) =>
      attempt(() => {
        const rows: Array<Readonly<Record<string, string>>> = [];
        for (const record of records) {
          if (header === undefined) {
            header = tableFromRecords([record], where).header;
            continue;
          }
          if (record.fields.length !== header.length) {
            throw new DataFormatError(
              `csvRowsStream: ${path}: line ${record.line}: ${record.fields.length} fields, but the header has ${header.length}`,
              path,
            );
          }
          rows.push(
            Object.fromEntries(header.map((name, i) => [name, record.fields[i] as string])),
          );
        }
        return rows;
      });
    return fileChunks(path, 'csvRowsStream').pipe(
      Stream.decodeText(),
      Stream.mapEffect((chunk) =>
        Effect.flatMap(
          attempt(() => parser.push(chunk)),
          toRows,
        ),
      ),
      Stream.concat(
        Stream.fromEffect(
          Effect.flatMap(
            attempt(() => parser.end()),
            toRows,
          ),
        ),
      ),
      Stream.flattenIterable,
    );
  });
}

/**
 * The lines of a UTF-8 text file (without their LF / CRLF), streamed; the file is closed when the
 * stream ends or is interrupted.
 *
 * @example
 * const count = yield* Stream.runCount(linesStream('corpus.txt'));
 */
export function linesStream(path: string): Stream.Stream<string, DataError> {
  return fileChunks(path, 'readLines').pipe(Stream.decodeText(), Stream.splitLines);
}

/**
 * The lines of a UTF-8 text file as a plain async iterable; leaving the loop early closes the file.
 *
 * @example
 * for await (const line of readLines('corpus.txt')) console.log(line);
 */
export function readLines(path: string): AsyncIterable<string> {
  return toAsyncIterable(linesStream(path));
}
