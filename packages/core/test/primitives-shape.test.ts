/**
 * The shape primitives (reshape, transpose, broadcastInDim, slice, pad, rev, concatenate) on the
 * CPU backend: values against host-computed references, zero-copy views, shape errors, JVPs and
 * VJPs against finite differences, exact transposes (⟨ct, J t⟩ = ⟨Jᵀ ct, t⟩) and vmap against a
 * loop over examples.
 */
import { describe, expect, it } from 'vitest';
import type { DeviceArray } from '../src/internal/core/device-array.js';
import type { Tensor } from '../src/internal/core/tensor.js';
import { DTypeError, ShapeError, ValueError } from '../src/internal/errors.js';
import * as lax from '../src/internal/lax/primitive-ops.js';
import { checkGrads } from '../src/internal/transforms/check-grads.js';
import { scope } from '../src/internal/transforms/scope.js';
import { expectClose } from './support/assertions.js';
import { expectTransposeIdentity, expectVmapMatchesLoop } from './support/identities.js';
import { hostData, randomTensor, tensor } from './support/tensors.js';

const iotaData = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
/** Row-major index → multi-index. */
function unravel(i: number, shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d] as number;
    out[d] = i % n;
    i = Math.floor(i / n);
  }
  return out;
}

function ravel(index: readonly number[], shape: readonly number[]): number {
  return index.reduce((acc, k, d) => acc * (shape[d] as number) + k, 0);
}

/** XLA pad on the host: each output element either maps back to an operand element or is padding. */
function padReference(
  data: readonly number[],
  shape: readonly number[],
  value: number,
  low: readonly number[],
  high: readonly number[],
  interior: readonly number[],
): { data: number[]; shape: number[] } {
  const outShape = shape.map(
    (n, d) =>
      (low[d] as number) + (high[d] as number) + n + Math.max(n - 1, 0) * (interior[d] as number),
  );
  const size = outShape.reduce((a, b) => a * b, 1);
  const out = new Array<number>(size);
  for (let i = 0; i < size; i++) {
    const idx = unravel(i, outShape);
    const src: number[] = [];
    let inside = true;
    idx.forEach((j, d) => {
      const r = j - (low[d] as number);
      const step = (interior[d] as number) + 1;
      if (r < 0 || r % step !== 0 || r / step >= (shape[d] as number)) inside = false;
      src.push(r / step);
    });
    out[i] = inside ? (data[ravel(src, shape)] as number) : value;
  }
  return { data: out, shape: outShape };
}

const storageOf = (x: Tensor) => (x as DeviceArray).storage;

describe('reshape', () => {
  it('is a view of a contiguous array', () => {
    scope(() => {
      const x = tensor(iotaData(6), [2, 3]);
      const y = lax.reshape(x, [3, 1, 2]);
      expect(storageOf(y)).toBe(storageOf(x));
      expectClose(y, iotaData(6), [3, 1, 2]);
    });
  });

  it('keeps row-major order for strided views, copying only when it must', () => {
    scope(() => {
      const x = tensor(iotaData(24), [2, 3, 4]);
      const t = lax.transpose(x, [1, 0, 2]); // [3,2,4], strides [4,12,1]
      const expected = hostData(t);
      const split = lax.reshape(t, [3, 2, 2, 2]);
      expect(storageOf(split)).toBe(storageOf(x));
      expectClose(split, expected, [3, 2, 2, 2]);
      const merged = lax.reshape(t, [3, 8]);
      expect(storageOf(merged)).not.toBe(storageOf(x));
      expectClose(merged, expected, [3, 8]);
      const sliced = lax.slice(x, [0, 1, 0], [2, 3, 4]); // [2,2,4] with a gap between dim-0 blocks
      expectClose(lax.reshape(sliced, [2, 8]), hostData(sliced), [2, 8]);
      expect(storageOf(lax.reshape(sliced, [2, 8]))).toBe(storageOf(x));
      expectClose(lax.reshape(sliced, [16]), hostData(sliced), [16]);
      const broadcast = lax.broadcastInDim(tensor([1, 2]), [3, 2], [1]);
      expectClose(lax.reshape(broadcast, [6]), [1, 2, 1, 2, 1, 2], [6]);
      const reversed = lax.rev(x, [2]);
      expectClose(lax.reshape(reversed, [6, 4]), hostData(reversed), [6, 4]);
      expectClose(lax.reshape(lax.reshape(x, [1, 24, 1]), [4, 1, 6]), iotaData(24), [4, 1, 6]);
    });
  });

  it('rejects a size change', () => {
    scope(() => {
      expect(() => lax.reshape(tensor(iotaData(6), [2, 3]), [4, 2])).toThrow(ShapeError);
    });
  });
});

describe('transpose, broadcastInDim, slice, rev', () => {
  it('transpose permutes axes as a view', () => {
    scope(() => {
      const x = tensor(iotaData(6), [2, 3]);
      const y = lax.transpose(x, [1, 0]);
      expect(storageOf(y)).toBe(storageOf(x));
      expectClose(y, [0, 3, 1, 4, 2, 5], [3, 2]);
      const z = tensor(iotaData(24), [2, 3, 4]);
      const p = lax.transpose(z, [2, 0, 1]);
      const expected = iotaData(24).map((_, i) => {
        const [c, a, b] = unravel(i, [4, 2, 3]) as [number, number, number];
        return a * 12 + b * 4 + c;
      });
      expectClose(p, expected, [4, 2, 3]);
      expect(() => lax.transpose(x, [0, 0])).toThrow(ValueError);
    });
  });

  it('broadcastInDim uses zero strides and expands size-1 dims', () => {
    scope(() => {
      const row = tensor([1, 2, 3]);
      const b = lax.broadcastInDim(row, [2, 3], [1]);
      expect(storageOf(b)).toBe(storageOf(row));
      expectClose(b, [1, 2, 3, 1, 2, 3], [2, 3]);
      const col = tensor([1, 2], [2, 1]);
      expectClose(lax.broadcastInDim(col, [2, 3], [0, 1]), [1, 1, 1, 2, 2, 2], [2, 3]);
      expectClose(lax.broadcastInDim(tensor([7], []), [2, 2], []), [7, 7, 7, 7], [2, 2]);
      expectClose(
        lax.broadcastInDim(col, [2, 4, 3], [0, 2]),
        [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2],
        [2, 4, 3],
      );
      expect(() => lax.broadcastInDim(row, [2, 4], [1])).toThrow(ShapeError);
      expect(() => lax.broadcastInDim(tensor([1, 2, 3, 4], [2, 2]), [2, 2, 2], [2, 0])).toThrow(
        ShapeError,
      );
    });
  });

  it('slice with strides that do not divide the range', () => {
    scope(() => {
      const x = tensor(iotaData(30), [5, 6]);
      const y = lax.slice(x, [1, 1], [5, 6], [2, 3]);
      expect(storageOf(y)).toBe(storageOf(x));
      expectClose(y, [7, 10, 19, 22], [2, 2]);
      expectClose(lax.slice(x, [2, 3], [2, 6]), [], [0, 3]);
      // A slice of a slice of a reversed view.
      const r = lax.slice(lax.rev(x, [1]), [0, 1], [3, 6], [1, 2]);
      expectClose(lax.slice(r, [1, 0], [3, 3], [1, 2]), [10, 6, 16, 12], [2, 2]);
      expect(() => lax.slice(x, [0, 0], [6, 6])).toThrow(ValueError);
      expect(() => lax.slice(x, [0, 0], [5, 6], [0, 1])).toThrow(ValueError);
    });
  });

  it('rev flips with negative strides', () => {
    scope(() => {
      const x = tensor(iotaData(6), [2, 3]);
      const y = lax.rev(x, [1]);
      expect(storageOf(y)).toBe(storageOf(x));
      expectClose(y, [2, 1, 0, 5, 4, 3], [2, 3]);
      expectClose(lax.rev(x, [0, 1]), [5, 4, 3, 2, 1, 0], [2, 3]);
      expect(() => lax.rev(x, [1, 1])).toThrow(ValueError);
    });
  });
});

describe('pad', () => {
  const cases: { shape: number[]; low: number[]; high: number[]; interior: number[] }[] = [
    { shape: [4], low: [2], high: [1], interior: [0] },
    { shape: [4], low: [1], high: [2], interior: [2] },
    { shape: [4], low: [-1], high: [-2], interior: [0] },
    { shape: [3], low: [-2], high: [1], interior: [1] },
    { shape: [3], low: [-5], high: [4], interior: [0] },
    { shape: [2, 3], low: [1, -1], high: [0, 2], interior: [1, 1] },
    { shape: [2, 3, 2], low: [0, 1, 0], high: [1, 0, 0], interior: [0, 0, 3] },
    { shape: [0, 2], low: [1, 0], high: [1, 1], interior: [2, 0] },
  ];
  for (const c of cases) {
    it(`matches XLA semantics for ${JSON.stringify(c)}`, () => {
      scope(() => {
        const data = iotaData(c.shape.reduce((a, b) => a * b, 1)).map((v) => v + 1);
        const x = tensor(data, c.shape);
        const y = lax.pad(x, tensor([-7], []), c.low, c.high, c.interior);
        const ref = padReference(data, c.shape, -7, c.low, c.high, c.interior);
        expectClose(y, ref.data, ref.shape);
      });
    });
  }

  it('pads int32 and bool, and pads strided views', () => {
    scope(() => {
      const xi = tensor([1, 2, 3], [3], 'int32');
      expectClose(lax.pad(xi, tensor([9], [], 'int32'), [1], [1], [1]), [9, 1, 9, 2, 9, 3, 9], [7]);
      const xb = tensor([1, 0], [2], 'bool');
      expectClose(lax.pad(xb, tensor([1], [], 'bool'), [0], [2], [0]), [1, 0, 1, 1], [4]);
      const x = tensor(iotaData(6), [2, 3]);
      const t = lax.transpose(x, [1, 0]);
      const ref = padReference(hostData(t), [3, 2], 0, [1, 0], [0, 1], [0, 1]);
      expectClose(lax.pad(t, tensor([0], []), [1, 0], [0, 1], [0, 1]), ref.data, ref.shape);
    });
  });

  it('rejects bad padding', () => {
    scope(() => {
      const x = tensor([1, 2, 3]);
      expect(() => lax.pad(x, tensor([0], [], 'int32'), [1], [1])).toThrow(DTypeError);
      expect(() => lax.pad(x, tensor([0, 0]), [1], [1])).toThrow(ShapeError);
      expect(() => lax.pad(x, tensor([0], []), [-2], [-2])).toThrow(ValueError);
      expect(() => lax.pad(x, tensor([0], []), [0], [0], [-1])).toThrow(ValueError);
    });
  });
});

describe('concatenate', () => {
  it('joins along any axis, skipping empty pieces', () => {
    scope(() => {
      const a = tensor(iotaData(4), [2, 2]);
      const b = tensor([10, 11, 12, 13, 14, 15], [2, 3]);
      const e = tensor([], [2, 0]);
      const c = tensor([20, 21], [2, 1]);
      expectClose(
        lax.concatenate([a, e, b, c], 1),
        [0, 1, 10, 11, 12, 20, 2, 3, 13, 14, 15, 21],
        [2, 6],
      );
      expectClose(
        lax.concatenate([a, lax.transpose(a, [1, 0])], 0),
        [0, 1, 2, 3, 0, 2, 1, 3],
        [4, 2],
      );
      const pieces = Array.from({ length: 5 }, (_, i) => tensor([i, i + 0.5], [1, 2]));
      expectClose(lax.concatenate(pieces, 0), [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5], [5, 2]);
      expectClose(lax.concatenate([e, e], 1), [], [2, 0]);
      const bools = lax.concatenate([tensor([1, 0], [2], 'bool'), tensor([0], [1], 'bool')], 0);
      expect(bools.dtype).toBe('bool');
      expectClose(bools, [1, 0, 0], [3]);
    });
  });

  it('rejects mismatched operands', () => {
    scope(() => {
      expect(() => lax.concatenate([tensor([1, 2], [1, 2]), tensor([1, 2, 3], [1, 3])], 0)).toThrow(
        ShapeError,
      );
      expect(() => lax.concatenate([tensor([1]), tensor([1], [1], 'int32')], 0)).toThrow(
        DTypeError,
      );
      expect(() => lax.concatenate([tensor([1]), tensor([2])], 1)).toThrow(ValueError);
    });
  });
});

describe('derivatives', () => {
  const unary: [string, number[], (x: Tensor) => Tensor][] = [
    ['reshape', [2, 3, 2], (x) => lax.reshape(lax.transpose(x, [1, 0, 2]), [3, 4])],
    ['transpose', [2, 3, 4], (x) => lax.transpose(x, [2, 0, 1])],
    ['broadcastInDim', [3, 1], (x) => lax.broadcastInDim(x, [2, 3, 4], [1, 2])],
    ['slice', [5, 7], (x) => lax.slice(x, [1, 0], [5, 6], [2, 4])],
    ['pad', [3, 4], (x) => lax.pad(x, tensor([0.5], []), [1, -1], [-1, 2], [1, 2])],
    ['rev', [3, 4], (x) => lax.rev(x, [0, 1])],
  ];
  for (const [name, shape, f] of unary) {
    it(`${name}: jvp and vjp match finite differences, transpose is exact`, () => {
      scope(() => {
        const x = randomTensor(shape, 1);
        // Multiplying by x makes the function nonlinear, so the primal also matters.
        const fn = (v: Tensor) => [lax.mul(f(v), f(lax.sin(v)))];
        checkGrads(fn, [x]);
        expectTransposeIdentity((v) => [f(v)], [x]);
      });
    });
  }

  it('pad: the padding value gets the summed cotangent of the padded region', () => {
    scope(() => {
      const fn = (x: Tensor, v: Tensor) => [lax.pad(x, v, [2, -1], [1, 1], [1, 0])];
      const x = randomTensor([3, 3], 2);
      const v = randomTensor([], 3);
      checkGrads(
        (a, b) => [lax.mul(...(fn(a, b) as [Tensor]), ...(fn(lax.exp(a), lax.exp(b)) as [Tensor]))],
        [x, v],
      );
      expectTransposeIdentity(fn, [x, v]);
    });
  });

  it('concatenate splits the cotangent between its operands', () => {
    scope(() => {
      const fn = (a: Tensor, b: Tensor, c: Tensor) => [lax.concatenate([a, b, c], 1)];
      const args = [randomTensor([2, 1], 4), randomTensor([2, 3], 5), randomTensor([2, 2], 6)];
      checkGrads(
        (a, b, c) => [
          lax.mul(...(fn(a, b, c) as [Tensor]), ...(fn(lax.cos(a), b, lax.sin(c)) as [Tensor])),
        ],
        args,
      );
      expectTransposeIdentity(fn, args);
    });
  });
});

describe('vmap', () => {
  it('matches a loop over examples for every shape primitive', () => {
    scope(() => {
      const x = randomTensor([3, 4, 5], 7); // batch of 4 at axis 1 below
      expectVmapMatchesLoop((v) => [lax.reshape(v, [5, 3])], [x], [1]);
      expectVmapMatchesLoop((v) => [lax.transpose(v, [1, 0])], [x], [1]);
      expectVmapMatchesLoop((v) => [lax.broadcastInDim(v, [2, 3, 5], [1, 2])], [x], [1]);
      expectVmapMatchesLoop(
        (v) => [lax.broadcastInDim(v, [3, 2, 5], [0, 2])],
        [randomTensor([3, 4, 1], 8)],
        [1],
      );
      expectVmapMatchesLoop((v) => [lax.slice(v, [1, 0], [3, 5], [1, 2])], [x], [1]);
      expectVmapMatchesLoop((v) => [lax.rev(v, [1])], [x], [2]);
      expectVmapMatchesLoop(
        (v) => [lax.pad(v, tensor([3], []), [1, -1], [0, 2], [1, 0])],
        [x],
        [0],
      );
    });
  });

  it('pad with a batched padding value, and concatenate with unbatched operands', () => {
    scope(() => {
      const x = randomTensor([4, 3], 9);
      const values = randomTensor([4], 10);
      expectVmapMatchesLoop((v, p) => [lax.pad(v, p, [1], [2], [1])], [x, values], [0, 0]);
      expectVmapMatchesLoop(
        (v, p) => [lax.pad(v, p, [1], [2], [1])],
        [randomTensor([3], 11), values],
        [null, 0],
      );
      const y = randomTensor([2, 4], 12);
      expectVmapMatchesLoop(
        (a, b, c) => [lax.concatenate([a, b, c], 0)],
        [x, y, randomTensor([2], 13)],
        [0, 1, null],
      );
    });
  });
});
