/**
 * Talking to a backend directly, below the core: upload host tensors into buffers under
 * several memory layouts, describe outputs, read results back, and free every buffer a test
 * allocated when it ends.
 *
 * Layouts let every kernel test run on non-contiguous inputs: the same logical tensor can be
 * stored transposed (permuted strides), reversed (negative strides with an offset) or sliced
 * (every other element of a larger buffer, starting at an offset). Gaps in the buffer hold a
 * sentinel value, so a kernel that reads outside its view produces visibly wrong results.
 */
import type { Backend, BufferId, DType, OutputSpec, StridedView } from '@tensile/core';
import {
  decode,
  encode,
  type HostTensor,
  ITEM_SIZE,
  roundTo,
  rowMajorStrides,
  sizeOf,
} from './host-data.js';

/**
 * How a logical tensor is laid out in its buffer:
 * - `contiguous`: row-major from element 0;
 * - `transposed`: stored with its axes reversed (strides increase left to right);
 * - `reversed`: stored back to front along every axis (negative strides, offset at the end);
 * - `sliced`: element `i` of each axis at `1 + 2i` of a buffer twice as large (steps and offset).
 */
export type Layout = 'contiguous' | 'transposed' | 'reversed' | 'sliced';

/**
 * Every layout, for tests that loop over them.
 *
 * @example
 * for (const layout of LAYOUTS) backend.copy(device.upload(x, layout), out);
 */
export const LAYOUTS: readonly Layout[] = ['contiguous', 'transposed', 'reversed', 'sliced'];

/** Value written into the gaps of a sliced layout. */
const SENTINEL = 99;

/** The buffer arrangement of a layout: memory dims in order, and per logical dim its placement. */
function arrangement(layout: Layout, shape: readonly number[]) {
  const rank = shape.length;
  const order = Array.from({ length: rank }, (_, d) =>
    layout === 'transposed' ? rank - 1 - d : d,
  );
  const step = layout === 'sliced' ? 2 : 1;
  const start = layout === 'sliced' ? 1 : 0;
  const memoryShape = order.map((d) => (shape[d] as number) * step + start);
  const memoryStrides = rowMajorStrides(memoryShape);
  const flip = layout === 'reversed';
  const strides = shape.map((_, d) => {
    const stride = (memoryStrides[order.indexOf(d)] as number) * step;
    return flip ? -stride : stride;
  });
  const offset = shape.reduce((sum, n, d) => {
    const k = order.indexOf(d);
    const first = flip ? n - 1 : 0;
    return sum + (memoryStrides[k] as number) * (start + first * step);
  }, 0);
  return { memoryShape, strides, offset };
}

/**
 * The buffers of one test on one backend. Create with `withDevice`, which frees them all.
 *
 * @example
 * await withDevice(backend, async (device) => {
 *   const x = device.upload(hostTensor('float32', [2, 2], [1, 2, 3, 4]), 'transposed');
 *   const out = device.output('float32', [2, 2]);
 *   backend.copy(x, out);
 *   await device.read(out); // [1, 2, 3, 4]
 * });
 */
export class DeviceHarness {
  readonly backend: Backend;
  readonly #buffers = new Set<BufferId>();

  constructor(backend: Backend) {
    this.backend = backend;
  }

  /** A fresh buffer for `elements` items of `dtype` (at least 4 bytes, as the core allocates). */
  alloc(dtype: DType, elements: number): BufferId {
    const buffer = this.backend.alloc(Math.max(elements * ITEM_SIZE[dtype], 4));
    this.#buffers.add(buffer);
    return buffer;
  }

  /** Upload `tensor` in `layout` and return the view that reads it back as `tensor`. */
  upload(tensor: HostTensor, layout: Layout = 'contiguous'): StridedView {
    const { dtype, shape, values } = tensor;
    const { memoryShape, strides, offset } = arrangement(layout, shape);
    const memory = new Array<number>(sizeOf(memoryShape)).fill(roundTo(dtype, SENTINEL));
    const logicalStrides = rowMajorStrides(shape);
    values.forEach((value, flat) => {
      let position = offset;
      shape.forEach((_, d) => {
        const index = Math.floor(flat / (logicalStrides[d] as number)) % (shape[d] as number);
        position += index * (strides[d] as number);
      });
      memory[position] = value;
    });
    const buffer = this.alloc(dtype, memory.length);
    if (memory.length > 0) this.backend.write(buffer, encode(dtype, memory));
    return { buffer, dtype, shape, strides, offset };
  }

  /** A view with explicit `shape`, `strides` and `offset` onto the buffer of `base`. */
  view(
    base: StridedView,
    shape: readonly number[],
    strides: readonly number[],
    offset: number,
  ): StridedView {
    return { buffer: base.buffer, dtype: base.dtype, shape, strides, offset };
  }

  /** A contiguous output of `shape` and `dtype` in a fresh buffer. */
  output(dtype: DType, shape: readonly number[]): OutputSpec {
    return { buffer: this.alloc(dtype, sizeOf(shape)), dtype, shape };
  }

  /** The elements of an output (after all enqueued work), as JS numbers. */
  async read(out: OutputSpec): Promise<number[]> {
    const bytes = sizeOf(out.shape) * ITEM_SIZE[out.dtype];
    if (bytes === 0) return [];
    return decode(out.dtype, await this.backend.read(out.buffer, 0, bytes));
  }

  /** Free one buffer now (it is no longer freed at the end). */
  free(buffer: BufferId): void {
    this.#buffers.delete(buffer);
    this.backend.free(buffer);
  }

  /** Free every buffer still held; throws if the backend rejects a `free`. */
  releaseAll(): void {
    const buffers = [...this.#buffers];
    this.#buffers.clear();
    for (const buffer of buffers) this.backend.free(buffer);
  }
}

/**
 * A contiguous view of an output, to feed one kernel's result into the next.
 *
 * @example
 * backend.unary('exp', viewOf(firstOut), secondOut);
 */
export function viewOf(out: OutputSpec): StridedView {
  return { ...out, strides: rowMajorStrides(out.shape), offset: 0 };
}

/**
 * Run `body` with a fresh `DeviceHarness` and free its buffers afterwards, even on failure.
 *
 * @example
 * await withDevice(backend, async (device) => { … });
 */
export async function withDevice<T>(
  backend: Backend,
  body: (device: DeviceHarness) => Promise<T>,
): Promise<T> {
  const device = new DeviceHarness(backend);
  try {
    return await body(device);
  } finally {
    device.releaseAll();
  }
}
