/**
 * NumPy arithmetic (`np.add`, `np.divide`, `np.mod`, `np.power`, …): promote
 * and broadcast the operands (JS numbers are weakly typed), then bind the
 * lax primitive. Python/JAX semantics where they differ from C: `divide` is
 * true division, `floorDivide` rounds down and `mod` takes the divisor's sign.
 */
import type { Tensor, TensorLike } from '../core/tensor.js';
import { isFloat, isInteger } from '../dtype.js';
import { DTypeError } from '../errors.js';
import * as lax from '../lax/primitive-ops.js';
import { freeIntermediates } from './intermediates.js';
import { asTensor, constantLike, promoteArgs, toFloat } from './promotion.js';

function noBool(op: string, x: Tensor): void {
  if (x.dtype === 'bool')
    throw new DTypeError(`${op}: not defined for bool operands, got ${x.aval.toString()}`);
}

/**
 * Elementwise `x + y` (for bools: logical or, as NumPy).
 *
 * @example
 * np.add(np.array([1, 2]), 1)  // [2, 3] (int32)
 */
export function add(x: TensorLike, y: TensorLike): Tensor {
  return freeIntermediates(() => {
    const [a, b] = promoteArgs('add', x, y) as [Tensor, Tensor];
    return a.dtype === 'bool' ? lax.binary('or', a, b) : lax.add(a, b);
  });
}

/**
 * Elementwise `x - y`.
 *
 * @example
 * np.subtract(np.array([3, 4]), 1.5)  // [1.5, 2.5] (float32)
 */
export function subtract(x: TensorLike, y: TensorLike): Tensor {
  return freeIntermediates(() => {
    const [a, b] = promoteArgs('subtract', x, y) as [Tensor, Tensor];
    noBool('subtract', a);
    return lax.sub(a, b);
  });
}

/**
 * Elementwise `x * y` (for bools: logical and).
 *
 * @example
 * np.multiply(np.array([1.5, 2]), 2)  // [3, 4]
 */
export function multiply(x: TensorLike, y: TensorLike): Tensor {
  return freeIntermediates(() => {
    const [a, b] = promoteArgs('multiply', x, y) as [Tensor, Tensor];
    return a.dtype === 'bool' ? lax.binary('and', a, b) : lax.mul(a, b);
  });
}

/**
 * True division `x / y`: integer and bool operands give float32.
 *
 * @example
 * np.divide(np.array([1, 2]), 2)  // [0.5, 1] (float32)
 */
export function divide(x: TensorLike, y: TensorLike): Tensor {
  return freeIntermediates(() => {
    const [a, b] = promoteArgs('divide', x, y) as [Tensor, Tensor];
    return lax.div(toFloat(a), toFloat(b));
  });
}

/**
 * Alias of `divide`.
 *
 * @example
 * np.trueDivide(x, 2)
 */
export const trueDivide = divide;

/** `[floor(a / b), a - floor(a / b) * b]` for floats, computed as JAX's `_float_divmod`. */
function floatDivmod(a: Tensor, b: Tensor): [Tensor, Tensor] {
  const zero = constantLike(a, 0);
  let mod = lax.binary('rem', a, b);
  let div = lax.div(lax.sub(a, mod), b);
  const fix = lax.binary('and', lax.ne(mod, zero), lax.ne(lax.sign(b), lax.sign(mod)));
  mod = lax.select(fix, lax.add(mod, b), mod);
  div = lax.select(fix, lax.sub(div, constantLike(div, 1)), div);
  return [lax.unary('round', div), mod];
}

/**
 * Elementwise `floor(x / y)` (Python's `//`); integer operands stay integer.
 *
 * @example
 * np.floorDivide(np.array([-7, 7]), 2)  // [-4, 3]
 */
export function floorDivide(x: TensorLike, y: TensorLike): Tensor {
  return freeIntermediates(() => {
    let [a, b] = promoteArgs('floorDivide', x, y) as [Tensor, Tensor];
    if (a.dtype === 'bool') {
      a = lax.convertElementType(a, 'int32', a.weakType);
      b = lax.convertElementType(b, 'int32', b.weakType);
    }
    if (isFloat(a.dtype)) return floatDivmod(a, b)[0];
    const quotient = lax.div(a, b);
    if (a.dtype === 'uint32') return quotient;
    const zero = constantLike(a, 0);
    const adjust = lax.binary(
      'and',
      lax.ne(lax.sign(a), lax.sign(b)),
      lax.ne(lax.binary('rem', a, b), zero),
    );
    return lax.select(adjust, lax.sub(quotient, constantLike(quotient, 1)), quotient);
  });
}

/**
 * Elementwise remainder with the sign of the divisor (Python's `%`, `np.mod`).
 *
 * @example
 * np.mod(np.array([-7, 7]), 3)  // [2, 1]
 */
export function mod(x: TensorLike, y: TensorLike): Tensor {
  return freeIntermediates(() => {
    const [a, b] = promoteArgs('mod', x, y) as [Tensor, Tensor];
    noBool('mod', a);
    const zero = constantLike(a, 0);
    const truncated = lax.binary('rem', a, b);
    const fix = lax.binary(
      'and',
      lax.ne(lax.lt(truncated, zero), lax.lt(b, zero)),
      lax.ne(truncated, zero),
    );
    return lax.select(fix, lax.add(truncated, b), truncated);
  });
}

/**
 * Alias of `mod`.
 *
 * @example
 * np.remainder(x, 3)
 */
export const remainder = mod;

/**
 * Elementwise C-style remainder (sign of the dividend), `np.fmod`.
 *
 * @example
 * np.fmod(np.array([-7, 7]), 3)  // [-1, 1]
 */
export function fmod(x: TensorLike, y: TensorLike): Tensor {
  return freeIntermediates(() => {
    const [a, b] = promoteArgs('fmod', x, y) as [Tensor, Tensor];
    noBool('fmod', a);
    return lax.binary('rem', a, b);
  });
}

/** `x ** n` for a JS integer `n` by repeated squaring (exact for ints, differentiable for floats). */
function integerPower(x: Tensor, n: number): Tensor {
  if (n === 0) return constantLike(x, 1);
  let base = x;
  let result: Tensor | undefined;
  let k = Math.abs(n);
  while (k > 0) {
    if (k & 1) result = result === undefined ? base : lax.mul(result, base);
    k = Math.floor(k / 2);
    if (k > 0) base = lax.mul(base, base);
  }
  return n < 0 ? lax.reciprocal(result as Tensor) : (result as Tensor);
}

/**
 * Elementwise `x ** y`. A JS integer exponent uses repeated multiplication (like JAX's
 * `integer_pow`), so `x ** 2` is exact and has the derivative `2x` everywhere.
 *
 * @example
 * np.power(np.array([1, 2, 3]), 2)  // [1, 4, 9]
 */
export function power(x: TensorLike, y: TensorLike): Tensor {
  return freeIntermediates(() => {
    let [a, b] = promoteArgs('power', x, y) as [Tensor, Tensor];
    if (a.dtype === 'bool') {
      a = lax.convertElementType(a, 'int32', a.weakType);
      b = lax.convertElementType(b, 'int32', b.weakType);
    }
    if (typeof y === 'number' && Number.isInteger(y) && Math.abs(y) < 2 ** 31) {
      if (y < 0 && isInteger(a.dtype)) {
        throw new DTypeError(
          `power: integers to negative integer powers are not allowed (${a.aval.toString()} ** ${y})`,
        );
      }
      return integerPower(a, y);
    }
    return lax.pow(a, b);
  });
}

/**
 * Elementwise `-x`.
 *
 * @example
 * np.negative(np.array([1, -2]))  // [-1, 2]
 */
export function negative(x: TensorLike): Tensor {
  return freeIntermediates(() => {
    const a = asTensor('negative', x);
    noBool('negative', a);
    return lax.neg(a);
  });
}

/**
 * Elementwise `+x` (returns `x` as a tensor).
 *
 * @example
 * np.positive(np.array([1, -2]))  // [1, -2]
 */
export function positive(x: TensorLike): Tensor {
  return asTensor('positive', x);
}

/**
 * Elementwise maximum (NaN-propagating).
 *
 * @example
 * np.maximum(np.array([1, 5]), 3)  // [3, 5]
 */
export function maximum(x: TensorLike, y: TensorLike): Tensor {
  return freeIntermediates(() => {
    const [a, b] = promoteArgs('maximum', x, y) as [Tensor, Tensor];
    return a.dtype === 'bool' ? lax.binary('or', a, b) : lax.max(a, b);
  });
}

/**
 * Elementwise minimum (NaN-propagating).
 *
 * @example
 * np.minimum(np.array([1, 5]), 3)  // [1, 3]
 */
export function minimum(x: TensorLike, y: TensorLike): Tensor {
  return freeIntermediates(() => {
    const [a, b] = promoteArgs('minimum', x, y) as [Tensor, Tensor];
    return a.dtype === 'bool' ? lax.binary('and', a, b) : lax.min(a, b);
  });
}

function nanAware(op: 'fmax' | 'fmin', x: TensorLike, y: TensorLike): Tensor {
  return freeIntermediates(() => {
    const [a, b] = promoteArgs(op, x, y) as [Tensor, Tensor];
    const best = op === 'fmax' ? maximum(a, b) : minimum(a, b);
    if (!isFloat(a.dtype)) return best;
    return lax.select(lax.ne(a, a), b, lax.select(lax.ne(b, b), a, best));
  });
}

/**
 * Elementwise maximum that ignores NaNs (NaN only where both are NaN).
 *
 * @example
 * np.fmax(np.array([NaN, 1]), 0)  // [0, 1]
 */
export function fmax(x: TensorLike, y: TensorLike): Tensor {
  return nanAware('fmax', x, y);
}

/**
 * Elementwise minimum that ignores NaNs.
 *
 * @example
 * np.fmin(np.array([NaN, 1]), 0)  // [0, 0]
 */
export function fmin(x: TensorLike, y: TensorLike): Tensor {
  return nanAware('fmin', x, y);
}

/**
 * Elementwise `|x|` (unsigned and bool tensors are returned as they are).
 *
 * @example
 * np.abs(np.array([-1.5, 2]))  // [1.5, 2]
 */
export function abs(x: TensorLike): Tensor {
  const a = asTensor('abs', x);
  if (a.dtype === 'uint32' || a.dtype === 'bool') return a;
  return lax.abs(a);
}

/**
 * Alias of `abs`.
 *
 * @example
 * np.absolute(x)
 */
export const absolute = abs;

/**
 * Elementwise sign: -1, 0 or 1 (NaN for NaN).
 *
 * @example
 * np.sign(np.array([-3, 0, 2]))  // [-1, 0, 1]
 */
export function sign(x: TensorLike): Tensor {
  return freeIntermediates(() => {
    const a = asTensor('sign', x);
    if (a.dtype === 'bool') return a;
    if (a.dtype === 'uint32')
      return lax.convertElementType(lax.gt(a, constantLike(a, 0)), 'uint32', a.weakType);
    return lax.sign(a);
  });
}

/**
 * Elementwise `x * x`.
 *
 * @example
 * np.square(np.array([2, -3]))  // [4, 9]
 */
export function square(x: TensorLike): Tensor {
  const a = asTensor('square', x);
  noBool('square', a);
  return lax.mul(a, a);
}

/**
 * Elementwise `1 / x` (integers promote to float32).
 *
 * @example
 * np.reciprocal(np.array([2, 4]))  // [0.5, 0.25]
 */
export function reciprocal(x: TensorLike): Tensor {
  return freeIntermediates(() => lax.reciprocal(toFloat(asTensor('reciprocal', x))));
}
