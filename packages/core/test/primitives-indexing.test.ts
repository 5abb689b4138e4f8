/**
 * Indexing primitives (`gather`, `scatterAdd`, `dynamicSlice`, `dynamicUpdateSlice`): hand-computed
 * values, clamping of out-of-range indices and starts, derivatives against finite differences, the
 * transpose identity, batching against a loop (batched and unbatched operands, indices and starts),
 * `jit` with traced starts, and validation messages.
 */
import { describe, expect, it } from 'vitest';
import { ShapedArray } from '../src/internal/aval.js';
import type { Tensor } from '../src/internal/core/tensor.js';
import { DTypeError, ShapeError, ValueError } from '../src/internal/errors.js';
import * as lax from '../src/internal/lax/primitive-ops.js';
import { indexingRules } from '../src/internal/primitives/indexing.js';
import { checkGrads } from '../src/internal/transforms/check-grads.js';
import { grad } from '../src/internal/transforms/grad.js';
import { jit } from '../src/internal/transforms/jit.js';
import { scope } from '../src/internal/transforms/scope.js';
import { vmap } from '../src/internal/transforms/vmap-api.js';
import { expectClose } from './support/assertions.js';
import { expectTransposeIdentity, expectVmapMatchesLoop } from './support/identities.js';
import { hostData, randomTensor, sliceHost, tensor } from './support/tensors.js';

const ints = (data: readonly number[], shape: readonly number[] = [data.length]) =>
  tensor(data, shape, 'int32');
const scalar = (v: number) => tensor([v], [], 'int32');

describe('gather', () => {
  it('takes rows and columns, with n-d indices', () => {
    scope(() => {
      const x = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
      expectClose(lax.gather(x, ints([2, 0]), 1), [3, 1, 6, 4], [2, 2]);
      expectClose(lax.gather(x, ints([1, 1, 0]), 0), [4, 5, 6, 4, 5, 6, 1, 2, 3], [3, 3]);
      expectClose(
        lax.gather(x, ints([0, 2, 1, 0], [2, 2]), 1),
        [1, 3, 2, 1, 4, 6, 5, 4],
        [2, 2, 2],
      );
      expectClose(lax.gather(x, scalar(1), 0), [4, 5, 6], [3]);
      const i = lax.gather(ints([7, 8, 9]), ints([2, 1]), 0);
      expect(i.dtype).toBe('int32');
      expectClose(i, [9, 8]);
    });
  });

  it('clamps out-of-range indices into [0, dim - 1]', () => {
    scope(() => {
      expectClose(lax.gather(tensor([10, 20, 30]), ints([-5, 3, 100, 1]), 0), [10, 30, 30, 20]);
    });
  });

  it('differentiates (jvp and vjp) against finite differences', () => {
    scope(() => {
      const idx = ints([3, 0, 0, 2, 9, -1], [2, 3]);
      checkGrads(
        (x) => [lax.mul(lax.gather(x as Tensor, idx, 1), lax.gather(x as Tensor, idx, 1))],
        [randomTensor([2, 4], 1)],
      );
    });
  });

  it('transposes to scatterAdd (⟨ct, J·t⟩ = ⟨Jᵀ·ct, t⟩), duplicates included', () => {
    scope(() => {
      const idx = ints([1, 1, 0, 2, 5], [5]);
      expectTransposeIdentity((x) => [lax.gather(x as Tensor, idx, 0)], [randomTensor([3, 2], 2)]);
      expectTransposeIdentity(
        (x) => [lax.gather(x as Tensor, idx, 1)],
        [randomTensor([2, 3, 2], 3)],
      );
    });
  });

  it('batches like a loop: operand, indices or both batched', () => {
    scope(() => {
      // Batch size 4 everywhere; logical operand [3, 5], logical indices [3].
      const x0 = randomTensor([4, 3, 5], 4);
      const x2 = randomTensor([3, 5, 4], 5);
      const i0 = ints([4, 0, 2, 2, 1, 3, -2, 7, 1, 0, 0, 4], [4, 3]);
      const i1 = ints([4, 0, 2, 2, 1, 3, -2, 7, 1, 0, 0, 4], [3, 4]);
      const x = sliceHost(x0, 0, 0);
      const i = ints([2, 0, 1]);
      for (const axis of [0, 1]) {
        const f = (a: Tensor, j: Tensor) => lax.gather(a, j, axis);
        expectVmapMatchesLoop(f, [x0, i], [0, null]);
        expectVmapMatchesLoop(f, [x2, i], [2, null]);
        expectVmapMatchesLoop(f, [x, i0], [null, 0]);
        expectVmapMatchesLoop(f, [x, i1], [null, 1]);
        expectVmapMatchesLoop(f, [x0, i0], [0, 0]);
        expectVmapMatchesLoop(f, [x2, i1], [2, 1]);
      }
    });
  });

  it('validates axis, index dtype and empty axes', () => {
    const rules = indexingRules.gather;
    const x = new ShapedArray([2, 3], 'float32');
    expect(() => rules.abstractEval([x, new ShapedArray([2], 'int32')], { axis: 2 })).toThrow(
      new ValueError('gather: axis 2 is out of range for f32[2,3]'),
    );
    expect(() => rules.abstractEval([x, new ShapedArray([2], 'float32')], { axis: 0 })).toThrow(
      new DTypeError('gather: indices must be int32, got f32[2]'),
    );
    expect(() =>
      rules.abstractEval([new ShapedArray([0, 3], 'float32'), new ShapedArray([1], 'int32')], {
        axis: 0,
      }),
    ).toThrow(/gather: cannot index axis 0 of f32\[0,3\]: it is empty/);
    expect(
      rules.abstractEval([x, new ShapedArray([4, 5], 'int32')], { axis: 1 })[0]?.shape,
    ).toEqual([2, 4, 5]);
  });
});

describe('scatterAdd', () => {
  it('adds updates at indices, accumulating duplicates and clamping', () => {
    scope(() => {
      const out = lax.scatterAdd(
        tensor([0, 0, 0, 0]),
        ints([1, 1, 3, -7, 9]),
        tensor([1, 2, 3, 4, 5]),
        0,
      );
      expectClose(out, [4, 3, 0, 8]);
      const m = lax.scatterAdd(
        tensor([1, 1, 1, 1, 1, 1], [2, 3]),
        ints([2, 2]),
        tensor([1, 2, 3, 4], [2, 2]),
        1,
      );
      expectClose(m, [1, 1, 4, 1, 1, 8], [2, 3]);
    });
  });

  it('differentiates in the operand and the updates', () => {
    scope(() => {
      const idx = ints([0, 2, 2]);
      checkGrads(
        (o, u) => [lax.scatterAdd(o as Tensor, idx, lax.mul(u as Tensor, u as Tensor), 0)],
        [randomTensor([3, 2], 5), randomTensor([3, 2], 6)],
      );
    });
  });

  it('transposes: the operand passes through, the updates gather', () => {
    scope(() => {
      const idx = ints([0, 2, 2, 1], [2, 2]);
      expectTransposeIdentity(
        (o, u) => [lax.scatterAdd(o as Tensor, idx, u as Tensor, 1)],
        [randomTensor([2, 3], 7), randomTensor([2, 2, 2], 8)],
      );
    });
  });

  it('batches like a loop', () => {
    scope(() => {
      // Batch size 3; logical operand [4, 2], logical indices [2], logical updates [2, 2] (axis 0).
      const operand = randomTensor([3, 4, 2], 9);
      const o = sliceHost(operand, 0, 0);
      const updates = randomTensor([3, 2, 2], 10);
      const u = sliceHost(updates, 0, 0);
      const idx = ints([0, 3, 3, 1, 2, 2], [3, 2]);
      const f = (a: Tensor, i: Tensor, v: Tensor) => lax.scatterAdd(a, i, v, 0);
      expectVmapMatchesLoop(f, [operand, ints([1, 1]), u], [0, null, null]);
      expectVmapMatchesLoop(f, [o, ints([1, 3]), updates], [null, null, 0]);
      expectVmapMatchesLoop(f, [operand, idx, updates], [0, 0, 0]);
      expectVmapMatchesLoop(f, [o, idx, updates], [null, 0, 0]);
      expectVmapMatchesLoop(f, [operand, idx, u], [0, 0, null]);
      // Along axis 1 the logical updates are [4, 2]; here batched at their axis 1.
      const g = (a: Tensor, i: Tensor, v: Tensor) => lax.scatterAdd(a, i, v, 1);
      expectVmapMatchesLoop(g, [operand, idx, randomTensor([4, 3, 2], 11)], [0, 0, 1]);
      expectVmapMatchesLoop(
        g,
        [randomTensor([4, 2, 3], 12), idx, randomTensor([4, 3, 2], 11)],
        [2, 0, 1],
      );
    });
  });

  it('validates the updates shape and dtype', () => {
    const rules = indexingRules.scatterAdd;
    const o = new ShapedArray([2, 3], 'float32');
    const i = new ShapedArray([4], 'int32');
    expect(() =>
      rules.abstractEval([o, i, new ShapedArray([2, 3], 'float32')], { axis: 1 }),
    ).toThrow(
      new ShapeError(
        'scatterAdd: updates f32[2,3] should have shape [2,4] (operand f32[2,3], indices i32[4], axis 1)',
      ),
    );
    expect(() => rules.abstractEval([o, i, new ShapedArray([2, 4], 'int32')], { axis: 1 })).toThrow(
      DTypeError,
    );
  });
});

describe('dynamicSlice', () => {
  const x = () =>
    tensor(
      Array.from({ length: 12 }, (_, i) => i),
      [3, 4],
    );

  it('slices at tensor start indices, clamped so the window fits', () => {
    scope(() => {
      expectClose(lax.dynamicSlice(x(), [scalar(1), scalar(1)], [2, 2]), [5, 6, 9, 10], [2, 2]);
      // Starts past the end clamp to dim - size; negative starts clamp to 0.
      expectClose(
        lax.dynamicSlice(x(), [scalar(5), scalar(-3)], [2, 3]),
        [4, 5, 6, 8, 9, 10],
        [2, 3],
      );
      expectClose(lax.dynamicSlice(x(), [scalar(2), scalar(3)], [3, 1]), [3, 7, 11], [3, 1]);
      expectClose(lax.dynamicSlice(x(), [scalar(1), scalar(0)], [0, 4]), [], [0, 4]);
    });
  });

  it('differentiates and transposes', () => {
    scope(() => {
      const starts = [scalar(1), scalar(2)];
      checkGrads(
        (a) => [lax.dynamicSlice(lax.mul(a as Tensor, a as Tensor), starts, [2, 2])],
        [randomTensor([3, 4], 12)],
      );
      expectTransposeIdentity(
        (a) => [lax.dynamicSlice(a as Tensor, starts, [2, 3])],
        [randomTensor([3, 4], 13)],
      );
    });
  });

  it('batches like a loop: operand and/or starts batched', () => {
    scope(() => {
      const xs = randomTensor([4, 3, 5], 14);
      const s0 = ints([0, 2, 5, -1]);
      const s1 = ints([3, 1, 0, 9]);
      const f = (a: Tensor, i: Tensor, j: Tensor) => lax.dynamicSlice(a, [i, j], [2, 3]);
      expectVmapMatchesLoop(f, [xs, scalar(1), scalar(1)], [0, null, null]);
      expectVmapMatchesLoop(f, [xs, scalar(1), scalar(2)], [1, null, null]);
      expectVmapMatchesLoop(f, [sliceHost(xs, 0, 0), s0, s1], [null, 0, 0]);
      expectVmapMatchesLoop(f, [sliceHost(xs, 0, 0), s0, scalar(2)], [null, 0, null]);
      expectVmapMatchesLoop(f, [xs, s0, s1], [0, 0, 0]);
      expectVmapMatchesLoop(f, [randomTensor([3, 5, 4], 15), scalar(1), s1], [2, null, 0]);
    });
  });

  it('gives per-example gradients under vmap(grad) with batched starts', () => {
    scope(() => {
      const x = randomTensor([3, 4], 16);
      const starts = ints([0, 2, 9]);
      const loss = (a: Tensor, i: Tensor) => {
        const window = lax.dynamicSlice(a, [i, lax.full([], 1, 'int32', false, 'cpu')], [2, 2]);
        return lax.reduce('sum', lax.mul(window, window), [0, 1]);
      };
      const grads = vmap(grad(loss), { inAxes: [null, 0] })(x, starts) as Tensor;
      expect(grads.shape).toEqual([3, 3, 4]);
      const xs = hostData(x);
      const all = hostData(grads);
      [0, 1, 1].forEach((row, b) => {
        // d/dx Σ window² = 2x inside the (clamped) window rows row..row+1, columns 1..2.
        const want = xs.map((v, k) => {
          const [r, c] = [Math.floor(k / 4), k % 4];
          return r >= row && r < row + 2 && c >= 1 && c < 3 ? 2 * v : 0;
        });
        expect(all.slice(12 * b, 12 * b + 12).map((v) => Math.fround(v))).toEqual(
          want.map((v) => Math.fround(v)),
        );
      });
    });
  });

  it('runs under jit with traced starts', () => {
    scope(() => {
      const f = jit((a: Tensor, i: Tensor) => lax.dynamicSlice(a, [i, i], [2, 2]));
      expectClose(f(x(), scalar(1)) as Tensor, [5, 6, 9, 10], [2, 2]);
      expectClose(f(x(), scalar(7)) as Tensor, [6, 7, 10, 11], [2, 2]);
      f.dispose();
    });
  });

  it('validates starts and sizes', () => {
    const rules = indexingRules.dynamicSlice;
    const a = new ShapedArray([3, 4], 'float32');
    const s = new ShapedArray([], 'int32');
    expect(() => rules.abstractEval([a, s], { sizes: [1, 1] })).toThrow(
      new ValueError('dynamicSlice: needs one start index per dim of f32[3,4], got 1'),
    );
    expect(() =>
      rules.abstractEval([a, s, new ShapedArray([1], 'int32')], { sizes: [1, 1] }),
    ).toThrow(new DTypeError('dynamicSlice: start index 1 must be an int32 scalar, got i32[1]'));
    expect(() => rules.abstractEval([a, s, s], { sizes: [4, 1] })).toThrow(
      new ShapeError('dynamicSlice: slice sizes [4,1] do not fit in f32[3,4]'),
    );
  });
});

describe('dynamicUpdateSlice', () => {
  const x = () =>
    tensor(
      Array.from({ length: 12 }, (_, i) => i),
      [3, 4],
    );

  it('writes the update at clamped starts', () => {
    scope(() => {
      const u = tensor([-1, -2, -3, -4], [2, 2]);
      expectClose(
        lax.dynamicUpdateSlice(x(), u, [scalar(1), scalar(1)]),
        [0, 1, 2, 3, 4, -1, -2, 7, 8, -3, -4, 11],
        [3, 4],
      );
      expectClose(
        lax.dynamicUpdateSlice(x(), u, [scalar(9), scalar(-2)]),
        [0, 1, 2, 3, -1, -2, 6, 7, -3, -4, 10, 11],
        [3, 4],
      );
      const row = tensor([NaN, Infinity, -0, 5], [1, 4]);
      expectClose(
        lax.dynamicUpdateSlice(x(), row, [scalar(2), scalar(0)]),
        [0, 1, 2, 3, 4, 5, 6, 7, NaN, Infinity, -0, 5],
        [3, 4],
      );
      expectClose(
        lax.dynamicUpdateSlice(x(), tensor([], [0, 2]), [scalar(1), scalar(1)]),
        hostData(x()),
        [3, 4],
      );
    });
  });

  it('differentiates in the operand and the update, and transposes', () => {
    scope(() => {
      const starts = [scalar(2), scalar(1)];
      checkGrads(
        (a, u) => [lax.dynamicUpdateSlice(lax.mul(a as Tensor, a as Tensor), u as Tensor, starts)],
        [randomTensor([3, 4], 15), randomTensor([2, 2], 16)],
      );
      expectTransposeIdentity(
        (a, u) => [lax.dynamicUpdateSlice(a as Tensor, u as Tensor, starts)],
        [randomTensor([3, 4], 17), randomTensor([2, 3], 18)],
      );
    });
  });

  it('batches like a loop: operand, update and/or starts batched', () => {
    scope(() => {
      const xs = randomTensor([4, 3, 5], 19);
      const us = randomTensor([4, 2, 2], 20);
      const s0 = ints([0, 2, 5, -1]);
      const s1 = ints([3, 1, 0, 9]);
      const f = (a: Tensor, u: Tensor, i: Tensor, j: Tensor) =>
        lax.dynamicUpdateSlice(a, u, [i, j]);
      expectVmapMatchesLoop(
        f,
        [xs, sliceHost(us, 0, 0), scalar(1), scalar(2)],
        [0, null, null, null],
      );
      expectVmapMatchesLoop(
        f,
        [sliceHost(xs, 0, 0), us, scalar(1), scalar(2)],
        [null, 0, null, null],
      );
      expectVmapMatchesLoop(f, [xs, us, s0, s1], [0, 0, 0, 0]);
      expectVmapMatchesLoop(
        f,
        [sliceHost(xs, 0, 0), sliceHost(us, 0, 0), s0, s1],
        [null, null, 0, 0],
      );
      expectVmapMatchesLoop(
        f,
        [randomTensor([3, 5, 4], 21), sliceHost(us, 0, 0), scalar(0), s1],
        [2, null, null, 0],
      );
    });
  });

  it('validates the update', () => {
    const rules = indexingRules.dynamicUpdateSlice;
    const a = new ShapedArray([3, 4], 'float32');
    const s = new ShapedArray([], 'int32');
    expect(() => rules.abstractEval([a, new ShapedArray([4, 1], 'float32'), s, s], {})).toThrow(
      new ShapeError('dynamicUpdateSlice: update f32[4,1] does not fit in f32[3,4]'),
    );
    expect(() => rules.abstractEval([a, new ShapedArray([1, 1], 'int32'), s, s], {})).toThrow(
      DTypeError,
    );
  });
});
