/**
 * The Wasm GEMM path (`dotGeneral` and `conv` with `kernels: 'wasm'`) on random float data
 * against float64 loops by definition: shapes at and around the micro-tile and cache-block
 * edges, size 1 and size 0, transposed, flipped and broadcast views, batches and every kind of
 * convolution the core derives for gradients. Errors must stay within the float32 bound for
 * sums, `n · ε · Σ|terms|`.
 */
import type { ConvParams, DotDims } from '@tensile/core';
import { describe, expect, it } from 'vitest';
import { contiguous, range, setup } from './helpers.js';

const EPS = 2 ** -24;

/** Deterministic values in [-1, 1). */
function randoms(n: number, seed: number): number[] {
  let state = seed * 7919 + 17;
  return range(n).map(() => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return Math.fround((state / 2 ** 32) * 2 - 1);
  });
}

/** Every multi-index of `shape`, row-major. */
function indices(shape: readonly number[]): number[][] {
  let all: number[][] = [[]];
  for (const n of shape) all = all.flatMap((prefix) => range(n).map((i) => [...prefix, i]));
  return all;
}

/** Expect `actual` within the float32 summation bound of float64 `expected` with `terms` terms. */
function expectClose(actual: number[], expected: number[], magnitude: number[], terms: number[]) {
  expect(actual.length).toBe(expected.length);
  actual.forEach((v, i) => {
    const allowed = 2 * (terms[i] + 1) * EPS * magnitude[i] + 1e-30;
    if (!(Math.abs(v - expected[i]) <= allowed)) {
      throw new Error(`element ${i}: got ${v}, expected ${expected[i]} ± ${allowed}`);
    }
  });
}

interface Operand {
  shape: number[];
  /** Element strides into the stored values (default: contiguous). */
  strides?: number[];
  offset?: number;
  /** Stored values (default: as many as a contiguous `shape` holds). */
  length?: number;
}

function checkDot(lhs: Operand, rhs: Operand, dims: DotDims) {
  const { backend, view, output, read } = setup({ kernels: 'wasm' });
  const stored = (o: Operand) => o.length ?? o.shape.reduce((a, b) => a * b, 1);
  const a = randoms(stored(lhs), 1);
  const b = randoms(stored(rhs), 2);
  const aStrides = lhs.strides ?? contiguous(lhs.shape);
  const bStrides = rhs.strides ?? contiguous(rhs.shape);
  const aAt = (ix: number[]) =>
    a[(lhs.offset ?? 0) + ix.reduce((s, i, d) => s + i * aStrides[d], 0)];
  const bAt = (ix: number[]) =>
    b[(rhs.offset ?? 0) + ix.reduce((s, i, d) => s + i * bStrides[d], 0)];
  const [lc, rc] = dims.contracting;
  const [lb, rb] = dims.batch;
  const lFree = range(lhs.shape.length).filter((d) => !lc.includes(d) && !lb.includes(d));
  const rFree = range(rhs.shape.length).filter((d) => !rc.includes(d) && !rb.includes(d));
  const outShape = [
    ...lb.map((d) => lhs.shape[d]),
    ...lFree.map((d) => lhs.shape[d]),
    ...rFree.map((d) => rhs.shape[d]),
  ];
  const contracted = indices(lc.map((d) => lhs.shape[d]));
  const expected: number[] = [];
  const magnitude: number[] = [];
  for (const o of indices(outShape)) {
    const li: number[] = [];
    const ri: number[] = [];
    lb.forEach((d, i) => {
      li[d] = o[i];
      ri[rb[i]] = o[i];
    });
    lFree.forEach((d, i) => {
      li[d] = o[lb.length + i];
    });
    rFree.forEach((d, i) => {
      ri[d] = o[lb.length + lFree.length + i];
    });
    let sum = 0;
    let abs = 0;
    for (const k of contracted) {
      lc.forEach((d, i) => {
        li[d] = k[i];
        ri[rc[i]] = k[i];
      });
      const term = aAt(li) * bAt(ri);
      sum += term;
      abs += Math.abs(term);
    }
    expected.push(sum);
    magnitude.push(abs);
  }
  const out = output('float32', outShape);
  const x = view('float32', a, lhs.shape, aStrides, lhs.offset);
  const y = view('float32', b, rhs.shape, bStrides, rhs.offset);
  backend.dotGeneral(x, y, dims, out);
  expectClose(
    read(out),
    expected,
    magnitude,
    expected.map(() => contracted.length),
  );
  for (const id of [x.buffer, y.buffer, out.buffer]) backend.free(id);
  expect(backend.stats()).toEqual({ buffers: 0, bytes: 0 });
}

const matmul: DotDims = { contracting: [[1], [0]], batch: [[], []] };

describe('wasm dotGeneral', () => {
  it('odd, unit and tile-sized shapes', () => {
    for (const [m, k, n] of [
      [1, 1, 1],
      [1, 7, 1],
      [3, 5, 7],
      [4, 8, 8],
      [5, 9, 17],
      [8, 1, 16],
      [13, 3, 1],
    ]) {
      checkDot({ shape: [m, k] }, { shape: [k, n] }, matmul);
    }
  });

  it('crosses the row, depth and column blocks', () => {
    checkDot({ shape: [131, 261] }, { shape: [261, 9] }, matmul);
    checkDot({ shape: [3, 5] }, { shape: [5, 1031] }, matmul);
    checkDot({ shape: [6, 520] }, { shape: [520, 11] }, matmul);
  });

  it('zero-size dims give an empty result or zeros', () => {
    checkDot({ shape: [0, 3] }, { shape: [3, 4] }, matmul);
    checkDot({ shape: [3, 0] }, { shape: [0, 4] }, matmul);
    checkDot({ shape: [3, 4] }, { shape: [4, 0] }, matmul);
  });

  it('transposed, flipped, offset and broadcast views', () => {
    // lhs stored [k, m] and read transposed; rhs stored [n, k] and read transposed.
    checkDot({ shape: [7, 10], strides: [1, 7] }, { shape: [10, 9], strides: [1, 10] }, matmul);
    // rhs rows flipped (negative stride from the last row).
    checkDot({ shape: [5, 6] }, { shape: [6, 9], strides: [-9, 1], offset: 45 }, matmul);
    // A broadcast rhs row (stride 0 along k) and an offset, sliced lhs.
    checkDot(
      { shape: [5, 6], strides: [8, 1], offset: 2, length: 42 },
      { shape: [6, 9], strides: [0, 1], length: 9 },
      matmul,
    );
  });

  it('batch, several contracting and free dims in any position', () => {
    checkDot(
      { shape: [3, 5, 6] },
      { shape: [3, 6, 7] },
      { contracting: [[2], [1]], batch: [[0], [0]] },
    );
    checkDot(
      { shape: [5, 2, 6] },
      { shape: [6, 7, 2] },
      { contracting: [[2], [0]], batch: [[1], [2]] },
    );
    checkDot(
      { shape: [2, 3, 4, 5] },
      { shape: [4, 5, 2, 6] },
      {
        contracting: [
          [2, 3],
          [0, 1],
        ],
        batch: [[0], [2]],
      },
    );
    // A vector dot and an outer product.
    checkDot({ shape: [9] }, { shape: [9] }, { contracting: [[0], [0]], batch: [[], []] });
    checkDot({ shape: [4] }, { shape: [5] }, { contracting: [[], []], batch: [[], []] });
  });
});

const CONV: ConvParams = {
  windowStrides: [1, 1],
  padding: [
    [0, 0],
    [0, 0],
  ],
  lhsDilation: [1, 1],
  rhsDilation: [1, 1],
  featureGroupCount: 1,
  batchGroupCount: 1,
};

/** XLA's ConvGeneralDilated by definition, in float64. */
function naiveConv(
  x: number[],
  xShape: number[],
  w: number[],
  wShape: number[],
  p: ConvParams,
): { shape: number[]; values: number[]; magnitude: number[]; terms: number } {
  const [batch, , ...inSize] = xShape;
  const [features, groupChannels, ...window] = wShape;
  const outSize = inSize.map((size, d) => {
    const dilated = size === 0 ? 0 : (size - 1) * p.lhsDilation[d] + 1;
    const padded = dilated + p.padding[d][0] + p.padding[d][1];
    const span = (window[d] - 1) * p.rhsDilation[d] + 1;
    return padded < span ? 0 : Math.floor((padded - span) / p.windowStrides[d]) + 1;
  });
  const outBatch = batch / p.batchGroupCount;
  const shape = [outBatch, features, ...outSize];
  const xStrides = contiguous(xShape);
  const wStrides = contiguous(wShape);
  const values: number[] = [];
  const magnitude: number[] = [];
  const taps = indices(window);
  for (const [n, o, ...s] of indices(shape)) {
    const group = Math.floor(o / (features / p.featureGroupCount));
    const batchGroup = Math.floor(o / (features / p.batchGroupCount));
    const inputBatch = batchGroup * outBatch + n;
    let sum = 0;
    let abs = 0;
    for (let f = 0; f < groupChannels; f++) {
      const c = group * groupChannels + f;
      for (const t of taps) {
        let offset = inputBatch * xStrides[0] + c * xStrides[1];
        let valid = true;
        s.forEach((sd, d) => {
          const q = sd * p.windowStrides[d] + t[d] * p.rhsDilation[d] - p.padding[d][0];
          const i = q / p.lhsDilation[d];
          if (q < 0 || !Number.isInteger(i) || i >= inSize[d]) valid = false;
          offset += i * xStrides[2 + d];
        });
        if (!valid) continue;
        const term =
          x[offset] *
          w[
            o * wStrides[0] + f * wStrides[1] + t.reduce((a, td, d) => a + td * wStrides[2 + d], 0)
          ];
        sum += term;
        abs += Math.abs(term);
      }
    }
    values.push(sum);
    magnitude.push(abs);
  }
  return { shape, values, magnitude, terms: groupChannels * taps.length };
}

function checkConv(xShape: number[], wShape: number[], overrides: Partial<ConvParams> = {}) {
  const rank = xShape.length - 2;
  const params: ConvParams = {
    windowStrides: new Array(rank).fill(1),
    padding: new Array(rank).fill([0, 0]),
    lhsDilation: new Array(rank).fill(1),
    rhsDilation: new Array(rank).fill(1),
    featureGroupCount: 1,
    batchGroupCount: 1,
    ...overrides,
  };
  const x = randoms(
    xShape.reduce((a, b) => a * b, 1),
    3,
  );
  const w = randoms(
    wShape.reduce((a, b) => a * b, 1),
    4,
  );
  const expected = naiveConv(x, xShape, w, wShape, params);
  const { backend, view, output, read } = setup({ kernels: 'wasm' });
  const lhs = view('float32', x, xShape);
  const rhs = view('float32', w, wShape);
  const out = output('float32', expected.shape);
  backend.conv?.(lhs, rhs, params, out);
  expectClose(
    read(out),
    expected.values,
    expected.magnitude,
    expected.values.map(() => expected.terms),
  );
  for (const id of [lhs.buffer, rhs.buffer, out.buffer]) backend.free(id);
  expect(backend.stats()).toEqual({ buffers: 0, bytes: 0 });
}

describe('wasm conv', () => {
  it('valid, padded, strided and dilated 2-d convolutions', () => {
    checkConv([2, 3, 9, 9], [4, 3, 3, 3]);
    checkConv([2, 3, 9, 8], [5, 3, 3, 3], {
      padding: [
        [1, 1],
        [1, 1],
      ],
    });
    checkConv([1, 2, 11, 10], [3, 2, 3, 2], {
      windowStrides: [2, 3],
      padding: [
        [2, 0],
        [1, 2],
      ],
    });
    checkConv([2, 2, 10, 10], [3, 2, 3, 3], { rhsDilation: [2, 3] });
  });

  it('lhs dilation (transposed convolution) and negative padding (cropping)', () => {
    checkConv([2, 3, 5, 4], [2, 3, 3, 3], {
      lhsDilation: [2, 2],
      padding: [
        [2, 2],
        [2, 1],
      ],
    });
    checkConv([1, 2, 9, 9], [2, 2, 2, 2], {
      padding: [
        [-2, -1],
        [-1, 1],
      ],
    });
  });

  it('feature groups (depthwise too) and batch groups', () => {
    checkConv([2, 4, 7, 7], [6, 2, 3, 3], { featureGroupCount: 2 });
    checkConv([2, 4, 6, 6], [4, 1, 3, 3], { featureGroupCount: 4 });
    checkConv([4, 3, 6, 6], [6, 3, 2, 2], { batchGroupCount: 2 });
  });

  it('the gradient shapes of a CNN layer: input and filter cotangents', () => {
    // Forward: x [4, 3, 8, 8] * w [5, 3, 3, 3], padding 1 → [4, 5, 8, 8].
    // Input gradient: cotangent [4, 5, 8, 8] * flipped, transposed filter view [3, 5, 3, 3].
    checkConv([4, 5, 8, 8], [3, 5, 3, 3], {
      padding: [
        [1, 1],
        [1, 1],
      ],
    });
    // Filter gradient: x with batch and channels swapped [3, 4, 8, 8] * cotangent [5, 4, 8, 8]
    // as the window → [3, 5, 3, 3].
    checkConv([3, 4, 8, 8], [5, 4, 8, 8], {
      padding: [
        [1, 1],
        [1, 1],
      ],
    });
    // Strided forward's input gradient: lhs dilation by the stride.
    checkConv([2, 5, 4, 4], [3, 5, 3, 3], {
      lhsDilation: [2, 2],
      padding: [
        [1, 2],
        [1, 2],
      ],
    });
  });

  it('1-d and 3-d convolutions, size-1 and empty shapes', () => {
    checkConv([2, 3, 17], [4, 3, 5], { padding: [[2, 2]] });
    checkConv([1, 2, 4, 5, 3], [3, 2, 2, 3, 2]);
    checkConv([1, 1, 1, 1], [1, 1, 1, 1]);
    checkConv([0, 2, 5, 5], [3, 2, 3, 3]);
    checkConv([2, 0, 5, 5], [3, 0, 3, 3]);
    checkConv([1, 2, 2, 2], [3, 2, 3, 3]);
  });

  it('reads strided operands: a transposed input and a flipped filter', () => {
    const { backend, view, output, read } = setup({ kernels: 'wasm' });
    const stored = randoms(2 * 3 * 6 * 5, 5); // stored [2, 3, 5, 6], read as [2, 3, 6, 5]
    const filter = randoms(4 * 3 * 3 * 3, 6);
    const logical: number[] = [];
    for (const [n, c, h, w] of indices([2, 3, 6, 5]))
      logical.push(stored[((n * 3 + c) * 5 + w) * 6 + h]);
    const flipped: number[] = [];
    for (const [o, c, h, w] of indices([4, 3, 3, 3]))
      flipped.push(filter[((o * 3 + c) * 3 + 2 - h) * 3 + 2 - w]);
    const expected = naiveConv(logical, [2, 3, 6, 5], flipped, [4, 3, 3, 3], CONV);
    const out = output('float32', expected.shape);
    backend.conv?.(
      view('float32', stored, [2, 3, 6, 5], [90, 30, 1, 6]),
      view('float32', filter, [4, 3, 3, 3], [27, 9, -3, -1], 8),
      CONV,
      out,
    );
    expectClose(
      read(out),
      expected.values,
      expected.magnitude,
      expected.values.map(() => 27),
    );
  });
});

describe('wasm kernels on a non-shared memory', () => {
  it('stay right when their scratch grows the memory (which detaches its old buffer)', () => {
    const { backend, view, output, read } = setup({ kernels: 'wasm', sharedMemory: false });
    // A padded conv whose padded copy and packing buffers exceed the fresh 64 KiB memory.
    const x = randoms(2 * 3 * 40 * 40, 7);
    const w = randoms(4 * 3 * 3 * 3, 8);
    const params: ConvParams = {
      ...CONV,
      padding: [
        [1, 1],
        [1, 1],
      ],
    };
    const expected = naiveConv(x, [2, 3, 40, 40], w, [4, 3, 3, 3], params);
    const out = output('float32', expected.shape);
    backend.conv?.(
      view('float32', x, [2, 3, 40, 40]),
      view('float32', w, [4, 3, 3, 3]),
      params,
      out,
    );
    expectClose(
      read(out),
      expected.values,
      expected.magnitude,
      expected.values.map(() => 27),
    );
  });
});
