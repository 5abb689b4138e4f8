/**
 * Indexing: `take`/`takeAlongAxis` (negative indices, clip/wrap/fill modes), `np.slice` with
 * Python slice semantics and NumPy's advanced-index placement (expected values from NumPy,
 * written out), and functional `at(...)` updates with their gradients.
 */
import { describe, expect, it } from 'vitest';
import {
  DTypeError,
  grad,
  jit,
  np,
  ShapeError,
  scope,
  type Tensor,
  ValueError,
  vmap,
} from '../src/index.js';
import { expectClose } from './support/assertions.js';

const cube = () => np.arange(24).reshape([2, 3, 4]);

describe('take and takeAlongAxis', () => {
  it('take along an axis or the flattened tensor; negative indices wrap', () => {
    scope(() => {
      expect(np.take(np.array([10, 20, 30]), [2, 0, -1]).toArraySync()).toEqual([30, 10, 30]);
      const m = np.arange(6).reshape([2, 3]);
      expect(np.take(m, np.array([[0, 2]]), { axis: 1 }).toArraySync()).toEqual([
        [[0, 2]],
        [[3, 5]],
      ]);
      expect(np.take(m, 4).toArraySync()).toBe(4);
      expect(m.take([1], { axis: 0 }).toArraySync()).toEqual([[3, 4, 5]]);
    });
  });

  it('out-of-range indices clip, wrap or fill', () => {
    scope(() => {
      const v = np.array([10, 20, 30]);
      expect(np.take(v, [5, -7]).toArraySync()).toEqual([30, 10]);
      expect(np.take(v, [4, -4], { mode: 'wrap' }).toArraySync()).toEqual([20, 30]);
      expect(np.take(v, [1, 3, -4], { mode: 'fill', fillValue: -1 }).toArraySync()).toEqual([
        20, -1, -1,
      ]);
      const f = np.take(np.array([1.5, 2.5]), [0, 2], { mode: 'fill' }).toArraySync() as number[];
      expect(f[0]).toBe(1.5);
      expect(f[1]).toBeNaN();
      expect(() => np.take(v, np.array([0.5]))).toThrow(DTypeError);
      expect(() => np.take(v, np.array([0.5]))).toThrow(
        /take: indices must be integers, got f32\[1\]/,
      );
      expect(() => np.take(v, [0], { mode: 'raise' as never })).toThrow(
        /take: unknown mode 'raise'/,
      );
    });
  });

  it('takeAlongAxis picks per-row entries and broadcasts other dims', () => {
    scope(() => {
      const x = np.array([
        [10, 30, 20],
        [60, 40, 50],
      ]);
      expect(np.takeAlongAxis(x, np.array([[1], [0]]), 1).toArraySync()).toEqual([[30], [60]]);
      expect(np.takeAlongAxis(x, np.argsort(x, { axis: 1 }), 1).toArraySync()).toEqual([
        [10, 20, 30],
        [40, 50, 60],
      ]);
      expect(np.takeAlongAxis(x, np.array([[1, 0, 1]]), 0).toArraySync()).toEqual([[60, 30, 50]]);
      expect(np.takeAlongAxis(x, np.array([[-1], [-3]]), 1).toArraySync()).toEqual([[20], [60]]);
      expect(np.takeAlongAxis(x, np.array([5, 0]), null).toArraySync()).toEqual([50, 10]);
      expect(() => np.takeAlongAxis(x, np.array([1]), 1)).toThrow(
        /takeAlongAxis: indices \[1\] and x \[2,3\] need the same rank/,
      );
    });
  });

  it('gradient of takeAlongAxis scatters back', () => {
    scope(() => {
      const x = np.array(
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
        { dtype: 'float32' },
      );
      const g = grad((v: Tensor) =>
        np.sum(
          np.takeAlongAxis(
            v,
            np.array([
              [2, 2],
              [0, 1],
            ]),
            1,
          ),
        ),
      )(x) as Tensor;
      expect(g.toArraySync()).toEqual([
        [0, 0, 2],
        [1, 1, 0],
      ]);
    });
  });
});

describe('np.slice', () => {
  it('basic indices: numbers, null, slices with negative values and steps, ellipsis, newaxis', () => {
    scope(() => {
      const x = cube();
      expect(np.slice(x, 1, 2).toArraySync()).toEqual([20, 21, 22, 23]);
      expect(np.slice(x, -1, -1, -1).toArraySync()).toBe(23);
      expect(np.slice(x, null, [1, 3], 0).toArraySync()).toEqual([
        [4, 8],
        [16, 20],
      ]);
      expect(np.slice(x, '...', [null, null, -2]).toArraySync()).toEqual([
        [
          [3, 1],
          [7, 5],
          [11, 9],
        ],
        [
          [15, 13],
          [19, 17],
          [23, 21],
        ],
      ]);
      const y = np.slice(x, 1, [1], 'newaxis', -1);
      expect([...y.shape]).toEqual([2, 1]);
      expect(y.toArraySync()).toEqual([[19], [23]]);
      expect(np.slice(x, null, [null, null, -1], [1, 3]).toArraySync()).toEqual([
        [
          [9, 10],
          [5, 6],
          [1, 2],
        ],
        [
          [21, 22],
          [17, 18],
          [13, 14],
        ],
      ]);
      expect([...np.slice(x, [5, 1, -2], [-10, 10]).shape]).toEqual([0, 3, 4]);
      expect([...np.slice(x, [-1, -5, -1]).shape]).toEqual([2, 3, 4]);
      expect([...x.slice('newaxis', '...').shape]).toEqual([1, 2, 3, 4]);
    });
  });

  it('advanced indices follow NumPy placement', () => {
    scope(() => {
      const x = cube();
      expect(np.slice(x, 0, null, np.array([1, 2])).toArraySync()).toEqual([
        [1, 5, 9],
        [2, 6, 10],
      ]);
      expect(np.slice(x, null, np.array([0, 2]), np.array([1, 3])).toArraySync()).toEqual([
        [1, 11],
        [13, 23],
      ]);
      expect(np.slice(x, np.array([1, 0]), null, np.array([0, 3])).toArraySync()).toEqual([
        [12, 16, 20],
        [3, 7, 11],
      ]);
      expect([...np.slice(x, np.array([[0], [1]]), np.array([0, 2])).shape]).toEqual([2, 2, 4]);
      expect([...np.slice(x, null, np.array([[0], [1]]), np.array([0, 2])).shape]).toEqual([
        2, 2, 2,
      ]);
      expect(np.slice(x, np.array([-1]), 0, 0).toArraySync()).toEqual([12]);
    });
  });

  it('reports bad indices', () => {
    scope(() => {
      const x = cube();
      expect(() => np.slice(x, 2)).toThrow(ValueError);
      expect(() => np.slice(x, 2)).toThrow(
        /slice: index 2 is out of bounds for axis 0 with size 2 \(shape \[2,3,4\]\)/,
      );
      expect(() => np.slice(x, 0, 0, 0, 0)).toThrow(/too many indices for a tensor of rank 3/);
      expect(() => np.slice(x, '...', '...')).toThrow(/single ellipsis/);
      expect(() => np.slice(x, [0, 2, 0])).toThrow(/slice step cannot be zero/);
      expect(() => np.slice(x, [0, 1, 2, 3] as never)).toThrow(/wrap integer lists with np.array/);
      expect(() => np.slice(x, np.array([true, false]))).toThrow(/boolean mask indices/);
    });
  });

  it('gradients flow through basic and advanced indexing', () => {
    scope(() => {
      const x = np.arange(6, undefined, 1, { dtype: 'float32' }).reshape([2, 3]);
      const g1 = grad((v: Tensor) => np.sum(np.slice(v, null, [null, null, -2])))(x) as Tensor;
      expect(g1.toArraySync()).toEqual([
        [1, 0, 1],
        [1, 0, 1],
      ]);
      const g2 = grad((v: Tensor) => np.sum(np.slice(v, np.array([1, 1, 0]), np.array([0, 0, 2]))))(
        x,
      ) as Tensor;
      expect(g2.toArraySync()).toEqual([
        [0, 0, 1],
        [2, 0, 0],
      ]);
    });
  });
});

describe('at(...) updates', () => {
  it('set/add/multiply on basic indices, including strided and reversed slices', () => {
    scope(() => {
      const x = np.zeros([4, 5]);
      expect(
        np
          .at(x, [1, 4, 2], [null, null, -2])
          .set(np.arange(6).reshape([2, 3]))
          .toArraySync(),
      ).toEqual([
        [0, 0, 0, 0, 0],
        [2, 0, 1, 0, 0],
        [0, 0, 0, 0, 0],
        [5, 0, 4, 0, 3],
      ]);
      const v = np.array([1, 2, 3, 4]);
      expect(np.at(v, 0).set(9).toArraySync()).toEqual([9, 2, 3, 4]);
      expect(np.at(v, [1, 3]).add(10).toArraySync()).toEqual([1, 12, 13, 4]);
      expect(v.at(-1).multiply(3).toArraySync()).toEqual([1, 2, 3, 12]);
      expect(np.at(v, [null, 2]).get().toArraySync()).toEqual([1, 2]);
      expect(np.at(v, 0).set(2.7).dtype).toBe('int32');
      expect(np.at(v, [4, 4]).set(0).toArraySync()).toEqual([1, 2, 3, 4]);
      const m = np.zeros([2, 3]);
      expect(
        np
          .at(m, '...', 'newaxis', 1)
          .set(np.array([[7], [8]]))
          .toArraySync(),
      ).toEqual([
        [0, 7, 0],
        [0, 8, 0],
      ]);
      expect(() => np.at(m, 0).set(np.ones([4]))).toThrow(
        /at.set: values of shape \[4\] cannot be broadcast to the indexed shape \[3\]/,
      );
    });
  });

  it('integer-array updates: add accumulates duplicates (like np.add.at)', () => {
    scope(() => {
      const z = np.arange(5, undefined, 1, { dtype: 'float32' });
      expect(
        np
          .at(z, np.array([0, 0, 2]))
          .add(1)
          .toArraySync(),
      ).toEqual([2, 1, 3, 3, 4]);
      expect(
        np
          .at(z, np.array([4, -5]))
          .set(np.array([7, 8]))
          .toArraySync(),
      ).toEqual([8, 1, 2, 3, 7]);
      expect(
        np
          .at(z, np.array([1, 3]))
          .multiply(10)
          .toArraySync(),
      ).toEqual([0, 10, 2, 30, 4]);
      const m = np.zeros([3, 3], { dtype: 'int32' });
      expect(
        np
          .at(m, np.array([0, 1, 2]), np.array([2, 1, 0]))
          .set(1)
          .toArraySync(),
      ).toEqual([
        [0, 0, 1],
        [0, 1, 0],
        [1, 0, 0],
      ]);
      const flags = np.array([false, false, false]);
      expect(
        np
          .at(flags, np.array([1]))
          .set(true)
          .toArraySync(),
      ).toEqual([false, true, false]);
      expect(np.at(flags, 2).add(true).toArraySync()).toEqual([false, false, true]);
    });
  });

  it('gradients reach both the operand and the values', () => {
    scope(() => {
      const x = np.array([1, 2, 3, 4], { dtype: 'float32' });
      const v = np.array([10, 20], { dtype: 'float32' });
      const w = np.array([1, 2, 3, 4], { dtype: 'float32' });
      const loss = (a: Tensor, b: Tensor) => np.sum(np.multiply(np.at(a, [1, 3]).set(b), w));
      const [ga, gb] = grad(loss, { argnums: [0, 1] })(x, v) as unknown as [Tensor, Tensor];
      expect(ga.toArraySync()).toEqual([1, 0, 0, 4]);
      expect(gb.toArraySync()).toEqual([2, 3]);
      const loss2 = (a: Tensor, b: Tensor) =>
        np.sum(
          np.multiply(np.at(a, np.array([0, 0, 3])).add(np.concatenate([b, b.slice([0, 1])])), w),
        );
      const [ha, hb] = grad(loss2, { argnums: [0, 1] })(x, v) as unknown as [Tensor, Tensor];
      expect(ha.toArraySync()).toEqual([1, 2, 3, 4]);
      expect(hb.toArraySync()).toEqual([5, 1]);
      const g = grad((a: Tensor) => np.sum(np.at(a, 0).multiply(a.slice(1))))(x) as Tensor;
      expectClose(g, [2, 2, 1, 1]);
    });
  });

  it('works under jit', () => {
    scope(() => {
      const f = jit((a: Tensor) => np.at(a, np.array([0, 2])).add(np.slice(a, [null, 2])));
      expect(f(np.array([1, 2, 3], { dtype: 'float32' })).toArraySync()).toEqual([2, 2, 5]);
      f.dispose();
    });
  });
});

describe('indexing under vmap', () => {
  it('slices, gathers and updates each example', () => {
    scope(() => {
      const x = np.arange(12, undefined, 1, { dtype: 'float32' }).reshape([3, 4]);
      const rows = (fn: (r: Tensor) => Tensor) => vmap(fn)(x) as Tensor;
      expect(rows((r) => np.slice(r, [null, null, -2])).toArraySync()).toEqual([
        [3, 1],
        [7, 5],
        [11, 9],
      ]);
      expect(rows((r) => np.slice(r, np.array([3, 0]))).toArraySync()).toEqual([
        [3, 0],
        [7, 4],
        [11, 8],
      ]);
      expect(rows((r) => np.at(r, 1).set(-1)).toArraySync()).toEqual([
        [0, -1, 2, 3],
        [4, -1, 6, 7],
        [8, -1, 10, 11],
      ]);
      expect(rows((r) => np.at(r, np.array([0, 0])).add(1)).toArraySync()).toEqual([
        [2, 1, 2, 3],
        [6, 5, 6, 7],
        [10, 9, 10, 11],
      ]);
      const idx = np.array([[1], [3], [0]]);
      const picked = vmap((r: Tensor, i: Tensor) => np.takeAlongAxis(r, i, 0))(x, idx) as Tensor;
      expect(picked.toArraySync()).toEqual([[1], [7], [8]]);
    });
  });
});

describe('errors name the op', () => {
  it('shape and dtype errors of indexing helpers', () => {
    scope(() => {
      expect(() => np.take(np.zeros([0]), [0])).toThrow(ShapeError);
    });
  });
});
