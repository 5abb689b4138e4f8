/**
 * Deterministic test inputs: a seeded generator (so a failure reproduces exactly) and host
 * tensors of any dtype filled from it.
 */
import type { DType } from '@tensile/core';
import { type HostTensor, hostTensor, isFloatDType, sizeOf } from './host-data.js';

/**
 * A seeded uniform generator on [0, 1) (a 32-bit LCG: plenty for test inputs).
 *
 * @example
 * const next = seededUniform(1);
 * next(); // 0.2523451747838408, the same on every run
 */
export function seededUniform(seed: number): () => number {
  let state = (seed * 2654435761) >>> 0 || 1;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Value range of `sampleTensor`. */
export interface SampleRange {
  /** Inclusive low end (default -2 for floats, -50 for int32, 0 for uint32). */
  readonly low?: number;
  /** High end, exclusive for floats and inclusive for integers (default 2, 50, 100). */
  readonly high?: number;
}

/**
 * A host tensor of `shape` with seeded values of `dtype`: floats uniform in `[low, high)`,
 * integers uniform in `[low, high]`, bool fair coin flips.
 *
 * @example
 * sampleTensor('float32', [2, 3], 7, { low: 0, high: 1 }).values.length // 6
 */
export function sampleTensor(
  dtype: DType,
  shape: readonly number[],
  seed: number,
  range: SampleRange = {},
): HostTensor {
  const next = seededUniform(seed);
  const size = sizeOf(shape);
  if (dtype === 'bool')
    return hostTensor(
      dtype,
      shape,
      Array.from({ length: size }, () => (next() < 0.5 ? 0 : 1)),
    );
  if (isFloatDType(dtype)) {
    const low = range.low ?? -2;
    const high = range.high ?? 2;
    return hostTensor(
      dtype,
      shape,
      Array.from({ length: size }, () => low + (high - low) * next()),
    );
  }
  const low = range.low ?? (dtype === 'int32' ? -50 : 0);
  const high = range.high ?? (dtype === 'int32' ? 50 : 100);
  return hostTensor(
    dtype,
    shape,
    Array.from({ length: size }, () => low + Math.floor((high - low + 1) * next())),
  );
}
