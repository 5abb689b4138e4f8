/**
 * Test tensors made and read on the host, without the `np` layer under test: tensors from flat
 * data, seeded random and tie-free tensors (a fixed LCG, so every run sees the same values),
 * element reads, host-side slicing and inner products.
 */
import { fromHost } from '../../src/internal/core/host.js';
import type { Tensor } from '../../src/internal/core/tensor.js';
import { allocHost, type DType } from '../../src/internal/dtype.js';
import { contiguousStrides, sizeOf } from '../../src/internal/shape.js';

/**
 * A tensor of `dtype` (default float32) from flat row-major data and a shape (default 1-D).
 *
 * @example
 * const m = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
 * const labels = tensor([0, 2], [2], 'int32');
 */
export function tensor(
  data: readonly number[],
  shape: readonly number[] = [data.length],
  dtype: DType = 'float32',
): Tensor {
  const host = allocHost(dtype, data.length);
  host.set(data);
  return fromHost(host, shape, dtype);
}

/**
 * The elements of a tensor as JS numbers, row-major.
 *
 * @example
 * hostData(tensor([1, 2]))  // [1, 2]
 */
export function hostData(x: Tensor): number[] {
  return Array.from(x.dataSync() as ArrayLike<number>);
}

/**
 * A seeded uniform generator on [-1, 1) (a 32-bit LCG).
 *
 * @example
 * const rand = seeded(3);
 * const values = [rand(), rand()];
 */
export function seeded(seed: number): () => number {
  let s = (seed * 2654435761 + 99991) >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  };
}

/**
 * A float32 tensor of `shape` with seeded uniform values in [-1, 1).
 *
 * @example
 * const x = randomTensor([2, 3], 7);  // the same values on every run
 */
export function randomTensor(shape: readonly number[], seed: number): Tensor {
  const rand = seeded(seed);
  return fromHost(Float32Array.from({ length: sizeOf(shape) }, rand), shape, 'float32');
}

/**
 * A float32 tensor of `shape` whose values are distinct (a seeded shuffle of `0.1·k`), so max/min
 * windows and sorts have no ties.
 *
 * @example
 * const x = distinctTensor([1, 4, 4], 2);
 */
export function distinctTensor(shape: readonly number[], seed: number): Tensor {
  const rand = seeded(seed);
  const n = sizeOf(shape);
  const values = Array.from({ length: n }, (_, k) => (k - n / 2) * 0.1);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(((rand() + 1) / 2) * (i + 1));
    [values[i], values[j]] = [values[j] as number, values[i] as number];
  }
  return fromHost(Float32Array.from(values), shape, 'float32');
}

/**
 * Element `index` of `x` along `axis` (that axis removed), copied on the host: an independent
 * slicer that keeps the dtype bit for bit.
 *
 * @example
 * sliceHost(tensor([1, 2, 3, 4], [2, 2]), 1, 0)  // [1, 3]
 */
export function sliceHost(x: Tensor, axis: number, index: number): Tensor {
  const data = x.dataSync();
  const shape = x.shape.filter((_, i) => i !== axis);
  const strides = contiguousStrides(x.shape);
  const outStrides = contiguousStrides(shape);
  const out = allocHost(x.dtype, sizeOf(shape));
  for (let flat = 0; flat < out.length; flat++) {
    let src = index * (strides[axis] as number);
    shape.forEach((n, d) => {
      const coord = Math.floor(flat / (outStrides[d] as number)) % n;
      src += coord * (strides[d < axis ? d : d + 1] as number);
    });
    out[flat] = data[src] as number;
  }
  return fromHost(out, shape, x.dtype);
}

/**
 * Σ a·b over all elements, in float64 on the host.
 *
 * @example
 * innerProduct(tensor([1, 2]), tensor([3, 4]))  // 11
 */
export function innerProduct(a: Tensor, b: Tensor): number {
  const y = hostData(b);
  return hostData(a).reduce((s, v, i) => s + v * (y[i] as number), 0);
}

/**
 * Σ |a·b|: the scale against which an inner product's rounding error is judged.
 *
 * @example
 * absInnerProduct(tensor([1, -2]), tensor([3, 4]))  // 11
 */
export function absInnerProduct(a: Tensor, b: Tensor): number {
  const y = hostData(b);
  return hostData(a).reduce((s, v, i) => s + Math.abs(v * (y[i] as number)), 0);
}
