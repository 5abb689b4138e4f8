import { describe, expect, it } from 'vitest';
import {
  checkShape,
  collapseDims,
  contiguousStrides,
  elementOffsets,
  forEachRow,
  removeAxis,
  sizeOf,
} from '../src/strided.js';
import { forEachWindow, windowOutputSize } from '../src/window-taps.js';

describe('shape helpers', () => {
  it('sizes, strides, axis removal and shape checks', () => {
    expect(sizeOf([2, 3, 4])).toBe(24);
    expect(sizeOf([])).toBe(1);
    expect(sizeOf([3, 0])).toBe(0);
    expect(contiguousStrides([2, 3, 4])).toEqual([12, 4, 1]);
    expect(contiguousStrides([])).toEqual([]);
    expect(removeAxis([2, 3, 4], 1)).toEqual([2, 4]);
    expect(() => checkShape('op', 'output', [3], [2])).toThrow(
      'op: output has shape [3], expected [2]',
    );
    expect(() => checkShape('op', 'output', [2, 1], [2])).toThrow();
  });
});

describe('collapseDims', () => {
  it('merges dims contiguous for every operand and drops size-1 dims', () => {
    expect(collapseDims([2, 3, 4], [[12, 4, 1]])).toEqual({ shape: [24], strides: [[1]] });
    expect(
      collapseDims(
        [2, 3, 4],
        [
          [12, 4, 1],
          [0, 0, 1],
        ],
      ),
    ).toEqual({
      shape: [6, 4],
      strides: [
        [4, 1],
        [0, 1],
      ],
    });
    expect(collapseDims([2, 1, 3], [[3, 99, 1]])).toEqual({ shape: [6], strides: [[1]] });
    // A transpose does not merge; a flip merges with negative strides.
    expect(collapseDims([3, 2], [[1, 3]])).toEqual({ shape: [3, 2], strides: [[1, 3]] });
    expect(collapseDims([2, 3], [[-3, -1]])).toEqual({ shape: [6], strides: [[-1]] });
    expect(collapseDims([1, 1], [[5, 7]])).toEqual({ shape: [], strides: [[]] });
  });
});

describe('forEachRow', () => {
  function rows(shape: number[], strides: number[][], offsets: number[]) {
    const seen: [number, number[], number[]][] = [];
    forEachRow(shape, strides, offsets, (n, at, step) => seen.push([n, [...at], [...step]]));
    return seen;
  }

  it('hands a contiguous operand over as one row', () => {
    expect(rows([4, 5], [[5, 1]], [3])).toEqual([[20, [3], [1]]]);
  });

  it('walks outer dims with an odometer, per operand', () => {
    // A transposed 2×3 view (strides [1, 2]) next to a contiguous output.
    expect(
      rows(
        [2, 3],
        [
          [1, 2],
          [3, 1],
        ],
        [0, 0],
      ),
    ).toEqual([
      [3, [0, 0], [2, 1]],
      [3, [1, 3], [2, 1]],
    ]);
    // Three outer dims with a flipped one: rows start at 10, 8, 20, 18 (dims [2, 2] over strides [10, -2]).
    expect(rows([2, 2, 3], [[10, -2, 5]], [2])).toEqual([
      [3, [2], [5]],
      [3, [0], [5]],
      [3, [12], [5]],
      [3, [10], [5]],
    ]);
  });

  it('visits a scalar once and an empty shape never', () => {
    expect(rows([], [[]], [7])).toEqual([[1, [7], [0]]]);
    expect(rows([2, 0], [[1, 1]], [0])).toEqual([]);
  });

  it('elementOffsets lists every position in row-major order', () => {
    expect(Array.from(elementOffsets([2, 2], [1, 2], 0))).toEqual([0, 2, 1, 3]);
    expect(Array.from(elementOffsets([3], [-1], 2))).toEqual([2, 1, 0]);
    expect(Array.from(elementOffsets([], [], 5))).toEqual([5]);
  });
});

describe('window taps', () => {
  it('output sizes follow XLA, including dilation and negative padding', () => {
    expect(windowOutputSize(5, 3, 2, 1, 1, 1, 1)).toBe(3);
    expect(windowOutputSize(3, 2, 1, 0, 0, 2, 1)).toBe(4); // dilated input has 5 elements
    expect(windowOutputSize(5, 2, 1, 0, 0, 1, 3)).toBe(2); // dilated window spans 4
    expect(windowOutputSize(4, 2, 1, -1, -1, 1, 1)).toBe(1);
    expect(windowOutputSize(1, 3, 1, 0, 0, 1, 1)).toBe(0);
  });

  it('lists only the taps that land on real elements', () => {
    const seen: [number, number[], number[]][] = [];
    // Input of 3 with base dilation 2 (positions 0, 2, 4), padding 1 low: window 2, stride 1.
    forEachWindow(
      {
        inputShape: [3],
        outputShape: [6],
        windowShape: [2],
        strides: [1],
        padLow: [1],
        baseDilation: [2],
        windowDilation: [1],
      },
      [10],
      [1],
      (o, count, inputs, taps) =>
        seen.push([o, [...inputs.subarray(0, count)], [...taps.subarray(0, count)]]),
    );
    // Padded, dilated row: [pad, x0, hole, x1, hole, x2, pad]
    expect(seen).toEqual([
      [0, [0], [1]],
      [1, [0], [0]],
      [2, [10], [1]],
      [3, [10], [0]],
      [4, [20], [1]],
      [5, [20], [0]],
    ]);
  });
});
