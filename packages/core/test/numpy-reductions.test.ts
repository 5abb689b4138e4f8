/**
 * `np` reductions and scans: axis handling (none, one, several, negative), keepdims, result
 * dtypes as in JAX (bool/int sums are int32, means are float32), empty reductions, arg
 * reductions with ties and NaN, variance with ddof — all against hand-computed values — and
 * gradients of mean/var against closed forms.
 */
import { describe, expect, it } from 'vitest';
import { grad, np, ShapeError, scope, type Tensor, ValueError } from '../src/index.js';
import { expectClose } from './support/assertions.js';

const m = () =>
  np.array([
    [1, 5, 3],
    [4, 2, 6],
  ]);

describe('np reductions', () => {
  it('sum over all axes, one axis, several and negative axes, with keepdims', () => {
    scope(() => {
      expect(np.sum(m()).toArraySync()).toBe(21);
      expect(np.sum(m(), { axis: 0 }).toArraySync()).toEqual([5, 7, 9]);
      expect(np.sum(m(), { axis: -1 }).toArraySync()).toEqual([9, 12]);
      expect(np.sum(m(), { axis: [0, 1] }).toArraySync()).toBe(21);
      expect(np.sum(m(), { axis: 1, keepdims: true }).toArraySync()).toEqual([[9], [12]]);
      expect(np.sum(m(), { keepdims: true }).shape).toEqual([1, 1]);
      expect(m().sum({ axis: 0 }).toArraySync()).toEqual([5, 7, 9]);
      expect(np.sum(np.zeros([0, 3]), { axis: 0 }).toArraySync()).toEqual([0, 0, 0]);
      expect(() => np.sum(m(), { axis: 2 })).toThrow(
        /sum: axis 2 is out of bounds for a tensor of rank 2/,
      );
      expect(() => np.sum(m(), { axis: [0, -2] })).toThrow(ValueError);
    });
  });

  it('result dtypes follow JAX', () => {
    scope(() => {
      const flags = np.array([true, true, false]);
      expect(np.sum(flags).dtype).toBe('int32');
      expect(np.sum(flags).item()).toBe(2);
      expect(np.prod(flags).dtype).toBe('int32');
      expect(np.sum(np.array([1, 2])).dtype).toBe('int32');
      expect(np.sum(np.array([1, 2], { dtype: 'uint32' })).dtype).toBe('uint32');
      expect(np.mean(np.array([1, 2])).dtype).toBe('float32');
      expect(np.mean(np.array([1, 2])).item()).toBe(1.5);
      expect(np.sum(np.array([1, 2]), { dtype: 'float32' }).dtype).toBe('float32');
    });
  });

  it('mean, prod, max, min, ptp', () => {
    scope(() => {
      expectClose(np.mean(m(), { axis: 0 }), [2.5, 3.5, 4.5], [3]);
      expect(np.prod(m(), { axis: 1 }).toArraySync()).toEqual([15, 48]);
      expect(np.max(m(), { axis: 1 }).toArraySync()).toEqual([5, 6]);
      expect(np.min(m(), { axis: 0, keepdims: true }).toArraySync()).toEqual([[1, 2, 3]]);
      expect(np.amax(m()).toArraySync()).toBe(6);
      expect(np.amin(m()).toArraySync()).toBe(1);
      expect(np.ptp(m(), { axis: 1 }).toArraySync()).toEqual([4, 4]);
      expect(np.max(np.array([true, false])).toArraySync()).toBe(true);
      expect(Number.isNaN(np.max(np.array([1, Number.NaN, 3])).item())).toBe(true);
      expect(() => np.max(np.zeros([0]))).toThrow(ShapeError);
      expect(() => np.max(np.zeros([0]))).toThrow(/max: zero-size reduction/);
    });
  });

  it('argmax/argmin: flattened by default, first occurrence on ties, NaN wins', () => {
    scope(() => {
      expect(np.argmax(m()).item()).toBe(5);
      expect(np.argmax(m(), { axis: 1 }).toArraySync()).toEqual([1, 2]);
      expect(np.argmin(m(), { axis: 0 }).toArraySync()).toEqual([0, 1, 0]);
      expect(np.argmax(m(), { axis: 1, keepdims: true }).shape).toEqual([2, 1]);
      expect(np.argmax(m(), { keepdims: true }).shape).toEqual([1, 1]);
      expect(np.argmax(np.array([3, 7, 7, 1])).item()).toBe(1);
      expect(np.argmin(np.array([2, 1, 1])).item()).toBe(1);
      expect(np.argmax(np.array([1, Number.NaN, 5])).item()).toBe(1);
      expect(np.argmax(m()).dtype).toBe('int32');
      expect(np.argmax(np.array([false, true])).item()).toBe(1);
      expect(() => np.argmax(np.zeros([0]))).toThrow(
        /argmax: attempt to get argmax of an empty sequence/,
      );
    });
  });

  it('all, any and countNonzero', () => {
    scope(() => {
      const x = np.array([
        [1, 0],
        [2, 3],
      ]);
      expect(np.all(x).item()).toBe(false);
      expect(np.all(x, { axis: 1 }).toArraySync()).toEqual([false, true]);
      expect(np.any(x, { axis: 0 }).toArraySync()).toEqual([true, true]);
      expect(np.any(np.zeros([2])).item()).toBe(false);
      expect(np.all(np.zeros([0])).item()).toBe(true);
      expect(np.countNonzero(x).item()).toBe(3);
      expect(np.countNonzero(x, { axis: 0 }).toArraySync()).toEqual([2, 1]);
    });
  });

  it('var and std with ddof, average with weights', () => {
    scope(() => {
      const x = np.array([1, 2, 3, 4]);
      expectClose(np.var(x), [1.25], []);
      expectClose(np.var(x, { ddof: 1 }), [5 / 3], []);
      expectClose(np.std(x), [Math.sqrt(1.25)], []);
      expectClose(np.var(m(), { axis: 1 }), [8 / 3, 8 / 3], [2]);
      expectClose(np.std(m(), { axis: 0, keepdims: true }), [1.5, 1.5, 1.5], [1, 3]);
      expectClose(np.average(np.array([1, 2, 3]), { weights: np.array([3, 1, 0]) }), [1.25], []);
      expectClose(np.average(m(), { axis: 1, weights: np.array([1, 0, 1]) }), [2, 5], [2]);
      expectClose(np.average(m(), { axis: 0 }), [2.5, 3.5, 4.5], [3]);
      expect(() => np.average(m(), { weights: np.array([1, 2]) })).toThrow(ShapeError);
    });
  });

  it('gradients of mean and var match closed forms', () => {
    scope(() => {
      const x = np.array([1, 2, 4, 9], { dtype: 'float32' });
      expectClose(grad((v: Tensor) => np.mean(v))(x) as Tensor, [0.25, 0.25, 0.25, 0.25]);
      // d var / dx_i = 2 (x_i - mean) / n
      expectClose(grad((v: Tensor) => np.var(v))(x) as Tensor, [-1.5, -1, 0, 2.5]);
      expectClose(grad((v: Tensor) => np.max(v))(x) as Tensor, [0, 0, 0, 1]);
    });
  });
});

describe('np cumulative', () => {
  it('scans along an axis or the flattened tensor', () => {
    scope(() => {
      expect(np.cumsum(np.array([1, 2, 3])).toArraySync()).toEqual([1, 3, 6]);
      expect(np.cumsum(m()).toArraySync()).toEqual([1, 6, 9, 13, 15, 21]);
      expect(np.cumsum(m(), { axis: 0 }).toArraySync()).toEqual([
        [1, 5, 3],
        [5, 7, 9],
      ]);
      expect(np.cumprod(m(), { axis: -1 }).toArraySync()).toEqual([
        [1, 5, 15],
        [4, 8, 48],
      ]);
      expect(np.cummax(np.array([1, 3, 2, 5])).toArraySync()).toEqual([1, 3, 3, 5]);
      expect(np.cummin(np.array([3, 1, 2, 0])).toArraySync()).toEqual([3, 1, 1, 0]);
      expect(np.cumsum(np.array([1, 2, 3]), { reverse: true }).toArraySync()).toEqual([6, 5, 3]);
      expect(np.cumsum(np.array([true, true, false])).toArraySync()).toEqual([1, 2, 2]);
      expect(np.cumsum(np.array([true, true])).dtype).toBe('int32');
      expect(np.cummax(np.array([false, true, false])).toArraySync()).toEqual([false, true, true]);
      expect(np.array([1, 2]).cumsum().toArraySync()).toEqual([1, 3]);
    });
  });

  it('gradient of cumsum is the reversed cumsum of the cotangent', () => {
    scope(() => {
      const w = np.array([1, 10, 100], { dtype: 'float32' });
      const g = grad((v: Tensor) => np.sum(np.multiply(np.cumsum(v), w)))(
        np.array([0.5, 1.5, 2.5]),
      ) as Tensor;
      expectClose(g, [111, 110, 100]);
    });
  });
});
