/**
 * `np` products: `matmul` on the golden edge shapes (PyTorch float64 references, forward and
 * VJPs), `dot`/`vdot`/`inner`/`outer`/`tensordot`/`diagonal`/`trace`/`linalg.norm`, and
 * `einsum` against explicit loops over the labels — plus the errors for mismatched shapes.
 */
import { describe, expect, it } from 'vitest';
import { jit, np, ShapeError, scope, type Tensor, ValueError, vjp, vmap } from '../src/index.js';
import { expectClose } from './support/assertions.js';
import { expectGolden, goldenTensor, loadGolden } from './support/golden.js';
import { hostData, randomTensor } from './support/tensors.js';

describe('np.matmul on the golden edge shapes', () => {
  for (const c of loadGolden('matmul')) {
    it(c.name, () => {
      scope(() => {
        const a = goldenTensor(c.inputs.a);
        const b = goldenTensor(c.inputs.b);
        const tol = { rtol: 1e-5, atol: 1e-5 };
        expectGolden(np.matmul(a, b), c.outputs.y, tol);
        expectGolden(a.matmul(b), c.outputs.y, tol);
        const [out, pullback] = vjp((p: Tensor, q: Tensor) => np.matmul(p, q), a, b);
        expect([...out.shape]).toEqual(c.outputs.y?.shape);
        const [da, db] = pullback(goldenTensor(c.inputs.ct)) as [Tensor, Tensor];
        expectGolden(da, c.outputs.da, tol);
        expectGolden(db, c.outputs.db, tol);
        pullback.dispose();
      });
    });
  }

  it('reports mismatched shapes with both operands', () => {
    scope(() => {
      expect(() => np.matmul(np.zeros([32, 784]), np.zeros([512, 256]))).toThrow(ShapeError);
      expect(() => np.matmul(np.zeros([32, 784]), np.zeros([512, 256]))).toThrow(
        'matmul: contracting dims differ: [32,784] @ [512,256]',
      );
      expect(() => np.matmul(np.zeros([2, 3, 4]), np.zeros([5, 4, 2]))).toThrow(
        /matmul: batch dims cannot be broadcast together: \[2,3,4\] @ \[5,4,2\]/,
      );
      expect(() => np.matmul(np.zeros([3]), np.scalar(2))).toThrow(
        /matmul: operands must be at least 1-D/,
      );
    });
  });

  it('promotes dtypes and multiplies ints exactly', () => {
    scope(() => {
      const a = np.array([
        [1, 2],
        [3, 4],
      ]);
      expect(np.matmul(a, a).dtype).toBe('int32');
      expect(np.matmul(a, a).toArraySync()).toEqual([
        [7, 10],
        [15, 22],
      ]);
      expect(np.matmul(a, np.array([[0.5], [1]])).toArraySync()).toEqual([[2.5], [5.5]]);
    });
  });
});

describe('other products', () => {
  it('dot, vdot, inner, outer', () => {
    scope(() => {
      expect(np.dot(np.array([1, 2, 3]), np.array([4, 5, 6])).item()).toBe(32);
      expect(np.dot(np.array([1, 2]), 3).toArraySync()).toEqual([3, 6]);
      const a = randomTensor([2, 3], 1);
      const b = randomTensor([4, 3, 5], 2);
      const d = np.dot(a, b);
      expect([...d.shape]).toEqual([2, 4, 5]);
      // dot(a, b)[i, j, k] = sum_l a[i, l] b[j, l, k]
      const ha = hostData(a);
      const hb = hostData(b);
      const expected: number[] = [];
      for (let i = 0; i < 2; i++)
        for (let j = 0; j < 4; j++)
          for (let k = 0; k < 5; k++) {
            let s = 0;
            for (let l = 0; l < 3; l++)
              s += (ha[i * 3 + l] as number) * (hb[j * 15 + l * 5 + k] as number);
            expected.push(s);
          }
      expectClose(d, expected, [2, 4, 5]);
      expect(() => np.dot(np.zeros([2, 3]), np.zeros([4, 5]))).toThrow(
        /dot: contracting dims differ: \[2,3\] · \[4,5\]/,
      );
      expect(
        np
          .vdot(
            np.array([
              [1, 2],
              [3, 4],
            ]),
            np.array([
              [1, 1],
              [1, 1],
            ]),
          )
          .item(),
      ).toBe(10);
      expect([...np.inner(np.zeros([2, 3]), np.zeros([4, 3])).shape]).toEqual([2, 4]);
      expect(np.inner(np.array([1, 2]), np.array([3, 4])).item()).toBe(11);
      expect(np.outer(np.array([1, 2]), np.array([1, 10, 100])).toArraySync()).toEqual([
        [1, 10, 100],
        [2, 20, 200],
      ]);
    });
  });

  it('tensordot with a count or explicit axes', () => {
    scope(() => {
      expect([...np.tensordot(np.ones([2, 3, 4]), np.ones([3, 4, 5])).shape]).toEqual([2, 5]);
      expect(np.tensordot(np.ones([2, 3, 4]), np.ones([3, 4, 5])).toArraySync()).toEqual([
        [12, 12, 12, 12, 12],
        [12, 12, 12, 12, 12],
      ]);
      const a = np.arange(6).reshape([3, 2]);
      const b = np.arange(12).reshape([3, 4]);
      // out[i, j] = sum_k a[k, i] b[k, j]
      expect(np.tensordot(a, b, [[0], [0]]).toArraySync()).toEqual([
        [40, 46, 52, 58],
        [52, 61, 70, 79],
      ]);
      expect(() => np.tensordot(a, b, [[1], [0]])).toThrow(/tensordot: contracting dims differ/);
      expect(np.tensordot(np.array([1, 2]), np.array([3, 4]), 0).toArraySync()).toEqual([
        [3, 4],
        [6, 8],
      ]);
    });
  });

  it('diagonal and trace with offsets', () => {
    scope(() => {
      const m = np.arange(12).reshape([3, 4]);
      expect(np.diagonal(m).toArraySync()).toEqual([0, 5, 10]);
      expect(np.diagonal(m, { offset: 1 }).toArraySync()).toEqual([1, 6, 11]);
      expect(np.diagonal(m, { offset: -1 }).toArraySync()).toEqual([4, 9]);
      expect(np.diagonal(m, { offset: 5 }).shape).toEqual([0]);
      expect(np.trace(m).item()).toBe(15);
      const stack = np.arange(8).reshape([2, 2, 2]);
      expect(np.diagonal(stack, { axis1: 1, axis2: 2 }).toArraySync()).toEqual([
        [0, 3],
        [4, 7],
      ]);
      expect(np.trace(stack, { axis1: 1, axis2: 2 }).toArraySync()).toEqual([3, 11]);
    });
  });

  it('linalg.norm: vector p-norms and decomposition-free matrix norms', () => {
    scope(() => {
      expectClose(np.linalg.norm(np.array([3, 4])), [5], []);
      const m = np.array([
        [1, -2],
        [3, 4],
      ]);
      expectClose(np.linalg.norm(m), [Math.sqrt(30)], []);
      expectClose(np.linalg.norm(m, { axis: 1 }), [Math.sqrt(5), 5], [2]);
      expectClose(np.linalg.norm(m, { axis: 0, ord: 1 }), [4, 6], [2]);
      expectClose(np.linalg.norm(m, { axis: 1, ord: Number.POSITIVE_INFINITY }), [2, 4], [2]);
      expectClose(np.linalg.norm(m, { axis: 1, ord: 3 }), [9 ** (1 / 3), 91 ** (1 / 3)], [2]);
      expectClose(np.linalg.norm(m, { axis: 1, ord: 0 }), [2, 2], [2]);
      expectClose(np.linalg.norm(m, { ord: 1, axis: [0, 1] }), [6], []);
      expectClose(np.linalg.norm(m, { ord: Number.POSITIVE_INFINITY, axis: [0, 1] }), [7], []);
      expectClose(np.linalg.norm(m, { ord: 'fro' }), [Math.sqrt(30)], []);
      expect([...np.linalg.norm(m, { axis: 1, keepdims: true }).shape]).toEqual([2, 1]);
      expect(() => np.linalg.norm(m, { ord: 2, axis: [0, 1] })).toThrow(/needs an SVD/);
    });
  });
});

/** Reference einsum by looping over every assignment of the labels. */
function einsumLoop(
  spec: string,
  operands: readonly Tensor[],
): { shape: number[]; data: number[] } {
  const [lhs, out = ''] = spec.split('->') as [string, string?];
  const terms = lhs.split(',');
  const sizes = new Map<string, number>();
  terms.forEach((t, i) => {
    [...t].forEach((l, k) => {
      sizes.set(l, (operands[i] as Tensor).shape[k] as number);
    });
  });
  const labels = [...sizes.keys()];
  const datas = operands.map(hostData);
  const outShape = [...out].map((l) => sizes.get(l) as number);
  const result = new Array<number>(outShape.reduce((a, b) => a * b, 1)).fill(0);
  const assign = new Map<string, number>();
  const flatIndex = (term: string, shape: readonly number[]) =>
    [...term].reduce((acc, l, k) => acc * (shape[k] as number) + (assign.get(l) as number), 0);
  const visit = (depth: number): void => {
    if (depth === labels.length) {
      let product = 1;
      terms.forEach((t, i) => {
        product *= datas[i]?.[flatIndex(t, (operands[i] as Tensor).shape)] as number;
      });
      result[flatIndex(out, outShape)] += product;
      return;
    }
    const l = labels[depth] as string;
    for (let v = 0; v < (sizes.get(l) as number); v++) {
      assign.set(l, v);
      visit(depth + 1);
    }
  };
  visit(0);
  return { shape: outShape, data: result };
}

describe('np.einsum', () => {
  const cases: [string, number[][]][] = [
    [
      'ij,jk->ik',
      [
        [2, 3],
        [3, 4],
      ],
    ],
    [
      'bij,bjk->bik',
      [
        [2, 2, 3],
        [2, 3, 2],
      ],
    ],
    ['ij->ji', [[2, 3]]],
    ['ij->', [[2, 3]]],
    ['ij->j', [[2, 3]]],
    ['ii->i', [[3, 3]]],
    ['ii->', [[3, 3]]],
    ['i,i->', [[4], [4]]],
    ['i,j->ij', [[2], [3]]],
    [
      'ijk,ikl,lm->jm',
      [
        [2, 3, 2],
        [2, 2, 3],
        [3, 2],
      ],
    ],
    [
      'abc,cd,bd->a',
      [
        [2, 3, 4],
        [4, 2],
        [3, 2],
      ],
    ],
    ['iij->j', [[2, 2, 3]]],
    [
      'ij,ij->i',
      [
        [3, 4],
        [3, 4],
      ],
    ],
  ];
  cases.forEach(([spec, shapes]) => {
    it(spec, () => {
      scope(() => {
        const operands = shapes.map((s, i) => randomTensor(s, 10 + i));
        const ref = einsumLoop(spec, operands);
        expectClose(np.einsum(spec, ...operands), ref.data, ref.shape, { rtol: 1e-5, atol: 1e-5 });
      });
    });
  });

  it('implicit output: labels used once, alphabetically', () => {
    scope(() => {
      const a = randomTensor([2, 3], 1);
      const b = randomTensor([3, 4], 2);
      const ref = einsumLoop('ij,jk->ik', [a, b]);
      expectClose(np.einsum('ij,jk', a, b), ref.data, ref.shape);
      const t = np.einsum('ba', a);
      expect([...t.shape]).toEqual([3, 2]);
      expect(np.einsum('ii', np.arange(9).reshape([3, 3])).item()).toBe(12);
    });
  });

  it('ellipsis broadcasting', () => {
    scope(() => {
      const u = randomTensor([2, 1, 3], 3);
      const v = randomTensor([4, 3], 4);
      const out = np.einsum('...i,...i->...', u, v);
      expect([...out.shape]).toEqual([2, 4]);
      const hu = hostData(u);
      const hv = hostData(v);
      const expected: number[] = [];
      for (let a = 0; a < 2; a++)
        for (let b = 0; b < 4; b++) {
          let s = 0;
          for (let i = 0; i < 3; i++) s += (hu[a * 3 + i] as number) * (hv[b * 3 + i] as number);
          expected.push(s);
        }
      expectClose(out, expected, [2, 4]);
      const batched = np.einsum(
        '...ij,...jk->...ik',
        randomTensor([5, 2, 3], 5),
        randomTensor([3, 4], 6),
      );
      expect([...batched.shape]).toEqual([5, 2, 4]);
    });
  });

  it('reports bad subscripts and sizes', () => {
    scope(() => {
      const a = np.zeros([2, 3]);
      expect(() => np.einsum('ij,jk->ik', a)).toThrow(
        /einsum: 'ij,jk->ik' names 2 operands but 1 were given/,
      );
      expect(() => np.einsum('ijk', a)).toThrow(
        /einsum: term 'ijk' has 3 labels but operand 0 has shape \[2,3\]/,
      );
      expect(() => np.einsum('ij,jk', a, np.zeros([4, 2]))).toThrow(
        /einsum: label 'j' has sizes 3 and 4/,
      );
      expect(() => np.einsum('ij->iz', a)).toThrow(/output label 'z'/);
      expect(() => np.einsum('i$', a)).toThrow(ValueError);
      expect(() => np.einsum('...i->i', np.zeros([2, 3]))).toThrow(/needs '...'/);
    });
  });
});

describe('products under transforms', () => {
  it('vmap of matmul and einsum matches a loop; jit gives the same values', () => {
    scope(() => {
      const a = randomTensor([4, 2, 3], 21);
      const b = randomTensor([3, 5], 22);
      const batched = vmap((x: Tensor) => np.matmul(x, b))(a) as Tensor;
      const looped = np.stack([0, 1, 2, 3].map((k) => np.matmul(np.slice(a, k), b)));
      expectClose(batched, hostData(looped), [4, 2, 5]);
      const viaEinsum = vmap((x: Tensor) => np.einsum('ij,jk->ik', x, b))(a) as Tensor;
      expectClose(viaEinsum, hostData(looped), [4, 2, 5]);
      const f = jit((x: Tensor, y: Tensor) => np.einsum('bij,jk->bik', x, y));
      expectClose(f(a, b), hostData(looped), [4, 2, 5]);
      f.dispose();
    });
  });
});
