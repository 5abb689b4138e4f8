/**
 * The WebGPU backend object: wires device memory, the submission queue and the WGSL kernels
 * behind the core's `Backend` contract, for any `GPUDevice` (a browser's `navigator.gpu`, or
 * Dawn in Node through `@tensile/backend-dawn`).
 *
 * Compute methods only *record* dispatches; work is submitted in batches (at reads, `flush`,
 * `sync`, or every `maxDispatchesPerSubmit` dispatches). Reads are asynchronous only
 * (`capabilities.syncRead` is false).
 */
import type { Backend } from '@tensile/core';
import { BufferPool } from './internal/buffer-pool.js';
import type { KernelContext } from './internal/kernels/context.js';
import { dotGeneral } from './internal/kernels/dot.js';
import { binary, cast, copy, fill, iota, select, unary } from './internal/kernels/elementwise.js';
import { compile } from './internal/kernels/fused.js';
import { gather, scatterAdd } from './internal/kernels/indexing.js';
import { argReduce, reduce } from './internal/kernels/reduce.js';
import { threefry2x32 } from './internal/kernels/threefry.js';
import { GpuMemory } from './internal/memory.js';
import { SubmissionQueue } from './internal/submission-queue.js';

/**
 * Options of `createWebGpuBackend`.
 *
 * @example
 * const backend = createWebGpuBackend(device, { name: 'gpu', maxDispatchesPerSubmit: 128 });
 */
export interface WebGpuBackendOptions {
  /** Registry name; defaults to `'webgpu'`. */
  readonly name?: string;
  /** Dispatches recorded before the batch is submitted without waiting for a read (default 256). */
  readonly maxDispatchesPerSubmit?: number;
  /** Bytes of freed buffers kept for reuse before they are destroyed (default 512 MiB). */
  readonly maxPooledBytes?: number;
}

/**
 * Counters of a WebGPU backend, for tests and benchmarks.
 *
 * @example
 * backend.stats().submissions // batches submitted so far
 */
export interface WebGpuStats {
  /** Live buffers (allocated, not freed) and their bytes. */
  readonly buffers: number;
  readonly bytes: number;
  /** Batches submitted, dispatches recorded and pipelines compiled since creation. */
  readonly submissions: number;
  readonly dispatches: number;
  readonly pipelines: number;
  /** Bytes of freed buffers waiting in the pool for reuse. */
  readonly pooledBytes: number;
}

/**
 * A `Backend` on a WebGPU device, plus counters and a submission hook.
 *
 * @example
 * const backend = createWebGpuBackend(device);
 * backend.onSubmit = (dispatches) => console.log(`submitted ${dispatches} dispatches`);
 */
export interface WebGpuBackend extends Backend {
  /** The device the backend runs on. */
  readonly device: GPUDevice;
  /** Counters since creation. */
  stats(): WebGpuStats;
  /** Called after every submission with the number of dispatches it carried. */
  onSubmit: ((dispatches: number) => void) | undefined;
}

/**
 * Create a Tensile backend on a WebGPU `device`. dtypes: float32, int32, uint32, bool, and
 * float16 when the device was created with the `'shader-f16'` feature. The backend does not own
 * the device: `dispose()` releases the backend's buffers and caches, not the device.
 *
 * @example
 * import { registerBackend } from '@tensile/core';
 * import { createWebGpuBackend } from '@tensile/backend-webgpu';
 * const adapter = await navigator.gpu.requestAdapter();
 * const device = await adapter!.requestDevice({ requiredFeatures: ['shader-f16'] });
 * registerBackend(createWebGpuBackend(device));
 */
export function createWebGpuBackend(
  device: GPUDevice,
  options: WebGpuBackendOptions = {},
): WebGpuBackend {
  const pool = new BufferPool(device, options.maxPooledBytes ?? 512 * 1024 * 1024);
  const queue = new SubmissionQueue(device, pool, {
    maxDispatches: options.maxDispatchesPerSubmit ?? 256,
  });
  const memory = new GpuMemory(queue);
  const context: KernelContext = { queue, memory };
  const float16 = device.features.has('shader-f16');
  const backend: WebGpuBackend = {
    name: options.name ?? 'webgpu',
    device,
    capabilities: {
      dtypes: float16
        ? ['float32', 'float16', 'int32', 'uint32', 'bool']
        : ['float32', 'int32', 'uint32', 'bool'],
      syncRead: false,
      subgroups: device.features.has('subgroups'),
      maxBindings: device.limits.maxStorageBuffersPerShaderStage,
    },
    get onSubmit() {
      return queue.onSubmit;
    },
    set onSubmit(hook) {
      queue.onSubmit = hook;
    },

    alloc: (byteLength) => memory.alloc(byteLength),
    free: (buffer) => memory.free(buffer),
    write: (buffer, data, byteOffset) => memory.write(buffer, data, byteOffset),
    read: (buffer, byteOffset, byteLength) => memory.read(buffer, byteOffset, byteLength),
    flush: () => queue.submit(),
    sync: () => queue.idle(),
    dispose: () => {
      queue.submit();
      queue.destroy();
      memory.clear();
      pool.clear();
    },
    stats: () => ({ ...memory.stats(), ...queue.stats, pooledBytes: pool.pooledBytes }),

    fill: (out, value) => fill(context, out, value),
    copy: (x, out) => copy(context, x, out),
    unary: (op, x, out) => unary(context, op, x, out),
    binary: (op, a, b, out) => binary(context, op, a, b, out),
    select: (cond, onTrue, onFalse, out) => select(context, cond, onTrue, onFalse, out),
    cast: (x, out) => cast(context, x, out),
    reduce: (op, x, axes, out) => reduce(context, op, x, axes, out),
    argReduce: (op, x, axis, out) => argReduce(context, op, x, axis, out),
    dotGeneral: (a, b, dims, out) => dotGeneral(context, a, b, dims, out),
    iota: (axis, out) => iota(context, axis, out),
    gather: (x, indices, axis, out) => gather(context, x, indices, axis, out),
    scatterAdd: (operand, indices, updates, axis, out) =>
      scatterAdd(context, operand, indices, updates, axis, out),
    threefry2x32: (key0, key1, x0, x1, out0, out1) =>
      threefry2x32(context, key0, key1, x0, x1, out0, out1),
    compile: (graph) => compile(context, graph),
  };
  return backend;
}
