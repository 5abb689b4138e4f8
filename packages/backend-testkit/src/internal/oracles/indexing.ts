/**
 * Reference indexing ops: `gather` (`x.take(indices, axis)`), its transpose `scatterAdd`
 * (duplicate indices accumulate) and the multi-operand stable `sort` (lexicographic over the
 * keys, NaN after every number, -0 equal to +0).
 */
import { type HostTensor, isFloatDType, sizeOf } from '../host-data.js';
import { wrapInteger } from './elementwise.js';
import { forEachIndex, ravel } from './ndarray.js';
import type { Reference } from './reference.js';

/**
 * `gather(x, indices, axis)`: shape `x.shape[:axis] + indices.shape + x.shape[axis+1:]`.
 *
 * @example
 * gatherReference(hostTensor('int32', [3], [10, 20, 30]), hostTensor('int32', [2], [2, 0]), 0).values // [30, 10]
 */
export function gatherReference(x: HostTensor, indices: HostTensor, axis: number): Reference {
  const indexRank = indices.shape.length;
  const shape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
  const values: number[] = [];
  forEachIndex(shape, (outIndex) => {
    const at = indices.values[
      ravel(outIndex.slice(axis, axis + indexRank), indices.shape)
    ] as number;
    values.push(
      x.values[
        ravel([...outIndex.slice(0, axis), at, ...outIndex.slice(axis + indexRank)], x.shape)
      ] as number,
    );
  });
  return { shape, values };
}

/**
 * `scatterAdd(operand, indices, updates, axis)`: `operand` plus every update added at its index.
 * The error scale is `n · Σ|terms|` over the operand and the updates landing on each element.
 *
 * @example
 * scatterAddReference(zeros3, hostTensor('int32', [3], [1, 1, 2]), hostTensor('float32', [3], [1, 2, 3]), 0).values
 * // [0, 3, 3]
 */
export function scatterAddReference(
  operand: HostTensor,
  indices: HostTensor,
  updates: HostTensor,
  axis: number,
): Reference {
  const indexRank = indices.shape.length;
  const terms: number[][] = operand.values.map((v) => [v]);
  forEachIndex(updates.shape, (updateIndex, flat) => {
    const at = indices.values[
      ravel(updateIndex.slice(axis, axis + indexRank), indices.shape)
    ] as number;
    const target = ravel(
      [...updateIndex.slice(0, axis), at, ...updateIndex.slice(axis + indexRank)],
      operand.shape,
    );
    terms[target]?.push(updates.values[flat] as number);
  });
  const dtype = operand.dtype;
  const values = terms.map((ts) => {
    if (isFloatDType(dtype)) return ts.reduce((a, t) => a + t, 0);
    if (dtype === 'bool') return ts.some((t) => t !== 0) ? 1 : 0;
    return wrapInteger(
      dtype as 'int32' | 'uint32',
      ts.reduce((a, t) => a + BigInt(t), 0n),
    );
  });
  return {
    shape: operand.shape,
    values,
    scale: terms.map((ts) => ts.length * ts.reduce((a, t) => a + Math.abs(t), 0)),
  };
}

/** Ascending order with NaN last and -0 equal to +0. */
function compareKeys(a: number, b: number): number {
  const aNaN = Number.isNaN(a);
  const bNaN = Number.isNaN(b);
  if (aNaN || bNaN) return aNaN === bNaN ? 0 : aNaN ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * `sort(operands, axis, numKeys)`: every line along `axis` is stably sorted by the first
 * `numKeys` operands (lexicographically) and all operands are permuted alike.
 *
 * @example
 * sortReference([keys, values], 0, 1) // [sortedKeys, valuesInTheSameOrder]
 */
export function sortReference(
  operands: readonly HostTensor[],
  axis: number,
  numKeys: number,
): Reference[] {
  const shape = (operands[0] as HostTensor).shape;
  const length = shape[axis] as number;
  const outputs = operands.map(() => new Array<number>(sizeOf(shape)));
  const lineShape = shape.map((n, d) => (d === axis ? 1 : n));
  forEachIndex(lineShape, (lineStart) => {
    const positions = Array.from({ length }, (_, j) => {
      const at = lineStart.slice();
      at[axis] = j;
      return ravel(at, shape);
    });
    const order = positions.map((_, j) => j);
    order.sort((i, j) => {
      for (const key of operands.slice(0, numKeys)) {
        const c = compareKeys(
          key.values[positions[i] as number] as number,
          key.values[positions[j] as number] as number,
        );
        if (c !== 0) return c;
      }
      return i - j;
    });
    operands.forEach((operand, k) => {
      order.forEach((from, to) => {
        (outputs[k] as number[])[positions[to] as number] = operand.values[
          positions[from] as number
        ] as number;
      });
    });
  });
  return outputs.map((values) => ({ shape, values }));
}
