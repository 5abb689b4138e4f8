/**
 * Starting a worker thread from a source string, in Node and in browsers, and the host's core
 * count.
 *
 * Node 20 has no global `Worker`: its `worker_threads` module is reached with
 * `process.getBuiltinModule` (synchronous, and invisible to browser bundlers), and the source
 * runs with `eval: true`. Browsers get a classic worker from a Blob URL. Node workers are
 * `unref`'d, so a backend that is never disposed does not keep the process alive.
 */

/**
 * A started worker: post it messages, or stop it (`terminate` resolves once it has exited).
 *
 * @example
 * const worker = startWorker('self.onmessage = () => {}');
 * worker.postMessage({ type: 'hello' });
 * worker.terminate();
 */
export interface WorkerHandle {
  postMessage(message: unknown): void;
  terminate(): Promise<void>;
}

interface NodeWorkerThreads {
  Worker: new (
    source: string,
    options: { eval: true },
  ) => { postMessage(message: unknown): void; terminate(): Promise<number>; unref(): void };
}

interface NodeProcess {
  getBuiltinModule?(id: string): unknown;
}

interface BrowserGlobals {
  Worker?: new (url: string) => { postMessage(message: unknown): void; terminate(): void };
  Blob?: new (parts: string[], options: { type: string }) => unknown;
  URL?: { createObjectURL?(blob: unknown): string };
  navigator?: { hardwareConcurrency?: number };
}

function nodeModule<T>(id: string): T | undefined {
  const process = (globalThis as { process?: NodeProcess }).process;
  return process?.getBuiltinModule?.(id) as T | undefined;
}

/** Blob URLs by source, made once (a worker may still be loading from one). */
const blobUrls = new Map<string, string>();

/**
 * Whether `startWorker` can start threads in this host.
 *
 * @example
 * canStartWorkers(); // true in Node and in browsers
 */
export function canStartWorkers(): boolean {
  if (nodeModule<NodeWorkerThreads>('node:worker_threads') !== undefined) return true;
  const web = globalThis as BrowserGlobals;
  return (
    typeof web.Worker === 'function' &&
    typeof web.Blob === 'function' &&
    typeof web.URL?.createObjectURL === 'function'
  );
}

/**
 * Start a worker running the plain-JavaScript `source` (check `canStartWorkers` first).
 *
 * @example
 * const worker = startWorker(WORKER_SOURCE);
 */
export function startWorker(source: string): WorkerHandle {
  const threads = nodeModule<NodeWorkerThreads>('node:worker_threads');
  if (threads !== undefined) {
    const worker = new threads.Worker(source, { eval: true });
    worker.unref();
    return {
      postMessage: (message) => worker.postMessage(message),
      terminate: async () => {
        await worker.terminate();
      },
    };
  }
  const web = globalThis as BrowserGlobals;
  if (
    web.Worker === undefined ||
    web.Blob === undefined ||
    web.URL?.createObjectURL === undefined
  ) {
    throw new Error('cpu backend: this host cannot start worker threads');
  }
  let url = blobUrls.get(source);
  if (url === undefined) {
    url = web.URL.createObjectURL(new web.Blob([source], { type: 'text/javascript' }));
    blobUrls.set(source, url);
  }
  const worker = new web.Worker(url);
  return {
    postMessage: (message) => worker.postMessage(message),
    terminate: async () => worker.terminate(),
  };
}

/**
 * Logical cores of the host: `os.availableParallelism()` in Node, `navigator.hardwareConcurrency`
 * in browsers, 1 where neither says.
 *
 * @example
 * createCpuBackend({ threads: hardwareConcurrency() });
 */
export function hardwareConcurrency(): number {
  const os = nodeModule<{ availableParallelism?(): number; cpus(): unknown[] }>('node:os');
  if (os !== undefined) return os.availableParallelism?.() ?? os.cpus().length;
  const cores = (globalThis as BrowserGlobals).navigator?.hardwareConcurrency;
  return typeof cores === 'number' && cores >= 1 ? cores : 1;
}
