/**
 * IDX reading: the committed Fashion-MNIST slice (shapes and class counts from its README, written
 * by the Python script that made it), hand-built files of every type code, and corrupted or
 * truncated files, which must fail with a message naming the file and the problem.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { Effect, Exit } from 'effect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataError, DataFormatError, DataReadError, decodeIdx, parseIdx } from '../src/index.js';
import { readIdx, readIdxEffect } from '../src/node.js';
import { fixture, fixtureBytes, tempDir } from './support/fixtures.js';

/** IDX bytes built by hand: magic [0, 0, code, ndim], big-endian dims, then `body`. */
function idxBytes(code: number, dims: number[], body: number[]): Uint8Array {
  const header = new Uint8Array(4 + 4 * dims.length);
  const view = new DataView(header.buffer);
  header.set([0, 0, code, dims.length]);
  for (const [i, d] of dims.entries()) view.setUint32(4 + 4 * i, d);
  return Uint8Array.from([...header, ...body]);
}

// Class counts of the slice, from fixtures/fashion-mnist/README.md.
const trainCounts = [194, 216, 202, 195, 186, 200, 194, 215, 198, 200];
const testCounts = [55, 52, 65, 46, 57, 39, 47, 47, 44, 48];

let dir = '';
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterAll(() => cleanup());

describe('readIdx on the committed Fashion-MNIST slice', () => {
  it('reads gzipped images and labels with the right shapes, dtypes and class counts', async () => {
    const images = await readIdx(fixture('fashion-mnist', 'train-images-idx3-ubyte.gz'));
    expect(images.dtype).toBe('uint8');
    expect(images.shape).toEqual([2000, 28, 28]);
    for (const [file, counts] of [
      ['train-labels-idx1-ubyte.gz', trainCounts],
      ['t10k-labels-idx1-ubyte.gz', testCounts],
    ] as const) {
      const labels = await readIdx(fixture('fashion-mnist', file));
      const histogram = new Array(10).fill(0);
      for (const v of labels.data) histogram[v as number]++;
      expect(histogram).toEqual(counts);
    }
  });

  it('reads the same data uncompressed, and decodeIdx (DecompressionStream) agrees with readIdx', async () => {
    const gz = fixtureBytes('fashion-mnist', 't10k-labels-idx1-ubyte.gz');
    const raw = join(dir, 't10k-labels-idx1-ubyte');
    await writeFile(raw, gunzipSync(gz));
    const fromRaw = await readIdx(raw);
    const fromGz = await decodeIdx(gz, { source: 'labels.gz' });
    expect(fromRaw.shape).toEqual([500]);
    expect(Array.from(fromGz.data)).toEqual(Array.from(fromRaw.data));
  });
});

describe('parseIdx type codes', () => {
  it('decodes big-endian int8, int16, int32, float32 and float64', () => {
    expect(Array.from(parseIdx(idxBytes(0x09, [3], [0xff, 0x7f, 0x80])).data)).toEqual([
      -1, 127, -128,
    ]);
    expect(Array.from(parseIdx(idxBytes(0x0b, [2], [0xff, 0xfe, 0x01, 0x00])).data)).toEqual([
      -2, 256,
    ]);
    const int32 = parseIdx(idxBytes(0x0c, [1, 2], [0, 0, 1, 0, 0xff, 0xff, 0xff, 0xff]));
    expect(int32).toMatchObject({ dtype: 'int32', shape: [1, 2] });
    expect(Array.from(int32.data)).toEqual([256, -1]);
    // 1.5 = 0x3fc00000 (float32), -2 = 0xc000000000000000 (float64)
    expect(Array.from(parseIdx(idxBytes(0x0d, [1], [0x3f, 0xc0, 0, 0])).data)).toEqual([1.5]);
    const f64 = parseIdx(idxBytes(0x0e, [1], [0xc0, 0, 0, 0, 0, 0, 0, 0]));
    expect(f64.dtype).toBe('float32');
    expect(Array.from(f64.data)).toEqual([-2]);
  });
});

describe('corrupted and truncated IDX files', () => {
  const labelsGz = () => fixtureBytes('fashion-mnist', 't10k-labels-idx1-ubyte.gz');

  async function readError(name: string, bytes: Uint8Array): Promise<DataFormatError> {
    const path = join(dir, name);
    await writeFile(path, bytes);
    const error = await readIdx(path).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DataFormatError);
    expect((error as DataFormatError).file).toBe(path);
    expect((error as DataFormatError).message).toContain(path);
    return error as DataFormatError;
  }

  it('a wrong magic number', async () => {
    const bytes = gunzipSync(labelsGz());
    bytes[0] = 0x12;
    const error = await readError('bad-magic', bytes);
    expect(error.message).toMatch(/readIdx: .*bad-magic: bad magic number 0x12000801/);
  });

  it('an unknown type code', async () => {
    const error = await readError('bad-type', idxBytes(0x07, [1], [0]));
    expect(error.message).toMatch(/unknown type code 0x07/);
  });

  it('data shorter than the dims need (truncated), uncompressed and gzipped', async () => {
    const raw = gunzipSync(labelsGz());
    const cut = raw.subarray(0, raw.length - 100);
    const error = await readError('truncated', cut);
    expect(error.message).toMatch(
      /dims \[500\] of uint8 need 500 data bytes but the file holds 400 \(truncated\)/,
    );
    const gzError = await readError('truncated-contents.gz', gzipSync(cut));
    expect(gzError.message).toMatch(/truncated-contents\.gz: dims \[500\].*\(truncated\)/);
  });

  it('trailing bytes after the data', async () => {
    const raw = gunzipSync(labelsGz());
    const error = await readError('padded', Uint8Array.from([...raw, 1, 2, 3]));
    expect(error.message).toMatch(/holds 503 \(3 trailing bytes\)/);
  });

  it('a header cut short', async () => {
    const error = await readError('short-header', idxBytes(0x08, [2, 3, 4], []).subarray(0, 10));
    expect(error.message).toMatch(
      /declares 3 dims \(16 header bytes\) but the file holds only 10 bytes \(truncated\)/,
    );
    expect((await readError('tiny', Uint8Array.of(0, 0))).message).toMatch(/2 bytes is too short/);
  });

  it('a truncated gzip stream (Node and DecompressionStream paths)', async () => {
    const gz = labelsGz();
    const cut = gz.subarray(0, gz.length - 40);
    const error = await readError('cut.gz', cut);
    expect(error.message).toMatch(/cut\.gz: gzip data is corrupt or truncated/);
    await expect(decodeIdx(cut, { source: 'cut.gz' })).rejects.toThrow(
      /decodeIdx: cut\.gz: gzip data is corrupt or truncated/,
    );
  });

  it('a missing file is a DataReadError; the Effect edge fails with DataError', async () => {
    const missing = join(dir, 'nope.gz');
    await expect(readIdx(missing)).rejects.toBeInstanceOf(DataReadError);
    const exit = await Effect.runPromiseExit(readIdxEffect(missing));
    expect(Exit.isFailure(exit)).toBe(true);
    const error = await Effect.runPromise(Effect.flip(readIdxEffect(missing)));
    expect(error).toBeInstanceOf(DataError);
    expect(error).toMatchObject({ _tag: 'DataError', kind: 'read', file: missing });
    const recovered = await Effect.runPromise(
      readIdxEffect(missing).pipe(Effect.catchTag('DataError', (e) => Effect.succeed(e.kind))),
    );
    expect(recovered).toBe('read');
  });
});
