/**
 * NumPy's elementwise math: exponentials, logarithms, trigonometry,
 * rounding and float classification, plus the float binary functions
 * (`arctan2`, `hypot`, `logaddexp`). Integer and bool inputs of the
 * transcendental functions are promoted to float32, as in JAX.
 */

import type { UnaryOp } from '../backend.js';
import type { Tensor, TensorLike } from '../core/tensor.js';
import { isFloat } from '../dtype.js';
import * as lax from '../lax/primitive-ops.js';
import { freeIntermediates } from './intermediates.js';
import { asTensor, constantLike, promoteArgs, toFloat } from './promotion.js';

function floatUnary(op: UnaryOp, name: string, x: TensorLike): Tensor {
  return freeIntermediates(() => lax.unary(op, toFloat(asTensor(name, x))));
}

function scaled(op: UnaryOp, name: string, x: TensorLike, factor: number): Tensor {
  return freeIntermediates(() => {
    const y = lax.unary(op, toFloat(asTensor(name, x)));
    return lax.mul(y, constantLike(y, factor));
  });
}

/**
 * Elementwise square root.
 *
 * @example
 * np.sqrt(np.array([4, 9]))  // [2, 3]
 */
export const sqrt = (x: TensorLike): Tensor => floatUnary('sqrt', 'sqrt', x);
/**
 * Elementwise cube root (negative inputs give negative roots).
 *
 * @example
 * np.cbrt(np.array([-8, 27]))  // [-2, 3]
 */
export const cbrt = (x: TensorLike): Tensor => floatUnary('cbrt', 'cbrt', x);
/**
 * Elementwise `e ** x`.
 *
 * @example
 * np.exp(np.array([0, 1]))  // [1, 2.718…]
 */
export const exp = (x: TensorLike): Tensor => floatUnary('exp', 'exp', x);
/**
 * Elementwise `2 ** x`.
 *
 * @example
 * np.exp2(np.array([3]))  // [8]
 */
export const exp2 = (x: TensorLike): Tensor => floatUnary('exp2', 'exp2', x);
/**
 * Elementwise `e ** x - 1`, accurate near 0.
 *
 * @example
 * np.expm1(np.array([1e-10]))  // [1e-10]
 */
export const expm1 = (x: TensorLike): Tensor => floatUnary('expm1', 'expm1', x);
/**
 * Elementwise natural logarithm.
 *
 * @example
 * np.log(np.array([1, Math.E]))  // [0, 1]
 */
export const log = (x: TensorLike): Tensor => floatUnary('log', 'log', x);
/**
 * Elementwise `log(1 + x)`, accurate near 0.
 *
 * @example
 * np.log1p(np.array([1e-10]))  // [1e-10]
 */
export const log1p = (x: TensorLike): Tensor => floatUnary('log1p', 'log1p', x);
/**
 * Elementwise base-2 logarithm.
 *
 * @example
 * np.log2(np.array([8]))  // [3]
 */
export const log2 = (x: TensorLike): Tensor => scaled('log', 'log2', x, 1 / Math.LN2);
/**
 * Elementwise base-10 logarithm.
 *
 * @example
 * np.log10(np.array([100]))  // [2]
 */
export const log10 = (x: TensorLike): Tensor => scaled('log', 'log10', x, 1 / Math.LN10);
/**
 * Elementwise sine.
 *
 * @example
 * np.sin(np.array([0]))  // [0]
 */
export const sin = (x: TensorLike): Tensor => floatUnary('sin', 'sin', x);
/**
 * Elementwise cosine.
 *
 * @example
 * np.cos(np.array([0]))  // [1]
 */
export const cos = (x: TensorLike): Tensor => floatUnary('cos', 'cos', x);
/**
 * Elementwise tangent.
 *
 * @example
 * np.tan(np.array([0]))  // [0]
 */
export const tan = (x: TensorLike): Tensor => floatUnary('tan', 'tan', x);
/**
 * Elementwise inverse sine.
 *
 * @example
 * np.arcsin(np.array([1]))  // [π/2]
 */
export const arcsin = (x: TensorLike): Tensor => floatUnary('asin', 'arcsin', x);
/**
 * Elementwise inverse cosine.
 *
 * @example
 * np.arccos(np.array([1]))  // [0]
 */
export const arccos = (x: TensorLike): Tensor => floatUnary('acos', 'arccos', x);
/**
 * Elementwise inverse tangent.
 *
 * @example
 * np.arctan(np.array([1]))  // [π/4]
 */
export const arctan = (x: TensorLike): Tensor => floatUnary('atan', 'arctan', x);
/**
 * Elementwise hyperbolic sine.
 *
 * @example
 * np.sinh(np.array([0]))  // [0]
 */
export const sinh = (x: TensorLike): Tensor => floatUnary('sinh', 'sinh', x);
/**
 * Elementwise hyperbolic cosine.
 *
 * @example
 * np.cosh(np.array([0]))  // [1]
 */
export const cosh = (x: TensorLike): Tensor => floatUnary('cosh', 'cosh', x);
/**
 * Elementwise hyperbolic tangent.
 *
 * @example
 * np.tanh(np.array([0, 100]))  // [0, 1]
 */
export const tanh = (x: TensorLike): Tensor => floatUnary('tanh', 'tanh', x);
/**
 * Elementwise inverse hyperbolic sine.
 *
 * @example
 * np.arcsinh(np.array([0]))  // [0]
 */
export const arcsinh = (x: TensorLike): Tensor => floatUnary('asinh', 'arcsinh', x);
/**
 * Elementwise inverse hyperbolic cosine.
 *
 * @example
 * np.arccosh(np.array([1]))  // [0]
 */
export const arccosh = (x: TensorLike): Tensor => floatUnary('acosh', 'arccosh', x);
/**
 * Elementwise inverse hyperbolic tangent.
 *
 * @example
 * np.arctanh(np.array([0]))  // [0]
 */
export const arctanh = (x: TensorLike): Tensor => floatUnary('atanh', 'arctanh', x);
/**
 * Degrees to radians.
 *
 * @example
 * np.deg2rad(np.array([180]))  // [π]
 */
export const deg2rad = (x: TensorLike): Tensor =>
  freeIntermediates(() => {
    const a = toFloat(asTensor('deg2rad', x));
    return lax.mul(a, constantLike(a, Math.PI / 180));
  });
/**
 * Radians to degrees.
 *
 * @example
 * np.rad2deg(np.array([Math.PI]))  // [180]
 */
export const rad2deg = (x: TensorLike): Tensor =>
  freeIntermediates(() => {
    const a = toFloat(asTensor('rad2deg', x));
    return lax.mul(a, constantLike(a, 180 / Math.PI));
  });

function rounding(op: 'floor' | 'ceil' | 'round', name: string, x: TensorLike): Tensor {
  const a = asTensor(name, x);
  return isFloat(a.dtype) ? lax.unary(op, a) : a;
}

/**
 * Elementwise floor (integers are returned unchanged).
 *
 * @example
 * np.floor(np.array([-1.5, 1.5]))  // [-2, 1]
 */
export const floor = (x: TensorLike): Tensor => rounding('floor', 'floor', x);
/**
 * Elementwise ceiling.
 *
 * @example
 * np.ceil(np.array([-1.5, 1.5]))  // [-1, 2]
 */
export const ceil = (x: TensorLike): Tensor => rounding('ceil', 'ceil', x);
/**
 * Round to the nearest integer, ties to even (`np.rint`).
 *
 * @example
 * np.rint(np.array([0.5, 1.5, 2.5]))  // [0, 2, 2]
 */
export const rint = (x: TensorLike): Tensor => rounding('round', 'rint', x);

/**
 * Round to `decimals` decimal places, ties to even (as NumPy/JAX).
 *
 * @example
 * np.round(np.array([1.25, 2.5]))                 // [1, 2]
 * np.round(np.array([1.2345]), { decimals: 2 })  // [1.23]
 */
export function round(x: TensorLike, options: { decimals?: number } = {}): Tensor {
  const decimals = options.decimals ?? 0;
  return freeIntermediates(() => {
    const a = asTensor('round', x);
    if (decimals === 0 || (!isFloat(a.dtype) && decimals > 0)) return rounding('round', 'round', a);
    const f = toFloat(a);
    const factor = constantLike(f, 10 ** decimals);
    const rounded = lax.div(lax.unary('round', lax.mul(f, factor)), factor);
    return isFloat(a.dtype) ? rounded : lax.convertElementType(rounded, a.dtype, a.weakType);
  });
}

/**
 * Alias of `round`.
 *
 * @example
 * np.around(x)
 */
export const around = round;

/**
 * Round toward zero.
 *
 * @example
 * np.trunc(np.array([-1.7, 1.7]))  // [-1, 1]
 */
export function trunc(x: TensorLike): Tensor {
  return freeIntermediates(() => {
    const a = asTensor('trunc', x);
    if (!isFloat(a.dtype)) return a;
    return lax.select(lax.lt(a, constantLike(a, 0)), lax.unary('ceil', a), lax.unary('floor', a));
  });
}

/**
 * Alias of `trunc`.
 *
 * @example
 * np.fix(x)
 */
export const fix = trunc;

/**
 * Elementwise NaN test (always false for integers).
 *
 * @example
 * np.isnan(np.array([NaN, 1]))  // [true, false]
 */
export function isnan(x: TensorLike): Tensor {
  const a = asTensor('isnan', x);
  return isFloat(a.dtype) ? lax.ne(a, a) : constantLike(a, 0, 'bool');
}

/**
 * Elementwise ±Infinity test.
 *
 * @example
 * np.isinf(np.array([Infinity, -Infinity, 1]))  // [true, true, false]
 */
export function isinf(x: TensorLike): Tensor {
  return freeIntermediates(() => {
    const a = asTensor('isinf', x);
    if (!isFloat(a.dtype)) return constantLike(a, 0, 'bool');
    return lax.eq(lax.abs(a), constantLike(a, Number.POSITIVE_INFINITY));
  });
}

/**
 * Elementwise test for finite values (not NaN, not ±Infinity).
 *
 * @example
 * np.isfinite(np.array([NaN, 1]))  // [false, true]
 */
export function isfinite(x: TensorLike): Tensor {
  const a = asTensor('isfinite', x);
  return isFloat(a.dtype) ? lax.unary('isFinite', a) : constantLike(a, 1, 'bool');
}

/**
 * Replace NaN by `nan` (0) and ±Infinity by `posinf`/`neginf` (the largest finite values).
 *
 * @example
 * np.nanToNum(np.array([NaN, Infinity]))  // [0, 3.4028235e38]
 */
export function nanToNum(
  x: TensorLike,
  options: { nan?: number; posinf?: number; neginf?: number } = {},
): Tensor {
  return freeIntermediates(() => {
    const a = asTensor('nanToNum', x);
    if (!isFloat(a.dtype)) return a;
    const big = a.dtype === 'float16' ? 65504 : 3.4028234663852886e38;
    const inf = constantLike(a, Number.POSITIVE_INFINITY);
    let out = lax.select(lax.ne(a, a), constantLike(a, options.nan ?? 0), a);
    out = lax.select(lax.eq(a, inf), constantLike(a, options.posinf ?? big), out);
    return lax.select(lax.eq(a, lax.neg(inf)), constantLike(a, options.neginf ?? -big), out);
  });
}

/**
 * Elementwise `atan2(y, x)`: the angle of the point `(x, y)`.
 *
 * @example
 * np.arctan2(np.array([1]), np.array([0]))  // [π/2]
 */
export function arctan2(y: TensorLike, x: TensorLike): Tensor {
  return freeIntermediates(() => {
    const [a, b] = promoteArgs('arctan2', y, x) as [Tensor, Tensor];
    return lax.binary('atan2', toFloat(a), toFloat(b));
  });
}

/**
 * Elementwise `sqrt(x² + y²)` without intermediate overflow.
 *
 * @example
 * np.hypot(np.array([3]), 4)  // [5]
 */
export function hypot(x: TensorLike, y: TensorLike): Tensor {
  return freeIntermediates(() => {
    const [p, q] = promoteArgs('hypot', x, y) as [Tensor, Tensor];
    const a = lax.abs(toFloat(p));
    const b = lax.abs(toFloat(q));
    const big = lax.max(a, b);
    const small = lax.min(a, b);
    const zero = constantLike(big, 0);
    const isZero = lax.eq(big, zero);
    const ratio = lax.div(small, lax.select(isZero, constantLike(big, 1), big));
    const scaledNorm = lax.mul(big, lax.sqrt(lax.add(constantLike(big, 1), lax.mul(ratio, ratio))));
    const inf = constantLike(big, Number.POSITIVE_INFINITY);
    const anyInf = lax.binary('or', lax.eq(a, inf), lax.eq(b, inf));
    return lax.select(anyInf, inf, lax.select(isZero, zero, scaledNorm));
  });
}

/**
 * Elementwise `log(exp(x) + exp(y))` without overflow.
 *
 * @example
 * np.logaddexp(np.array([1000]), 1000)  // [1000.6931]
 */
export function logaddexp(x: TensorLike, y: TensorLike): Tensor {
  return freeIntermediates(() => {
    const [p, q] = promoteArgs('logaddexp', x, y) as [Tensor, Tensor];
    const a = toFloat(p);
    const b = toFloat(q);
    const largest = lax.max(a, b);
    const delta = lax.sub(a, b);
    // NaN delta: a NaN operand or infinities of the same sign, where a + b is the answer.
    return lax.select(
      lax.ne(delta, delta),
      lax.add(a, b),
      lax.add(largest, lax.unary('log1p', lax.exp(lax.neg(lax.abs(delta))))),
    );
  });
}

/**
 * Elementwise `log2(2**x + 2**y)` without overflow.
 *
 * @example
 * np.logaddexp2(np.array([1]), 1)  // [2]
 */
export function logaddexp2(x: TensorLike, y: TensorLike): Tensor {
  return freeIntermediates(() => {
    const [p, q] = promoteArgs('logaddexp2', x, y) as [Tensor, Tensor];
    const a = toFloat(p);
    const ln2 = constantLike(a, Math.LN2);
    return lax.div(logaddexp(lax.mul(a, ln2), lax.mul(toFloat(q), ln2)), ln2);
  });
}

/**
 * True where the sign bit is set (including `-0` and negative NaNs).
 *
 * @example
 * np.signbit(np.array([-0, 0, -2]))  // [true, false, true]
 */
export function signbit(x: TensorLike): Tensor {
  return freeIntermediates(() => {
    const a = asTensor('signbit', x);
    if (a.dtype === 'bool' || a.dtype === 'uint32') return constantLike(a, 0, 'bool');
    if (a.dtype === 'int32') return lax.lt(a, constantLike(a, 0));
    const bits = lax.bitcastConvertType(lax.convertElementType(a, 'float32', false), 'int32');
    return lax.lt(bits, constantLike(bits, 0));
  });
}

/**
 * `|x|` with the sign of `y` (elementwise).
 *
 * @example
 * np.copysign(np.array([1, -2]), -0)  // [-1, -2]
 */
export function copysign(x: TensorLike, y: TensorLike): Tensor {
  return freeIntermediates(() => {
    const [p, q] = promoteArgs('copysign', x, y) as [Tensor, Tensor];
    const a = lax.abs(toFloat(p));
    return lax.select(signbit(q), lax.neg(a), a);
  });
}

/**
 * Heaviside step: 0 for `x < 0`, `h0` at 0, 1 for `x > 0`.
 *
 * @example
 * np.heaviside(np.array([-1, 0, 2]), 0.5)  // [0, 0.5, 1]
 */
export function heaviside(x: TensorLike, h0: TensorLike): Tensor {
  return freeIntermediates(() => {
    const [p, q] = promoteArgs('heaviside', x, h0) as [Tensor, Tensor];
    const a = toFloat(p);
    const atZero = toFloat(q);
    const zero = constantLike(a, 0);
    const step = lax.select(lax.lt(a, zero), zero, constantLike(a, 1));
    return lax.select(lax.eq(a, zero), atZero, step);
  });
}

/**
 * Normalised sinc: `sin(πx) / (πx)`, 1 at 0.
 *
 * @example
 * np.sinc(np.array([0, 0.5, 1]))  // [1, 0.6366, 0]
 */
export function sinc(x: TensorLike): Tensor {
  return freeIntermediates(() => {
    const a = toFloat(asTensor('sinc', x));
    const isZero = lax.eq(a, constantLike(a, 0));
    // Divide by a safe value so neither the result nor its derivative sees 0/0.
    const scaled = lax.mul(lax.select(isZero, constantLike(a, 1), a), constantLike(a, Math.PI));
    return lax.select(isZero, constantLike(a, 1), lax.div(lax.sin(scaled), scaled));
  });
}
