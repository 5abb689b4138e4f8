/**
 * The submission queue: records kernel dispatches into one command encoder and one compute pass,
 * and submits them as a batch — at a read, at `flush()`/`sync()`, or every `maxDispatches`.
 *
 * It also owns what must live exactly as long as the GPU work that uses it:
 * - **parameters**: each dispatch's shapes/strides/offsets go into a slot of a uniform *arena*
 *   (one buffer per batch, bound with a dynamic offset), so a dispatch creates no buffer;
 * - **buffer lifetimes**: every `DeviceBuffer` remembers the last batch that used it, and
 *   `release` hands it back to the pool only once that batch has completed on the GPU;
 * - **pipelines and bind groups**: cached by kernel source and by the buffers bound;
 * - **errors**: each batch runs inside out-of-memory/validation/internal error scopes, and the
 *   first error (or a lost device) is kept and thrown by `check()` — reads never hang on a
 *   failed submission.
 */
import { WebGpuDeviceLostError, WebGpuKernelError, WebGpuOutOfMemoryError } from '../errors.js';
import type { BufferPool } from './buffer-pool.js';

/** A GPU buffer plus the bookkeeping the queue needs. */
export interface DeviceBuffer {
  readonly gpu: GPUBuffer;
  /** Bytes the owner asked for (the GPU buffer may be larger). */
  readonly byteLength: number;
  /** Index of the last batch that uses this buffer (0 when none). */
  lastUse: number;
  /** Unique id, for bind-group cache keys. */
  readonly uid: number;
}

/**
 * A compute kernel: WGSL with one entry point `main`, bindings `@binding(0)` a uniform parameter
 * block, then `inputs` read-only storage buffers, then `outputs` read-write storage buffers.
 */
export interface Kernel {
  readonly code: string;
  readonly inputs: number;
  readonly outputs: number;
  /** Size of the parameter block in 32-bit words (a multiple of 4). */
  readonly paramWords: number;
}

/** Bytes of one uniform arena: parameters of at most this many bytes' worth of dispatches per batch. */
const ARENA_BYTES = 65536;
const UNIFORM_USAGE = 0x40 /* UNIFORM */ | 0x08; /* COPY_DST */
const STAGING_USAGE = 0x01 /* MAP_READ */ | 0x08; /* COPY_DST */
/** Bind groups kept before the cache is cleared (entries for destroyed buffers are never hit). */
const MAX_BIND_GROUPS = 4096;

interface CompiledKernel {
  readonly pipeline: GPUComputePipeline;
  readonly layout: GPUBindGroupLayout;
}

/** Counters for tests and benchmarks. */
export interface QueueStats {
  submissions: number;
  dispatches: number;
  pipelines: number;
}

/**
 * Batches GPU work and tracks the lifetime of everything it touches.
 *
 * @example
 * const queue = new SubmissionQueue(device, pool, { maxDispatches: 256 });
 * queue.dispatch(kernel, params, [input], [output], [groups, 1, 1]);
 * const bytes = await queue.read(output, 0, 16);
 */
export class SubmissionQueue {
  readonly device: GPUDevice;
  readonly #pool: BufferPool;
  readonly #maxDispatches: number;
  readonly #slotAlignment: number;
  readonly stats: QueueStats = { submissions: 0, dispatches: 0, pipelines: 0 };
  /** Called after each submission (a recording hook for tests). */
  onSubmit: ((dispatches: number) => void) | undefined;

  #encoder: GPUCommandEncoder | null = null;
  #pass: GPUComputePassEncoder | null = null;
  #dispatchesInBatch = 0;
  #submitted = 0;
  #completed = 0;
  /** Actions to run when the submission with that index completes. */
  readonly #waiting = new Map<number, Array<() => void>>();
  #arena: DeviceBuffer | null = null;
  readonly #arenaHost = new Uint32Array(ARENA_BYTES / 4);
  #arenaUsed = 0;
  readonly #freeArenas: GPUBuffer[] = [];
  readonly #freeStaging = new Map<number, GPUBuffer[]>();
  readonly #kernels = new Map<string, CompiledKernel>();
  readonly #layouts = new Map<string, GPUBindGroupLayout>();
  readonly #bindGroups = new Map<string, GPUBindGroup>();
  #lastErrorCheck: Promise<void> = Promise.resolve();
  #failure: Error | null = null;
  /** Rejecters of GPU waits in progress, called if the device is lost meanwhile. */
  readonly #waiters = new Set<(error: Error) => void>();
  #nextUid = 1;

  constructor(device: GPUDevice, pool: BufferPool, options: { maxDispatches: number }) {
    this.device = device;
    this.#pool = pool;
    this.#maxDispatches = options.maxDispatches;
    this.#slotAlignment = device.limits.minUniformBufferOffsetAlignment;
    device.lost.then((info) => {
      this.fail(new WebGpuDeviceLostError(info.reason, info.message));
    });
    device.addEventListener('uncapturederror', (event) => {
      this.fail(toTypedError((event as GPUUncapturedErrorEvent).error));
    });
  }

  /** The index the open (not yet submitted) batch will get. */
  get currentBatch(): number {
    return this.#submitted + 1;
  }

  /** Wrap a fresh pooled buffer. */
  acquire(byteLength: number): DeviceBuffer {
    return { gpu: this.#pool.acquire(byteLength), byteLength, lastUse: 0, uid: this.#nextUid++ };
  }

  /** Return a buffer to the pool once every batch that used it has completed. */
  release(buffer: DeviceBuffer): void {
    this.afterUse(buffer.lastUse, () => this.#pool.release(buffer.gpu));
  }

  /** Run `action` once batch `index` has completed (now if it has). */
  afterUse(index: number, action: () => void): void {
    if (index <= this.#completed) {
      action();
      return;
    }
    const list = this.#waiting.get(index);
    if (list === undefined) this.#waiting.set(index, [action]);
    else list.push(action);
  }

  /** Record the first asynchronous failure; later calls throw it. */
  fail(error: Error): void {
    if (this.#failure === null || error instanceof WebGpuDeviceLostError) this.#failure = error;
    if (error instanceof WebGpuDeviceLostError) {
      for (const reject of this.#waiters) reject(error);
      this.#waiters.clear();
    }
  }

  /**
   * Throw the recorded failure, if any. A lost device stays lost; any other error (a kernel the
   * driver rejected, memory exhausted) is reported once.
   */
  check(): void {
    const failure = this.#failure;
    if (failure === null) return;
    if (!(failure instanceof WebGpuDeviceLostError)) this.#failure = null;
    throw failure;
  }

  /**
   * Record one dispatch of `kernel` with its parameter block, bound buffers and workgroup counts.
   */
  dispatch(
    kernel: Kernel,
    params: Uint32Array,
    inputs: readonly DeviceBuffer[],
    outputs: readonly DeviceBuffer[],
    workgroups: readonly [number, number, number],
  ): void {
    this.check();
    if (workgroups[0] === 0 || workgroups[1] === 0 || workgroups[2] === 0) return;
    const paramBytes = kernel.paramWords * 4;
    const slotBytes = Math.ceil(paramBytes / this.#slotAlignment) * this.#slotAlignment;
    if (this.#dispatchesInBatch >= this.#maxDispatches || this.#arenaUsed + slotBytes > ARENA_BYTES)
      this.submit();
    const pass = this.#openPass();
    const compiled = this.#compile(kernel);
    const arena = this.#arena as DeviceBuffer;
    const offset = this.#arenaUsed;
    this.#arenaHost.set(params.subarray(0, kernel.paramWords), offset / 4);
    this.#arenaUsed += slotBytes;
    const batch = this.currentBatch;
    for (const b of inputs) b.lastUse = batch;
    for (const b of outputs) b.lastUse = batch;
    pass.setPipeline(compiled.pipeline);
    pass.setBindGroup(0, this.#bindGroup(kernel, compiled.layout, arena, inputs, outputs), [
      offset,
    ]);
    pass.dispatchWorkgroups(workgroups[0], workgroups[1], workgroups[2]);
    this.#dispatchesInBatch++;
    this.stats.dispatches++;
  }

  /** Record a buffer-to-buffer copy (ends the current compute pass). */
  copy(
    source: GPUBuffer,
    sourceOffset: number,
    target: GPUBuffer,
    targetOffset: number,
    size: number,
  ): void {
    this.check();
    const encoder = this.#openEncoder();
    this.#endPass();
    encoder.copyBufferToBuffer(source, sourceOffset, target, targetOffset, size);
  }

  /** Submit the open batch (no-op when nothing is recorded). */
  submit(): void {
    const encoder = this.#encoder;
    if (encoder === null) return;
    this.#endPass();
    const arena = this.#arena as DeviceBuffer;
    if (this.#arenaUsed > 0)
      this.device.queue.writeBuffer(arena.gpu, 0, this.#arenaHost.buffer, 0, this.#arenaUsed);
    this.device.queue.submit([encoder.finish()]);
    const errors = Promise.all([
      this.device.popErrorScope(),
      this.device.popErrorScope(),
      this.device.popErrorScope(),
    ]).then(
      (found) => {
        const error = found.find((e) => e !== null);
        if (error) this.fail(toTypedError(error));
      },
      (error: unknown) => this.fail(error instanceof Error ? error : new Error(String(error))),
    );
    this.#lastErrorCheck = errors;
    const index = ++this.#submitted;
    this.stats.submissions++;
    this.onSubmit?.(this.#dispatchesInBatch);
    this.#encoder = null;
    this.#dispatchesInBatch = 0;
    this.#arena = null;
    this.#arenaUsed = 0;
    this.afterUse(index, () => this.#freeArenas.push(arena.gpu));
    this.device.queue.onSubmittedWorkDone().then(
      () => this.#complete(index),
      () => {},
    );
  }

  /** Resolve when everything submitted so far has completed; throws recorded failures. */
  async idle(): Promise<void> {
    this.submit();
    this.check();
    await this.#unlessLost(this.device.queue.onSubmittedWorkDone());
    await this.#lastErrorCheck;
    this.check();
  }

  /**
   * Read `byteLength` bytes at `byteOffset` of `buffer` after all recorded work: copies the
   * 4-byte-aligned range around them into a mappable staging buffer in the open batch, submits,
   * and maps it.
   */
  async read(buffer: DeviceBuffer, byteOffset: number, byteLength: number): Promise<Uint8Array> {
    this.check();
    const start = byteOffset - (byteOffset % 4);
    const size = Math.ceil((byteOffset + byteLength - start) / 4) * 4;
    const staging = this.#acquireStaging(size);
    this.copy(buffer.gpu, start, staging, 0, size);
    buffer.lastUse = this.currentBatch;
    this.submit();
    const errorCheck = this.#lastErrorCheck;
    try {
      await this.#unlessLost(staging.mapAsync(1 /* GPUMapMode.READ */, 0, size));
      await errorCheck;
      this.check();
      const from = byteOffset - start;
      return new Uint8Array(staging.getMappedRange(0, size).slice(from, from + byteLength));
    } catch (error) {
      this.check();
      throw error;
    } finally {
      if (staging.mapState === 'mapped') staging.unmap();
      if (staging.mapState === 'unmapped') this.#releaseStaging(staging);
    }
  }

  /** Destroy every cached object; the queue is unusable afterwards. */
  destroy(): void {
    this.#encoder = null;
    this.#pass = null;
    for (const arena of this.#freeArenas) arena.destroy();
    for (const list of this.#freeStaging.values()) for (const b of list) b.destroy();
    this.#freeArenas.length = 0;
    this.#freeStaging.clear();
    this.#bindGroups.clear();
    this.#kernels.clear();
  }

  #openEncoder(): GPUCommandEncoder {
    if (this.#encoder !== null) return this.#encoder;
    this.device.pushErrorScope('internal');
    this.device.pushErrorScope('validation');
    this.device.pushErrorScope('out-of-memory');
    this.#encoder = this.device.createCommandEncoder();
    const gpu =
      this.#freeArenas.pop() ??
      this.device.createBuffer({ size: ARENA_BYTES, usage: UNIFORM_USAGE });
    this.#arena = { gpu, byteLength: ARENA_BYTES, lastUse: 0, uid: this.#nextUid++ };
    return this.#encoder;
  }

  #openPass(): GPUComputePassEncoder {
    const encoder = this.#openEncoder();
    if (this.#pass === null) this.#pass = encoder.beginComputePass();
    return this.#pass;
  }

  #endPass(): void {
    if (this.#pass !== null) {
      this.#pass.end();
      this.#pass = null;
    }
  }

  #complete(index: number): void {
    for (let i = this.#completed + 1; i <= index; i++) {
      const actions = this.#waiting.get(i);
      if (actions === undefined) continue;
      this.#waiting.delete(i);
      for (const action of actions) action();
    }
    this.#completed = Math.max(this.#completed, index);
  }

  #compile(kernel: Kernel): CompiledKernel {
    const cached = this.#kernels.get(kernel.code);
    if (cached !== undefined) return cached;
    const layout = this.#layout(kernel);
    const module = this.device.createShaderModule({ code: kernel.code });
    const pipeline = this.device.createComputePipeline({
      layout: this.device.createPipelineLayout({ bindGroupLayouts: [layout] }),
      compute: { module, entryPoint: 'main' },
    });
    const compiled = { pipeline, layout };
    this.#kernels.set(kernel.code, compiled);
    this.stats.pipelines++;
    return compiled;
  }

  #layout(kernel: Kernel): GPUBindGroupLayout {
    const key = `${kernel.inputs}/${kernel.outputs}/${kernel.paramWords}`;
    const cached = this.#layouts.get(key);
    if (cached !== undefined) return cached;
    const COMPUTE = 0x4; // GPUShaderStage.COMPUTE
    const entries: GPUBindGroupLayoutEntry[] = [
      {
        binding: 0,
        visibility: COMPUTE,
        buffer: { type: 'uniform', hasDynamicOffset: true, minBindingSize: kernel.paramWords * 4 },
      },
    ];
    for (let i = 0; i < kernel.inputs + kernel.outputs; i++) {
      entries.push({
        binding: i + 1,
        visibility: COMPUTE,
        buffer: { type: i < kernel.inputs ? 'read-only-storage' : 'storage' },
      });
    }
    const layout = this.device.createBindGroupLayout({ entries });
    this.#layouts.set(key, layout);
    return layout;
  }

  #bindGroup(
    kernel: Kernel,
    layout: GPUBindGroupLayout,
    arena: DeviceBuffer,
    inputs: readonly DeviceBuffer[],
    outputs: readonly DeviceBuffer[],
  ): GPUBindGroup {
    let key = `${kernel.inputs}/${kernel.outputs}/${kernel.paramWords}:${arena.uid}`;
    for (const b of inputs) key += `,${b.uid}`;
    for (const b of outputs) key += `,${b.uid}`;
    const cached = this.#bindGroups.get(key);
    if (cached !== undefined) return cached;
    const entries: GPUBindGroupEntry[] = [
      { binding: 0, resource: { buffer: arena.gpu, size: kernel.paramWords * 4 } },
    ];
    [...inputs, ...outputs].forEach((b, i) => {
      entries.push({ binding: i + 1, resource: { buffer: b.gpu } });
    });
    if (this.#bindGroups.size >= MAX_BIND_GROUPS) this.#bindGroups.clear();
    const group = this.device.createBindGroup({ layout, entries });
    this.#bindGroups.set(key, group);
    return group;
  }

  #acquireStaging(size: number): GPUBuffer {
    const bucket = Math.max(16, 2 ** Math.ceil(Math.log2(size)));
    return (
      this.#freeStaging.get(bucket)?.pop() ??
      this.device.createBuffer({ size: bucket, usage: STAGING_USAGE })
    );
  }

  #releaseStaging(buffer: GPUBuffer): void {
    const list = this.#freeStaging.get(buffer.size);
    if (list === undefined) this.#freeStaging.set(buffer.size, [buffer]);
    else if (list.length < 4) list.push(buffer);
    else buffer.destroy();
  }

  /** `work`, or a rejection as soon as the device is lost (so awaits on the GPU never hang). */
  #unlessLost<T>(work: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#waiters.add(reject);
      work.then(
        (value) => {
          this.#waiters.delete(reject);
          resolve(value);
        },
        (error: unknown) => {
          this.#waiters.delete(reject);
          reject(error);
        },
      );
    });
  }
}

/** The typed error for a `GPUError` the device reported. */
function toTypedError(error: GPUError): Error {
  const kind = error.constructor?.name ?? '';
  if (kind === 'GPUOutOfMemoryError' || /out of memory/i.test(error.message))
    return new WebGpuOutOfMemoryError(`webgpu: out of GPU memory: ${error.message}`);
  return new WebGpuKernelError(`webgpu: the device reported an error: ${error.message}`);
}
