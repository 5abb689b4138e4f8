import type { DType, StridedView } from '@tensile/core';
import { describe, expect, it } from 'vitest';
import { range, setup } from './helpers.js';

const nan = Number.NaN;

/** Sort operands given as (dtype, values) along `axis` of `shape`; returns every output. */
function runSort(
  operands: [DType, number[]][],
  shape: number[],
  axis: number,
  numKeys: number,
  strides?: number[],
): number[][] {
  const { backend, view, output, read } = setup();
  const views: StridedView[] = operands.map(([dtype, values]) =>
    view(dtype, values, shape, strides),
  );
  const outs = operands.map(([dtype]) => output(dtype, shape));
  backend.sort?.(views, axis, numKeys, outs);
  return outs.map(read);
}

describe('sort', () => {
  it('sorts ascending with NaN last', () => {
    expect(runSort([['float32', [nan, 1, -Infinity, nan, 0, Infinity]]], [6], 0, 1)).toEqual([
      [-Infinity, 0, 1, Infinity, nan, nan],
    ]);
  });

  it('is stable and carries the other operands along', () => {
    expect(
      runSort(
        [
          ['int32', [2, 1, 2, 1]],
          ['float32', [10, 20, 30, 40]],
        ],
        [4],
        0,
        1,
      ),
    ).toEqual([
      [1, 1, 2, 2],
      [20, 40, 10, 30],
    ]);
  });

  it('treats -0 and +0 as equal (order kept)', () => {
    const [keys, values] = runSort(
      [
        ['float32', [0, -0, 0, -1]],
        ['int32', [1, 2, 3, 4]],
      ],
      [4],
      0,
      1,
    );
    expect(values).toEqual([4, 1, 2, 3]);
    expect(Object.is(keys[2], -0)).toBe(true);
  });

  it('orders lexicographically over several keys, then stably', () => {
    expect(
      runSort(
        [
          ['int32', [1, 0, 1, 0, 1]],
          ['float32', [5, 7, 3, 7, nan]],
          ['int32', [0, 1, 2, 3, 4]],
        ],
        [5],
        0,
        2,
      ),
    ).toEqual([
      [0, 0, 1, 1, 1],
      [7, 7, 3, 5, nan],
      [1, 3, 2, 0, 4],
    ]);
  });

  it('sorts every line along either axis, and strided views', () => {
    const x = [3, 1, 2, 0, 5, 4]; // [[3, 1, 2], [0, 5, 4]]
    expect(runSort([['float32', x]], [2, 3], 1, 1)).toEqual([[1, 2, 3, 0, 4, 5]]);
    expect(runSort([['float32', x]], [2, 3], 0, 1)).toEqual([[0, 1, 2, 3, 5, 4]]);
    // Transposed view [[3, 0], [1, 5], [2, 4]] sorted along axis 0 → [[1, 0], [2, 4], [3, 5]].
    expect(runSort([['float32', x]], [3, 2], 0, 1, [1, 3])).toEqual([[1, 0, 2, 4, 3, 5]]);
  });

  it('compares uint32 keys unsigned and bool keys as 0 < 1', () => {
    expect(runSort([['uint32', [4294967295, 1, 2147483648]]], [3], 0, 1)).toEqual([
      [1, 2147483648, 4294967295],
    ]);
    expect(
      runSort(
        [
          ['bool', [1, 0, 1, 0]],
          ['int32', range(4)],
        ],
        [4],
        0,
        1,
      ),
    ).toEqual([
      [0, 0, 1, 1],
      [1, 3, 0, 2],
    ]);
  });

  it('rejects bad arguments', () => {
    expect(() => runSort([['float32', [1, 2]]], [2], 0, 2)).toThrow(/sort: need as many outputs/);
    expect(() => runSort([['float32', [1, 2]]], [2], 1, 1)).toThrow(/sort: axis 1 is out of range/);
  });
});
