/**
 * `np` elementwise functions: arithmetic with Python/JAX semantics (true division, floor
 * division and modulo with the divisor's sign), integer powers, math functions against `Math`,
 * rounding, float classification, comparisons, logical/bitwise ops, `where` and `clip`, and
 * gradients of the composite ones against closed forms.
 */
import { describe, expect, it } from 'vitest';
import { grad, memory, nn, np, scope, type Tensor } from '../src/index.js';
import { expectClose } from './support/assertions.js';
import { hostData } from './support/tensors.js';

describe('np arithmetic', () => {
  it('divide is true division; floorDivide and mod follow Python', () => {
    scope(() => {
      const a = np.array([7, -7, 7, -7]);
      const b = np.array([2, 2, -2, -2]);
      expect(np.divide(a, b).dtype).toBe('float32');
      expect(np.divide(a, b).toArraySync()).toEqual([3.5, -3.5, -3.5, 3.5]);
      expect(np.floorDivide(a, b).toArraySync()).toEqual([3, -4, -4, 3]);
      expect(np.floorDivide(a, b).dtype).toBe('int32');
      expect(np.mod(a, b).toArraySync()).toEqual([1, 1, -1, -1]);
      expect(np.fmod(a, b).toArraySync()).toEqual([1, -1, 1, -1]);
      const fa = np.array([7.5, -7.5, 7.5, -7.5]);
      const fb = np.array([2, 2, -2, -2]);
      expect(np.floorDivide(fa, fb).toArraySync()).toEqual([3, -4, -4, 3]);
      expect(np.mod(fa, fb).toArraySync()).toEqual([1.5, 0.5, -0.5, -1.5]);
      expect(np.remainder(np.array([-1, 5], { dtype: 'uint32' }), 3).dtype).toBe('uint32');
    });
  });

  it('power uses exact repeated multiplication for integer exponents', () => {
    scope(() => {
      expect(np.power(np.array([2, 3, -2]), 3).toArraySync()).toEqual([8, 27, -8]);
      expect(np.power(np.array([2, -3]), 0).toArraySync()).toEqual([1, 1]);
      expectClose(np.power(np.array([2, 4], { dtype: 'float32' }), -2), [0.25, 0.0625]);
      expect(() => np.power(np.array([2, 4]), -2)).toThrow(
        /power: integers to negative integer powers are not allowed \(i32\[2\] \*\* -2\)/,
      );
      expectClose(np.power(np.array([4, 9]), 0.5), [2, 3]);
      expectClose(np.power(np.array([2, 3]), np.array([0.5, 2])), [Math.SQRT2, 9]);
      expect(np.array([1.5, -2]).pow(2).toArraySync()).toEqual([2.25, 4]);
    });
  });

  it('gradient of x ** 3 is 3x² (also at 0) and of x ** -1 is -1/x²', () => {
    scope(() => {
      const x = np.array([0, 1.5, -2]);
      expectClose(grad((v: Tensor) => np.sum(np.power(v, 3)))(x) as Tensor, [0, 6.75, 12]);
      expectClose(
        grad((v: Tensor) => np.sum(np.power(v, -1)))(
          np.array([2, -4], { dtype: 'float32' }),
        ) as Tensor,
        [-0.25, -0.0625],
      );
    });
  });

  it('negative, abs, sign, square, reciprocal, maximum, minimum, fmax, fmin', () => {
    scope(() => {
      expect(np.negative(np.array([1, -2])).toArraySync()).toEqual([-1, 2]);
      expect(np.abs(np.array([-1.5, 2])).toArraySync()).toEqual([1.5, 2]);
      expect(np.sign(np.array([-3, 0, 2])).toArraySync()).toEqual([-1, 0, 1]);
      expect(np.sign(np.array([0, 5], { dtype: 'uint32' })).toArraySync()).toEqual([0, 1]);
      expect(np.square(np.array([2, -3])).toArraySync()).toEqual([4, 9]);
      expect(np.reciprocal(np.array([2, 4])).toArraySync()).toEqual([0.5, 0.25]);
      expect(np.maximum(np.array([1, 5]), 3).toArraySync()).toEqual([3, 5]);
      expect(np.minimum(np.array([1, 5]), 3).toArraySync()).toEqual([1, 3]);
      expect(hostData(np.maximum(np.array([Number.NaN, 1]), 0))[0]).toBeNaN();
      expect(np.fmax(np.array([Number.NaN, 1]), 0).toArraySync()).toEqual([0, 1]);
      expect(np.fmin(np.array([Number.NaN, 1]), np.array([2, Number.NaN])).toArraySync()).toEqual([
        2, 1,
      ]);
      expect(np.add(np.array([true, false]), np.array([true, false])).toArraySync()).toEqual([
        true,
        false,
      ]);
      expect(np.multiply(np.array([true, true]), np.array([true, false])).toArraySync()).toEqual([
        true,
        false,
      ]);
    });
  });
});

describe('np math functions', () => {
  const xs = [-2.5, -0.3, 0, 0.7, 3];
  const pos = [0.1, 0.5, 1, 2, 10];
  const unit = [-0.9, -0.2, 0, 0.4, 0.95];
  const cases: [string, (x: Tensor) => Tensor, (v: number) => number, number[]][] = [
    ['exp', np.exp, Math.exp, xs],
    ['exp2', np.exp2, (v) => 2 ** v, xs],
    ['expm1', np.expm1, Math.expm1, xs],
    ['log', np.log, Math.log, pos],
    ['log2', np.log2, Math.log2, pos],
    ['log10', np.log10, Math.log10, pos],
    ['log1p', np.log1p, Math.log1p, pos],
    ['sqrt', np.sqrt, Math.sqrt, pos],
    ['cbrt', np.cbrt, Math.cbrt, xs],
    ['sin', np.sin, Math.sin, xs],
    ['cos', np.cos, Math.cos, xs],
    ['tan', np.tan, Math.tan, xs],
    ['arcsin', np.arcsin, Math.asin, unit],
    ['arccos', np.arccos, Math.acos, unit],
    ['arctan', np.arctan, Math.atan, xs],
    ['sinh', np.sinh, Math.sinh, xs],
    ['cosh', np.cosh, Math.cosh, xs],
    ['tanh', np.tanh, Math.tanh, xs],
    ['arcsinh', np.arcsinh, Math.asinh, xs],
    ['arccosh', np.arccosh, Math.acosh, [1, 1.5, 3, 10]],
    ['arctanh', np.arctanh, Math.atanh, unit],
    ['deg2rad', np.deg2rad, (v) => (v * Math.PI) / 180, xs],
    ['rad2deg', np.rad2deg, (v) => (v * 180) / Math.PI, xs],
  ];
  for (const [name, fn, ref, inputs] of cases) {
    it(`${name} matches Math`, () => {
      scope(() => {
        expectClose(
          fn(np.array(inputs)),
          inputs.map((v) => ref(Math.fround(v))),
          [inputs.length],
          { rtol: 2e-6, atol: 1e-6 },
        );
      });
    });
  }

  it('promotes integers to float32 (weak stays weak)', () => {
    scope(() => {
      expect(np.sqrt(np.array([4, 9])).dtype).toBe('float32');
      expect(np.sqrt(np.array([4, 9])).toArraySync()).toEqual([2, 3]);
      expect(np.exp(0).weakType).toBe(true);
    });
  });

  it('arctan2, hypot and logaddexp, including extreme inputs', () => {
    scope(() => {
      expectClose(np.arctan2(np.array([1, -1, 0]), np.array([0, -1, 1])), [
        Math.PI / 2,
        (-3 * Math.PI) / 4,
        0,
      ]);
      expectClose(
        np.hypot(np.array([3, 0, 1e30]), np.array([4, 0, 1e30])),
        [5, 0, Math.SQRT2 * 1e30],
        undefined,
        { rtol: 1e-6 },
      );
      expect(
        np.hypot(np.array([Number.POSITIVE_INFINITY]), np.array([Number.NaN])).toArraySync(),
      ).toEqual([Number.POSITIVE_INFINITY]);
      expectClose(np.logaddexp(np.array([1000, -1000, 0]), np.array([1000, -1000, 0])), [
        1000 + Math.LN2,
        -1000 + Math.LN2,
        Math.LN2,
      ]);
      expectClose(
        np.logaddexp(
          np.array([Number.NEGATIVE_INFINITY, 2]),
          np.array([Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY]),
        ),
        [Number.NEGATIVE_INFINITY, 2],
      );
      expectClose(np.logaddexp2(np.array([1, 3]), np.array([1, 3])), [2, 4]);
    });
  });

  it('gradient of logaddexp is the softmax weight, finite at extremes', () => {
    scope(() => {
      const f = (a: Tensor) => np.sum(np.logaddexp(a, np.array([0, 0, 0, 0])));
      const sigma = (v: number) => 1 / (1 + Math.exp(-v));
      expectClose(
        grad(f)(np.array([-200, -1, 0, 300], { dtype: 'float32' })) as Tensor,
        [sigma(-200), sigma(-1), 0.5, 1],
        [4],
        { atol: 1e-7 },
      );
    });
  });

  it('rounding: floor, ceil, rint/round (half to even), trunc; ints unchanged', () => {
    scope(() => {
      const x = np.array([-1.5, -0.5, 0.5, 1.5, 2.5, 2.7]);
      expect(np.floor(x).toArraySync()).toEqual([-2, -1, 0, 1, 2, 2]);
      expect(np.ceil(x).toArraySync()).toEqual([-1, -0, 1, 2, 3, 3]);
      expect(np.rint(x).toArraySync()).toEqual([-2, -0, 0, 2, 2, 3]);
      expect(np.round(x).toArraySync()).toEqual([-2, -0, 0, 2, 2, 3]);
      expect(np.trunc(x).toArraySync()).toEqual([-1, -0, 0, 1, 2, 2]);
      expectClose(np.round(np.array([1.2345, -2.5678]), { decimals: 2 }), [1.23, -2.57]);
      expect(np.floor(np.array([3])).dtype).toBe('int32');
      expect(np.round(np.array([1234]), { decimals: -2 }).toArraySync()).toEqual([1200]);
    });
  });

  it('signbit, copysign, heaviside and sinc', () => {
    scope(() => {
      expect(np.signbit(np.array([-0, 0, -2, 3], { dtype: 'float32' })).toArraySync()).toEqual([
        true,
        false,
        true,
        false,
      ]);
      expect(np.signbit(np.array([-1, 1])).toArraySync()).toEqual([true, false]);
      expect(
        np
          .copysign(np.array([1, -2, 3]), np.array([-0, 1, -1], { dtype: 'float32' }))
          .toArraySync(),
      ).toEqual([-1, 2, -3]);
      expect(np.heaviside(np.array([-1, 0, 2]), 0.5).toArraySync()).toEqual([0, 0.5, 1]);
      expectClose(
        np.sinc(np.array([0, 0.5, 1, -1.5])),
        [1, 2 / Math.PI, 0, -2 / (3 * Math.PI)],
        [4],
        { atol: 1e-7 },
      );
      expectClose(
        grad((v: Tensor) => np.sum(np.sinc(v)))(np.array([0, 0.5], { dtype: 'float32' })) as Tensor,
        [0, -4 / Math.PI],
      );
    });
  });

  it('isnan, isinf, isfinite and nanToNum', () => {
    scope(() => {
      const x = np.array([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1]);
      expect(np.isnan(x).toArraySync()).toEqual([true, false, false, false]);
      expect(np.isinf(x).toArraySync()).toEqual([false, true, true, false]);
      expect(np.isfinite(x).toArraySync()).toEqual([false, false, false, true]);
      expect(np.isnan(np.array([1])).toArraySync()).toEqual([false]);
      expect(np.nanToNum(x).toArraySync()).toEqual([
        0, 3.4028234663852886e38, -3.4028234663852886e38, 1,
      ]);
      expect(np.nanToNum(x, { nan: -1, posinf: 9, neginf: -9 }).toArraySync()).toEqual([
        -1, 9, -9, 1,
      ]);
    });
  });
});

describe('np comparisons, logic and selection', () => {
  it('comparisons broadcast and give bool', () => {
    scope(() => {
      const x = np.array([1, 2, 3]);
      expect(np.equal(x, 2).toArraySync()).toEqual([false, true, false]);
      expect(np.notEqual(x, 2).toArraySync()).toEqual([true, false, true]);
      expect(np.less(x, 2).toArraySync()).toEqual([true, false, false]);
      expect(np.lessEqual(x, 2).toArraySync()).toEqual([true, true, false]);
      expect(np.greater(x, 2.5).toArraySync()).toEqual([false, false, true]);
      expect(np.greaterEqual(x, np.array([[1], [3]])).toArraySync()).toEqual([
        [true, true, true],
        [false, false, true],
      ]);
      expect(x.gt(1).dtype).toBe('bool');
    });
  });

  it('isclose/allclose handle tolerances, infinities and NaN', () => {
    scope(() => {
      const a = np.array([
        1,
        1 + 1e-6,
        Number.POSITIVE_INFINITY,
        Number.NEGATIVE_INFINITY,
        Number.NaN,
        1,
      ]);
      const b = np.array([
        1,
        1,
        Number.POSITIVE_INFINITY,
        Number.POSITIVE_INFINITY,
        Number.NaN,
        1.1,
      ]);
      expect(np.isclose(a, b).toArraySync()).toEqual([true, true, true, false, false, false]);
      expect(np.isclose(a, b, { equalNan: true }).toArraySync()).toEqual([
        true,
        true,
        true,
        false,
        true,
        false,
      ]);
      expect(np.allclose(np.array([1, 2]), np.array([1, 2.0000001])).item()).toBe(true);
      expect(np.allclose(np.array([1, 2]), 2).item()).toBe(false);
      expect(np.arrayEqual(np.array([1, 2]), np.array([1, 2])).item()).toBe(true);
      expect(np.arrayEqual(np.array([1, 2]), np.array([1, 2, 3])).item()).toBe(false);
    });
  });

  it('logical and bitwise operations', () => {
    scope(() => {
      const p = np.array([true, true, false, false]);
      const q = np.array([true, false, true, false]);
      expect(np.logicalAnd(p, q).toArraySync()).toEqual([true, false, false, false]);
      expect(np.logicalOr(p, q).toArraySync()).toEqual([true, true, true, false]);
      expect(np.logicalXor(p, q).toArraySync()).toEqual([false, true, true, false]);
      expect(np.logicalNot(np.array([0, 2])).toArraySync()).toEqual([true, false]);
      expect(np.logicalAnd(np.array([0, 1, 2]), 3).toArraySync()).toEqual([false, true, true]);
      expect(np.bitwiseAnd(np.array([12]), 10).toArraySync()).toEqual([8]);
      expect(np.bitwiseOr(np.array([12]), 10).toArraySync()).toEqual([14]);
      expect(np.bitwiseXor(np.array([12]), 10).toArraySync()).toEqual([6]);
      expect(np.bitwiseNot(np.array([0, 5])).toArraySync()).toEqual([-1, -6]);
      expect(np.leftShift(np.array([1, 3]), 4).toArraySync()).toEqual([16, 48]);
      expect(np.rightShift(np.array([-16]), 2).toArraySync()).toEqual([-4]);
      expect(np.rightShift(np.array([0x80000000], { dtype: 'uint32' }), 4).toArraySync()).toEqual([
        0x08000000,
      ]);
    });
  });

  it('where broadcasts all three arguments and promotes the branches', () => {
    scope(() => {
      const x = np.array([
        [-1, 2],
        [3, -4],
      ]);
      expect(np.where(np.greater(x, 0), x, 0).toArraySync()).toEqual([
        [0, 2],
        [3, 0],
      ]);
      const out = np.where(np.array([true, false]), 1.5, np.array([[1], [2]]));
      expect(out.dtype).toBe('float32');
      expect(out.toArraySync()).toEqual([
        [1.5, 1],
        [1.5, 2],
      ]);
      expect(np.where(np.array([1, 0]), 1, 2).toArraySync()).toEqual([1, 2]);
    });
  });

  it('clip bounds values, either bound optional, with the gradient masked outside', () => {
    scope(() => {
      const x = np.array([-2, 0.5, 3]);
      expect(np.clip(x, 0, 1).toArraySync()).toEqual([0, 0.5, 1]);
      expect(np.clip(x, undefined, 1).toArraySync()).toEqual([-2, 0.5, 1]);
      expect(x.clip(0).toArraySync()).toEqual([0, 0.5, 3]);
      expectClose(grad((v: Tensor) => np.sum(np.clip(v, 0, 1)))(x) as Tensor, [0, 1, 0]);
    });
  });
});

describe('composite functions free their intermediates', () => {
  it('only the result stays alive after an eager composite call (no scope needed)', () => {
    const live = () => memory().cpu?.tensors ?? 0;
    const x = np.array([
      [-7.5, 2, 3],
      [4, -5, 6.5],
    ]);
    const i = np.array([2, 0]);
    const x3 = np.reshape(x, [1, 2, 3]);
    const xt = np.transpose(x);
    const calls: (() => Tensor | Tensor[])[] = [
      () => np.mod(x, 3),
      () => np.floorDivide(x, -2),
      () => np.logaddexp(x, 1),
      () => np.hypot(x, x),
      () => np.isclose(x, 2),
      () => np.var(x, { axis: 1 }),
      () => np.matmul(x3, xt),
      () => np.einsum('ij,kj->ik', x, x),
      () => np.at(x, null, [1, 3]).set(0),
      () => np.at(x, i).add(1),
      () => np.take(x, i, { axis: 1, mode: 'fill' }),
      () => np.pad(x, 1, { mode: 'reflect' }),
      () => np.argsort(x, { descending: true }),
      () => np.split(x, 3, { axis: 1 }),
      () => nn.softmax(x),
      () => nn.gelu(x),
    ];
    for (const call of calls) {
      const before = live();
      const out = call();
      const outs = Array.isArray(out) ? out : [out];
      expect(live(), call.toString()).toBe(before + outs.length);
      for (const o of outs) o.dispose();
    }
    for (const t of [x, i, x3, xt]) t.dispose();
  });
});
