import type { DType, ReduceOp } from '@tensile/core';
import { describe, expect, it } from 'vitest';
import { range, setup } from './helpers.js';

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const UINT_MAX = 4294967295;

function runReduce(
  op: ReduceOp,
  dtype: DType,
  values: number[],
  shape: number[],
  axes: number[],
  strides?: number[],
  offset?: number,
  kernels?: 'reference' | 'wasm',
): number[] {
  const { backend, view, output, read } = setup({ kernels });
  const out = output(
    dtype,
    shape.filter((_, d) => !axes.includes(d)),
  );
  backend.reduce(op, view(dtype, values, shape, strides, offset), axes, out);
  return read(out);
}

describe('reduce', () => {
  const matrix = [1, 2, 3, 4, 5, 6]; // [[1, 2, 3], [4, 5, 6]]

  it('sums over one axis, several axes, unordered axes and none', () => {
    expect(runReduce('sum', 'float32', matrix, [2, 3], [1])).toEqual([6, 15]);
    expect(runReduce('sum', 'float32', matrix, [2, 3], [0])).toEqual([5, 7, 9]);
    expect(runReduce('sum', 'float32', matrix, [2, 3], [0, 1])).toEqual([21]);
    expect(runReduce('sum', 'float32', matrix, [2, 3], [1, 0])).toEqual([21]);
    expect(runReduce('sum', 'float32', matrix, [2, 3], [])).toEqual(matrix);
  });

  it('reduces non-adjacent axes of a 3-d array', () => {
    const values = range(24); // x[i][j][k] = 12i + 4j + k
    const expected = [0, 1, 2].map((j) => {
      let s = 0;
      for (let i = 0; i < 2; i++) for (let k = 0; k < 4; k++) s += 12 * i + 4 * j + k;
      return s;
    });
    expect(runReduce('sum', 'int32', values, [2, 3, 4], [0, 2])).toEqual(expected);
    expect(runReduce('max', 'float32', values, [2, 3, 4], [0, 2])).toEqual([15, 19, 23]);
  });

  it('reads transposed, flipped and broadcast views', () => {
    // range(6) viewed as [[0, 3], [1, 4], [2, 5]].
    expect(runReduce('sum', 'float32', range(6), [3, 2], [0], [1, 3])).toEqual([3, 12]);
    expect(runReduce('sum', 'float32', range(6), [3, 2], [1], [1, 3])).toEqual([3, 5, 7]);
    // Flipped: [5, 4, 3, 2, 1, 0] as [2, 3] → row maxima [5, 2], column minima of [[5,4,3],[2,1,0]].
    expect(runReduce('max', 'float32', range(6), [2, 3], [1], [-3, -1], 5)).toEqual([5, 2]);
    expect(runReduce('min', 'float32', range(6), [2, 3], [0], [-3, -1], 5)).toEqual([2, 1, 0]);
    // One value broadcast to [4, 3].
    expect(runReduce('sum', 'float32', [7], [4, 3], [0], [0, 0])).toEqual([28, 28, 28]);
    expect(runReduce('sum', 'float32', [7], [4, 3], [0, 1], [0, 0])).toEqual([84]);
    expect(runReduce('prod', 'int32', [7], [4, 3], [1], [0, 0])).toEqual([343, 343, 343, 343]);
  });

  it('empty reductions give the identity', () => {
    const empty = (op: ReduceOp, dtype: DType) => runReduce(op, dtype, [], [0, 2], [0]);
    expect(empty('sum', 'float32')).toEqual([0, 0]);
    expect(empty('prod', 'float32')).toEqual([1, 1]);
    expect(empty('max', 'float32')).toEqual([-Infinity, -Infinity]);
    expect(empty('min', 'float32')).toEqual([Infinity, Infinity]);
    expect(empty('max', 'int32')).toEqual([INT_MIN, INT_MIN]);
    expect(empty('min', 'int32')).toEqual([INT_MAX, INT_MAX]);
    expect(empty('max', 'uint32')).toEqual([0, 0]);
    expect(empty('min', 'uint32')).toEqual([UINT_MAX, UINT_MAX]);
    expect(empty('and', 'bool')).toEqual([1, 1]);
    expect(empty('or', 'bool')).toEqual([0, 0]);
    expect(empty('and', 'int32')).toEqual([-1, -1]);
  });

  it('reference float sums accumulate in float64 and round once', () => {
    // Sequential float32 adds would give 16777216 (each +1 rounds away).
    const values = [16777216, 1, 1];
    expect(
      runReduce('sum', 'float32', values, [3], [0], undefined, undefined, 'reference'),
    ).toEqual([16777218]);
  });

  it('integer sums and products wrap', () => {
    expect(runReduce('sum', 'int32', [INT_MAX, 1], [2], [0])).toEqual([INT_MIN]);
    expect(runReduce('sum', 'uint32', [UINT_MAX, 2], [2], [0])).toEqual([1]);
    expect(runReduce('prod', 'int32', [65536, 65536], [2], [0])).toEqual([0]);
    expect(runReduce('prod', 'int32', [-3, 5], [2], [0])).toEqual([-15]);
    // A long wrapping sum stays exact: 3000 × INT_MAX mod 2^32.
    const long = new Array(3000).fill(INT_MAX);
    expect(runReduce('sum', 'int32', long, [3000], [0])).toEqual([
      Number(BigInt.asIntN(32, 3000n * 2147483647n)),
    ]);
  });

  it('float max and min propagate NaN', () => {
    expect(runReduce('max', 'float32', [1, Number.NaN, 3], [3], [0])).toEqual([Number.NaN]);
    expect(runReduce('min', 'float32', [1, Number.NaN, 3], [3], [0])).toEqual([Number.NaN]);
    expect(runReduce('max', 'uint32', [1, UINT_MAX, 3], [3], [0])).toEqual([UINT_MAX]);
  });

  it('and/or on bool, bitwise on integers', () => {
    expect(runReduce('and', 'bool', [1, 1, 0, 1], [2, 2], [1])).toEqual([1, 0]);
    expect(runReduce('or', 'bool', [0, 0, 0, 1], [2, 2], [1])).toEqual([0, 1]);
    expect(runReduce('and', 'int32', [12, 10], [2], [0])).toEqual([8]);
    expect(runReduce('or', 'int32', [12, 10], [2], [0])).toEqual([14]);
  });

  it('sums a long vector to its closed form', () => {
    expect(runReduce('sum', 'float32', range(1000), [1000], [0])).toEqual([(999 * 1000) / 2]);
  });

  it('rejects bad ops and axes', () => {
    expect(() => runReduce('sum', 'bool', [1], [1], [0])).toThrow(
      /reduce: op 'sum' does not accept dtype bool/,
    );
    expect(() => runReduce('and', 'float32', [1], [1], [0])).toThrow(
      /does not accept dtype float32/,
    );
    expect(() => runReduce('sum', 'float32', [1], [1], [1])).toThrow(/are not distinct axes/);
  });
});

describe('argReduce', () => {
  function runArg(
    op: 'argmax' | 'argmin',
    dtype: DType,
    values: number[],
    shape: number[],
    axis: number,
    strides?: number[],
  ) {
    const { backend, view, output, read } = setup();
    const out = output(
      'int32',
      shape.filter((_, d) => d !== axis),
    );
    backend.argReduce(op, view(dtype, values, shape, strides), axis, out);
    return read(out);
  }

  const nan = Number.NaN;

  it('first occurrence wins ties; the first NaN wins outright', () => {
    const x = [3, 7, 7, nan, 1, nan, 2, nan, 9];
    expect(runArg('argmax', 'float32', x, [3, 3], 1)).toEqual([1, 0, 1]);
    expect(runArg('argmin', 'float32', x, [3, 3], 1)).toEqual([0, 0, 1]);
    expect(runArg('argmax', 'float32', [5, 5, 1, 1], [4], 0)).toEqual([0]);
    expect(runArg('argmin', 'float32', [5, 5, 1, 1], [4], 0)).toEqual([2]);
    expect(runArg('argmax', 'float32', [-Infinity, -Infinity], [2], 0)).toEqual([0]);
  });

  it('works along axis 0 of a transposed view', () => {
    // range(6) viewed as [[0, 3], [1, 4], [2, 5]] with a 9 planted: values [[0, 3], [9, 4], [2, 5]].
    expect(runArg('argmax', 'float32', [0, 9, 2, 3, 4, 5], [3, 2], 0, [1, 3])).toEqual([1, 2]);
    expect(runArg('argmin', 'float32', [0, 9, 2, 3, 4, 5], [3, 2], 1, [1, 3])).toEqual([0, 1, 0]);
  });

  it('compares integers by value, unsigned for uint32', () => {
    expect(runArg('argmax', 'uint32', [1, UINT_MAX, 3], [3], 0)).toEqual([1]);
    expect(runArg('argmin', 'int32', [1, INT_MIN, 3], [3], 0)).toEqual([1]);
    expect(runArg('argmax', 'bool', [0, 1, 1], [3], 0)).toEqual([1]);
  });

  it('rejects an empty axis', () => {
    expect(() => runArg('argmax', 'float32', [], [0, 2], 0)).toThrow(
      /argReduce: argmax of an empty axis/,
    );
  });
});

describe('cumulative', () => {
  function runScan(
    op: 'sum' | 'prod' | 'max' | 'min',
    dtype: DType,
    values: number[],
    shape: number[],
    axis: number,
    reverse: boolean,
    strides?: number[],
    offset?: number,
  ): number[] {
    const { backend, view, output, read } = setup();
    const out = output(dtype, shape);
    backend.cumulative?.(op, view(dtype, values, shape, strides, offset), axis, reverse, out);
    return read(out);
  }

  /** Scan a row-major 2-d array along `axis` with plain loops. */
  function naiveScan2d(
    values: number[],
    [rows, columns]: number[],
    axis: number,
    reverse: boolean,
  ): number[] {
    const out = values.slice();
    const lines = axis === 0 ? columns : rows;
    const length = axis === 0 ? rows : columns;
    const at = (line: number, j: number) => (axis === 0 ? j * columns + line : line * columns + j);
    for (let line = 0; line < lines; line++) {
      let acc = 0;
      for (let step = 0; step < length; step++) {
        const j = reverse ? length - 1 - step : step;
        acc += values[at(line, j)];
        out[at(line, j)] = acc;
      }
    }
    return out;
  }

  it('scans a vector forward and in reverse', () => {
    expect(runScan('sum', 'float32', [1, 2, 3, 4], [4], 0, false)).toEqual([1, 3, 6, 10]);
    expect(runScan('sum', 'float32', [1, 2, 3, 4], [4], 0, true)).toEqual([10, 9, 7, 4]);
    expect(runScan('prod', 'int32', [1, 2, 3, 4], [4], 0, false)).toEqual([1, 2, 6, 24]);
    expect(runScan('max', 'float32', [1, 3, 2, 5], [4], 0, false)).toEqual([1, 3, 3, 5]);
    expect(runScan('min', 'float32', [4, 3, 5, 1], [4], 0, true)).toEqual([1, 1, 1, 1]);
  });

  it('scans along each axis of 2-d arrays, both loop orders', () => {
    for (const shape of [
      [3, 5],
      [5, 3],
    ]) {
      const values = range(15).map((i) => (i * 7) % 11);
      for (const axis of [0, 1]) {
        for (const reverse of [false, true]) {
          expect(runScan('sum', 'int32', values, shape, axis, reverse)).toEqual(
            naiveScan2d(values, shape, axis, reverse),
          );
        }
      }
    }
  });

  it('reads strided inputs', () => {
    // range(6) flipped: [5, 4, 3, 2, 1, 0].
    expect(runScan('sum', 'float32', range(6), [6], 0, false, [-1], 5)).toEqual([
      5, 9, 12, 14, 15, 15,
    ]);
    // Transposed [[0, 3], [1, 4], [2, 5]] scanned along axis 0.
    expect(runScan('sum', 'float32', range(6), [3, 2], 0, false, [1, 3])).toEqual([
      0, 3, 1, 7, 3, 12,
    ]);
  });

  it('wraps integers, propagates NaN and accumulates floats in float64', () => {
    expect(runScan('prod', 'int32', [65536, 65536, 3], [3], 0, false)).toEqual([65536, 0, 0]);
    expect(runScan('sum', 'uint32', [UINT_MAX, 1, 1], [3], 0, false)).toEqual([UINT_MAX, 0, 1]);
    const nan = Number.NaN;
    expect(runScan('max', 'float32', [1, nan, 3], [3], 0, false)).toEqual([1, nan, nan]);
    expect(runScan('min', 'float32', [1, nan, 3], [3], 0, true)).toEqual([nan, nan, 3]);
    // Each partial sum is rounded once from its exact value.
    expect(runScan('sum', 'float32', [16777216, 1, 1], [3], 0, false)).toEqual([
      16777216, 16777216, 16777218,
    ]);
  });

  it('handles length-0 and length-1 axes', () => {
    expect(runScan('sum', 'float32', [], [2, 0], 1, false)).toEqual([]);
    expect(runScan('sum', 'float32', [4, 5], [2, 1], 1, true)).toEqual([4, 5]);
  });
});
