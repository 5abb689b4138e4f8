/**
 * Fashion-MNIST source resolution: cache → system (Debian) directory → download (from a local
 * HTTP server on 127.0.0.1 serving the committed slice files) → committed slice with a notice;
 * checksum failures; the offline failure message. The slice plays the full data set here, so the
 * tests pass the slice's checksums. When the Debian package is installed, the real test split and
 * the official checksums are checked too.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Effect } from 'effect';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChecksumError, DatasetUnavailableError } from '../src/index.js';
import {
  FASHION_MNIST_CHECKSUMS,
  FASHION_MNIST_SLICE_CHECKSUMS,
  FASHION_MNIST_SYSTEM_DIRS,
  fashionMnist,
  fashionMnistEffect,
} from '../src/node.js';
import { fixture, fixtureBytes, refusedUrl, serveFiles, tempDir } from './support/fixtures.js';

const testFiles = ['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'] as const;
const sliceFiles = Object.fromEntries(
  testFiles.map((name) => [name, fixtureBytes('fashion-mnist', name)]),
);

let root = '';
let cleanup: () => Promise<void>;
let cacheDir = '';
let systemDir = '';
let notices: string[] = [];
beforeEach(async () => {
  ({ dir: root, cleanup } = await tempDir());
  cacheDir = join(root, 'cache');
  systemDir = join(root, 'system');
  notices = [];
});
afterEach(() => cleanup());

async function putSlice(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const name of testFiles) await copyFile(fixture('fashion-mnist', name), join(dir, name));
}

/** Options that make the slice stand in for the full data set, with nothing real reachable. */
const base = async () => ({
  split: 'test' as const,
  cacheDir,
  systemDirs: [systemDir],
  mirrors: [await refusedUrl()],
  checksums: FASHION_MNIST_SLICE_CHECKSUMS,
  timeoutMs: 5000,
  onNotice: (message: string) => notices.push(message),
});

describe('fashionMnist source resolution', () => {
  it('1. uses the cache directory first', async () => {
    await putSlice(cacheDir);
    await putSlice(systemDir);
    const { dataset, source, files } = await fashionMnist(await base());
    expect(source).toBe('cache');
    expect(files.images).toBe(join(cacheDir, 't10k-images-idx3-ubyte.gz'));
    expect(dataset.length).toBe(500);
    expect(dataset.columns.image).toMatchObject({ dtype: 'uint8', shape: [500, 28, 28] });
    expect(dataset.columns.label.dtype).toBe('int32');
    expect(notices).toEqual([]);
  });

  it('2. then the system (Debian package) directory', async () => {
    await putSlice(systemDir);
    const { source, files } = await fashionMnist(await base());
    expect(source).toBe('system');
    expect(files.labels).toBe(join(systemDir, 't10k-labels-idx1-ubyte.gz'));
  });

  it('3. then downloads (checksummed) into the cache, which serves the next call', async () => {
    const server = await serveFiles(sliceFiles);
    try {
      const options = { ...(await base()), mirrors: [await refusedUrl(), server.url] };
      const first = await fashionMnist(options);
      expect(first.source).toBe('download');
      expect(server.requests.sort()).toEqual([...testFiles].sort());
      for (const name of testFiles) {
        expect(new Uint8Array(await readFile(join(cacheDir, name)))).toEqual(sliceFiles[name]);
      }
      const second = await fashionMnist(options);
      expect(second.source).toBe('cache');
      expect(server.requests.length).toBe(2);
      expect(Array.from(second.dataset.columns.label.data)).toEqual(
        Array.from(first.dataset.columns.label.data),
      );
    } finally {
      await server.close();
    }
  });

  it('replaces a corrupt cache entry by a fresh download', async () => {
    await putSlice(cacheDir);
    await writeFile(join(cacheDir, 't10k-labels-idx1-ubyte.gz'), new Uint8Array([1, 2, 3]));
    const server = await serveFiles(sliceFiles);
    try {
      const { source } = await fashionMnist({ ...(await base()), mirrors: [server.url] });
      expect(source).toBe('download');
      expect(server.requests).toEqual(['t10k-labels-idx1-ubyte.gz']);
    } finally {
      await server.close();
    }
  });

  it('rejects a download whose checksum is wrong and never caches it', async () => {
    const tampered = {
      ...sliceFiles,
      't10k-labels-idx1-ubyte.gz': fixtureBytes('fashion-mnist', 'train-labels-idx1-ubyte.gz'),
    };
    const server = await serveFiles(tampered);
    try {
      const error = await fashionMnist({
        ...(await base()),
        mirrors: [server.url],
        fallbackToSlice: false,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DatasetUnavailableError);
      expect((error as Error).message).toMatch(
        new RegExp(
          `t10k-labels-idx1-ubyte\\.gz from ${server.url}t10k-labels-idx1-ubyte\\.gz: sha256 of the contents is 8983259d[0-9a-f]+, expected 9f5f7b91`,
        ),
      );
      expect(existsSync(join(cacheDir, 't10k-labels-idx1-ubyte.gz'))).toBe(false);
      expect(new ChecksumError('x').name).toBe('ChecksumError');
    } finally {
      await server.close();
    }
  });

  it('4. offline: falls back to the committed slice with a clear notice', async () => {
    const { source, dataset, files } = await fashionMnist(await base());
    expect(source).toBe('slice');
    expect(files.images).toBe(fixture('fashion-mnist', 't10k-images-idx3-ubyte.gz'));
    expect(dataset.length).toBe(500);
    expect(notices.length).toBe(1);
    expect(notices[0]).toMatch(/not available, using the small committed slice/);
    expect(notices[0]).toMatch(
      /download: fashionMnist: GET http:\/\/127\.0\.0\.1:\d+\/t10k-images-idx3-ubyte\.gz failed: connect ECONNREFUSED/,
    );
  });

  it('offline without fallback: DatasetUnavailableError listing everything tried (Effect: DataError unavailable)', async () => {
    const options = { ...(await base()), fallbackToSlice: false };
    const error = (await fashionMnist(options).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(DatasetUnavailableError);
    expect(error.message).toMatch(/cannot find the Fashion-MNIST test split\. Tried:/);
    expect(error.message).toContain(
      `cache: ${join(cacheDir, 't10k-images-idx3-ubyte.gz')} not found`,
    );
    expect(error.message).toContain(
      `system: ${join(systemDir, 't10k-labels-idx1-ubyte.gz')} not found`,
    );
    expect(error.message).toMatch(/ECONNREFUSED/);
    expect(error.message).toMatch(/no network here\?/);
    const tagged = await Effect.runPromise(Effect.flip(fashionMnistEffect(options)));
    expect(tagged).toMatchObject({ _tag: 'DataError', kind: 'unavailable' });
    const noDownload = (await fashionMnist({ ...options, download: false }).catch(
      (e: unknown) => e,
    )) as Error;
    expect(noDownload.message).toContain('download: turned off');
  });

  it('a 404 from a mirror is reported with the status', async () => {
    const server = await serveFiles({});
    try {
      const error = (await fashionMnist({
        ...(await base()),
        mirrors: [server.url],
        fallbackToSlice: false,
      }).catch((e: unknown) => e)) as Error;
      expect(error.message).toMatch(
        /GET http:\/\/127\.0\.0\.1:\d+\/t10k-images-idx3-ubyte\.gz failed: HTTP 404/,
      );
    } finally {
      await server.close();
    }
  });
});

const debianDir = FASHION_MNIST_SYSTEM_DIRS[0] as string;
describe.skipIf(!existsSync(join(debianDir, 't10k-labels-idx1-ubyte.gz')))(
  'the Debian package dataset-fashion-mnist',
  () => {
    it('loads the full test split from /usr/share/datasets/fashion-mnist with the official checksums', async () => {
      const { source, dataset } = await fashionMnist({
        split: 'test',
        cacheDir,
        download: false,
        fallbackToSlice: false,
      });
      expect(source).toBe('system');
      expect(dataset.length).toBe(10_000);
      const histogram = new Array(10).fill(0);
      for (const v of dataset.columns.label.data) histogram[v as number]++;
      expect(histogram).toEqual(new Array(10).fill(1000));
      expect(Object.keys(FASHION_MNIST_CHECKSUMS).length).toBe(4);
    });
  },
);
