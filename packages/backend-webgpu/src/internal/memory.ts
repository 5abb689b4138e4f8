/**
 * Device memory behind `BufferId`s: allocation from the pool, frees deferred past the work
 * that still reads a buffer, host writes and async reads — each at any byte offset, although
 * WebGPU copies need 4-byte alignment.
 *
 * A write lands with `queue.writeBuffer`, which the GPU executes before any batch submitted
 * after it; so when the open batch already uses the buffer, the batch is submitted first to keep
 * program order. Writes that do not cover whole words go through a small merge kernel that
 * replaces just the written bytes of each word, recorded in the batch like any kernel.
 */
import type { BufferId, DType, OutputSpec, StridedView } from '@tensile/core';
import { WebGpuOutOfMemoryError } from '../errors.js';
import type { DeviceBuffer, SubmissionQueue } from './submission-queue.js';
import { launchMap, mapKernel } from './wgsl/map-kernel.js';

/** Bytes per element of each dtype, as the host stores them. */
export const ITEM_SIZE: { readonly [D in DType]: number } = {
  float32: 4,
  float16: 2,
  int32: 4,
  uint32: 4,
  bool: 1,
};

/**
 * The buffers a WebGPU backend owns.
 *
 * @example
 * const memory = new GpuMemory(queue);
 * const id = memory.alloc(16);
 * memory.write(id, new Uint8Array(16));
 * await memory.read(id, 0, 16);
 * memory.free(id);
 */
export class GpuMemory {
  readonly #queue: SubmissionQueue;
  readonly #buffers = new Map<BufferId, DeviceBuffer>();
  #nextId = 1;
  #bytes = 0;

  constructor(queue: SubmissionQueue) {
    this.#queue = queue;
  }

  /** A buffer of at least `byteLength` bytes (contents undefined). */
  alloc(byteLength: number): BufferId {
    if (!Number.isInteger(byteLength) || byteLength < 0) {
      throw new Error(`alloc: byteLength must be a non-negative integer, got ${byteLength}`);
    }
    this.#queue.check();
    const limits = this.#queue.device.limits;
    const limit = Math.min(limits.maxBufferSize, limits.maxStorageBufferBindingSize);
    if (byteLength > limit) {
      throw new WebGpuOutOfMemoryError(
        `alloc: ${byteLength} bytes exceed this device's largest storage buffer (${limit} bytes)`,
      );
    }
    const id = this.#nextId++;
    this.#buffers.set(id, this.#queue.acquire(byteLength));
    this.#bytes += byteLength;
    return id;
  }

  /** Release a buffer; it returns to the pool after the work already enqueued on it. */
  free(buffer: BufferId): void {
    const found = this.get('free', buffer);
    this.#buffers.delete(buffer);
    this.#bytes -= found.byteLength;
    this.#queue.release(found);
  }

  /** Copy `data` into the buffer at `byteOffset`, in program order with enqueued kernels. */
  write(buffer: BufferId, data: Uint8Array, byteOffset = 0): void {
    const target = this.get('write', buffer);
    if (byteOffset < 0 || byteOffset + data.byteLength > target.byteLength) {
      throw new Error(
        `write: ${data.byteLength} bytes at offset ${byteOffset} do not fit buffer ${buffer} of ${target.byteLength} bytes`,
      );
    }
    if (data.byteLength === 0) return;
    this.#queue.check();
    const end = byteOffset + data.byteLength;
    const wholeWords = byteOffset % 4 === 0 && (end % 4 === 0 || end === target.byteLength);
    if (wholeWords) {
      if (target.lastUse === this.#queue.currentBatch) this.#queue.submit();
      const padded = padToWords(data);
      this.#queue.device.queue.writeBuffer(
        target.gpu,
        byteOffset,
        padded.buffer,
        padded.byteOffset,
        padded.byteLength,
      );
      return;
    }
    this.#mergeBytes(target, data, byteOffset);
  }

  /** `byteLength` bytes at `byteOffset`, after all enqueued work. */
  async read(buffer: BufferId, byteOffset: number, byteLength: number): Promise<Uint8Array> {
    const source = this.get('read', buffer);
    if (byteOffset < 0 || byteLength < 0 || byteOffset + byteLength > source.byteLength) {
      throw new Error(
        `read: ${byteLength} bytes at offset ${byteOffset} exceed buffer ${buffer} of ${source.byteLength} bytes`,
      );
    }
    if (byteLength === 0) return new Uint8Array(0);
    return this.#queue.read(source, byteOffset, byteLength);
  }

  /** The device buffer of `id`, or an error naming `method`. */
  get(method: string, buffer: BufferId): DeviceBuffer {
    const found = this.#buffers.get(buffer);
    if (found === undefined) throw new Error(`${method}: unknown or freed buffer ${buffer}`);
    return found;
  }

  /** The device buffer of a view, checking that every element it reaches lies inside it. */
  view(method: string, view: StridedView): DeviceBuffer {
    const found = this.get(method, view.buffer);
    const { shape, strides, offset } = view;
    if (shape.length !== strides.length) {
      throw new Error(`${method}: view has shape [${shape}] but strides [${strides}]`);
    }
    if (shape.every((n) => n > 0)) {
      let low = offset;
      let high = offset;
      shape.forEach((n, d) => {
        const reach = (n - 1) * (strides[d] as number);
        if (reach < 0) low += reach;
        else high += reach;
      });
      const capacity = Math.floor(found.byteLength / ITEM_SIZE[view.dtype]);
      if (low < 0 || high >= capacity) {
        throw new Error(
          `${method}: view (shape [${shape}], strides [${strides}], offset ${offset}) reaches elements ` +
            `${low}..${high} of buffer ${view.buffer}, which holds ${capacity} ${view.dtype} elements`,
        );
      }
    }
    return found;
  }

  /** The device buffer of an output, checking that it is large enough. */
  output(method: string, out: OutputSpec): DeviceBuffer {
    const found = this.get(method, out.buffer);
    let size = 1;
    for (const n of out.shape) size *= n;
    if (size * ITEM_SIZE[out.dtype] > found.byteLength) {
      throw new Error(
        `${method}: output of shape [${out.shape}] ${out.dtype} does not fit buffer ${out.buffer} of ${found.byteLength} bytes`,
      );
    }
    return found;
  }

  /** Live buffers and their total bytes. */
  stats(): { buffers: number; bytes: number } {
    return { buffers: this.#buffers.size, bytes: this.#bytes };
  }

  /** Forget every buffer (the device is going away). */
  clear(): void {
    this.#buffers.clear();
    this.#bytes = 0;
  }

  /** Replace bytes `[byteOffset, byteOffset + data.length)` of `target` with a merge kernel. */
  #mergeBytes(target: DeviceBuffer, data: Uint8Array, byteOffset: number): void {
    const firstWord = Math.floor(byteOffset / 4);
    const words = Math.ceil((byteOffset + data.byteLength) / 4) - firstWord;
    const staged = new Uint8Array(words * 4);
    staged.set(data, byteOffset - firstWord * 4);
    const staging = this.#queue.acquire(staged.byteLength);
    this.#queue.device.queue.writeBuffer(staging.gpu, 0, staged);
    const kernel = mapKernel('write-bytes', () => ({
      inputs: ['uint32'],
      outputs: [],
      paramWords: 3,
      body: [
        'let word = p(4u) + e;',
        'let byte0 = e * 4u;',
        'var mask = 0u;',
        'for (var b = 0u; b < 4u; b++) {',
        '  let at = byte0 + b;',
        '  if (at >= p(5u) && at < p(6u)) { mask |= 0xffu << (b * 8u); }',
        '}',
        'patch_word(word, (ld0(i32(e)) & mask) | (read_word(word) & ~mask));',
      ].join('\n'),
      preamble: [
        '@group(0) @binding(2) var<storage, read_write> dst: array<u32>;',
        'fn read_word(i: u32) -> u32 { return dst[i]; }',
        'fn patch_word(i: u32, v: u32) { dst[i] = v; }',
      ].join('\n'),
    }));
    const start = byteOffset - firstWord * 4;
    launchMap(
      this.#queue,
      { ...kernel, outputs: 1 },
      words,
      [firstWord, start, start + data.byteLength],
      [staging],
      [target],
    );
    this.#queue.release(staging);
  }
}

/** `data` as a byte array whose length is a multiple of 4 (zero-padded copy when needed). */
function padToWords(data: Uint8Array): Uint8Array {
  if (data.byteLength % 4 === 0 && data.byteOffset % 4 === 0) return data;
  const padded = new Uint8Array(Math.ceil(data.byteLength / 4) * 4);
  padded.set(data);
  return padded;
}
