/**
 * `np` shape operations: reshape/transpose/squeeze/expandDims/broadcast/flip, joining and
 * splitting, padding (all modes), tile/repeat/roll and dtype conversion — values checked against
 * NumPy results written out by hand, plus the error messages for bad shapes and axes.
 */
import { describe, expect, it } from 'vitest';
import { grad, np, ShapeError, scope, type Tensor, ValueError } from '../src/index.js';
import { expectClose } from './support/assertions.js';

const shapeOf = (t: Tensor) => [...t.shape];

describe('axis rearrangement', () => {
  it('reshape with -1 and its errors', () => {
    scope(() => {
      const x = np.arange(6);
      expect(np.reshape(x, [2, -1]).toArraySync()).toEqual([
        [0, 1, 2],
        [3, 4, 5],
      ]);
      expect(shapeOf(x.reshape([-1, 1, 2]))).toEqual([3, 1, 2]);
      expect(shapeOf(np.reshape(np.zeros([0, 3]), [-1, 3]))).toEqual([0, 3]);
      expect(() => np.reshape(x, [4, -1])).toThrow(ShapeError);
      expect(() => np.reshape(x, [4, -1])).toThrow(
        /reshape: cannot reshape \[6\] \(6 elements\) into \[4,-1\]/,
      );
      expect(() => np.reshape(x, [-1, -1])).toThrow(/only one dimension can be -1/);
      expect(() => np.reshape(x, [5])).toThrow(/cannot reshape \[6\]/);
      expect(shapeOf(np.ravel(np.zeros([2, 3])))).toEqual([6]);
      expect(shapeOf(np.zeros([2, 3]).flatten())).toEqual([6]);
    });
  });

  it('transpose, swapaxes and moveaxis', () => {
    scope(() => {
      const x = np.arange(6).reshape([2, 3]);
      expect(np.transpose(x).toArraySync()).toEqual([
        [0, 3],
        [1, 4],
        [2, 5],
      ]);
      expect(x.T.shape).toEqual([3, 2]);
      expect(shapeOf(np.transpose(np.zeros([2, 3, 4]), [2, 0, 1]))).toEqual([4, 2, 3]);
      expect(shapeOf(np.transpose(np.zeros([2, 3, 4]), [-1, 0, 1]))).toEqual([4, 2, 3]);
      expect(() => np.transpose(x, [0, 0])).toThrow(
        /transpose: \[0,0\] is not a permutation of 2 axes/,
      );
      expect(shapeOf(np.swapaxes(np.zeros([2, 3, 4]), 0, 2))).toEqual([4, 3, 2]);
      expect(shapeOf(np.moveaxis(np.zeros([2, 3, 4]), 0, -1))).toEqual([3, 4, 2]);
      expect(shapeOf(np.moveaxis(np.zeros([2, 3, 4, 5]), [0, 1], [-1, -2]))).toEqual([4, 5, 3, 2]);
      expect(np.moveaxis(x, 0, 1).toArraySync()).toEqual(np.transpose(x).toArraySync());
    });
  });

  it('expandDims, squeeze and atleast*', () => {
    scope(() => {
      expect(shapeOf(np.expandDims(np.zeros([3]), 0))).toEqual([1, 3]);
      expect(shapeOf(np.expandDims(np.zeros([3]), [0, -1]))).toEqual([1, 3, 1]);
      expect(shapeOf(np.zeros([2, 3]).expandDims(1))).toEqual([2, 1, 3]);
      expect(shapeOf(np.squeeze(np.zeros([1, 3, 1])))).toEqual([3]);
      expect(shapeOf(np.squeeze(np.zeros([1, 3, 1]), -1))).toEqual([1, 3]);
      expect(() => np.squeeze(np.zeros([1, 3]), 1)).toThrow(
        /squeeze: cannot squeeze axis 1 of size 3 in \[1,3\]/,
      );
      expect(shapeOf(np.atleast1d(np.scalar(1)))).toEqual([1]);
      expect(shapeOf(np.atleast2d(np.zeros([3])))).toEqual([1, 3]);
      expect(shapeOf(np.atleast3d(np.zeros([3])))).toEqual([1, 3, 1]);
      expect(shapeOf(np.atleast3d(np.zeros([2, 3])))).toEqual([2, 3, 1]);
    });
  });

  it('broadcastTo and broadcastArrays', () => {
    scope(() => {
      expect(np.broadcastTo(np.array([1, 2, 3]), [2, 3]).toArraySync()).toEqual([
        [1, 2, 3],
        [1, 2, 3],
      ]);
      expect(np.broadcastTo(np.array([[1], [2]]), [2, 2]).toArraySync()).toEqual([
        [1, 1],
        [2, 2],
      ]);
      expect(() => np.broadcastTo(np.zeros([3]), [4])).toThrow(
        /broadcastTo: cannot broadcast \[3\] to \[4\]/,
      );
      expect(() => np.broadcastTo(np.zeros([2, 3]), [3])).toThrow(ShapeError);
      const [a, b] = np.broadcastArrays(np.zeros([3, 1]), np.zeros([4])) as [Tensor, Tensor];
      expect(shapeOf(a)).toEqual([3, 4]);
      expect(shapeOf(b)).toEqual([3, 4]);
    });
  });

  it('flip, fliplr, flipud and astype', () => {
    scope(() => {
      const x = np.array([
        [1, 2],
        [3, 4],
      ]);
      expect(np.flip(x).toArraySync()).toEqual([
        [4, 3],
        [2, 1],
      ]);
      expect(np.flip(x, 1).toArraySync()).toEqual([
        [2, 1],
        [4, 3],
      ]);
      expect(np.fliplr(x).toArraySync()).toEqual([
        [2, 1],
        [4, 3],
      ]);
      expect(np.flipud(x).toArraySync()).toEqual([
        [3, 4],
        [1, 2],
      ]);
      expect(np.astype(np.array([1.7, -1.7]), 'int32').toArraySync()).toEqual([1, -1]);
      expect(np.array([0, 3]).astype('bool').toArraySync()).toEqual([false, true]);
      expect(np.astype(np.add(np.array([1]), 1), 'int32').weakType).toBe(false);
      expect(() => np.astype(x, 'int64' as never)).toThrow(/astype: unknown dtype/);
    });
  });
});

describe('joining and splitting', () => {
  it('concatenate promotes and checks shapes', () => {
    scope(() => {
      const a = np.array([[1, 2]]);
      const b = np.array([[3.5, 4]]);
      const c = np.concatenate([a, b]);
      expect(c.dtype).toBe('float32');
      expect(c.toArraySync()).toEqual([
        [1, 2],
        [3.5, 4],
      ]);
      expect(np.concatenate([a, a], { axis: -1 }).toArraySync()).toEqual([[1, 2, 1, 2]]);
      expect(np.concatenate([a, np.array([7])], { axis: null }).toArraySync()).toEqual([1, 2, 7]);
      expect(shapeOf(np.concatenate([np.zeros([0, 2]), a]))).toEqual([1, 2]);
      expect(() => np.concatenate([a, np.zeros([1, 3])])).toThrow(
        /concatenate: shapes \[1,2\], \[1,3\] must match except along axis 0/,
      );
      expect(() => np.concatenate([])).toThrow(ValueError);
    });
  });

  it('stack, hstack, vstack, dstack', () => {
    scope(() => {
      const a = np.array([1, 2]);
      const b = np.array([3, 4]);
      expect(np.stack([a, b]).toArraySync()).toEqual([
        [1, 2],
        [3, 4],
      ]);
      expect(np.stack([a, b], { axis: -1 }).toArraySync()).toEqual([
        [1, 3],
        [2, 4],
      ]);
      expect(() => np.stack([a, np.zeros([3])])).toThrow(/stack: all tensors need the same shape/);
      expect(np.hstack([a, b]).toArraySync()).toEqual([1, 2, 3, 4]);
      expect(shapeOf(np.hstack([np.zeros([2, 1]), np.zeros([2, 3])]))).toEqual([2, 4]);
      expect(np.vstack([a, b]).toArraySync()).toEqual([
        [1, 2],
        [3, 4],
      ]);
      expect(shapeOf(np.dstack([np.zeros([2, 2]), np.zeros([2, 2])]))).toEqual([2, 2, 2]);
    });
  });

  it('split into sections or at indices; arraySplit allows uneven pieces', () => {
    scope(() => {
      const parts = np.split(np.arange(6), 3).map((t) => t.toArraySync());
      expect(parts).toEqual([
        [0, 1],
        [2, 3],
        [4, 5],
      ]);
      expect(np.split(np.arange(6), [1, 4]).map((t) => t.toArraySync())).toEqual([
        [0],
        [1, 2, 3],
        [4, 5],
      ]);
      expect(np.split(np.arange(6), [-2, 10]).map((t) => t.toArraySync())).toEqual([
        [0, 1, 2, 3],
        [4, 5],
        [],
      ]);
      expect(np.split(np.arange(6).reshape([2, 3]), 3, { axis: 1 }).map(shapeOf)).toEqual([
        [2, 1],
        [2, 1],
        [2, 1],
      ]);
      expect(() => np.split(np.arange(5), 2)).toThrow(
        /split: axis 0 of size 5 \(shape \[5\]\) cannot be split into 2 equal sections/,
      );
      expect(np.arraySplit(np.arange(5), 2).map((t) => t.toArraySync())).toEqual([
        [0, 1, 2],
        [3, 4],
      ]);
    });
  });
});

describe('padding and repetition', () => {
  it('pad in every mode matches NumPy', () => {
    scope(() => {
      const x = np.array([1, 2, 3]);
      expect(np.pad(x, 2).toArraySync()).toEqual([0, 0, 1, 2, 3, 0, 0]);
      expect(np.pad(x, [4, 5], { mode: 'edge' }).toArraySync()).toEqual([
        1, 1, 1, 1, 1, 2, 3, 3, 3, 3, 3, 3,
      ]);
      expect(np.pad(x, [4, 5], { mode: 'reflect' }).toArraySync()).toEqual([
        1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3, 2,
      ]);
      expect(np.pad(x, [4, 5], { mode: 'symmetric' }).toArraySync()).toEqual([
        3, 3, 2, 1, 1, 2, 3, 3, 2, 1, 1, 2,
      ]);
      expect(np.pad(x, [4, 5], { mode: 'wrap' }).toArraySync()).toEqual([
        3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2,
      ]);
      expect(np.pad(np.array([7]), [2, 3], { mode: 'reflect' }).toArraySync()).toEqual([
        7, 7, 7, 7, 7, 7,
      ]);
      const m = np.array([
        [1, 2],
        [3, 4],
      ]);
      expect(
        np
          .pad(
            m,
            [
              [1, 0],
              [0, 2],
            ],
            { mode: 'reflect' },
          )
          .toArraySync(),
      ).toEqual([
        [3, 4, 3, 4],
        [1, 2, 1, 2],
        [3, 4, 3, 4],
      ]);
      expect(np.pad(m, 1, { constantValues: 9 }).toArraySync()).toEqual([
        [9, 9, 9, 9],
        [9, 1, 2, 9],
        [9, 3, 4, 9],
        [9, 9, 9, 9],
      ]);
      expect(() => np.pad(m, [[1, 2, 3]] as never)).toThrow(/pad: bad pad width/);
      expect(() => np.pad(m, -1)).toThrow(ValueError);
      expect(() => np.pad(m, 1, { mode: 'mean' as never })).toThrow(/pad: unknown mode 'mean'/);
    });
  });

  it('the gradient of pad sums the copies back', () => {
    scope(() => {
      const g = grad((v: Tensor) => np.sum(np.pad(v, [2, 1], { mode: 'edge' })))(
        np.array([1, 2, 3], { dtype: 'float32' }),
      ) as Tensor;
      expectClose(g, [3, 1, 2]);
    });
  });

  it('tile, repeat and roll match NumPy', () => {
    scope(() => {
      expect(np.tile(np.array([1, 2]), 2).toArraySync()).toEqual([1, 2, 1, 2]);
      expect(np.tile(np.array([[1, 2]]), [2, 3]).toArraySync()).toEqual([
        [1, 2, 1, 2, 1, 2],
        [1, 2, 1, 2, 1, 2],
      ]);
      expect(shapeOf(np.tile(np.array([1, 2]), [2, 1, 2]))).toEqual([2, 1, 4]);
      const m = np.array([
        [1, 2],
        [3, 4],
      ]);
      expect(np.repeat(m, 2).toArraySync()).toEqual([1, 1, 2, 2, 3, 3, 4, 4]);
      expect(np.repeat(m, 2, { axis: 1 }).toArraySync()).toEqual([
        [1, 1, 2, 2],
        [3, 3, 4, 4],
      ]);
      expect(np.repeat(m, [1, 2], { axis: 0 }).toArraySync()).toEqual([
        [1, 2],
        [3, 4],
        [3, 4],
      ]);
      expect(() => np.repeat(m, [1, 2, 3], { axis: 0 })).toThrow(
        /repeat: 3 repeat counts for axis 0 of size 2/,
      );
      const r = np.arange(6).reshape([2, 3]);
      expect(np.roll(r, 1).toArraySync()).toEqual([
        [5, 0, 1],
        [2, 3, 4],
      ]);
      expect(np.roll(r, [1, -1], { axis: [0, 1] }).toArraySync()).toEqual([
        [4, 5, 3],
        [1, 2, 0],
      ]);
      expect(np.roll(np.arange(4), -5).toArraySync()).toEqual([1, 2, 3, 0]);
    });
  });
});
