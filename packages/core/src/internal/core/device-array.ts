/**
 * `DeviceArray`: a concrete tensor — a strided view onto a reference-counted
 * device buffer. Zero-copy view changes (reshape, transpose, broadcast,
 * slice, flip) make new `DeviceArray`s over the same `Storage`.
 */
import { ShapedArray } from '../aval.js';
import type { Backend, OutputSpec, StridedView } from '../backend.js';
import { type DType, type HostArray, itemSize, viewHost } from '../dtype.js';
import { ConcretizationError, DisposedError } from '../errors.js';
import { finalizer, registerInScope, Storage, trackTensor } from '../memory.js';
import { contiguousStrides, sizeOf } from '../shape.js';
import { Tensor } from './tensor.js';

/** A tensor whose data lives in a backend buffer. */
export class DeviceArray extends Tensor {
  private disposed = false;
  readonly _trace = undefined;

  private constructor(
    readonly aval: ShapedArray,
    readonly storage: Storage,
    readonly strides: readonly number[],
    readonly offset: number,
  ) {
    super();
    trackTensor(storage.backend, 1);
    finalizer.register(this, { storage, backend: storage.backend, what: this.toString() }, this);
    registerInScope(this);
  }

  /** Wrap `storage` (taking over one reference) as a contiguous array. */
  static contiguous(storage: Storage, aval: ShapedArray): DeviceArray {
    return new DeviceArray(aval, storage, contiguousStrides(aval.shape), 0);
  }

  /** A new view over this array's storage (adds a reference). */
  static view(
    base: DeviceArray,
    aval: ShapedArray,
    strides: readonly number[],
    offset: number,
  ): DeviceArray {
    base.check('view');
    return new DeviceArray(aval, base.storage.retain(), strides, offset);
  }

  /** Allocate an uninitialised contiguous array on `backend`. */
  static empty(backend: Backend, aval: ShapedArray): DeviceArray {
    const bytes = Math.max(sizeOf(aval.shape) * itemSize(aval.dtype), 4);
    return DeviceArray.contiguous(Storage.alloc(backend, bytes), aval);
  }

  /** Upload host data as a new contiguous array. */
  static fromHost(backend: Backend, aval: ShapedArray, data: HostArray): DeviceArray {
    const out = DeviceArray.empty(backend, aval);
    if (data.byteLength > 0)
      backend.write(
        out.storage.buffer,
        new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      );
    return out;
  }

  get backend(): Backend {
    return this.storage.backend;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** True when the view is row-major contiguous from its offset. */
  get isContiguous(): boolean {
    const expected = contiguousStrides(this.aval.shape);
    return this.aval.shape.every((d, i) => d === 1 || this.strides[i] === expected[i]);
  }

  /** Throw a clear error if used after dispose. */
  check(op: string): void {
    if (this.disposed)
      throw new DisposedError(`${op}: tensor ${this.aval.toString()} was used after dispose()`);
  }

  /** The backend's view of this array. */
  get view(): StridedView {
    return {
      buffer: this.storage.buffer,
      dtype: this.aval.dtype,
      shape: this.aval.shape,
      strides: this.strides,
      offset: this.offset,
    };
  }

  /** The output spec of this (freshly allocated, contiguous) array. */
  get output(): OutputSpec {
    return { buffer: this.storage.buffer, dtype: this.aval.dtype, shape: this.aval.shape };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    finalizer.unregister(this);
    trackTensor(this.storage.backend, -1);
    this.storage.release();
  }

  /** A contiguous array with the same contents (this one, retained, when already contiguous from 0). */
  materialize(): DeviceArray {
    this.check('materialize');
    if (this.isContiguous && this.offset === 0)
      return DeviceArray.view(this, this.aval, this.strides, 0);
    const out = DeviceArray.empty(this.backend, this.aval);
    this.backend.copy(this.view, out.output);
    return out;
  }

  private byteRange(): { array: DeviceArray; offset: number; length: number } {
    const dense = this.isContiguous ? this : this.materialize();
    const size = itemSize(this.aval.dtype);
    return { array: dense, offset: dense.offset * size, length: this.aval.size * size };
  }

  async data(): Promise<HostArray> {
    this.check('data');
    const { array, offset, length } = this.byteRange();
    try {
      const bytes = await this.backend.read(array.storage.buffer, offset, length);
      return viewHost(this.aval.dtype, bytes);
    } finally {
      if (array !== this) array.dispose();
    }
  }

  dataSync(): HostArray {
    this.check('dataSync');
    const readSync = this.backend.readSync;
    if (!readSync) {
      throw new ConcretizationError(
        `dataSync: backend '${this.backend.name}' cannot read synchronously; use await tensor.data()`,
      );
    }
    const { array, offset, length } = this.byteRange();
    try {
      return viewHost(
        this.aval.dtype,
        readSync.call(this.backend, array.storage.buffer, offset, length).slice(),
      );
    } finally {
      if (array !== this) array.dispose();
    }
  }
}

/** The abstract value of a concrete array with the given fields. */
export function avalOf(shape: readonly number[], dtype: DType, weakType = false): ShapedArray {
  return new ShapedArray(shape, dtype, weakType);
}
