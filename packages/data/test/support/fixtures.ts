/**
 * Test support for @tensile/data: paths of the committed fixtures, temporary directories, a tiny
 * HTTP server on 127.0.0.1 for download tests, and a live-tensor counter.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { memory, random, type Tensor } from '@tensile/core';

/** `<repo>/fixtures/<parts>`. */
export function fixture(...parts: string[]): string {
  return fileURLToPath(new URL(`../../../../fixtures/${parts.join('/')}`, import.meta.url));
}

/** Bytes of a committed fixture file. */
export function fixtureBytes(...parts: string[]): Uint8Array {
  return new Uint8Array(readFileSync(fixture(...parts)));
}

/** A fresh temporary directory, removed by `cleanup()`. */
export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'tensile-data-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Live tensors on the CPU backend. */
export const liveTensors = () => memory().cpu?.tensors ?? 0;

/** Run `f` with a PRNG key that is disposed afterwards. */
export async function withKey<T>(seed: number, f: (key: Tensor) => Promise<T> | T): Promise<T> {
  const key = random.key(seed);
  try {
    return await f(key);
  } finally {
    key.dispose();
  }
}

/** An HTTP server on 127.0.0.1 serving `files` by name (404 otherwise), counting requests. */
export async function serveFiles(
  files: Record<string, Uint8Array>,
): Promise<{ url: string; requests: string[]; close: () => Promise<void> }> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const name = decodeURIComponent((req.url ?? '/').replace(/^\/+/, ''));
    requests.push(name);
    const body = files[name];
    if (body === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res
      .writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length })
      .end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A base URL on 127.0.0.1 where nothing listens (connections are refused): "offline". */
export async function refusedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/`;
}
