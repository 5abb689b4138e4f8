import type { ConvParams, DType } from '@tensile/core';
import { describe, expect, it } from 'vitest';
import { KERNEL_PATHS, range, setup, smallIntegers } from './helpers.js';

/**
 * XLA's ConvGeneralDilated for two spatial dims, spelled out step by step: materialise the
 * lhs-dilated, padded input and the rhs-dilated filter as plain arrays, then slide the filter
 * with the window strides. Feature group g pairs input channels [g·I, (g+1)·I) with output
 * features [g·O/G, (g+1)·O/G); batch group b pairs input batch [b·N/B, (b+1)·N/B) with output
 * features [b·O/B, (b+1)·O/B).
 */
function naiveConv2d(
  lhs: number[],
  [batch, channels, height, width]: number[],
  rhs: number[],
  [features, groupChannels, kernelHeight, kernelWidth]: number[],
  p: ConvParams,
): { shape: number[]; values: number[] } {
  const [[padTop, padBottom], [padLeft, padRight]] = p.padding;
  const dilatedHeight = (height - 1) * p.lhsDilation[0] + 1;
  const dilatedWidth = (width - 1) * p.lhsDilation[1] + 1;
  const paddedHeight = padTop + dilatedHeight + padBottom;
  const paddedWidth = padLeft + dilatedWidth + padRight;
  // padded[n][c][y][x]
  const padded = range(batch).map((n) =>
    range(channels).map((c) => {
      const plane = range(paddedHeight).map(() => new Array<number>(paddedWidth).fill(0));
      for (let h = 0; h < height; h++) {
        for (let w = 0; w < width; w++) {
          const y = padTop + h * p.lhsDilation[0];
          const x = padLeft + w * p.lhsDilation[1];
          if (y >= 0 && y < paddedHeight && x >= 0 && x < paddedWidth) {
            plane[y][x] = lhs[((n * channels + c) * height + h) * width + w];
          }
        }
      }
      return plane;
    }),
  );
  const dilatedKernelHeight = (kernelHeight - 1) * p.rhsDilation[0] + 1;
  const dilatedKernelWidth = (kernelWidth - 1) * p.rhsDilation[1] + 1;
  // kernel[o][i][ky][kx], with zeros between the taps
  const kernel = range(features).map((o) =>
    range(groupChannels).map((i) => {
      const plane = range(dilatedKernelHeight).map(() =>
        new Array<number>(dilatedKernelWidth).fill(0),
      );
      for (let ky = 0; ky < kernelHeight; ky++) {
        for (let kx = 0; kx < kernelWidth; kx++) {
          plane[ky * p.rhsDilation[0]][kx * p.rhsDilation[1]] =
            rhs[((o * groupChannels + i) * kernelHeight + ky) * kernelWidth + kx];
        }
      }
      return plane;
    }),
  );
  const outHeight = Math.floor((paddedHeight - dilatedKernelHeight) / p.windowStrides[0]) + 1;
  const outWidth = Math.floor((paddedWidth - dilatedKernelWidth) / p.windowStrides[1]) + 1;
  const outBatch = batch / p.batchGroupCount;
  const values: number[] = [];
  for (let n = 0; n < outBatch; n++) {
    for (let o = 0; o < features; o++) {
      const featureGroup = Math.floor(o / (features / p.featureGroupCount));
      const batchGroup = Math.floor(o / (features / p.batchGroupCount));
      const inputBatch = batchGroup * outBatch + n;
      for (let oy = 0; oy < outHeight; oy++) {
        for (let ox = 0; ox < outWidth; ox++) {
          let sum = 0;
          for (let i = 0; i < groupChannels; i++) {
            const c = featureGroup * groupChannels + i;
            for (let ky = 0; ky < dilatedKernelHeight; ky++) {
              for (let kx = 0; kx < dilatedKernelWidth; kx++) {
                sum +=
                  padded[inputBatch][c][oy * p.windowStrides[0] + ky][
                    ox * p.windowStrides[1] + kx
                  ] * kernel[o][i][ky][kx];
              }
            }
          }
          values.push(sum);
        }
      }
    }
  }
  return { shape: [outBatch, features, outHeight, outWidth], values };
}

const defaults: ConvParams = {
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

function runConv(
  lhsShape: number[],
  rhsShape: number[],
  params: ConvParams,
  outShape: number[],
  dtype: DType = 'float32',
  lhs = smallIntegers(
    lhsShape.reduce((a, b) => a * b),
    1,
  ),
  rhs = smallIntegers(
    rhsShape.reduce((a, b) => a * b),
    2,
  ),
  kernels: (typeof KERNEL_PATHS)[number] = 'wasm',
): number[] {
  const { backend, view, output, read } = setup({ kernels });
  const out = output(dtype, outShape);
  backend.conv?.(view(dtype, lhs, lhsShape), view(dtype, rhs, rhsShape), params, out);
  return read(out);
}

/** Compare the backend's 2-d conv (each kernel path) with the step-by-step definition. */
function check(
  lhsShape: number[],
  rhsShape: number[],
  overrides: Partial<ConvParams> = {},
  dtype: DType = 'float32',
) {
  const params = { ...defaults, ...overrides };
  const lhs = smallIntegers(
    lhsShape.reduce((a, b) => a * b),
    1,
  );
  const rhs = smallIntegers(
    rhsShape.reduce((a, b) => a * b),
    2,
  );
  const expected = naiveConv2d(lhs, lhsShape, rhs, rhsShape, params);
  for (const kernels of KERNEL_PATHS) {
    const got = runConv(lhsShape, rhsShape, params, expected.shape, dtype, lhs, rhs, kernels);
    expect(got, `${kernels} kernels`).toEqual(expected.values.map((v) => v + 0)); // + 0 turns -0 into 0
  }
}

describe('conv', () => {
  it('plain 2-d convolution', () => check([2, 3, 5, 6], [4, 3, 3, 2]));

  it('window strides and asymmetric padding', () =>
    check([1, 2, 7, 6], [3, 2, 3, 3], {
      windowStrides: [2, 3],
      padding: [
        [1, 2],
        [0, 1],
      ],
    }));

  it('negative padding crops', () =>
    check([1, 1, 6, 6], [1, 1, 2, 2], {
      padding: [
        [-1, 0],
        [0, -2],
      ],
    }));

  it('rhs (atrous) dilation', () => check([1, 2, 7, 7], [2, 2, 3, 2], { rhsDilation: [2, 3] }));

  it('lhs (transposed-conv) dilation with padding and strides', () =>
    check([2, 1, 3, 4], [2, 1, 3, 3], {
      lhsDilation: [2, 3],
      padding: [
        [2, 2],
        [1, 2],
      ],
      windowStrides: [1, 2],
    }));

  it('feature groups (grouped and depthwise)', () => {
    check([2, 4, 5, 5], [6, 2, 3, 3], { featureGroupCount: 2 });
    check([1, 3, 4, 5], [6, 1, 2, 2], { featureGroupCount: 3 });
  });

  it('batch groups', () => {
    check([4, 3, 5, 4], [6, 3, 2, 2], { batchGroupCount: 2 });
    check([3, 2, 4, 4], [3, 2, 3, 1], {
      batchGroupCount: 3,
      rhsDilation: [1, 2],
      padding: [
        [1, 0],
        [0, 1],
      ],
    });
  });

  it('batch groups equal independent convolutions of each batch slice with its feature slice', () => {
    // N = 4 split in B = 2 groups of 2, O = 4 split in 2 groups of 2.
    const lhsShape = [4, 2, 3, 3];
    const rhsShape = [4, 2, 2, 2];
    const lhs = smallIntegers(72, 3);
    const rhs = smallIntegers(32, 4);
    const got = runConv(
      lhsShape,
      rhsShape,
      { ...defaults, batchGroupCount: 2 },
      [2, 4, 2, 2],
      'float32',
      lhs,
      rhs,
    );
    for (const group of [0, 1]) {
      const part = naiveConv2d(
        lhs.slice(group * 36, (group + 1) * 36),
        [2, 2, 3, 3],
        rhs.slice(group * 16, (group + 1) * 16),
        [2, 2, 2, 2],
        defaults,
      ).values; // [2 batch, 2 features, 2, 2]
      for (let n = 0; n < 2; n++) {
        for (let o = 0; o < 2; o++) {
          const from = (n * 2 + o) * 4;
          const to = (n * 4 + group * 2 + o) * 4;
          expect(got.slice(to, to + 4)).toEqual(part.slice(from, from + 4));
        }
      }
    }
  });

  it('1-d convolution (a 2-d one with unit height)', () => {
    const lhs = smallIntegers(2 * 3 * 9, 5);
    const rhs = smallIntegers(4 * 3 * 3, 6);
    const params1d: ConvParams = {
      windowStrides: [2],
      padding: [[1, 1]],
      lhsDilation: [1],
      rhsDilation: [2],
      featureGroupCount: 1,
      batchGroupCount: 1,
    };
    const expected = naiveConv2d(lhs, [2, 3, 1, 9], rhs, [4, 3, 1, 3], {
      ...params1d,
      windowStrides: [1, 2],
      padding: [
        [0, 0],
        [1, 1],
      ],
      lhsDilation: [1, 1],
      rhsDilation: [1, 2],
    });
    expect(
      runConv([2, 3, 9], [4, 3, 3], params1d, [2, 4, expected.shape[3]], 'float32', lhs, rhs),
    ).toEqual(expected.values);
  });

  it('3-d convolution of ones counts the overlapping taps', () => {
    const params3d: ConvParams = {
      windowStrides: [1, 1, 1],
      padding: [
        [1, 1],
        [1, 1],
        [1, 1],
      ],
      lhsDilation: [1, 1, 1],
      rhsDilation: [1, 1, 1],
      featureGroupCount: 1,
      batchGroupCount: 1,
    };
    const got = runConv(
      [1, 1, 3, 3, 3],
      [1, 1, 2, 2, 2],
      params3d,
      [1, 1, 4, 4, 4],
      'float32',
      new Array(27).fill(1),
      new Array(8).fill(1),
    );
    const overlap = [1, 2, 2, 1]; // taps of a width-2 window inside 3 elements padded by 1
    const expected = range(64).map((i) => overlap[i >> 4] * overlap[(i >> 2) & 3] * overlap[i & 3]);
    expect(got).toEqual(expected);
  });

  it('reads strided (transposed) operands', () => {
    // lhs stored as [1, 1, W, H] and viewed transposed as [1, 1, H, W].
    const { backend, view, output, read } = setup();
    const stored = smallIntegers(12, 7); // [1, 1, 4, 3]
    const logical: number[] = [];
    for (let h = 0; h < 3; h++) for (let w = 0; w < 4; w++) logical.push(stored[w * 3 + h]);
    const rhs = smallIntegers(4, 8);
    const expected = naiveConv2d(logical, [1, 1, 3, 4], rhs, [1, 1, 2, 2], defaults);
    const out = output('float32', expected.shape);
    backend.conv?.(
      view('float32', stored, [1, 1, 3, 4], [12, 12, 1, 3]),
      view('float32', rhs, [1, 1, 2, 2]),
      defaults,
      out,
    );
    expect(read(out)).toEqual(expected.values);
  });

  it('integer convolution, interior and borders', () =>
    check(
      [2, 4, 5, 5],
      [4, 2, 3, 3],
      {
        featureGroupCount: 2,
        padding: [
          [1, 1],
          [2, 0],
        ],
      },
      'int32',
    ));

  it('integer convolution wraps', () => {
    expect(
      runConv(
        [1, 1, 2],
        [1, 1, 1],
        { ...defaults, windowStrides: [1], padding: [[0, 0]], lhsDilation: [1], rhsDilation: [1] },
        [1, 1, 2],
        'int32',
        [65536, 3],
        [65536],
      ),
    ).toEqual([0, 196608]);
  });

  it('rejects inconsistent shapes', () => {
    expect(() => runConv([1, 3, 4, 4], [2, 2, 2, 2], defaults, [1, 2, 3, 3])).toThrow(
      /conv: lhs \[1,3,4,4\] and rhs/,
    );
    expect(() => runConv([1, 2, 4, 4], [2, 2, 2, 2], defaults, [1, 2, 2, 2])).toThrow(
      /conv: output has shape/,
    );
  });
});
