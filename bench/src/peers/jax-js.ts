/**
 * The jax-js 0.1.25 peer (`wasm` device). jax-js runs its Wasm kernels on a pool of Web Workers
 * when `SharedArrayBuffer` and `Worker` exist, and picks shared or private Wasm memory when it
 * loads. Node has no `Worker` global, so out of the box jax-js is single-threaded there; this
 * peer first provides `worker_threads`-backed Web Workers (`node-web-worker.ts`), sized to
 * `THREADS`, and only then loads jax-js (`jax-js-workloads.ts`).
 */
import { provideWebWorkers } from './node-web-worker.js';
import type { Peer, PreparedWorkload } from './peer.js';
import { THREADS, type WorkloadId } from './spec.js';

/**
 * jax-js on its Wasm device with a `THREADS`-worker pool.
 *
 * @example
 * const peer = jaxJsPeer();
 * console.log(await peer.setup());  // "wasm device, 2-worker pool (…)"
 */
export function jaxJsPeer(): Peer {
  let workloads: Record<WorkloadId, () => PreparedWorkload> | undefined;
  return {
    id: 'jaxJs',
    deviations: {
      lstm:
        'embedding lookup as a one-hot matmul (jit cannot compile the scatter in the gradient ' +
        'of np.take; without jit a step takes seconds); 64 steps unrolled in jit (no lax.scan)',
    },
    setup: async () => {
      const hadWorker = typeof (globalThis as { Worker?: unknown }).Worker !== 'undefined';
      const restore = provideWebWorkers(THREADS);
      try {
        const jaxJs = await import('./jax-js-workloads.js');
        await jaxJs.startWasm();
        workloads = jaxJs.jaxJsWorkloads;
      } finally {
        restore();
      }
      const workers = hadWorker ? "the runtime's" : 'worker_threads-backed';
      return `wasm device, ${THREADS}-worker pool (${workers} Web Workers)`;
    },
    prepare: async (workload) => {
      if (!workloads) throw new Error('jaxJsPeer: call setup() first');
      return workloads[workload]();
    },
  };
}
