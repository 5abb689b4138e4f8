/**
 * JAX's type promotion and NumPy broadcasting in the `np` layer: weak JS scalars adopt the
 * tensor's dtype, strong dtypes promote along bool < int < float, shapes broadcast from the
 * right, and bad operands fail with errors that name the op.
 */
import { describe, expect, it } from 'vitest';
import {
  type DType,
  DTypeError,
  getBackend,
  np,
  ShapedArray,
  ShapeError,
  scope,
  type Tensor,
  ValueError,
} from '../src/index.js';
import { stageFlat } from '../src/internal/jaxpr/staging.js';

const f32 = () => np.array([1.5, 2.5]);
const i32 = () => np.array([1, 2]);
const u32 = () => np.array([1, 2], { dtype: 'uint32' });
const bool = () => np.array([true, false]);

describe('np promotion', () => {
  const table: [
    string,
    () => Tensor | number | boolean,
    () => Tensor | number | boolean,
    DType,
    boolean,
  ][] = [
    ['f32 + 1 stays f32', f32, () => 1, 'float32', false],
    ['f32 + 1.5 stays f32', f32, () => 1.5, 'float32', false],
    ['i32 + 1 stays i32', i32, () => 1, 'int32', false],
    [
      'i32 + 1.5 → weak f32 (the join of i32 and a weak float is a weak float)',
      i32,
      () => 1.5,
      'float32',
      true,
    ],
    ['u32 + 1 stays u32', u32, () => 1, 'uint32', false],
    ['bool + 1 → weak i32', bool, () => 1, 'int32', true],
    ['bool + 1.5 → weak f32', bool, () => 1.5, 'float32', true],
    ['bool + true stays bool', bool, () => true, 'bool', false],
    ['i32 + f32 → f32', i32, f32, 'float32', false],
    ['i32 + u32 → i32', i32, u32, 'int32', false],
    ['bool + i32 → i32', bool, i32, 'int32', false],
    ['1 + 2 → weak i32', () => 1, () => 2, 'int32', true],
    ['1 + 2.5 → weak f32', () => 1, () => 2.5, 'float32', true],
  ];
  for (const [name, a, b, dtype, weak] of table) {
    it(name, () => {
      scope(() => {
        const out = np.add(a(), b());
        expect(out.dtype).toBe(dtype);
        expect(out.weakType).toBe(weak);
        // Symmetric.
        const swapped = np.add(b(), a());
        expect(swapped.dtype).toBe(dtype);
        expect(swapped.weakType).toBe(weak);
      });
    });
  }

  it('keeps values when a weak int meets a float tensor', () => {
    scope(() => {
      expect(np.add(np.array([0.5]), 1).toArraySync()).toEqual([1.5]);
      expect(np.multiply(np.array([3]), 1.5).toArraySync()).toEqual([4.5]);
    });
  });

  it('promotes float16 like JAX (staged abstractly: the CPU backend has no float16)', () => {
    const outAval = (fn: (...xs: Tensor[]) => Tensor, ...dtypes: DType[]) =>
      stageFlat(
        (...xs) => [fn(...xs)],
        dtypes.map((d) => new ShapedArray([2], d)),
      ).jaxpr.outs[0]?.aval;
    expect(outAval((x) => np.add(x, 1.5), 'float16')?.toString()).toBe('f16[2]');
    expect(outAval((x, y) => np.add(x, y as Tensor), 'int32', 'float16')?.toString()).toBe(
      'f16[2]',
    );
    expect(outAval((x, y) => np.add(x, y as Tensor), 'float16', 'float32')?.toString()).toBe(
      'f32[2]',
    );
  });

  it.skipIf(!getBackend().capabilities.dtypes.includes('float16'))(
    'float16 results decode back to numbers',
    () => {
      scope(() => {
        expect(np.add(np.array([1, 2], { dtype: 'float16' }), 0.5).toArraySync()).toEqual([
          1.5, 2.5,
        ]);
      });
    },
  );

  it('broadcasts shapes from the right', () => {
    scope(() => {
      const a = np.arange(3).reshape([3, 1]);
      const b = np.arange(4);
      const out = np.add(a, b);
      expect(out.shape).toEqual([3, 4]);
      expect(out.toArraySync()).toEqual([
        [0, 1, 2, 3],
        [1, 2, 3, 4],
        [2, 3, 4, 5],
      ]);
      expect(np.multiply(np.ones([2, 1, 3]), np.ones([4, 1])).shape).toEqual([2, 4, 3]);
      expect(np.add(np.ones([0, 3]), np.ones([1, 3])).shape).toEqual([0, 3]);
    });
  });

  it('reports shapes that do not broadcast, naming the op', () => {
    scope(() => {
      expect(() => np.add(np.ones([2, 3]), np.ones([4]))).toThrow(ShapeError);
      expect(() => np.add(np.ones([2, 3]), np.ones([4]))).toThrow(
        /add: shapes \[2,3\], \[4\] cannot be broadcast/,
      );
      expect(() => np.where(np.ones([2]), np.ones([3]), 0)).toThrow(/where/);
    });
  });

  it('rejects JS arrays and other non-tensors with a hint', () => {
    scope(() => {
      expect(() => np.add(np.ones([2]), [1, 2] as never)).toThrow(ValueError);
      expect(() => np.add(np.ones([2]), [1, 2] as never)).toThrow(
        /add: expected a tensor, number or boolean, got a JS array/,
      );
      expect(() => np.exp('x' as never)).toThrow(/exp: expected a tensor/);
    });
  });

  it('reports dtype errors naming the op', () => {
    scope(() => {
      expect(() => np.bitwiseAnd(np.ones([2]), 1)).toThrow(DTypeError);
      expect(() => np.bitwiseAnd(np.ones([2]), 1)).toThrow(
        /bitwiseAnd: needs bool or integer operands, got f32\[2\]/,
      );
      expect(() => np.leftShift(np.array([1.5]), 1)).toThrow(
        /leftShift: needs integer operands, got f32\[1\]/,
      );
      expect(() => np.subtract(bool(), bool())).toThrow(/subtract: not defined for bool/);
      expect(() => np.power(i32(), -1)).toThrow(/power: integers to negative integer powers/);
    });
  });
});
