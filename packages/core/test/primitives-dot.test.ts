/**
 * `dotGeneral`: NumPy-style matmul expressed with dotGeneral (golden PyTorch values, forward and
 * VJPs), finite differences and the transpose identity for general dimension numbers, batching
 * against a loop, and validation messages.
 */
import { describe, expect, it } from 'vitest';
import { ShapedArray } from '../src/internal/aval.js';
import type { DotDims } from '../src/internal/backend.js';
import type { Tensor } from '../src/internal/core/tensor.js';
import { ShapeError } from '../src/internal/errors.js';
import * as lax from '../src/internal/lax/primitive-ops.js';
import { dotRules } from '../src/internal/primitives/dot.js';
import { broadcastShapes, range } from '../src/internal/shape.js';
import { checkGrads } from '../src/internal/transforms/check-grads.js';
import { vjp } from '../src/internal/transforms/grad.js';
import { scope } from '../src/internal/transforms/scope.js';
import { expectClose } from './support/assertions.js';
import { expectGolden, goldenTensor, loadGolden } from './support/golden.js';
import { expectTransposeIdentity, expectVmapMatchesLoop } from './support/identities.js';
import { randomTensor, tensor } from './support/tensors.js';

/** `numpy.matmul` from reshape, broadcastInDim and one dotGeneral with batch dims. */
function matmul(a: Tensor, b: Tensor): Tensor {
  const a2 = a.ndim === 1 ? lax.reshape(a, [1, a.shape[0] as number]) : a;
  const b2 = b.ndim === 1 ? lax.reshape(b, [b.shape[0] as number, 1]) : b;
  const batch = broadcastShapes('matmul', a2.shape.slice(0, -2), b2.shape.slice(0, -2));
  const r = batch.length;
  const widen = (x: Tensor) =>
    lax.broadcastInDim(
      x,
      [...batch, ...x.shape.slice(-2)],
      x.shape.map((_, i) => r + 2 - x.ndim + i),
    );
  const product = lax.dotGeneral(widen(a2), widen(b2), {
    contracting: [[r + 1], [r]],
    batch: [range(r), range(r)],
  });
  const m = a2.shape.at(-2) as number;
  const p = b2.shape.at(-1) as number;
  return lax.reshape(product, [
    ...batch,
    ...(a.ndim === 1 ? [] : [m]),
    ...(b.ndim === 1 ? [] : [p]),
  ]);
}

const general: DotDims = {
  contracting: [
    [3, 0],
    [3, 0],
  ],
  batch: [[1], [2]],
};
const generalShapes = [
  [3, 2, 4, 5],
  [3, 6, 2, 5],
] as const;

describe('dotGeneral', () => {
  describe('numpy matmul golden values (forward and VJPs)', () => {
    for (const c of loadGolden('matmul')) {
      it(c.name, () => {
        scope(() => {
          const a = goldenTensor(c.inputs.a);
          const b = goldenTensor(c.inputs.b);
          const [y, pullback] = vjp(matmul, a, b);
          expectGolden(y, c.outputs.y);
          const [da, db] = pullback(goldenTensor(c.inputs.ct));
          pullback.dispose();
          expectGolden(da, c.outputs.da);
          expectGolden(db, c.outputs.db);
        });
      });
    }
  });

  it('computes a small product in closed form', () => {
    scope(() => {
      const a = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
      const b = tensor([1, 0, 2, 1, 0, -1], [3, 2]);
      const y = lax.dotGeneral(a, b, { contracting: [[1], [0]], batch: [[], []] });
      expectClose(y, [1 + 4, 2 - 3, 4 + 10, 5 - 6], [2, 2]);
      // Contracting dim 0 with dim 0: aᵀ·a.
      const gram = lax.dotGeneral(a, a, { contracting: [[0], [0]], batch: [[], []] });
      expectClose(gram, [17, 22, 27, 22, 29, 36, 27, 36, 45], [3, 3]);
    });
  });

  it('multiplies int32 operands', () => {
    scope(() => {
      const a = tensor([1, 2, 3, 4], [2, 2], 'int32');
      const y = lax.dotGeneral(a, a, { contracting: [[1], [0]], batch: [[], []] });
      expect(y.dtype).toBe('int32');
      expectClose(y, [7, 10, 15, 22], [2, 2]);
    });
  });

  it('validates shapes, dims and dtypes with messages naming the shapes', () => {
    const eval_ = (a: ShapedArray, b: ShapedArray, dims: DotDims) =>
      dotRules.dotGeneral.abstractEval([a, b], { dims });
    const mm: DotDims = { contracting: [[1], [0]], batch: [[], []] };
    expect(() =>
      eval_(new ShapedArray([32, 784], 'float32'), new ShapedArray([512, 256], 'float32'), mm),
    ).toThrow(new ShapeError('dotGeneral: contracting dims differ: [32,784] @ [512,256]'));
    expect(() =>
      eval_(new ShapedArray([2, 3], 'float32'), new ShapedArray([3, 4], 'int32'), mm),
    ).toThrow(/dtypes differ/);
    expect(() =>
      eval_(new ShapedArray([2, 3], 'float32'), new ShapedArray([3, 4], 'float32'), {
        contracting: [[2], [0]],
        batch: [[], []],
      }),
    ).toThrow(/out of range/);
    expect(() =>
      eval_(new ShapedArray([2, 3], 'float32'), new ShapedArray([4, 3], 'float32'), {
        contracting: [[1], [1]],
        batch: [[0], [0]],
      }),
    ).toThrow(/batch dims differ: \[2,3\] @ \[4,3\]/);
    const out = eval_(
      new ShapedArray(generalShapes[0], 'float32'),
      new ShapedArray(generalShapes[1], 'float32'),
      general,
    );
    expect(out[0]?.shape).toEqual([2, 4, 6]);
  });

  it('jvp and vjp agree with finite differences for general dimension numbers', () => {
    const x = randomTensor(generalShapes[0], 1);
    const y = randomTensor(generalShapes[1], 2);
    checkGrads((a, b) => [lax.dotGeneral(a as Tensor, b as Tensor, general)], [x, y]);
    x.dispose();
    y.dispose();
  });

  it('transposes exactly: ⟨ct, J·t⟩ = ⟨Jᵀ·ct, t⟩', () => {
    const cases: [readonly number[], readonly number[], DotDims][] = [
      [generalShapes[0], generalShapes[1], general],
      [[4, 3], [3, 5], { contracting: [[1], [0]], batch: [[], []] }],
      [[3, 4], [5, 3], { contracting: [[0], [1]], batch: [[], []] }],
      [
        [2, 3, 4],
        [4, 2, 5, 3],
        {
          contracting: [
            [2, 1],
            [0, 3],
          ],
          batch: [[0], [1]],
        },
      ],
      [[5], [5], { contracting: [[0], [0]], batch: [[], []] }],
    ];
    cases.forEach(([sa, sb, dims], k) => {
      scope(() => {
        expectTransposeIdentity(
          (a, b) => [lax.dotGeneral(a as Tensor, b as Tensor, dims)],
          [randomTensor(sa, 10 + k), randomTensor(sb, 20 + k)],
          k,
        );
      });
    });
  });

  it('vmap matches a loop over the batch (both, lhs or rhs batched, at any axis)', () => {
    scope(() => {
      const f = (a: Tensor, b: Tensor) => lax.dotGeneral(a, b, general);
      // Batch of 3 inserted at various positions of the operands of `general`.
      const x1 = randomTensor([3, 2, 4, 5, 3], 5); // batch at 4
      const y1 = randomTensor([3, 6, 3, 2, 5], 6); // batch at 2
      expectVmapMatchesLoop(f, [x1, y1], [4, 2]);
      const x0 = randomTensor([3, 3, 2, 4, 5], 7); // batch at 0
      expectVmapMatchesLoop(f, [x0, randomTensor(generalShapes[1], 8)], [0, null]);
      expectVmapMatchesLoop(f, [randomTensor(generalShapes[0], 9), y1], [null, 2]);
      const mm = (a: Tensor, b: Tensor) =>
        lax.dotGeneral(a, b, { contracting: [[1], [0]], batch: [[], []] });
      expectVmapMatchesLoop(mm, [randomTensor([2, 3, 4], 11), randomTensor([3, 5], 12)], [2, null]);
      expectVmapMatchesLoop(mm, [randomTensor([2, 3], 13), randomTensor([3, 5, 4], 14)], [null, 2]);
      expectVmapMatchesLoop(mm, [randomTensor([4, 2, 3], 15), randomTensor([3, 4, 5], 16)], [0, 1]);
    });
  });
});
