/**
 * Host memory for the CPU backend: every buffer is a block of one `WebAssembly.Memory`.
 *
 * One linear memory holds all tensors, so the Wasm kernels address them with byte offsets and
 * the backend's worker threads share it (it is created `shared` whenever `SharedArrayBuffer` is
 * usable: always in Node, in browsers only when the page is cross-origin isolated). Only the
 * thread that created it allocates; workers only run kernels on addresses it hands them.
 * `Allocator` hands out the blocks; a `BufferId` maps to its block's byte offset and requested
 * length.
 *
 * Besides alloc/free/read/write this turns the core's `StridedView`/`OutputSpec` handles into
 * the typed-array `ArrayView`/`ArrayOut` operands the TypedArray kernels take — arrays over just
 * the buffer's bytes, so those kernels are unchanged — checking that every element a view can
 * reach lies inside its buffer (a bad view from the core fails loudly here instead of reading
 * a neighbour). Growing the memory replaces its `ArrayBuffer` (and detaches the old one when not
 * shared), so the whole-memory views are re-created whenever the buffer changed: callers take
 * `ArrayView`s only after anything that may grow the memory. Live buffers and bytes are counted
 * for leak checks; scratch blocks of the kernels are not.
 */
import type { BufferId, DType, OutputSpec, StridedView } from '@tensile/core';
import { Allocator } from './allocator.js';
import { type ArrayOut, type ArrayView, type NumericArray, sizeOf } from './strided.js';
import { requireWebAssembly, type WasmMemory } from './wasm/webassembly.js';

/** One buffer: its block's byte offset and the byte length the core asked for. */
interface Block {
  readonly offset: number;
  readonly byteLength: number;
}

/**
 * Whether a `WebAssembly.Memory` may be created `shared` here (threads can then share it).
 *
 * @example
 * canShareMemory() // true in Node; in a browser, only when crossOriginIsolated
 */
export function canShareMemory(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  return isolated !== false;
}

/** The 4 GiB limit of a 32-bit Wasm memory, in 64 KiB pages (a shared memory must declare one). */
const MAX_PAGES = 65536;

/**
 * The buffers a CPU backend owns, all inside one `WebAssembly.Memory`, with live counts for leak
 * checks.
 *
 * @example
 * const memory = new CpuMemory();
 * const id = memory.alloc(8);
 * memory.write(id, new Uint8Array([1, 2]), 4);
 * memory.readSync(id, 4, 2); // Uint8Array [1, 2]
 * memory.free(id);
 * memory.stats(); // { buffers: 0, bytes: 0 }
 */
export class CpuMemory {
  /** The linear memory every buffer lives in. */
  readonly memory: WasmMemory;
  /** True when `memory` is shared (backed by a `SharedArrayBuffer`). */
  readonly shared: boolean;
  readonly #allocator: Allocator;
  readonly #buffers = new Map<BufferId, Block>();
  #nextId = 1;
  #bytes = 0;
  #viewsOf: ArrayBufferLike | undefined;
  #u8: Uint8Array = new Uint8Array(0);
  #f32: Float32Array = new Float32Array(0);
  #i32: Int32Array = new Int32Array(0);

  /** `shared` defaults to whatever `canShareMemory()` allows. */
  constructor(options: { shared?: boolean } = {}) {
    this.shared = options.shared ?? canShareMemory();
    const api = requireWebAssembly();
    this.memory = new api.Memory(
      this.shared ? { initial: 1, maximum: MAX_PAGES, shared: true } : { initial: 1 },
    );
    this.#allocator = new Allocator(this.memory);
  }

  /** A fresh buffer of `byteLength` bytes (zeroed when new, unspecified when reused). */
  alloc(byteLength: number): BufferId {
    if (!Number.isInteger(byteLength) || byteLength < 0) {
      throw new Error(`alloc: byteLength must be a non-negative integer, got ${byteLength}`);
    }
    const id = this.#nextId++;
    this.#buffers.set(id, { offset: this.#allocator.alloc(byteLength), byteLength });
    this.#bytes += byteLength;
    return id;
  }

  /** Release a buffer (the CPU backend has no work in flight that could still read it). */
  free(buffer: BufferId): void {
    const block = this.#get('free', buffer);
    this.#allocator.free(block.offset, block.byteLength);
    this.#bytes -= block.byteLength;
    this.#buffers.delete(buffer);
  }

  /** Copy `data` into the buffer starting at `byteOffset`. */
  write(buffer: BufferId, data: Uint8Array, byteOffset = 0): void {
    const block = this.#get('write', buffer);
    if (byteOffset < 0 || byteOffset + data.byteLength > block.byteLength) {
      throw new Error(
        `write: ${data.byteLength} bytes at offset ${byteOffset} do not fit buffer ${buffer} of ${block.byteLength} bytes`,
      );
    }
    this.bytes().set(data, block.offset + byteOffset);
  }

  /** A copy of `byteLength` bytes from `byteOffset`. */
  readSync(buffer: BufferId, byteOffset: number, byteLength: number): Uint8Array {
    const block = this.#get('read', buffer);
    if (byteOffset < 0 || byteLength < 0 || byteOffset + byteLength > block.byteLength) {
      throw new Error(
        `read: ${byteLength} bytes at offset ${byteOffset} exceed buffer ${buffer} of ${block.byteLength} bytes`,
      );
    }
    const start = block.offset + byteOffset;
    return this.bytes().slice(start, start + byteLength);
  }

  /** Resolve a strided view for a kernel, checking its dtype and that it stays inside its buffer. */
  view(method: string, view: StridedView): ArrayView {
    const data = this.#typedArray(method, view.dtype, this.#get(method, view.buffer));
    const { shape, strides, offset } = view;
    if (shape.length !== strides.length) {
      throw new Error(`${method}: view has shape [${shape}] but strides [${strides}]`);
    }
    if (sizeOf(shape) > 0) {
      let low = offset;
      let high = offset;
      shape.forEach((n, d) => {
        const reach = (n - 1) * strides[d];
        if (reach < 0) low += reach;
        else high += reach;
      });
      if (low < 0 || high >= data.length) {
        throw new Error(
          `${method}: view (shape [${shape}], strides [${strides}], offset ${offset}) reaches elements ` +
            `${low}..${high} of buffer ${view.buffer}, which holds ${data.length} ${view.dtype} elements`,
        );
      }
    }
    return { data, dtype: view.dtype, shape, strides, offset };
  }

  /** Resolve an output for a kernel, checking its dtype and that the buffer is large enough. */
  output(method: string, out: OutputSpec): ArrayOut {
    const data = this.#typedArray(method, out.dtype, this.#get(method, out.buffer));
    if (sizeOf(out.shape) > data.length) {
      throw new Error(
        `${method}: output of shape [${out.shape}] does not fit buffer ${out.buffer}, which holds ${data.length} ${out.dtype} elements`,
      );
    }
    return { data, dtype: out.dtype, shape: out.shape };
  }

  /** A scratch block of at least `byteLength` bytes for a kernel (not counted by `stats`). */
  allocScratch(byteLength: number): number {
    return this.#allocator.alloc(byteLength);
  }

  /** Return a block from `allocScratch(byteLength)`. */
  freeScratch(offset: number, byteLength: number): void {
    this.#allocator.free(offset, byteLength);
  }

  /** The whole memory as bytes (re-created after the memory grew). */
  bytes(): Uint8Array {
    this.#refresh();
    return this.#u8;
  }

  /** The whole memory as float32 (element `i` is at byte `4i`). */
  f32(): Float32Array {
    this.#refresh();
    return this.#f32;
  }

  /** The whole memory as int32 (element `i` is at byte `4i`). */
  i32(): Int32Array {
    this.#refresh();
    return this.#i32;
  }

  /** Live buffers and their total bytes. */
  stats(): { buffers: number; bytes: number } {
    return { buffers: this.#buffers.size, bytes: this.#bytes };
  }

  /** Drop every buffer (the memory keeps its size and is reused from the bottom). */
  clear(): void {
    this.#buffers.clear();
    this.#allocator.reset();
    this.#bytes = 0;
  }

  #refresh(): void {
    const buffer = this.memory.buffer;
    if (buffer === this.#viewsOf) return;
    this.#viewsOf = buffer;
    this.#u8 = new Uint8Array(buffer);
    this.#f32 = new Float32Array(buffer);
    this.#i32 = new Int32Array(buffer);
  }

  #get(method: string, buffer: BufferId): Block {
    const found = this.#buffers.get(buffer);
    if (found === undefined) throw new Error(`${method}: unknown or freed buffer ${buffer}`);
    return found;
  }

  /** The typed array of `dtype` over one block's bytes (a trailing partial element is ignored). */
  #typedArray(method: string, dtype: DType, block: Block): NumericArray {
    const buffer = this.memory.buffer;
    const { offset, byteLength } = block;
    switch (dtype) {
      case 'float32':
        return new Float32Array(buffer, offset, Math.floor(byteLength / 4));
      case 'int32':
        return new Int32Array(buffer, offset, Math.floor(byteLength / 4));
      case 'uint32':
        return new Uint32Array(buffer, offset, Math.floor(byteLength / 4));
      case 'bool':
        return new Uint8Array(buffer, offset, byteLength);
      default:
        throw new Error(`${method}: the cpu backend does not support dtype ${dtype}`);
    }
  }
}
