/**
 * Logical (`np.logicalAnd`, …: any dtype, truthiness) and bitwise
 * (`np.bitwiseAnd`, shifts, …: bool and integer dtypes only) elementwise
 * functions.
 */
import type { BinaryOp } from '../backend.js';
import type { Tensor, TensorLike } from '../core/tensor.js';
import { isInteger } from '../dtype.js';
import * as lax from '../lax/primitive-ops.js';
import { freeIntermediates } from './intermediates.js';
import { asTensor, constantLike, promoteArgs, requireDType } from './promotion.js';

function truthy(x: Tensor): Tensor {
  return x.dtype === 'bool' ? x : lax.ne(x, constantLike(x, 0));
}

function logical(op: 'and' | 'or' | 'xor', name: string, x: TensorLike, y: TensorLike): Tensor {
  return freeIntermediates(() => {
    const [a, b] = promoteArgs(name, x, y) as [Tensor, Tensor];
    return lax.binary(op, truthy(a), truthy(b));
  });
}

/**
 * Elementwise logical and of the truth values.
 *
 * @example
 * np.logicalAnd(np.array([true, false]), true)  // [true, false]
 */
export const logicalAnd = (x: TensorLike, y: TensorLike): Tensor =>
  logical('and', 'logicalAnd', x, y);
/**
 * Elementwise logical or.
 *
 * @example
 * np.logicalOr(np.array([true, false]), false)  // [true, false]
 */
export const logicalOr = (x: TensorLike, y: TensorLike): Tensor => logical('or', 'logicalOr', x, y);
/**
 * Elementwise logical exclusive or.
 *
 * @example
 * np.logicalXor(np.array([true, false]), true)  // [false, true]
 */
export const logicalXor = (x: TensorLike, y: TensorLike): Tensor =>
  logical('xor', 'logicalXor', x, y);

/**
 * Elementwise logical not (`x == 0` for numbers).
 *
 * @example
 * np.logicalNot(np.array([0, 2]))  // [true, false]
 */
export function logicalNot(x: TensorLike): Tensor {
  return freeIntermediates(() => lax.unary('not', truthy(asTensor('logicalNot', x))));
}

const notFloat = (d: string) => d === 'bool' || d === 'int32' || d === 'uint32';

function bitwise(op: 'and' | 'or' | 'xor', name: string, x: TensorLike, y: TensorLike): Tensor {
  return freeIntermediates(() => {
    const [a, b] = promoteArgs(name, x, y) as [Tensor, Tensor];
    requireDType(name, a, notFloat, 'bool or integer');
    return lax.binary(op, a, b);
  });
}

/**
 * Elementwise bitwise and (bool or integer).
 *
 * @example
 * np.bitwiseAnd(np.array([12]), 10)  // [8]
 */
export const bitwiseAnd = (x: TensorLike, y: TensorLike): Tensor =>
  bitwise('and', 'bitwiseAnd', x, y);
/**
 * Elementwise bitwise or.
 *
 * @example
 * np.bitwiseOr(np.array([12]), 10)  // [14]
 */
export const bitwiseOr = (x: TensorLike, y: TensorLike): Tensor => bitwise('or', 'bitwiseOr', x, y);
/**
 * Elementwise bitwise exclusive or.
 *
 * @example
 * np.bitwiseXor(np.array([12]), 10)  // [6]
 */
export const bitwiseXor = (x: TensorLike, y: TensorLike): Tensor =>
  bitwise('xor', 'bitwiseXor', x, y);

/**
 * Elementwise bitwise not (logical not for bool).
 *
 * @example
 * np.bitwiseNot(np.array([0]))  // [-1]
 */
export function bitwiseNot(x: TensorLike): Tensor {
  const a = asTensor('bitwiseNot', x);
  requireDType('bitwiseNot', a, notFloat, 'bool or integer');
  return lax.unary('not', a);
}

/**
 * Alias of `bitwiseNot`.
 *
 * @example
 * np.invert(x)
 */
export const invert = bitwiseNot;

function shift(name: string, x: TensorLike, y: TensorLike, left: boolean): Tensor {
  return freeIntermediates(() => {
    const [a, b] = promoteArgs(name, x, y) as [Tensor, Tensor];
    requireDType(name, a, isInteger, 'integer');
    const op: BinaryOp = left
      ? 'shiftLeft'
      : a.dtype === 'uint32'
        ? 'shiftRightLogical'
        : 'shiftRightArithmetic';
    return lax.binary(op, a, b);
  });
}

/**
 * Elementwise `x << y` (integers).
 *
 * @example
 * np.leftShift(np.array([1]), 4)  // [16]
 */
export const leftShift = (x: TensorLike, y: TensorLike): Tensor => shift('leftShift', x, y, true);
/**
 * Elementwise `x >> y`: arithmetic for int32, logical for uint32.
 *
 * @example
 * np.rightShift(np.array([-16]), 2)  // [-4]
 */
export const rightShift = (x: TensorLike, y: TensorLike): Tensor =>
  shift('rightShift', x, y, false);
