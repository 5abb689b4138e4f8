/**
 * Text lines from files, and the file handle's lifecycle: whether the stream ends, is interrupted
 * mid-file, or the consumer leaves a `for await` early, the handle is closed. `node:fs/promises`'s
 * `open` is wrapped here to observe every handle the readers open.
 */
import type { FileHandle } from 'node:fs/promises';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Effect, Fiber, Stream } from 'effect';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DataReadError } from '../src/index.js';
import { linesStream, readLines } from '../src/node.js';
import { tempDir } from './support/fixtures.js';

const opened: FileHandle[] = [];
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...real,
    open: async (...args: Parameters<typeof real.open>) => {
      const handle = await real.open(...args);
      opened.push(handle);
      return handle;
    },
  };
});

/** A closed FileHandle reports fd -1. */
const allClosed = () => opened.every((h) => h.fd === -1);

let dir = '';
let cleanup: () => Promise<void>;
let big = '';
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  await writeFile(
    join(dir, 'small.txt'),
    'first line\r\nsecond, with ünïcode\n\nlast without newline',
  );
  // ~2 MB: many chunks, so a consumer can stop in the middle.
  big = join(dir, 'big.txt');
  await writeFile(
    big,
    Array.from({ length: 100_000 }, (_, i) => `line ${i} ${'x'.repeat(10)}`).join('\n'),
  );
});
afterAll(() => cleanup());
beforeEach(() => {
  opened.length = 0;
});

describe('readLines / linesStream', () => {
  it('splits LF and CRLF lines, keeps empty lines, decodes UTF-8, and closes the file at the end', async () => {
    const lines: string[] = [];
    for await (const line of readLines(join(dir, 'small.txt'))) lines.push(line);
    expect(lines).toEqual(['first line', 'second, with ünïcode', '', 'last without newline']);
    expect(opened.length).toBe(1);
    expect(allClosed()).toBe(true);
    expect(await Effect.runPromise(Stream.runCount(linesStream(big)))).toBe(100_000);
    expect(allClosed()).toBe(true);
  });

  it('closes the file when the consumer breaks out early', async () => {
    let n = 0;
    for await (const line of readLines(big)) {
      expect(line).toBe(`line ${n} xxxxxxxxxx`);
      if (++n === 10) break;
    }
    expect(opened.length).toBe(1);
    expect(allClosed()).toBe(true);
  });

  it('closes the file when the reading fiber is interrupted mid-file', async () => {
    let seen = 0;
    const fiber = Effect.runFork(
      Stream.runForEach(linesStream(big), () =>
        Effect.sync(() => {
          seen++;
        }).pipe(Effect.andThen(seen % 1000 === 0 ? Effect.sleep('1 millis') : Effect.void)),
      ),
    );
    while (seen < 2000) await new Promise((r) => setTimeout(r, 1));
    expect(opened.length).toBe(1);
    expect(allClosed()).toBe(false);
    await Effect.runPromise(Fiber.interrupt(fiber));
    expect(seen).toBeLessThan(100_000);
    expect(allClosed()).toBe(true);
  });

  it('a missing file fails with DataReadError (plain) / DataError kind read (Effect)', async () => {
    const missing = join(dir, 'missing.txt');
    await expect(async () => {
      for await (const _ of readLines(missing)) {
        // nothing
      }
    }).rejects.toThrow(DataReadError);
    const error = await Effect.runPromise(Effect.flip(Stream.runDrain(linesStream(missing))));
    expect(error).toMatchObject({ _tag: 'DataError', kind: 'read', file: missing });
    expect(error.message).toMatch(/readLines: cannot open .*missing\.txt: ENOENT/);
  });
});
