/**
 * Pooling primitives: golden PyTorch max/avg pooling (forward and input gradients), a direct host
 * loop as the oracle for padding, base/window dilation and strides over every dim, the max-pool
 * derivative helpers `selectAndGatherAdd`/`selectAndScatterAdd` (first max on ties, adjointness),
 * finite differences, transpose identities and batching — on the CPU backend's `reduceWindow`
 * and on the core's fallbacks.
 */
import { describe, expect, it } from 'vitest';
import { ShapedArray } from '../src/internal/aval.js';
import type { WindowParams } from '../src/internal/backend.js';
import type { Tensor } from '../src/internal/core/tensor.js';
import { ShapeError, ValueError } from '../src/internal/errors.js';
import * as lax from '../src/internal/lax/primitive-ops.js';
import { windowRules } from '../src/internal/primitives/window.js';
import { getBackend } from '../src/internal/registry.js';
import { contiguousStrides, sizeOf } from '../src/internal/shape.js';
import { checkGrads } from '../src/internal/transforms/check-grads.js';
import { vjp } from '../src/internal/transforms/grad.js';
import { expectClose } from './support/assertions.js';
import { onEveryBackend } from './support/backends.js';
import { expectGolden, goldenTensor, loadGolden } from './support/golden.js';
import { expectTransposeIdentity, expectVmapMatchesLoop } from './support/identities.js';
import {
  distinctTensor,
  hostData,
  innerProduct,
  randomTensor,
  sliceHost,
  tensor,
} from './support/tensors.js';

const dilate = (d: number, r: number) => (d === 0 ? 0 : 1 + r * (d - 1));

function unravel(flat: number, shape: readonly number[]): number[] {
  const strides = contiguousStrides(shape);
  return shape.map((n, i) => Math.floor(flat / (strides[i] as number)) % n);
}

/** For every window (row-major), the operand flat index of each tap (row-major), or -1 for padding and holes. */
function referenceWindows(
  shape: readonly number[],
  w: WindowParams,
): { outShape: number[]; taps: number[][] } {
  const outShape = shape.map((d, i) => {
    const [lo, hi] = w.padding[i] as readonly [number, number];
    const padded = dilate(d, w.baseDilation[i] as number) + lo + hi;
    const window = dilate(w.windowDimensions[i] as number, w.windowDilation[i] as number);
    return padded < window ? 0 : Math.floor((padded - window) / (w.windowStrides[i] as number)) + 1;
  });
  const strides = contiguousStrides(shape);
  const taps = Array.from({ length: sizeOf(outShape) }, (_, o) => {
    const pos = unravel(o, outShape);
    return Array.from({ length: sizeOf(w.windowDimensions) }, (_, t) => {
      const tap = unravel(t, w.windowDimensions);
      let index = 0;
      const inside = tap.every((k, i) => {
        const q =
          (pos[i] as number) * (w.windowStrides[i] as number) +
          k * (w.windowDilation[i] as number) -
          (w.padding[i] as readonly [number, number])[0];
        const bd = w.baseDilation[i] as number;
        if (q < 0 || q % bd !== 0 || q / bd >= (shape[i] as number)) return false;
        index += (q / bd) * (strides[i] as number);
        return true;
      });
      return inside ? index : -1;
    });
  });
  return { outShape, taps };
}

/** reduceWindow on the host; padding holds the op's identity. */
function referenceReduce(
  op: 'sum' | 'max' | 'min',
  x: Tensor,
  w: WindowParams,
): { data: number[]; shape: number[] } {
  const xd = hostData(x);
  const { outShape, taps } = referenceWindows(x.shape, w);
  const init =
    op === 'sum' ? 0 : op === 'max' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  const data = taps.map((ts) =>
    ts.reduce((acc, i) => {
      if (i < 0) return acc;
      const v = xd[i] as number;
      return op === 'sum' ? acc + v : op === 'max' ? Math.max(acc, v) : Math.min(acc, v);
    }, init),
  );
  return { data, shape: outShape };
}

/** Per window, the operand index of the first max (padding counts as -∞; -1 when padding wins). */
function referenceArgmax(x: Tensor, w: WindowParams): { positions: number[]; shape: number[] } {
  const xd = hostData(x);
  const { outShape, taps } = referenceWindows(x.shape, w);
  const positions = taps.map((ts) => {
    // The first tap starts as the max; only a strictly larger value replaces it.
    let best = ts[0] as number;
    let bestValue = best < 0 ? Number.NEGATIVE_INFINITY : (xd[best] as number);
    for (const i of ts) {
      const v = i < 0 ? Number.NEGATIVE_INFINITY : (xd[i] as number);
      if (v > bestValue) {
        best = i;
        bestValue = v;
      }
    }
    return best;
  });
  return { positions, shape: outShape };
}

function window(
  windowDimensions: number[],
  fields: Partial<Omit<WindowParams, 'windowDimensions'>> = {},
): WindowParams {
  const ones = windowDimensions.map(() => 1);
  return {
    windowDimensions,
    windowStrides: ones,
    padding: ones.map(() => [0, 0] as const),
    baseDilation: ones,
    windowDilation: ones,
    ...fields,
  };
}

/** 2-D pooling over NCHW. */
function pool2d(kernel: number[], stride: number[], padding: [number, number][]): WindowParams {
  return window([1, 1, ...kernel], {
    windowStrides: [1, 1, ...stride],
    padding: [[0, 0], [0, 0], ...padding],
  });
}

const configs: [string, number[], WindowParams][] = [
  ['plain 2×2 stride 2', [2, 4, 4], window([1, 2, 2], { windowStrides: [1, 2, 2] })],
  [
    'padding, base and window dilation, strides on every dim',
    [3, 5, 6],
    window([2, 3, 2], {
      windowStrides: [1, 2, 1],
      padding: [
        [0, 1],
        [1, 1],
        [2, 0],
      ],
      baseDilation: [1, 2, 1],
      windowDilation: [1, 1, 2],
    }),
  ],
  [
    'overlapping windows, asymmetric padding',
    [2, 7],
    window([2, 3], {
      padding: [
        [1, 0],
        [0, 2],
      ],
      windowStrides: [1, 2],
    }),
  ],
  [
    'windows of padding only',
    [1, 3],
    window([1, 2], {
      padding: [
        [0, 0],
        [3, 3],
      ],
      windowStrides: [1, 2],
    }),
  ],
];

const constant = (shape: readonly number[], value: number) =>
  lax.full(shape, value, 'float32', false, getBackend().name);

describe('reduceWindow', () => {
  describe('PyTorch pooling golden values (forward and input gradient)', () => {
    for (const c of loadGolden('pool')) {
      it(c.name, () => {
        onEveryBackend(() => {
          const prm = c.params as {
            op: 'max' | 'avg';
            kernel: number[];
            stride: number[];
            padding: [number, number][];
            count_include_pad?: boolean;
          };
          const w = pool2d(prm.kernel, prm.stride, prm.padding);
          const f = (x: Tensor): Tensor => {
            if (prm.op === 'max') return lax.reduceWindow('max', x, w);
            const sums = lax.reduceWindow('sum', x, w);
            // Average: divide by the window size, or by the number of real elements it covers.
            const counts = prm.count_include_pad
              ? constant(sums.shape, sizeOf(prm.kernel))
              : lax.reduceWindow('sum', constant(x.shape, 1), w);
            return lax.div(sums, counts);
          };
          const [y, pullback] = vjp(f, goldenTensor(c.inputs.x));
          expectGolden(y, c.outputs.y);
          const [dx] = pullback(goldenTensor(c.inputs.ct));
          pullback.dispose();
          expectGolden(dx, c.outputs.dx);
        });
      });
    }
  });

  describe('matches a direct loop', () => {
    configs.forEach(([name, shape, w], k) => {
      it(name, () => {
        onEveryBackend(() => {
          const x = randomTensor(shape, 10 + k);
          for (const op of ['sum', 'max', 'min'] as const) {
            const expected = referenceReduce(op, x, w);
            expectClose(lax.reduceWindow(op, x, w), expected.data, expected.shape, {
              rtol: 1e-5,
              atol: 1e-6,
            });
          }
        });
      });
    });

    it('int32 max and sum', () => {
      onEveryBackend(() => {
        const x = tensor([5, -3, 7, 2, 0, 9, -8, 1, 4], [3, 3], 'int32');
        const w = window([2, 2], {
          padding: [
            [1, 0],
            [0, 0],
          ],
        });
        const max = lax.reduceWindow('max', x, w);
        expect(max.dtype).toBe('int32');
        expectClose(max, [5, 7, 5, 9, 2, 9], [3, 2]);
        expectClose(lax.reduceWindow('sum', x, w), [2, 4, 4, 13, -5, 14], [3, 2]);
      });
    });
  });

  describe('derivatives', () => {
    configs.forEach(([name, shape, w], k) => {
      it(`${name}: finite differences and transpose identities`, () => {
        onEveryBackend(() => {
          // Distinct values (0.1 apart) keep every window's max unique under the FD step.
          const x = distinctTensor(shape, 20 + k);
          for (const op of ['sum', 'max', 'min'] as const) {
            // Max/min over a window of padding only is ±∞, where finite differences are undefined.
            const finite =
              op === 'sum' || hostData(lax.reduceWindow(op, x, w)).every(Number.isFinite);
            if (finite) checkGrads((a) => [lax.reduceWindow(op, a as Tensor, w)], [x]);
            expectTransposeIdentity((a) => [lax.reduceWindow(op, a as Tensor, w)], [x], k);
          }
        });
      });
    });
  });

  it('vmap matches a loop', () => {
    onEveryBackend(() => {
      const w = window([2, 3], {
        windowStrides: [1, 2],
        padding: [
          [1, 0],
          [1, 1],
        ],
        windowDilation: [2, 1],
      });
      for (const op of ['sum', 'max', 'min'] as const) {
        expectVmapMatchesLoop((a) => lax.reduceWindow(op, a, w), [randomTensor([4, 3, 5], 1)], [1]);
        expectVmapMatchesLoop((a) => lax.reduceWindow(op, a, w), [randomTensor([4, 5, 3], 2)], [2]);
      }
    });
  });

  it('validates the window with messages naming the operand', () => {
    const f32 = new ShapedArray([2, 4, 4], 'float32');
    const rw = (w: WindowParams) =>
      windowRules.reduceWindow.abstractEval([f32], { op: 'max', window: w });
    expect(() => rw(window([2, 2]))).toThrow(ValueError);
    expect(() => rw(window([2, 2]))).toThrow(
      /windowDimensions has 2 entries for an operand of shape \[2,4,4\]/,
    );
    expect(() => rw(window([1, 0, 2]))).toThrow(/positive integers/);
    expect(() =>
      rw(
        window([1, 2, 2], {
          padding: [
            [0, 0],
            [-3, -2],
            [0, 0],
          ],
        }),
      ),
    ).toThrow(ShapeError);
    expect(
      rw(
        window([1, 3, 2], {
          windowStrides: [1, 2, 2],
          padding: [
            [0, 0],
            [1, 1],
            [0, 0],
          ],
        }),
      )[0]?.shape,
    ).toEqual([2, 2, 2]);
    expect(() =>
      windowRules.reduceWindow.abstractEval([new ShapedArray([2], 'bool')], {
        op: 'sum',
        window: window([1]),
      }),
    ).toThrow(/sum is not defined/);
  });
});

describe('selectAndGatherAdd / selectAndScatterAdd', () => {
  const cases = configs.slice(1);

  it('pick the tangent at each window’s first max, and scatter back to it', () => {
    onEveryBackend(() => {
      for (const [, shape, w] of cases) {
        // Few distinct values: many ties, so "first max" matters.
        const xs = hostData(randomTensor(shape, 3)).map((v) => Math.round(v * 2));
        const x = tensor(xs, shape);
        const t = randomTensor(shape, 4);
        const td = hostData(t);
        const { positions, shape: outShape } = referenceArgmax(x, w);
        expectClose(
          lax.selectAndGatherAdd(t, x, w),
          positions.map((p) => (p < 0 ? 0 : (td[p] as number))),
          outShape,
        );
        const source = randomTensor(outShape, 5);
        const sd = hostData(source);
        const scattered = new Array<number>(sizeOf(shape)).fill(0);
        positions.forEach((p, o) => {
          if (p >= 0) scattered[p] = (scattered[p] as number) + (sd[o] as number);
        });
        expectClose(lax.selectAndScatterAdd(source, x, w), scattered, shape, {
          rtol: 1e-5,
          atol: 1e-6,
        });
      }
    });
  });

  it('are adjoint: ⟨s, gather(t)⟩ = ⟨scatter(s), t⟩, and transpose into each other', () => {
    onEveryBackend(() => {
      cases.forEach(([, shape, w], k) => {
        const x = distinctTensor(shape, 6 + k);
        const t = randomTensor(shape, 7 + k);
        const gathered = lax.selectAndGatherAdd(t, x, w);
        const s = randomTensor(gathered.shape, 8 + k);
        expect(innerProduct(s, gathered)).toBeCloseTo(
          innerProduct(lax.selectAndScatterAdd(s, x, w), t),
          5,
        );
        expectTransposeIdentity((a) => [lax.selectAndGatherAdd(a as Tensor, x, w)], [t], k);
        expectTransposeIdentity((a) => [lax.selectAndScatterAdd(a as Tensor, x, w)], [s], k);
      });
    });
  });

  it('vmap matches a loop (batched tangent/source, operand, or both)', () => {
    onEveryBackend(() => {
      const w = window([2, 2], {
        windowStrides: [2, 1],
        padding: [
          [1, 0],
          [0, 1],
        ],
      });
      const x = randomTensor([3, 4, 5], 9);
      const t = randomTensor([3, 4, 5], 10);
      const gather = (a: Tensor, b: Tensor) => lax.selectAndGatherAdd(a, b, w);
      expectVmapMatchesLoop(gather, [t, x], [0, 0]);
      expectVmapMatchesLoop(gather, [t, sliceHost(x, 0, 0)], [0, null]);
      expectVmapMatchesLoop(
        gather,
        [randomTensor([4, 3, 5], 11), randomTensor([4, 5, 3], 12)],
        [1, 2],
      );
      const s = randomTensor([3, 2, 5], 13);
      const scatter = (a: Tensor, b: Tensor) => lax.selectAndScatterAdd(a, b, w);
      expectVmapMatchesLoop(scatter, [s, x], [0, 0]);
      expectVmapMatchesLoop(scatter, [s, sliceHost(x, 0, 0)], [0, null]);
      expectVmapMatchesLoop(scatter, [sliceHost(s, 0, 0), x], [null, 0]);
    });
  });

  it('validate their operands', () => {
    const w = window([2, 2]);
    const f32 = (shape: number[]) => new ShapedArray(shape, 'float32');
    expect(() =>
      windowRules.selectAndGatherAdd.abstractEval([f32([3, 3]), f32([3, 4])], { window: w }),
    ).toThrow(/shapes differ/);
    expect(() =>
      windowRules.selectAndScatterAdd.abstractEval([f32([3, 3]), f32([3, 3])], { window: w }),
    ).toThrow(/window-output shape \[2,2\]/);
  });
});
