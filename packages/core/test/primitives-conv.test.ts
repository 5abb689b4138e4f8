/**
 * `conv`: golden PyTorch convolutions and transposed convolutions (forward and VJPs), a direct
 * host loop as the oracle for lhs/rhs dilation, negative padding and feature/batch groups,
 * finite differences, the transpose identity and batching — on the CPU backend's `conv` and on
 * the core's im2col fallback (a backend without `conv`).
 */
import { describe, expect, it } from 'vitest';
import { ShapedArray } from '../src/internal/aval.js';
import type { ConvParams } from '../src/internal/backend.js';
import type { Tensor } from '../src/internal/core/tensor.js';
import { ShapeError } from '../src/internal/errors.js';
import * as lax from '../src/internal/lax/primitive-ops.js';
import { convRules } from '../src/internal/primitives/conv.js';
import { contiguousStrides, sizeOf } from '../src/internal/shape.js';
import { checkGrads } from '../src/internal/transforms/check-grads.js';
import { vjp } from '../src/internal/transforms/grad.js';
import { expectClose } from './support/assertions.js';
import { onEveryBackend } from './support/backends.js';
import { expectGolden, goldenTensor, loadGolden } from './support/golden.js';
import { expectTransposeIdentity, expectVmapMatchesLoop } from './support/identities.js';
import { hostData, randomTensor } from './support/tensors.js';

const dilate = (d: number, r: number) => (d === 0 ? 0 : 1 + r * (d - 1));

/** Row-major coordinates of flat index `flat` in `shape`. */
function unravel(flat: number, shape: readonly number[]): number[] {
  const strides = contiguousStrides(shape);
  return shape.map((n, i) => Math.floor(flat / (strides[i] as number)) % n);
}

/** ConvGeneralDilated as a direct loop over outputs and taps (the oracle). */
function referenceConv(x: Tensor, w: Tensor, p: ConvParams): { data: number[]; shape: number[] } {
  const xd = hostData(x);
  const wd = hostData(w);
  const [n, , ...inSpatial] = x.shape as number[];
  const [o, i, ...kernel] = w.shape as number[];
  const outSpatial = inSpatial.map((d, k) => {
    const [lo, hi] = p.padding[k] as [number, number];
    const padded = dilate(d, p.lhsDilation[k] as number) + lo + hi;
    const window = dilate(kernel[k] as number, p.rhsDilation[k] as number);
    return padded < window ? 0 : Math.floor((padded - window) / (p.windowStrides[k] as number)) + 1;
  });
  const nOut = (n as number) / p.batchGroupCount;
  const shape = [nOut, o as number, ...outSpatial];
  const xStrides = contiguousStrides(x.shape);
  const wStrides = contiguousStrides(w.shape);
  const data = Array.from({ length: sizeOf(shape) }, (_, flat) => {
    const [nb, oc, ...pos] = unravel(flat, shape) as number[];
    const group = Math.floor((oc as number) / ((o as number) / p.featureGroupCount));
    const batchGroup = Math.floor((oc as number) / ((o as number) / p.batchGroupCount));
    const batch = batchGroup * nOut + (nb as number);
    let acc = 0;
    for (let ci = 0; ci < (i as number); ci++) {
      const channel = group * (i as number) + ci;
      for (let t = 0; t < sizeOf(kernel); t++) {
        const tap = unravel(t, kernel);
        let xi = batch * (xStrides[0] as number) + channel * (xStrides[1] as number);
        const inside = tap.every((k, s) => {
          const q =
            (pos[s] as number) * (p.windowStrides[s] as number) +
            k * (p.rhsDilation[s] as number) -
            (p.padding[s] as [number, number])[0];
          const ld = p.lhsDilation[s] as number;
          if (q < 0 || q % ld !== 0 || q / ld >= (inSpatial[s] as number)) return false;
          xi += (q / ld) * (xStrides[2 + s] as number);
          return true;
        });
        if (!inside) continue;
        const wi =
          oc * (wStrides[0] as number) +
          ci * (wStrides[1] as number) +
          tap.reduce((sum, k, s) => sum + k * (wStrides[2 + s] as number), 0);
        acc += (xd[xi] as number) * (wd[wi] as number);
      }
    }
    return acc;
  });
  return { data, shape };
}

function params(spatial: number, fields: Partial<ConvParams> = {}): ConvParams {
  const ones = Array.from({ length: spatial }, () => 1);
  return {
    windowStrides: ones,
    padding: ones.map(() => [0, 0] as const),
    lhsDilation: ones,
    rhsDilation: ones,
    featureGroupCount: 1,
    batchGroupCount: 1,
    ...fields,
  };
}

/** Configurations beyond PyTorch's conv: [name, lhs shape, rhs shape, params]. */
const configs: [string, number[], number[], ConvParams][] = [
  [
    'lhs+rhs dilation, strides, negative padding',
    [2, 2, 5, 6],
    [3, 2, 2, 3],
    params(2, {
      windowStrides: [2, 1],
      padding: [
        [1, -1],
        [2, 0],
      ],
      lhsDilation: [2, 1],
      rhsDilation: [1, 2],
    }),
  ],
  [
    'batch groups',
    [4, 3, 5, 5],
    [4, 3, 3, 3],
    params(2, {
      padding: [
        [1, 0],
        [0, 1],
      ],
      batchGroupCount: 2,
    }),
  ],
  [
    'feature groups, 1-D',
    [2, 6, 7],
    [6, 2, 3],
    params(1, { windowStrides: [2], padding: [[1, 1]], featureGroupCount: 3 }),
  ],
  [
    '3-D',
    [1, 2, 4, 3, 3],
    [2, 2, 2, 2, 2],
    params(3, {
      padding: [
        [1, 0],
        [0, 1],
        [1, 1],
      ],
      rhsDilation: [1, 1, 2],
    }),
  ],
  ['no spatial dims', [3, 4], [5, 4], params(0)],
  ['cropping only', [1, 1, 6], [2, 1, 2], params(1, { padding: [[-1, -2]], windowStrides: [2] })],
];

const conv = (p: ConvParams) => (x: Tensor, w: Tensor) => lax.conv(x, w, p);

describe('conv', () => {
  describe('PyTorch golden values (forward and VJPs), backend conv and fallback', () => {
    for (const c of loadGolden('conv')) {
      it(c.name, () => {
        onEveryBackend(() => {
          const x = goldenTensor(c.inputs.x);
          const w = goldenTensor(c.inputs.w);
          const prm = c.params as {
            stride: number[];
            padding: [number, number][];
            dilation: number[];
            groups: number;
            transposed?: boolean;
            equivalent_conv?: { lhs_dilation: number[]; padding: [number, number][] };
          };
          let f: (x: Tensor, w: Tensor) => Tensor;
          if (prm.transposed) {
            // conv_transpose = conv of x dilated by the strides with the flipped, I/O-swapped kernel.
            expect(prm.groups).toBe(1);
            const eq = prm.equivalent_conv as {
              lhs_dilation: number[];
              padding: [number, number][];
            };
            const p = params(2, {
              padding: eq.padding,
              lhsDilation: eq.lhs_dilation,
              rhsDilation: prm.dilation,
            });
            f = (xv, wv) => lax.conv(xv, lax.rev(lax.transpose(wv, [1, 0, 2, 3]), [2, 3]), p);
          } else {
            const p = params(prm.stride.length, {
              windowStrides: prm.stride,
              padding: prm.padding,
              rhsDilation: prm.dilation,
              featureGroupCount: prm.groups,
            });
            f = conv(p);
          }
          const [y, pullback] = vjp(f, x, w);
          expectGolden(y, c.outputs.y);
          const [dx, dw] = pullback(goldenTensor(c.inputs.ct));
          pullback.dispose();
          expectGolden(dx, c.outputs.dx);
          expectGolden(dw, c.outputs.dw);
        });
      });
    }
  });

  describe('matches a direct loop', () => {
    configs.forEach(([name, xs, ws, p], k) => {
      it(name, () => {
        onEveryBackend(() => {
          const x = randomTensor(xs, 10 + k);
          const w = randomTensor(ws, 20 + k);
          const expected = referenceConv(x, w, p);
          expectClose(lax.conv(x, w, p), expected.data, expected.shape, { rtol: 1e-5, atol: 1e-5 });
        });
      });
    });
  });

  describe('derivatives', () => {
    configs.forEach(([name, xs, ws, p], k) => {
      it(`${name}: finite differences and the transpose identity`, () => {
        onEveryBackend(() => {
          const x = randomTensor(xs, 30 + k);
          const w = randomTensor(ws, 40 + k);
          checkGrads((a, b) => [lax.conv(a as Tensor, b as Tensor, p)], [x, w]);
          expectTransposeIdentity((a, b) => [lax.conv(a as Tensor, b as Tensor, p)], [x, w], k);
        });
      });
    });
  });

  describe('vmap matches a loop', () => {
    const cases: [string, number[], number[], ConvParams][] = [
      [
        'plain',
        [2, 3, 5, 4],
        [4, 3, 2, 2],
        params(2, {
          padding: [
            [1, 0],
            [0, 1],
          ],
          windowStrides: [2, 1],
        }),
      ],
      [
        'feature groups',
        [2, 4, 5],
        [6, 2, 3],
        params(1, { featureGroupCount: 2, rhsDilation: [2] }),
      ],
      ['batch groups', [4, 2, 5], [6, 2, 3], params(1, { batchGroupCount: 2, lhsDilation: [2] })],
    ];
    for (const [name, xs, ws, p] of cases) {
      it(name, () => {
        onEveryBackend(() => {
          const f = conv(p);
          const withBatch = (shape: number[], axis: number) => [
            ...shape.slice(0, axis),
            3,
            ...shape.slice(axis),
          ];
          expectVmapMatchesLoop(
            f,
            [randomTensor(withBatch(xs, 1), 1), randomTensor(ws, 2)],
            [1, null],
          );
          expectVmapMatchesLoop(
            f,
            [randomTensor(xs, 3), randomTensor(withBatch(ws, 2), 4)],
            [null, 2],
          );
          expectVmapMatchesLoop(
            f,
            [randomTensor(withBatch(xs, 0), 5), randomTensor(withBatch(ws, 3), 6)],
            [0, 3],
          );
        });
      });
    }
  });

  it('validates shapes with messages naming them', () => {
    const f32 = (shape: number[]) => new ShapedArray(shape, 'float32');
    expect(() =>
      convRules.conv.abstractEval([f32([1, 3, 5, 5]), f32([4, 2, 3, 3])], params(2)),
    ).toThrow(ShapeError);
    expect(() =>
      convRules.conv.abstractEval([f32([1, 3, 5, 5]), f32([4, 2, 3, 3])], params(2)),
    ).toThrow(/\[1,3,5,5\] \* \[4,2,3,3\]/);
    expect(() =>
      convRules.conv.abstractEval([f32([1, 3, 5]), f32([4, 3, 3, 3])], params(2)),
    ).toThrow(/same rank/);
    expect(() =>
      convRules.conv.abstractEval([f32([1, 3, 5, 5]), f32([4, 3, 3, 3])], params(1)),
    ).toThrow(/windowStrides has 1 entries for 2 spatial dims/);
    expect(() =>
      convRules.conv.abstractEval(
        [f32([1, 3, 2]), f32([4, 3, 3])],
        params(1, { padding: [[-2, -1]] }),
      ),
    ).toThrow(/crops more than the input/);
    const [out] = convRules.conv.abstractEval(
      [f32([2, 3, 8, 8]), f32([4, 3, 3, 3])],
      params(2, {
        windowStrides: [2, 2],
        padding: [
          [1, 1],
          [1, 1],
        ],
      }),
    );
    expect(out?.shape).toEqual([2, 4, 4, 4]);
  });
});
