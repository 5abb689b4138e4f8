/**
 * File access for the Node entry: whole-file reads and chunked reads whose file handle is closed by
 * the stream's finalizer (so an interrupted or abandoned stream never leaks a descriptor), gzip via
 * `node:zlib`, and atomic writes (temp file + rename) for the download cache. File-system failures
 * become `DataReadError`s naming the file.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Effect, Option, Stream } from 'effect';
import type { DataError } from '../data-error.js';
import { DataFormatError, DataReadError } from '../errors.js';
import { attempt, attemptPromise } from '../internal/effect.js';
import { isGzip } from '../readers/gzip.js';

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The bytes of `path`.
 *
 * @internal
 */
export function readBytes(path: string, op: string): Effect.Effect<Uint8Array, DataError> {
  return attemptPromise(() =>
    readFile(path).then(
      (buffer) => new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength),
      (error) => {
        throw new DataReadError(`${op}: cannot read ${path}: ${describe(error)}`, path);
      },
    ),
  );
}

/**
 * `bytes` decompressed when they are gzip, as they are otherwise.
 *
 * @internal
 */
export function maybeGunzip(
  bytes: Uint8Array,
  source: string,
  op: string,
): Effect.Effect<Uint8Array, DataError> {
  return attempt(() => {
    if (!isGzip(bytes)) return bytes;
    try {
      const raw = gunzipSync(bytes);
      return new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
    } catch (error) {
      throw new DataFormatError(
        `${op}: ${source}: gzip data is corrupt or truncated (${describe(error)})`,
        source,
      );
    }
  });
}

/**
 * The file's bytes in chunks of up to `chunkSize`, from a handle that the stream's finalizer closes.
 *
 * @internal
 */
export function fileChunks(
  path: string,
  op: string,
  chunkSize = 1 << 16,
): Stream.Stream<Uint8Array, DataError> {
  return Stream.unwrap(
    Effect.gen(function* () {
      const handle = yield* Effect.acquireRelease(
        attemptPromise(() =>
          open(path, 'r').catch((error) => {
            throw new DataReadError(`${op}: cannot open ${path}: ${describe(error)}`, path);
          }),
        ),
        (h) => Effect.promise(() => h.close().catch(() => undefined)),
      );
      return Stream.paginate(undefined, () =>
        attemptPromise(async () => {
          const buffer = new Uint8Array(chunkSize);
          const { bytesRead } = await handle.read(buffer, 0, chunkSize, null).catch((error) => {
            throw new DataReadError(`${op}: cannot read ${path}: ${describe(error)}`, path);
          });
          const chunk = buffer.subarray(0, bytesRead);
          return [
            bytesRead === 0 ? [] : [chunk],
            bytesRead === 0 ? Option.none() : Option.some(undefined),
          ] as const;
        }),
      );
    }),
  );
}

/**
 * Write `bytes` to `path` atomically: a temporary file in the same directory, then a rename, so a
 * crash or an interrupted download never leaves a half-written file under the final name.
 *
 * @internal
 */
export function writeFileAtomic(
  path: string,
  bytes: Uint8Array,
  op: string,
): Effect.Effect<void, DataError> {
  return attemptPromise(async () => {
    const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(temp, bytes);
      await rename(temp, path);
    } catch (error) {
      await rm(temp, { force: true }).catch(() => undefined);
      throw new DataReadError(`${op}: cannot write ${path}: ${describe(error)}`, path);
    }
  });
}
