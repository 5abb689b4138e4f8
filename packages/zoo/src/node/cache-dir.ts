/**
 * Where downloaded weights are cached: the `cacheDir` option, else `$TENSILE_CACHE/zoo`, else
 * `$XDG_CACHE_HOME/tensile/zoo`, else `~/.cache/tensile/zoo` — and the file name of a URL in it
 * (`<first 16 hex digits of sha256(url)>-<last path segment>`, so two URLs never share a file).
 */
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The directory downloaded weights are cached in when no `cacheDir` is given.
 *
 * @example
 * defaultCacheDir()  // '/home/me/.cache/tensile/zoo' (or $TENSILE_CACHE/zoo)
 */
export function defaultCacheDir(): string {
  const root = process.env.TENSILE_CACHE;
  if (root) return join(root, 'zoo');
  const xdg = process.env.XDG_CACHE_HOME;
  return join(xdg || join(homedir(), '.cache'), 'tensile', 'zoo');
}

/**
 * The cache file for `url` inside `cacheDir`.
 *
 * @example
 * cachePath('/tmp/c', new URL('https://example.org/m/lenet5.safetensors'))  // '/tmp/c/1b3f…-lenet5.safetensors'
 */
export function cachePath(cacheDir: string, url: URL): string {
  const digest = createHash('sha256').update(url.href).digest('hex').slice(0, 16);
  const last = url.pathname.split('/').filter(Boolean).at(-1) ?? 'weights';
  const safe = decodeURIComponentSafe(last).replace(/[^A-Za-z0-9._-]/g, '_');
  return join(cacheDir, `${digest}-${safe || 'weights'}`);
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
