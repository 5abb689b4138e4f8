/**
 * Reference `dotGeneral` (`lax.dot_general`), straight from the definition: for every output
 * index (batch dims, then lhs free dims, then rhs free dims) and every combination of
 * contracting indices, multiply and add — in float64 for floats, in `BigInt` wrapped to the
 * dtype for integers. Element positions come from row-major strides, precomputed per group of
 * dims so large cases stay quick.
 */
import type { DotDims } from '@tensile/core';
import { type HostTensor, isFloatDType, rowMajorStrides } from '../host-data.js';
import { wrapInteger } from './elementwise.js';
import { forEachIndex } from './ndarray.js';
import type { Reference } from './reference.js';

function freeDims(
  rank: number,
  batch: readonly number[],
  contracting: readonly number[],
): number[] {
  return Array.from({ length: rank }, (_, d) => d).filter(
    (d) => !batch.includes(d) && !contracting.includes(d),
  );
}

/** Element offsets (row-major in `shape`) of every index combination over `axes`, in order. */
function offsets(shape: readonly number[], axes: readonly number[]): number[] {
  const strides = rowMajorStrides(shape);
  const result: number[] = [];
  forEachIndex(
    axes.map((d) => shape[d] as number),
    (index) => {
      result.push(index.reduce((sum, i, k) => sum + i * (strides[axes[k] as number] as number), 0));
    },
  );
  return result;
}

/**
 * `dotGeneral(a, b, dims)`. The error scale is `K · Σ_k |a_k · b_k|` (K = contracted size).
 *
 * @example
 * dotGeneralReference(a23, b34, { contracting: [[1], [0]], batch: [[], []] }).shape // [2, 4]
 */
export function dotGeneralReference(a: HostTensor, b: HostTensor, dims: DotDims): Reference {
  const [aContracting, bContracting] = dims.contracting;
  const [aBatch, bBatch] = dims.batch;
  const aFree = freeDims(a.shape.length, aBatch, aContracting);
  const bFree = freeDims(b.shape.length, bBatch, bContracting);
  const sizes = (shape: readonly number[], axes: readonly number[]) =>
    axes.map((d) => shape[d] as number);
  const shape = [...sizes(a.shape, aBatch), ...sizes(a.shape, aFree), ...sizes(b.shape, bFree)];
  const [aBatchAt, bBatchAt] = [offsets(a.shape, aBatch), offsets(b.shape, bBatch)];
  const [aFreeAt, bFreeAt] = [offsets(a.shape, aFree), offsets(b.shape, bFree)];
  const [aTermAt, bTermAt] = [offsets(a.shape, aContracting), offsets(b.shape, bContracting)];
  const k = aTermAt.length;
  const float = isFloatDType(a.dtype);
  const values: number[] = [];
  const scale: number[] = [];
  aBatchAt.forEach((aBatchOffset, batch) => {
    const bBatchOffset = bBatchAt[batch] as number;
    for (const aFreeOffset of aFreeAt) {
      for (const bFreeOffset of bFreeAt) {
        const aBase = aBatchOffset + aFreeOffset;
        const bBase = bBatchOffset + bFreeOffset;
        let sum = 0;
        let sumBig = 0n;
        let magnitude = 0;
        for (let t = 0; t < k; t++) {
          const x = a.values[aBase + (aTermAt[t] as number)] as number;
          const y = b.values[bBase + (bTermAt[t] as number)] as number;
          if (float) {
            sum += x * y;
            magnitude += Math.abs(x * y);
          } else {
            sumBig += BigInt(x) * BigInt(y);
          }
        }
        values.push(
          float
            ? sum
            : a.dtype === 'bool'
              ? Number(sumBig !== 0n)
              : wrapInteger(a.dtype as 'int32' | 'uint32', sumBig),
        );
        scale.push(Math.max(k, 1) * magnitude);
      }
    }
  });
  return { shape, values, scale };
}
