/**
 * Reference reductions: `reduce` over any axes, `argReduce` along one axis and inclusive
 * `cumulative` scans, each as a plain loop over indices in float64 (floats) or `BigInt`
 * (integers, wrapped to the dtype at the end).
 *
 * Float `max`/`min` propagate NaN; empty reductions give the identity; `argmax`/`argmin` take
 * the first occurrence of the extreme, and the first NaN wins outright (as NumPy).
 */
import type { ArgReduceOp, DType, ReduceOp } from '@tensile/core';
import { type HostTensor, isFloatDType, sizeOf } from '../host-data.js';
import { wrapInteger } from './elementwise.js';
import { forEachIndex, ravel } from './ndarray.js';
import type { Reference } from './reference.js';

/**
 * The value an empty reduction gives.
 *
 * @example
 * reduceIdentity('max', 'int32') // -2147483648
 */
export function reduceIdentity(op: ReduceOp, dtype: DType): number {
  const float = isFloatDType(dtype);
  switch (op) {
    case 'sum':
    case 'or':
      return 0;
    case 'prod':
    case 'and':
      return 1;
    case 'max':
      return float ? Number.NEGATIVE_INFINITY : dtype === 'int32' ? -2147483648 : 0;
    case 'min':
      return float
        ? Number.POSITIVE_INFINITY
        : dtype === 'int32'
          ? 2147483647
          : dtype === 'uint32'
            ? 4294967295
            : 1;
  }
}

/** Fold `terms` with `op` in the dtype's exact arithmetic. */
function fold(op: ReduceOp, dtype: DType, terms: readonly number[]): number {
  const float = isFloatDType(dtype);
  if (terms.length === 0) return reduceIdentity(op, dtype);
  switch (op) {
    case 'sum':
      return float
        ? terms.reduce((a, b) => a + b, 0)
        : wrapInteger(asInteger(dtype), sumBig(terms));
    case 'prod':
      return float
        ? terms.reduce((a, b) => a * b, 1)
        : wrapInteger(asInteger(dtype), prodBig(terms));
    case 'max':
      return terms.some(Number.isNaN) ? Number.NaN : Math.max(...terms);
    case 'min':
      return terms.some(Number.isNaN) ? Number.NaN : Math.min(...terms);
    case 'and':
      return terms.every((t) => t !== 0) ? 1 : 0;
    case 'or':
      return terms.some((t) => t !== 0) ? 1 : 0;
  }
}

function asInteger(dtype: DType): 'int32' | 'uint32' {
  if (dtype !== 'int32' && dtype !== 'uint32')
    throw new Error(`testkit: ${dtype} is not an integer dtype`);
  return dtype;
}

const sumBig = (terms: readonly number[]): bigint => terms.reduce((a, t) => a + BigInt(t), 0n);
const prodBig = (terms: readonly number[]): bigint => terms.reduce((a, t) => a * BigInt(t), 1n);

/** Error scale of a float fold of `terms`: `n·Σ|t|` for sums, `n·|Π t|` for products. */
function foldScale(op: ReduceOp, terms: readonly number[], value: number): number {
  const n = Math.max(terms.length, 1);
  if (op === 'sum') return n * terms.reduce((a, t) => a + Math.abs(t), 0);
  if (op === 'prod') return n * Math.abs(value);
  return Math.abs(value);
}

/**
 * `reduce(op, x, axes)`: the output has `x.shape` without `axes`.
 *
 * @example
 * reduceReference('sum', hostTensor('float32', [2, 2], [1, 2, 3, 4]), [1]).values // [3, 7]
 */
export function reduceReference(op: ReduceOp, x: HostTensor, axes: readonly number[]): Reference {
  const kept = x.shape.map((_, d) => d).filter((d) => !axes.includes(d));
  const shape = kept.map((d) => x.shape[d] as number);
  const groups: number[][] = Array.from({ length: sizeOf(shape) }, () => []);
  forEachIndex(x.shape, (index, flat) => {
    groups[
      ravel(
        kept.map((d) => index[d] as number),
        shape,
      )
    ]?.push(x.values[flat] as number);
  });
  const values = groups.map((terms) => fold(op, x.dtype, terms));
  return {
    shape,
    values,
    scale: groups.map((terms, i) => foldScale(op, terms, values[i] as number)),
  };
}

/**
 * `argReduce(op, x, axis)`: int32 indices, `axis` removed.
 *
 * @example
 * argReduceReference('argmax', hostTensor('float32', [3], [1, 5, 5]), 0).values // [1]
 */
export function argReduceReference(op: ArgReduceOp, x: HostTensor, axis: number): Reference {
  const shape = x.shape.filter((_, d) => d !== axis);
  const best: { index: number; value: number }[] = Array.from({ length: sizeOf(shape) }, () => ({
    index: -1,
    value: 0,
  }));
  forEachIndex(x.shape, (index, flat) => {
    const slot = best[
      ravel(
        index.filter((_, d) => d !== axis),
        shape,
      )
    ] as { index: number; value: number };
    const value = x.values[flat] as number;
    const i = index[axis] as number;
    const better = op === 'argmax' ? value > slot.value : value < slot.value;
    if (slot.index === -1 || (!Number.isNaN(slot.value) && (Number.isNaN(value) || better))) {
      slot.index = i;
      slot.value = value;
    }
  });
  return { shape, values: best.map((b) => b.index) };
}

/**
 * Inclusive scan of `op` along `axis` (from the end when `reverse`).
 *
 * @example
 * cumulativeReference('sum', hostTensor('int32', [4], [1, 2, 3, 4]), 0, true).values // [10, 9, 7, 4]
 */
export function cumulativeReference(
  op: 'sum' | 'prod' | 'max' | 'min',
  x: HostTensor,
  axis: number,
  reverse: boolean,
): Reference {
  const values: number[] = [];
  const scale: number[] = [];
  forEachIndex(x.shape, (index) => {
    const terms: number[] = [];
    const length = x.shape[axis] as number;
    const here = index[axis] as number;
    for (let j = 0; j < length; j++) {
      if (reverse ? j < here : j > here) continue;
      const at = index.slice();
      at[axis] = j;
      terms.push(x.values[ravel(at, x.shape)] as number);
    }
    const value = fold(op, x.dtype, terms);
    values.push(value);
    scale.push(foldScale(op, terms, value));
  });
  return { shape: x.shape, values, scale };
}
