/**
 * Host memory for the CPU backend: every `BufferId` names one `ArrayBuffer`.
 *
 * Besides alloc/free/read/write it turns the core's `StridedView`/`OutputSpec` handles into the
 * typed-array `ArrayView`/`ArrayOut` operands the kernels take, checking that every element a
 * view can reach lies inside its buffer (a bad view from the core fails loudly here instead of
 * reading `undefined` as NaN). Live buffers and bytes are counted for leak checks.
 */
import type { BufferId, DType, OutputSpec, StridedView } from '@tensile/core';
import { type ArrayOut, type ArrayView, type NumericArray, sizeOf } from './strided.js';

/**
 * The buffers a CPU backend owns, with live counts for leak checks.
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
  readonly #buffers = new Map<BufferId, ArrayBuffer>();
  #nextId = 1;
  #bytes = 0;

  /** A fresh zeroed buffer of `byteLength` bytes. */
  alloc(byteLength: number): BufferId {
    if (!Number.isInteger(byteLength) || byteLength < 0) {
      throw new Error(`alloc: byteLength must be a non-negative integer, got ${byteLength}`);
    }
    const id = this.#nextId++;
    this.#buffers.set(id, new ArrayBuffer(byteLength));
    this.#bytes += byteLength;
    return id;
  }

  /** Forget a buffer (the CPU backend has no work in flight that could still read it). */
  free(buffer: BufferId): void {
    this.#bytes -= this.#get('free', buffer).byteLength;
    this.#buffers.delete(buffer);
  }

  /** Copy `data` into the buffer starting at `byteOffset`. */
  write(buffer: BufferId, data: Uint8Array, byteOffset = 0): void {
    const target = this.#get('write', buffer);
    if (byteOffset < 0 || byteOffset + data.byteLength > target.byteLength) {
      throw new Error(
        `write: ${data.byteLength} bytes at offset ${byteOffset} do not fit buffer ${buffer} of ${target.byteLength} bytes`,
      );
    }
    new Uint8Array(target, byteOffset, data.byteLength).set(data);
  }

  /** A copy of `byteLength` bytes from `byteOffset`. */
  readSync(buffer: BufferId, byteOffset: number, byteLength: number): Uint8Array {
    const source = this.#get('read', buffer);
    if (byteOffset < 0 || byteLength < 0 || byteOffset + byteLength > source.byteLength) {
      throw new Error(
        `read: ${byteLength} bytes at offset ${byteOffset} exceed buffer ${buffer} of ${source.byteLength} bytes`,
      );
    }
    return new Uint8Array(source.slice(byteOffset, byteOffset + byteLength));
  }

  /** Resolve a strided view for a kernel, checking its dtype and that it stays inside its buffer. */
  view(method: string, view: StridedView): ArrayView {
    const data = typedArray(method, view.dtype, this.#get(method, view.buffer));
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
    const data = typedArray(method, out.dtype, this.#get(method, out.buffer));
    if (sizeOf(out.shape) > data.length) {
      throw new Error(
        `${method}: output of shape [${out.shape}] does not fit buffer ${out.buffer}, which holds ${data.length} ${out.dtype} elements`,
      );
    }
    return { data, dtype: out.dtype, shape: out.shape };
  }

  /** Live buffers and their total bytes. */
  stats(): { buffers: number; bytes: number } {
    return { buffers: this.#buffers.size, bytes: this.#bytes };
  }

  /** Drop every buffer. */
  clear(): void {
    this.#buffers.clear();
    this.#bytes = 0;
  }

  #get(method: string, buffer: BufferId): ArrayBuffer {
    const found = this.#buffers.get(buffer);
    if (found === undefined) throw new Error(`${method}: unknown or freed buffer ${buffer}`);
    return found;
  }
}

/** The typed array of `dtype` over a whole buffer (a trailing partial element is ignored). */
function typedArray(method: string, dtype: DType, buffer: ArrayBuffer): NumericArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(buffer, 0, Math.floor(buffer.byteLength / 4));
    case 'int32':
      return new Int32Array(buffer, 0, Math.floor(buffer.byteLength / 4));
    case 'uint32':
      return new Uint32Array(buffer, 0, Math.floor(buffer.byteLength / 4));
    case 'bool':
      return new Uint8Array(buffer);
    default:
      throw new Error(`${method}: the cpu backend does not support dtype ${dtype}`);
  }
}
