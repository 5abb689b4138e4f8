/**
 * Downloading weights into the cache: a cached file is used without touching the network (after
 * its checksum is checked, when one is given); otherwise the URL is fetched with the global
 * `fetch`, the bytes are checked against the sha256 and only then written to the cache
 * atomically (temp file + rename), so the cache never holds a partial or unverified file. A
 * failed fetch says which URL could not be fetched and where to put the file by hand.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { writeFileAtomic } from '@tensile/io/node';
import { WeightsError } from '../errors.js';
import { cachePath, defaultCacheDir } from './cache-dir.js';

/** Options of the download (part of `loadWeights`' options). */
export interface DownloadOptions {
  /** Cache directory (default `defaultCacheDir()`: `$TENSILE_CACHE/zoo` or `~/.cache/tensile/zoo`). */
  cacheDir?: string;
  /** The `fetch` to use (default the global one). */
  fetch?: typeof fetch;
  /** Aborts the download (e.g. `AbortSignal.timeout(60_000)`). */
  signal?: AbortSignal;
}

/** Hex sha256 of `bytes`. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A sha256 option as 64 lowercase hex digits. */
export function checkSha256(who: string, sha256: unknown): string {
  if (typeof sha256 !== 'string' || !/^[0-9a-fA-F]{64}$/.test(sha256)) {
    throw new WeightsError(`${who}: sha256 must be 64 hex digits, got ${JSON.stringify(sha256)}`);
  }
  return sha256.toLowerCase();
}

async function readIfPresent(path: string): Promise<Uint8Array | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

/**
 * The bytes at `url`, from the cache or downloaded into it.
 *
 * @example
 * const bytes = await cachedDownload('loadWeights', new URL(url), sha256, { cacheDir });
 */
export async function cachedDownload(
  who: string,
  url: URL,
  sha256: string | undefined,
  options: DownloadOptions = {},
): Promise<Uint8Array> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new WeightsError(`${who}: can only download http(s) URLs, got ${url.href}`);
  }
  const dir = options.cacheDir ?? defaultCacheDir();
  const path = cachePath(dir, url);
  const cached = await readIfPresent(path);
  if (cached && (sha256 === undefined || sha256Hex(cached) === sha256)) return cached;

  const manual =
    `download it by other means and save it as ${path}` +
    (sha256 ? ` (its sha256 must be ${sha256})` : '') +
    `; ${who} then reads it from there without the network. Or pass ${who} a local path or the file's bytes.`;
  const doFetch = options.fetch ?? fetch;
  let bytes: Uint8Array;
  try {
    const response = await doFetch(url, { signal: options.signal });
    if (!response.ok) {
      throw new WeightsError(
        `${who}: could not fetch ${url.href}: HTTP ${response.status} ${response.statusText}. To use the file anyway, ${manual}`,
      );
    }
    bytes = new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    if (error instanceof WeightsError) throw error;
    throw new WeightsError(
      `${who}: could not fetch ${url.href} (${describe(error)}). If this machine is offline, ${manual}`,
    );
  }
  if (sha256 !== undefined) {
    const actual = sha256Hex(bytes);
    if (actual !== sha256) {
      throw new WeightsError(
        `${who}: ${url.href} has sha256 ${actual}, expected ${sha256}; the download was not cached (${path})`,
      );
    }
  }
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(path, bytes);
  return bytes;
}
