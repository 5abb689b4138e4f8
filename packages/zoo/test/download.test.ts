/**
 * Weights from URLs, with no internet: a bounded local HTTP server on 127.0.0.1 serves the bytes
 * (it counts requests and stops itself after a few seconds whatever happens). Checked: the first
 * load downloads into the cache (atomically, under the documented name) and later loads read the
 * cache without a request; a wrong sha256 is refused and nothing is cached; a corrupted cache file
 * is fetched again; `TENSILE_CACHE` moves the cache; HTTP errors and an unreachable host (a closed
 * port) give an error naming the URL and where to put the file by hand.
 */

import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { random, scope, tree } from '@tensile/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lenet5, WeightsError, weightsToBytes } from '../src/index.js';
import { sha256Hex } from '../src/node/download.js';
import { cachePath, defaultCacheDir, loadWeights } from '../src/node.js';
import { expectBitwiseEqual } from './support/tensors.js';

/** A server for `bytes` at `/models/lenet5.safetensors` (404 elsewhere), closed after `lifetimeMs`. */
async function serve(
  bytes: Uint8Array,
  lifetimeMs = 10_000,
): Promise<{ base: string; requests: () => number; close: () => Promise<void> }> {
  let count = 0;
  const server: Server = createServer((request, response) => {
    count++;
    if (request.url === '/models/lenet5.safetensors') {
      response.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': bytes.length,
      });
      response.end(bytes);
    } else {
      response.writeHead(404, 'Not Found');
      response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  setTimeout(() => void close(), lifetimeMs).unref();
  const { port } = server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, requests: () => count, close };
}

/** A URL on a port nobody listens on (bound, then released). */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/models/lenet5.safetensors`;
}

let cacheDir: string;
let model: ReturnType<typeof lenet5.init>;
let template: ReturnType<typeof lenet5.init>;
let bytes: Uint8Array;
beforeEach(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'tensile-zoo-cache-'));
  [model, template] = scope(() => [lenet5.init(random.key(0)), lenet5.init(random.key(1))]);
  bytes = await weightsToBytes(model);
});
afterEach(async () => {
  tree.dispose([model, template]);
  await rm(cacheDir, { recursive: true, force: true });
});

function expectModel(loaded: unknown): void {
  const expected = tree.leaves(model);
  tree.leaves(loaded).forEach((l, i) => {
    expectBitwiseEqual(l as never, expected[i] as never, `leaf ${i}`);
  });
}

describe('loadWeights from a URL', () => {
  it('downloads once into the cache, verifies the sha256, then reads the cache', async () => {
    const server = await serve(bytes);
    try {
      const url = `${server.base}/models/lenet5.safetensors`;
      const sha256 = sha256Hex(bytes);
      const first = await loadWeights(template, { url, sha256 }, { cacheDir });
      expectModel(first);
      expect(server.requests()).toBe(1);
      const cached = cachePath(cacheDir, new URL(url));
      expect(cached).toMatch(/[0-9a-f]{16}-lenet5\.safetensors$/);
      expect(Buffer.from(await readFile(cached)).equals(Buffer.from(bytes))).toBe(true);
      expect(await readdir(cacheDir)).toEqual([cached.split('/').at(-1)]); // no temporary files left

      const second = await loadWeights(template, { url, sha256 }, { cacheDir });
      const third = await loadWeights(template, new URL(url), { cacheDir });
      expectModel(second);
      expectModel(third);
      expect(server.requests()).toBe(1);

      // A corrupted cache file fails the checksum and is downloaded again.
      await writeFile(cached, 'garbage');
      const fourth = await loadWeights(template, { url, sha256 }, { cacheDir });
      expectModel(fourth);
      expect(server.requests()).toBe(2);
      tree.dispose([first, second, third, fourth]);
    } finally {
      await server.close();
    }
  });

  it('refuses a download whose sha256 differs and caches nothing', async () => {
    const server = await serve(bytes);
    try {
      const url = `${server.base}/models/lenet5.safetensors`;
      const wrong = 'ab'.repeat(32);
      const error = await loadWeights(template, { url, sha256: wrong }, { cacheDir }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(WeightsError);
      expect((error as Error).message).toContain(
        `has sha256 ${sha256Hex(bytes)}, expected ${wrong}`,
      );
      expect(await readdir(cacheDir)).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('caches under $TENSILE_CACHE/zoo by default', async () => {
    const server = await serve(bytes);
    const saved = process.env.TENSILE_CACHE;
    process.env.TENSILE_CACHE = cacheDir;
    try {
      expect(defaultCacheDir()).toBe(join(cacheDir, 'zoo'));
      const url = `${server.base}/models/lenet5.safetensors`;
      const loaded = await loadWeights(template, url);
      expectModel(loaded);
      expect(await readdir(join(cacheDir, 'zoo'))).toEqual([
        cachePath(join(cacheDir, 'zoo'), new URL(url)).split('/').at(-1),
      ]);
      tree.dispose(loaded);
    } finally {
      if (saved === undefined) delete process.env.TENSILE_CACHE;
      else process.env.TENSILE_CACHE = saved;
      await server.close();
    }
  });

  it('reports HTTP errors with the status', async () => {
    const server = await serve(bytes);
    try {
      const url = `${server.base}/models/missing.safetensors`;
      await expect(loadWeights(template, url, { cacheDir })).rejects.toThrow(
        new RegExp(`could not fetch ${url.replaceAll('.', '\\.')}: HTTP 404 Not Found`),
      );
    } finally {
      await server.close();
    }
  });

  it('offline: says which URL could not be fetched and where to put the file by hand', async () => {
    const url = await closedPortUrl();
    const sha256 = sha256Hex(bytes);
    const error = await loadWeights(template, { url, sha256 }, { cacheDir }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WeightsError);
    const target = cachePath(cacheDir, new URL(url));
    const message = (error as Error).message;
    expect(message).toContain(`loadWeights: could not fetch ${url}`);
    expect(message).toMatch(/ECONNREFUSED/);
    expect(message).toContain(`save it as ${target}`);
    expect(message).toContain(`its sha256 must be ${sha256}`);
    // Following the advice works without the network.
    await writeFile(target, bytes);
    const loaded = await loadWeights(template, { url, sha256 }, { cacheDir });
    expectModel(loaded);
    tree.dispose(loaded);
  });
});
