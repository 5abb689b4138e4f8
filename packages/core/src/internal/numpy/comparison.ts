/**
 * Elementwise comparisons (`np.equal`, `np.less`, …) and tolerance tests
 * (`isclose`, `allclose`, `arrayEqual`). Operands are promoted and
 * broadcast first; results are `bool` tensors.
 */
import type { BinaryOp } from '../backend.js';
import type { Tensor, TensorLike } from '../core/tensor.js';
import * as lax from '../lax/primitive-ops.js';
import { shapesEqual } from '../shape.js';
import { isinf, isnan } from './elementwise.js';
import { freeIntermediates } from './intermediates.js';
import { asTensor, backendFor, constantLike, promoteArgs, toFloat } from './promotion.js';

function compare(op: BinaryOp, name: string, x: TensorLike, y: TensorLike): Tensor {
  return freeIntermediates(() => {
    const [a, b] = promoteArgs(name, x, y) as [Tensor, Tensor];
    return lax.binary(op, a, b);
  });
}

/**
 * Elementwise `x == y`.
 *
 * @example
 * np.equal(np.array([1, 2]), 2)  // [false, true]
 */
export const equal = (x: TensorLike, y: TensorLike): Tensor => compare('eq', 'equal', x, y);
/**
 * Elementwise `x != y`.
 *
 * @example
 * np.notEqual(np.array([1, 2]), 2)  // [true, false]
 */
export const notEqual = (x: TensorLike, y: TensorLike): Tensor => compare('ne', 'notEqual', x, y);
/**
 * Elementwise `x < y`.
 *
 * @example
 * np.less(np.array([1, 2]), 2)  // [true, false]
 */
export const less = (x: TensorLike, y: TensorLike): Tensor => compare('lt', 'less', x, y);
/**
 * Elementwise `x <= y`.
 *
 * @example
 * np.lessEqual(np.array([1, 2]), 2)  // [true, true]
 */
export const lessEqual = (x: TensorLike, y: TensorLike): Tensor => compare('le', 'lessEqual', x, y);
/**
 * Elementwise `x > y`.
 *
 * @example
 * np.greater(np.array([1, 2]), 1)  // [false, true]
 */
export const greater = (x: TensorLike, y: TensorLike): Tensor => compare('gt', 'greater', x, y);
/**
 * Elementwise `x >= y`.
 *
 * @example
 * np.greaterEqual(np.array([1, 2]), 2)  // [false, true]
 */
export const greaterEqual = (x: TensorLike, y: TensorLike): Tensor =>
  compare('ge', 'greaterEqual', x, y);

/** Options of `isclose`/`allclose`. */
export interface CloseOptions {
  /** Relative tolerance (default 1e-5). */
  rtol?: number;
  /** Absolute tolerance (default 1e-8). */
  atol?: number;
  /** Treat NaNs in the same place as equal (default false). */
  equalNan?: boolean;
}

/**
 * Elementwise `|a - b| <= atol + rtol * |b|`; infinities are close only to the same infinity,
 * NaN to nothing unless `equalNan`.
 *
 * @example
 * np.isclose(np.array([1, 1.1]), 1)  // [true, false]
 */
export function isclose(a: TensorLike, b: TensorLike, options: CloseOptions = {}): Tensor {
  return freeIntermediates(() => {
    const [p, q] = promoteArgs('isclose', a, b) as [Tensor, Tensor];
    const x = toFloat(p);
    const y = toFloat(q);
    const tolerance = lax.add(
      constantLike(y, options.atol ?? 1e-8),
      lax.mul(constantLike(y, options.rtol ?? 1e-5), lax.abs(y)),
    );
    let out = lax.le(lax.abs(lax.sub(x, y)), tolerance);
    const xInf = isinf(x);
    const yInf = isinf(y);
    out = lax.binary('and', out, lax.unary('not', lax.binary('or', xInf, yInf)));
    out = lax.binary('or', out, lax.binary('and', lax.binary('and', xInf, yInf), lax.eq(x, y)));
    const xNan = isnan(x);
    const yNan = isnan(y);
    out = lax.binary('and', out, lax.unary('not', lax.binary('or', xNan, yNan)));
    return options.equalNan ? lax.binary('or', out, lax.binary('and', xNan, yNan)) : out;
  });
}

/**
 * True (a 0-d bool tensor) when every element of `a` is close to `b`; see `isclose`.
 *
 * @example
 * np.allclose(x, y, { atol: 1e-6 }).item()  // true
 */
export function allclose(a: TensorLike, b: TensorLike, options: CloseOptions = {}): Tensor {
  return freeIntermediates(() => {
    const close = isclose(a, b, options);
    return lax.reduce(
      'and',
      close,
      close.shape.map((_, i) => i),
    );
  });
}

/**
 * True (a 0-d bool tensor) when `a` and `b` have the same shape and elements.
 *
 * @example
 * np.arrayEqual(np.array([1, 2]), np.array([1, 2])).item()  // true
 */
export function arrayEqual(a: TensorLike, b: TensorLike): Tensor {
  return freeIntermediates(() => {
    const x = asTensor('arrayEqual', a);
    const y = asTensor('arrayEqual', b);
    if (!shapesEqual(x.shape, y.shape)) return lax.full([], 0, 'bool', false, backendFor([x]));
    const eq = compare('eq', 'arrayEqual', x, y);
    return lax.reduce(
      'and',
      eq,
      eq.shape.map((_, i) => i),
    );
  });
}
