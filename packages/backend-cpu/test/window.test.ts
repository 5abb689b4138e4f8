import type { DType, WindowParams } from '@tensile/core';
import { describe, expect, it } from 'vitest';
import { range, setup, smallIntegers } from './helpers.js';

type WindowOp = 'sum' | 'max' | 'min';

const IDENTITY: Record<WindowOp, number> = { sum: 0, max: -Infinity, min: Infinity };
const COMBINE: Record<WindowOp, (a: number, b: number) => number> = {
  sum: (a, b) => a + b,
  max: Math.max,
  min: Math.min,
};

/**
 * `lax.reduce_window` over a 2-d array, spelled out: build the base-dilated, padded array filled
 * with the identity, then fold every (dilated) window at every stride.
 */
function naiveReduceWindow2d(
  op: WindowOp,
  x: number[],
  [rows, columns]: number[],
  p: WindowParams,
) {
  const identity = IDENTITY[op];
  const dilatedRows = (rows - 1) * p.baseDilation[0] + 1;
  const dilatedColumns = (columns - 1) * p.baseDilation[1] + 1;
  const paddedRows = p.padding[0][0] + dilatedRows + p.padding[0][1];
  const paddedColumns = p.padding[1][0] + dilatedColumns + p.padding[1][1];
  const padded = range(paddedRows).map(() => new Array<number>(paddedColumns).fill(identity));
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const y = p.padding[0][0] + r * p.baseDilation[0];
      const z = p.padding[1][0] + c * p.baseDilation[1];
      if (y >= 0 && y < paddedRows && z >= 0 && z < paddedColumns)
        padded[y][z] = x[r * columns + c];
    }
  }
  const windowRows = (p.windowDimensions[0] - 1) * p.windowDilation[0] + 1;
  const windowColumns = (p.windowDimensions[1] - 1) * p.windowDilation[1] + 1;
  const outRows = Math.floor((paddedRows - windowRows) / p.windowStrides[0]) + 1;
  const outColumns = Math.floor((paddedColumns - windowColumns) / p.windowStrides[1]) + 1;
  const values: number[] = [];
  for (let i = 0; i < outRows; i++) {
    for (let j = 0; j < outColumns; j++) {
      let acc = identity;
      for (let a = 0; a < p.windowDimensions[0]; a++) {
        for (let b = 0; b < p.windowDimensions[1]; b++) {
          acc = COMBINE[op](
            acc,
            padded[i * p.windowStrides[0] + a * p.windowDilation[0]][
              j * p.windowStrides[1] + b * p.windowDilation[1]
            ],
          );
        }
      }
      values.push(acc);
    }
  }
  return { shape: [outRows, outColumns], values };
}

const base: WindowParams = {
  windowDimensions: [2, 2],
  windowStrides: [1, 1],
  padding: [
    [0, 0],
    [0, 0],
  ],
  baseDilation: [1, 1],
  windowDilation: [1, 1],
};

function runWindow(
  op: WindowOp,
  dtype: DType,
  x: number[],
  shape: number[],
  params: WindowParams,
  outShape: number[],
  strides?: number[],
): number[] {
  const { backend, view, output, read } = setup();
  const out = output(dtype, outShape);
  backend.reduceWindow?.(op, view(dtype, x, shape, strides), params, out);
  return read(out);
}

function check(op: WindowOp, shape: number[], overrides: Partial<WindowParams>) {
  const params = { ...base, ...overrides };
  const x = smallIntegers(shape[0] * shape[1], 9);
  const expected = naiveReduceWindow2d(op, x, shape, params);
  expect(runWindow(op, 'float32', x, shape, params, expected.shape)).toEqual(expected.values);
}

describe('reduceWindow', () => {
  it('2×2 max pooling with stride 2', () => {
    // [[0..3], [4..7], [8..11], [12..15]] → maxima of the four 2×2 blocks.
    expect(
      runWindow('max', 'float32', range(16), [4, 4], { ...base, windowStrides: [2, 2] }, [2, 2]),
    ).toEqual([5, 7, 13, 15]);
  });

  it('matches the definition for each op with strides, padding and dilations', () => {
    const cases: Partial<WindowParams>[] = [
      { windowDimensions: [3, 2], windowStrides: [2, 1] },
      {
        padding: [
          [1, 2],
          [2, 0],
        ],
      },
      {
        baseDilation: [2, 3],
        padding: [
          [1, 1],
          [0, 2],
        ],
      },
      { windowDilation: [2, 2], windowDimensions: [2, 3] },
      {
        padding: [
          [-1, 1],
          [1, -2],
        ],
        windowStrides: [2, 2],
      },
    ];
    for (const op of ['sum', 'max', 'min'] as const) {
      for (const overrides of cases) check(op, [5, 6], overrides);
    }
  });

  it('a window that holds only padding gives the identity', () => {
    const params: WindowParams = {
      windowDimensions: [2],
      windowStrides: [1],
      padding: [[3, 0]],
      baseDilation: [1],
      windowDilation: [1],
    };
    expect(runWindow('max', 'float32', [-5, -7], [2], params, [4])).toEqual([
      -Infinity,
      -Infinity,
      -5,
      -5,
    ]);
    expect(runWindow('sum', 'int32', [-5, -7], [2], params, [4])).toEqual([0, 0, -5, -12]);
    expect(runWindow('max', 'int32', [-5, -7], [2], params, [4])).toEqual([
      -2147483648, -2147483648, -5, -5,
    ]);
  });

  it('integer sums wrap', () => {
    const params = {
      ...base,
      windowDimensions: [2],
      windowStrides: [1],
      padding: [[0, 0]] as [number, number][],
      baseDilation: [1],
      windowDilation: [1],
    };
    expect(runWindow('sum', 'int32', [2147483647, 1], [2], params, [1])).toEqual([-2147483648]);
  });

  it('3-d windows over a strided view', () => {
    // x[i][j][k] = 100i + 10j + k stored transposed; a 2×2×2 max window with stride 1.
    const stored: number[] = [];
    for (let k = 0; k < 3; k++)
      for (let j = 0; j < 3; j++) for (let i = 0; i < 2; i++) stored.push(100 * i + 10 * j + k);
    const params: WindowParams = {
      windowDimensions: [2, 2, 2],
      windowStrides: [1, 1, 1],
      padding: [
        [0, 0],
        [0, 0],
        [0, 0],
      ],
      baseDilation: [1, 1, 1],
      windowDilation: [1, 1, 1],
    };
    const got = runWindow('max', 'float32', stored, [2, 3, 3], params, [1, 2, 2], [1, 2, 6]);
    expect(got).toEqual([111, 112, 121, 122]);
  });

  it('rejects a wrong output shape', () => {
    expect(() => runWindow('sum', 'float32', range(4), [2, 2], base, [2, 2])).toThrow(
      /reduceWindow: output has shape \[2,2\], expected \[1,1\]/,
    );
  });
});
