/**
 * HTTP downloads for dataset loaders: `fetch` with a timeout and interruption (an interrupted
 * Effect aborts the request), HTTP errors and network failures turned into `DownloadError`s that
 * name the URL and the cause (e.g. `connect ECONNREFUSED 127.0.0.1:9` when offline).
 */
import type { Effect } from 'effect';
import type { DataError } from '../data-error.js';
import { DownloadError } from '../errors.js';
import { attemptPromise } from '../internal/effect.js';

/** The reason behind a `fetch` failure (undici puts the system error in `cause`). */
function reason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError' || error.name === 'AbortError')
    return `no answer (${error.message})`;
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? cause.message : error.message;
}

/**
 * GET `url` and return the body; fails with `DownloadError` on a network error, a non-2xx status
 * or no answer within `timeoutMs`.
 *
 * @internal
 */
export function downloadBytes(
  url: string,
  op: string,
  timeoutMs: number,
): Effect.Effect<Uint8Array, DataError> {
  return attemptPromise(async (interrupted) => {
    const signal = AbortSignal.any([interrupted, AbortSignal.timeout(timeoutMs)]);
    let response: Response;
    try {
      response = await fetch(url, { signal });
    } catch (error) {
      throw new DownloadError(`${op}: GET ${url} failed: ${reason(error)}`, url);
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw new DownloadError(
        `${op}: GET ${url} failed: HTTP ${response.status} ${response.statusText}`.trim(),
        url,
      );
    }
    try {
      return new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      throw new DownloadError(
        `${op}: GET ${url} failed while reading the body: ${reason(error)}`,
        url,
      );
    }
  });
}
