/**
 * `np.sort`, `np.argsort` and `np.topK`: stability with ties, NaN placement (last ascending,
 * first descending), axes, and the gradient of sort (it permutes the cotangent back).
 */
import { describe, expect, it } from 'vitest';
import { grad, np, scope, type Tensor, ValueError } from '../src/index.js';

describe('np sorting', () => {
  it('sort along the last axis, another axis, or flattened', () => {
    scope(() => {
      const m = np.array([
        [3, 1, 2],
        [0, 5, 4],
      ]);
      expect(np.sort(m).toArraySync()).toEqual([
        [1, 2, 3],
        [0, 4, 5],
      ]);
      expect(np.sort(m, { axis: 0 }).toArraySync()).toEqual([
        [0, 1, 2],
        [3, 5, 4],
      ]);
      expect(np.sort(m, { axis: null }).toArraySync()).toEqual([0, 1, 2, 3, 4, 5]);
      expect(np.sort(m, { descending: true }).toArraySync()).toEqual([
        [3, 2, 1],
        [5, 4, 0],
      ]);
      expect(np.sort(np.array([true, false, true])).toArraySync()).toEqual([false, true, true]);
      expect(() => np.sort(np.scalar(1))).toThrow(ValueError);
    });
  });

  it('NaNs sort last (first when descending)', () => {
    scope(() => {
      const x = np.array([2, Number.NaN, -1, Number.NEGATIVE_INFINITY, 0]);
      const asc = np.sort(x).toArraySync() as number[];
      expect(asc.slice(0, 4)).toEqual([Number.NEGATIVE_INFINITY, -1, 0, 2]);
      expect(asc[4]).toBeNaN();
      expect(np.argsort(x).toArraySync()).toEqual([3, 2, 4, 0, 1]);
      const desc = np.sort(x, { descending: true }).toArraySync() as number[];
      expect(desc[0]).toBeNaN();
      expect(desc.slice(1)).toEqual([2, 0, -1, Number.NEGATIVE_INFINITY]);
      expect(np.argsort(x, { descending: true }).toArraySync()).toEqual([1, 0, 4, 2, 3]);
    });
  });

  it('argsort is stable in both directions', () => {
    scope(() => {
      const x = np.array([1, 3, 1, 3, 2, 1]);
      expect(np.argsort(x).toArraySync()).toEqual([0, 2, 5, 4, 1, 3]);
      expect(np.argsort(x, { descending: true }).toArraySync()).toEqual([1, 3, 4, 0, 2, 5]);
      expect(np.argsort(x).dtype).toBe('int32');
      const m = np.array([
        [2, 2, 1],
        [0, 3, 0],
      ]);
      expect(np.argsort(m, { axis: 0 }).toArraySync()).toEqual([
        [1, 0, 1],
        [0, 1, 0],
      ]);
      expect(m.argsort().toArraySync()).toEqual([
        [2, 0, 1],
        [0, 2, 1],
      ]);
    });
  });

  it('topK returns the largest values and their indices', () => {
    scope(() => {
      const [values, indices] = np.topK(np.array([1, 4, 2, 8, 4]), 3) as [Tensor, Tensor];
      expect(values.toArraySync()).toEqual([8, 4, 4]);
      expect(indices.toArraySync()).toEqual([3, 1, 4]);
      const [v2] = np.topK(
        np.array([
          [1, 3],
          [4, 2],
        ]),
        1,
      ) as [Tensor, Tensor];
      expect(v2.toArraySync()).toEqual([[3], [4]]);
      expect(() => np.topK(np.array([1, 2]), 3)).toThrow(
        /topK: k must be an integer in \[0, 2\], got 3/,
      );
    });
  });

  it('the gradient of sort routes cotangents to the original positions', () => {
    scope(() => {
      const w = np.array([1, 10, 100], { dtype: 'float32' });
      const g = grad((v: Tensor) => np.sum(np.multiply(np.sort(v), w)))(
        np.array([0.5, -2, 3]),
      ) as Tensor;
      expect(g.toArraySync()).toEqual([10, 1, 100]);
    });
  });
});
