/**
 * Test helpers: upload host arrays into a CPU backend as strided views, allocate outputs, and
 * read results back as plain number arrays.
 */
import type { DType, OutputSpec, StridedView } from '@tensile/core';
import { type CpuBackend, type CpuBackendOptions, createCpuBackend } from '../src/index.js';

type Host = Float32Array | Int32Array | Uint32Array | Uint8Array;

function hostArray(dtype: DType, values: readonly number[]): Host {
  switch (dtype) {
    case 'float32':
      return Float32Array.from(values);
    case 'int32':
      return Int32Array.from(values);
    case 'uint32':
      return Uint32Array.from(values);
    default:
      return Uint8Array.from(values);
  }
}

/** Both kernel paths of the CPU backend, for tests that must hold on each. */
export const KERNEL_PATHS = ['reference', 'wasm'] as const;

/** A backend (made with `options`) plus helpers bound to it. */
export function setup(options: CpuBackendOptions = {}): {
  backend: CpuBackend;
  /** Upload `values` and view them with `shape` (contiguous unless strides/offset are given). */
  view(
    dtype: DType,
    values: readonly number[],
    shape: readonly number[],
    strides?: readonly number[],
    offset?: number,
  ): StridedView;
  /** A fresh output of `shape`. */
  output(dtype: DType, shape: readonly number[]): OutputSpec;
  /** The elements of an output, as numbers. */
  read(out: OutputSpec): number[];
} {
  const backend = createCpuBackend(options);
  const view = (
    dtype: DType,
    values: readonly number[],
    shape: readonly number[],
    strides?: readonly number[],
    offset = 0,
  ): StridedView => {
    const host = hostArray(dtype, values);
    const buffer = backend.alloc(host.byteLength);
    backend.write(buffer, new Uint8Array(host.buffer));
    return { buffer, dtype, shape, strides: strides ?? contiguous(shape), offset };
  };
  const output = (dtype: DType, shape: readonly number[]): OutputSpec => {
    const size = shape.reduce((a, b) => a * b, 1);
    return { buffer: backend.alloc(size * (dtype === 'bool' ? 1 : 4)), dtype, shape };
  };
  const read = (out: OutputSpec): number[] => {
    const size = out.shape.reduce((a, b) => a * b, 1);
    const itemSize = out.dtype === 'bool' ? 1 : 4;
    const bytes = backend.readSync?.(out.buffer, 0, size * itemSize) ?? new Uint8Array();
    const typed =
      out.dtype === 'float32'
        ? new Float32Array(bytes.buffer)
        : out.dtype === 'int32'
          ? new Int32Array(bytes.buffer)
          : out.dtype === 'uint32'
            ? new Uint32Array(bytes.buffer)
            : bytes;
    return Array.from(typed);
  };
  return { backend, view, output, read };
}

/** Row-major strides of `shape`. */
export function contiguous(shape: readonly number[]): number[] {
  const strides: number[] = [];
  let stride = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = stride;
    stride *= shape[d];
  }
  return strides;
}

/** `0, 1, …, n-1`. */
export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** `n` pseudo-random integers in [-4, 4] from a seed (small enough that float32 sums stay exact). */
export function smallIntegers(n: number, seed: number): number[] {
  let state = seed * 2654435761 + 1;
  return range(n).map(() => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return ((state >>> 16) % 9) - 4;
  });
}
