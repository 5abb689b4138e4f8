/**
 * A minimal Web `Worker` for Node, built on `worker_threads`, so that libraries written for the
 * browser's workers (jax-js's Wasm thread pool) can use threads in this benchmark. It supports
 * what such pools use: a classic script given as a `blob:` URL, `postMessage`, `onmessage` and
 * `onerror` on both sides, and `terminate`. Messages may carry shared Wasm memories and compiled
 * modules, which `worker_threads` passes as browsers do.
 */
import { resolveObjectURL } from 'node:buffer';
import { Worker as ThreadWorker } from 'node:worker_threads';

/** Runs inside the thread: Web-style globals, then the script, then its queued messages. */
const BOOTSTRAP = `
const { parentPort } = require('node:worker_threads');
globalThis.self = globalThis;
globalThis.postMessage = (data) => parentPort.postMessage(data);
parentPort.once('message', (source) => {
  (0, eval)(source);
  parentPort.on('message', (data) => self.onmessage?.({ data }));
});
`;

/** A Web Worker message event, as much of it as pools read. */
interface MessageLike {
  data: unknown;
}

/** A Web-compatible worker whose script comes from a `blob:` URL. */
class NodeWebWorker {
  onmessage: ((event: MessageLike) => void) | null = null;
  onerror: ((event: { message: string }) => void) | null = null;
  readonly #thread: ThreadWorker;
  /** Messages posted before the script has been sent (reading the blob is asynchronous). */
  #pending: unknown[] | null = [];

  constructor(url: string | URL) {
    const blob = resolveObjectURL(String(url));
    if (!blob) throw new Error(`NodeWebWorker: only blob: URLs are supported, got ${url}`);
    this.#thread = new ThreadWorker(BOOTSTRAP, { eval: true });
    this.#thread.unref();
    this.#thread.on('message', (data) => this.onmessage?.({ data }));
    this.#thread.on('error', (error) => this.onerror?.({ message: String(error) }));
    void blob.text().then((source) => {
      this.#thread.postMessage(source);
      for (const data of this.#pending ?? []) this.#thread.postMessage(data);
      this.#pending = null;
    });
  }

  postMessage(data: unknown): void {
    if (this.#pending) this.#pending.push(data);
    else this.#thread.postMessage(data);
  }

  terminate(): void {
    void this.#thread.terminate();
  }
}

/**
 * Make `globalThis.Worker` a `worker_threads`-backed Web Worker (when the runtime has none) and
 * report `threads` as `navigator.hardwareConcurrency` until the returned function is called.
 * Libraries that size their pool from `hardwareConcurrency` must be initialised in between.
 *
 * @example
 * const restore = provideWebWorkers(2);
 * await init('wasm');  // jax-js creates a 2-worker pool
 * restore();
 */
export function provideWebWorkers(threads: number): () => void {
  const g = globalThis as { Worker?: unknown; navigator?: unknown };
  g.Worker ??= NodeWebWorker;
  const previous = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
  Object.defineProperty(globalThis, 'navigator', {
    value: { ...(g.navigator as object | undefined), hardwareConcurrency: threads },
    configurable: true,
    writable: true,
  });
  return () => {
    if (previous) Object.defineProperty(globalThis, 'navigator', previous);
    else delete g.navigator;
  };
}
