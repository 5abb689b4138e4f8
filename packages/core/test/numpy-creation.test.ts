/**
 * `np` constructors: dtype inference from JS data (as `jnp.array`), ragged-input errors, typed
 * arrays, constants, ranges and the matrix builders, against values written out by hand.
 */
import { describe, expect, it } from 'vitest';
import { DTypeError, jit, np, ShapeError, scope, type Tensor, ValueError } from '../src/index.js';
import { expectClose } from './support/assertions.js';

describe('np.array', () => {
  it('infers shapes and JAX default dtypes from nested arrays', () => {
    scope(() => {
      const ints = np.array([
        [1, 2, 3],
        [4, 5, 6],
      ]);
      expect(ints.shape).toEqual([2, 3]);
      expect(ints.dtype).toBe('int32');
      expect(ints.weakType).toBe(false);
      expect(ints.toArraySync()).toEqual([
        [1, 2, 3],
        [4, 5, 6],
      ]);
      expect(np.array([1.5, 2]).dtype).toBe('float32');
      expect(np.array([true, false]).dtype).toBe('bool');
      expect(np.array([true, false]).toArraySync()).toEqual([true, false]);
      expect(np.array([true, 2]).dtype).toBe('int32');
      expect(np.array(3).shape).toEqual([]);
      expect(np.array(3).item()).toBe(3);
      expect(np.array([]).shape).toEqual([0]);
      expect(np.array([[], []]).shape).toEqual([2, 0]);
    });
  });

  it('converts to an explicit dtype (truncating floats to ints)', () => {
    scope(() => {
      expect(np.array([1.7, -1.7], { dtype: 'int32' }).toArraySync()).toEqual([1, -1]);
      expect(np.array([0, 2], { dtype: 'bool' }).toArraySync()).toEqual([false, true]);
      expect(np.array([1, 2], { dtype: 'float32' }).dtype).toBe('float32');
      expect(() => np.array([1], { dtype: 'float64' as never })).toThrow(DTypeError);
    });
  });

  it('maps typed arrays to their dtypes', () => {
    scope(() => {
      expect(np.array(new Float32Array([1, 2])).dtype).toBe('float32');
      expect(np.array(new Float64Array([0.5])).toArraySync()).toEqual([0.5]);
      expect(np.array(new Int32Array([1, -2])).dtype).toBe('int32');
      expect(np.array(new Uint32Array([4000000000])).toArraySync()).toEqual([4000000000]);
      expect(np.array(new Uint8Array([1, 255])).toArraySync()).toEqual([1, 255]);
    });
  });

  it('rejects ragged and non-numeric input', () => {
    expect(() => np.array([[1, 2], [3]])).toThrow(ShapeError);
    expect(() => np.array([[1, 2], [3]])).toThrow(
      /array: ragged nested array: data\[1\] has length 1, expected 2/,
    );
    expect(() => np.array([[1, 2], 3] as never)).toThrow(/ragged/);
    expect(() => np.array([1, [2]] as never)).toThrow(/ragged/);
    expect(() => np.array(['a'] as never)).toThrow(ValueError);
  });

  it('copies tensors and asarray passes them through', () => {
    scope(() => {
      const x = np.array([1, 2]);
      const copy = np.array(x);
      expect(copy === x).toBe(false);
      x.dispose();
      expect(copy.toArraySync()).toEqual([1, 2]);
      expect(np.asarray(copy) === copy).toBe(true);
      expect(np.asarray(copy, { dtype: 'float32' }).dtype).toBe('float32');
    });
  });
});

describe('constants and ranges', () => {
  it('builds zeros, ones, full, empty and the *Like variants', () => {
    scope(() => {
      expect(np.zeros([2, 2]).toArraySync()).toEqual([
        [0, 0],
        [0, 0],
      ]);
      expect(np.ones([3], { dtype: 'int32' }).dtype).toBe('int32');
      expect(np.full([2], 7).dtype).toBe('int32');
      expect(np.full([2], 0.5).toArraySync()).toEqual([0.5, 0.5]);
      expect(np.full([2], true).dtype).toBe('bool');
      expect(np.full([2, 2], np.array([1, 2])).toArraySync()).toEqual([
        [1, 2],
        [1, 2],
      ]);
      expect(() => np.full([2], np.array([1, 2, 3]))).toThrow(ShapeError);
      expect(np.empty([1, 3]).shape).toEqual([1, 3]);
      const x = np.array([[1.5, 2]]);
      expect(np.zerosLike(x).toArraySync()).toEqual([[0, 0]]);
      expect(np.onesLike(x, { dtype: 'int32' }).dtype).toBe('int32');
      expect(np.fullLike(x, 3).toArraySync()).toEqual([[3, 3]]);
      expect(() => np.zeros([2, -1])).toThrow(ShapeError);
      expect(np.scalar(2.5).shape).toEqual([]);
      expect(np.scalar(2.5).item()).toBe(2.5);
    });
  });

  it('arange follows Python range with int or float dtypes', () => {
    scope(() => {
      expect(np.arange(4).toArraySync()).toEqual([0, 1, 2, 3]);
      expect(np.arange(4).dtype).toBe('int32');
      expect(np.arange(2, 8, 2).toArraySync()).toEqual([2, 4, 6]);
      expect(np.arange(5, 0, -2).toArraySync()).toEqual([5, 3, 1]);
      expect(np.arange(1, 2, 0.25).toArraySync()).toEqual([1, 1.25, 1.5, 1.75]);
      expect(np.arange(1, 2, 0.25).dtype).toBe('float32');
      expect(np.arange(3, 1).shape).toEqual([0]);
      expect(np.arange(3, undefined, 1, { dtype: 'float32' }).toArraySync()).toEqual([0, 1, 2]);
      expect(() => np.arange(0, 3, 0)).toThrow(/arange: step must not be zero/);
    });
  });

  it('linspace hits both ends exactly', () => {
    scope(() => {
      expectClose(np.linspace(0, 1, 5), [0, 0.25, 0.5, 0.75, 1], [5]);
      expectClose(np.linspace(0, 1, 4, { endpoint: false }), [0, 0.25, 0.5, 0.75], [4]);
      expect((np.linspace(0.1, 0.7, 7).toArraySync() as number[]).at(-1)).toBe(Math.fround(0.7));
      expect(np.linspace(2, 3, 1).toArraySync()).toEqual([2]);
      expect(np.linspace(2, 3, 0).shape).toEqual([0]);
    });
  });

  it('stages constants under jit instead of uploading them', () => {
    scope(() => {
      const f = jit((x: Tensor) => np.add(x, np.arange(3, undefined, 1, { dtype: 'float32' })));
      expect(f(np.ones([3])).toArraySync()).toEqual([1, 2, 3]);
      f.dispose();
    });
  });
});

describe('matrix builders', () => {
  it('eye, identity and tri', () => {
    scope(() => {
      expect(np.eye(2, 3, { k: 1 }).toArraySync()).toEqual([
        [0, 1, 0],
        [0, 0, 1],
      ]);
      expect(np.eye(3, undefined, { k: -1, dtype: 'int32' }).toArraySync()).toEqual([
        [0, 0, 0],
        [1, 0, 0],
        [0, 1, 0],
      ]);
      expect(np.identity(2).toArraySync()).toEqual([
        [1, 0],
        [0, 1],
      ]);
      expect(np.tri(3).toArraySync()).toEqual([
        [1, 0, 0],
        [1, 1, 0],
        [1, 1, 1],
      ]);
    });
  });

  it('tril and triu on stacks of matrices', () => {
    scope(() => {
      const m = np.arange(1, 10).reshape([3, 3]);
      expect(np.tril(m).toArraySync()).toEqual([
        [1, 0, 0],
        [4, 5, 0],
        [7, 8, 9],
      ]);
      expect(np.triu(m, { k: 1 }).toArraySync()).toEqual([
        [0, 2, 3],
        [0, 0, 6],
        [0, 0, 0],
      ]);
      expect(np.tril(np.ones([2, 2, 3])).shape).toEqual([2, 2, 3]);
      expect(() => np.tril(np.ones([3]))).toThrow(/tril: needs a tensor of rank >= 2/);
    });
  });
});
