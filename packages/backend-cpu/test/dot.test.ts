import type { DotDims, DType } from '@tensile/core';
import { describe, expect, it } from 'vitest';
import { contiguous, KERNEL_PATHS, range, setup, smallIntegers } from './helpers.js';

/** All multi-indices of `shape` in row-major order. */
function indices(shape: readonly number[]): number[][] {
  let all: number[][] = [[]];
  for (const n of shape) all = all.flatMap((prefix) => range(n).map((i) => [...prefix, i]));
  return all;
}

/**
 * `lax.dot_general` by its definition: for every output index (batch, lhs free, rhs free), sum
 * over every contracting index of lhs[...] · rhs[...], with logical element (index) → value maps.
 */
function naiveDotGeneral(
  lhs: (index: number[]) => number,
  lhsShape: number[],
  rhs: (index: number[]) => number,
  rhsShape: number[],
  dims: DotDims,
): { shape: number[]; values: number[] } {
  const [lc, rc] = dims.contracting;
  const [lb, rb] = dims.batch;
  const lFree = range(lhsShape.length).filter((d) => !lc.includes(d) && !lb.includes(d));
  const rFree = range(rhsShape.length).filter((d) => !rc.includes(d) && !rb.includes(d));
  const shape = [
    ...lb.map((d) => lhsShape[d]),
    ...lFree.map((d) => lhsShape[d]),
    ...rFree.map((d) => rhsShape[d]),
  ];
  const values = indices(shape).map((out) => {
    const batch = out.slice(0, lb.length);
    const lFreeIndex = out.slice(lb.length, lb.length + lFree.length);
    const rFreeIndex = out.slice(lb.length + lFree.length);
    let sum = 0;
    for (const k of indices(lc.map((d) => lhsShape[d]))) {
      const li: number[] = [];
      const ri: number[] = [];
      lb.forEach((d, i) => {
        li[d] = batch[i];
      });
      rb.forEach((d, i) => {
        ri[d] = batch[i];
      });
      lFree.forEach((d, i) => {
        li[d] = lFreeIndex[i];
      });
      rFree.forEach((d, i) => {
        ri[d] = rFreeIndex[i];
      });
      lc.forEach((d, i) => {
        li[d] = k[i];
      });
      rc.forEach((d, i) => {
        ri[d] = k[i];
      });
      sum += lhs(li) * rhs(ri);
    }
    return sum;
  });
  return { shape, values };
}

/** Value of a strided buffer at a logical index. */
function at(values: number[], strides: number[], offset: number) {
  return (index: number[]) => values[offset + index.reduce((sum, i, d) => sum + i * strides[d], 0)];
}

interface Operand {
  shape: number[];
  strides?: number[];
  offset?: number;
  /** Buffer length (defaults to the contiguous size). */
  length?: number;
}

/**
 * Run dotGeneral on the backend (each kernel path) and by definition; integer-valued data makes
 * all of them exact.
 */
function check(lhs: Operand, rhs: Operand, dims: DotDims, dtype: DType = 'float32') {
  const size = (o: Operand) => o.length ?? o.shape.reduce((a, b) => a * b, 1);
  const lhsValues = smallIntegers(size(lhs), 1);
  const rhsValues = smallIntegers(size(rhs), 2);
  const lhsStrides = lhs.strides ?? contiguous(lhs.shape);
  const rhsStrides = rhs.strides ?? contiguous(rhs.shape);
  const expected = naiveDotGeneral(
    at(lhsValues, lhsStrides, lhs.offset ?? 0),
    lhs.shape,
    at(rhsValues, rhsStrides, rhs.offset ?? 0),
    rhs.shape,
    dims,
  );
  for (const kernels of KERNEL_PATHS) {
    const { backend, view, output, read } = setup({ kernels });
    const out = output(dtype, expected.shape);
    backend.dotGeneral(
      view(dtype, lhsValues, lhs.shape, lhsStrides, lhs.offset),
      view(dtype, rhsValues, rhs.shape, rhsStrides, rhs.offset),
      dims,
      out,
    );
    expect(read(out), `${kernels} kernels`).toEqual(expected.values.map((v) => v + 0)); // + 0 turns -0 into 0
  }
}

const matmul: DotDims = { contracting: [[1], [0]], batch: [[], []] };

describe('dotGeneral', () => {
  it('matrix product', () => {
    check({ shape: [3, 4] }, { shape: [4, 5] }, matmul);
  });

  it('crosses the cache and row blocks and an odd row count', () => {
    // N > 256 columns, K > 128 depth, M odd.
    check({ shape: [5, 300] }, { shape: [300, 261] }, matmul);
    check({ shape: [37, 131] }, { shape: [131, 3] }, matmul);
    // M > 64 rows: several float64 row blocks, the last one short and odd.
    check({ shape: [131, 7] }, { shape: [7, 5] }, matmul);
    check(
      { shape: [2, 70, 3] },
      { shape: [2, 3, 4] },
      { contracting: [[2], [1]], batch: [[0], [0]] },
    );
  });

  it('batch dims, leading or not', () => {
    check(
      { shape: [2, 3, 4] },
      { shape: [2, 4, 5] },
      { contracting: [[2], [1]], batch: [[0], [0]] },
    );
    check(
      { shape: [3, 2, 4] },
      { shape: [4, 5, 2] },
      { contracting: [[2], [0]], batch: [[1], [2]] },
    );
  });

  it('several contracting, batch and free dims', () => {
    check(
      { shape: [2, 3, 2, 4] },
      { shape: [4, 2, 3, 5] },
      {
        contracting: [
          [3, 1],
          [0, 2],
        ],
        batch: [[0], [1]],
      },
    );
  });

  it('transposed, sliced and flipped views without copying', () => {
    // lhs is the transpose of a contiguous [4, 3]; rhs is a [4, 5] slice of a [6, 7] buffer.
    check(
      { shape: [3, 4], strides: [1, 3] },
      { shape: [4, 5], strides: [7, 1], offset: 8, length: 42 },
      matmul,
    );
    // rhs flipped along both axes.
    check({ shape: [3, 4] }, { shape: [4, 5], strides: [-5, -1], offset: 19 }, matmul);
  });

  it('views whose dim groups do not merge (copied first)', () => {
    // Contracting dims (0, 2) of lhs are not contiguous with each other in this layout.
    check(
      { shape: [2, 3, 4], strides: [1, 8, 2], length: 24 },
      { shape: [2, 4, 5] },
      {
        contracting: [
          [0, 2],
          [0, 1],
        ],
        batch: [[], []],
      },
    );
    // A broadcast rhs (stride 0) in a free dim group with a real stride.
    check({ shape: [3, 4] }, { shape: [4, 2, 3], strides: [3, 0, 1], length: 12 }, matmul);
  });

  it('vector dot, outer product and empty contraction', () => {
    check({ shape: [6] }, { shape: [6] }, { contracting: [[0], [0]], batch: [[], []] });
    check({ shape: [3] }, { shape: [4] }, { contracting: [[], []], batch: [[], []] });
    const { backend, view, output, read } = setup();
    const out = output('float32', [2, 3]);
    backend.dotGeneral(view('float32', [], [2, 0]), view('float32', [], [0, 3]), matmul, out);
    expect(read(out)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('reference float results round from a float64 accumulation, and 0 · ∞ is NaN', () => {
    const { backend, view, output, read } = setup({ kernels: 'reference' });
    const out = output('float32', [1, 1]);
    backend.dotGeneral(
      view('float32', [16777216, 1, 1], [1, 3]),
      view('float32', [1, 1, 1], [3, 1]),
      matmul,
      out,
    );
    expect(read(out)).toEqual([16777218]);
    backend.dotGeneral(
      view('float32', [0, 1], [1, 2]),
      view('float32', [Infinity, 1], [2, 1]),
      matmul,
      out,
    );
    expect(read(out)).toEqual([Number.NaN]);
  });

  it('wasm float results accumulate in float32, and 0 · ∞ is NaN', () => {
    const { backend, view, output, read } = setup({ kernels: 'wasm' });
    const out = output('float32', [1, 1]);
    backend.dotGeneral(
      view('float32', [16777216, 1, 1], [1, 3]),
      view('float32', [1, 1, 1], [3, 1]),
      matmul,
      out,
    );
    expect(read(out)).toEqual([16777216]);
    backend.dotGeneral(
      view('float32', [0, 1], [1, 2]),
      view('float32', [Infinity, 1], [2, 1]),
      matmul,
      out,
    );
    expect(read(out)).toEqual([Number.NaN]);
  });

  it('integers wrap modulo 2^32', () => {
    check({ shape: [3, 4] }, { shape: [4, 5] }, matmul, 'int32');
    const { backend, view, output, read } = setup();
    const out = output('int32', [1, 1]);
    backend.dotGeneral(
      view('int32', [65536, 2147483647], [1, 2]),
      view('int32', [65536, 1], [2, 1]),
      matmul,
      out,
    );
    expect(read(out)).toEqual([2147483647]);
    const unsigned = output('uint32', [1, 1]);
    backend.dotGeneral(
      view('uint32', [4294967295, 2], [1, 2]),
      view('uint32', [1, 1], [2, 1]),
      matmul,
      unsigned,
    );
    expect(read(unsigned)).toEqual([1]);
  });

  it('bool is "any of and"', () => {
    const { backend, view, output, read } = setup();
    const out = output('bool', [2, 2]);
    backend.dotGeneral(
      view('bool', [1, 0, 0, 0], [2, 2]),
      view('bool', [0, 1, 1, 0], [2, 2]),
      matmul,
      out,
    );
    expect(read(out)).toEqual([0, 1, 0, 0]);
  });

  it('rejects mismatched dims', () => {
    const { backend, view, output } = setup();
    expect(() =>
      backend.dotGeneral(
        view('float32', range(6), [2, 3]),
        view('float32', range(8), [4, 2]),
        matmul,
        output('float32', [2, 2]),
      ),
    ).toThrow(/dotGeneral: dims .* do not match shapes \[2,3\] and \[4,2\]/);
  });
});
