/**
 * How `np` functions turn their arguments into operands a primitive accepts:
 * JS numbers become *weakly typed* constants, every operand is promoted to
 * the common dtype (JAX's lattice, `promoteTypes`) and broadcast to the
 * common shape (NumPy rules). Primitives themselves never promote or
 * broadcast; this file is the only place that does.
 */
import { Tensor, type TensorLike } from '../core/tensor.js';
import { type DType, isFloat, promoteTypes } from '../dtype.js';
import { DTypeError, ValueError } from '../errors.js';
import * as lax from '../lax/primitive-ops.js';
import { backendNameOf } from '../primitives/helpers.js';
import { getBackend } from '../registry.js';
import { broadcastShapes, shapesEqual } from '../shape.js';

/** A dtype and whether it is weak (came from a JS number). */
export interface DTypeInfo {
  dtype: DType;
  weak: boolean;
}

function describe(x: unknown): string {
  if (Array.isArray(x)) return 'a JS array (wrap it with np.array first)';
  if (x === null) return 'null';
  if (ArrayBuffer.isView(x)) return `a ${x.constructor.name} (wrap it with np.array first)`;
  return typeof x;
}

/**
 * The dtype a JS number or boolean takes: booleans are (strongly typed) `bool`; integral numbers
 * in `[-2^31, 2^32)` are weak `int32`; any other number is weak `float32`.
 *
 * @example
 * scalarInfo(1)    // { dtype: 'int32', weak: true }
 * scalarInfo(1.5)  // { dtype: 'float32', weak: true }
 */
export function scalarInfo(x: number | boolean): DTypeInfo {
  if (typeof x === 'boolean') return { dtype: 'bool', weak: false };
  const integral = Number.isInteger(x) && x >= -(2 ** 31) && x < 2 ** 32;
  return { dtype: integral ? 'int32' : 'float32', weak: true };
}

/**
 * Dtype information of a tensor-like argument; throws naming `op` for anything else.
 *
 * @example
 * dtypeInfo('add', 2)  // { dtype: 'int32', weak: true }
 */
export function dtypeInfo(op: string, x: unknown): DTypeInfo {
  if (x instanceof Tensor) return { dtype: x.dtype, weak: x.weakType };
  if (typeof x === 'number' || typeof x === 'boolean') return scalarInfo(x);
  throw new ValueError(`${op}: expected a tensor, number or boolean, got ${describe(x)}`);
}

/**
 * The dtype (and weakness) of the result of combining `xs`, following JAX's promotion rules.
 *
 * @example
 * resultType('add', np.ones([2]), 1)    // { dtype: 'float32', weak: false }
 * resultType('add', np.arange(3), 1.5)  // { dtype: 'float32', weak: false }
 */
export function resultType(op: string, ...xs: readonly unknown[]): DTypeInfo {
  let acc: DTypeInfo | undefined;
  for (const x of xs) {
    const info = dtypeInfo(op, x);
    acc = acc === undefined ? info : promoteTypes(acc.dtype, info.dtype, acc.weak, info.weak);
  }
  if (acc === undefined) throw new ValueError(`${op}: needs at least one operand`);
  return acc;
}

/**
 * The backend name new constants next to `xs` should use: the first tensor's, else the default.
 *
 * @example
 * backendFor([x, 1])  // 'cpu'
 */
export function backendFor(xs: readonly unknown[]): string {
  for (const x of xs) if (x instanceof Tensor) return backendNameOf(x);
  return getBackend().name;
}

/** The shape of a tensor-like value (`[]` for JS scalars). */
function shapeOf(x: TensorLike): readonly number[] {
  return x instanceof Tensor ? x.shape : [];
}

/**
 * Broadcast `x` to `shape` by NumPy rules (`x`'s dims align with the trailing dims of `shape`).
 * The caller has checked compatibility.
 *
 * @example
 * broadcastToShape(np.ones([3, 1]), [2, 3, 4]).shape  // [2, 3, 4]
 */
export function broadcastToShape(x: Tensor, shape: readonly number[]): Tensor {
  if (shapesEqual(x.shape, shape)) return x;
  const lead = shape.length - x.ndim;
  // Drop the size-1 dims that expand, then place the remaining dims.
  const kept = x.shape.flatMap((d, i) => (d === shape[lead + i] ? [i] : []));
  const squeezed =
    kept.length === x.ndim
      ? x
      : lax.reshape(
          x,
          kept.map((i) => x.shape[i] as number),
        );
  return lax.broadcastInDim(
    squeezed,
    shape,
    kept.map((i) => lead + i),
  );
}

/**
 * `x` as a tensor of dtype `info.dtype` (weak per `info` when it must be converted or created).
 * JS scalars become constants of `shape` on `backend`.
 *
 * @example
 * castTo(2, { dtype: 'float32', weak: true }, [], 'cpu')  // ~f32[] 2
 */
export function castTo(
  x: TensorLike,
  info: DTypeInfo,
  shape: readonly number[],
  backend: string,
): Tensor {
  if (x instanceof Tensor) {
    const converted = x.dtype === info.dtype ? x : lax.convertElementType(x, info.dtype, info.weak);
    return broadcastToShape(converted, shape);
  }
  return lax.full(shape, Number(x), info.dtype, info.weak, backend);
}

/**
 * Promote `xs` to their common dtype and broadcast them to their common shape, as every NumPy
 * elementwise function does. JS numbers become weakly typed constants.
 *
 * @example
 * const [a, b] = promoteArgs('add', np.ones([2, 3]), 1);  // b: f32[2,3] of ones
 */
export function promoteArgs(op: string, ...xs: readonly TensorLike[]): Tensor[] {
  const info = resultType(op, ...xs);
  const shape = broadcastShapes(op, ...xs.map(shapeOf));
  const backend = backendFor(xs);
  return xs.map((x) => castTo(x, info, shape, backend));
}

/**
 * Promote `xs` to their common dtype without broadcasting (JS scalars become 0-d tensors).
 *
 * @example
 * const [a, b] = promoteDTypes('matmul', x32, xi);
 */
export function promoteDTypes(op: string, ...xs: readonly TensorLike[]): Tensor[] {
  const info = resultType(op, ...xs);
  const backend = backendFor(xs);
  return xs.map((x) => castTo(x, info, shapeOf(x), backend));
}

/**
 * `x` as a tensor: tensors pass through, JS numbers/booleans become weakly typed 0-d constants.
 *
 * @example
 * asTensor('sqrt', 4).dtype  // 'int32' (weak)
 */
export function asTensor(op: string, x: unknown): Tensor {
  if (x instanceof Tensor) return x;
  const info = dtypeInfo(op, x);
  return lax.full([], Number(x), info.dtype, info.weak, getBackend().name);
}

/**
 * `x` converted to a float dtype when it is not one (int/bool → float32, keeping weakness), as
 * JAX's `promote_args_inexact` does for `sqrt`, `exp`, `divide`, ….
 *
 * @example
 * toFloat(np.arange(3)).dtype  // 'float32'
 */
export function toFloat(x: Tensor): Tensor {
  return isFloat(x.dtype) ? x : lax.convertElementType(x, 'float32', x.weakType);
}

/**
 * Throw a `DTypeError` naming `op` unless `x`'s dtype passes `ok`.
 *
 * @example
 * requireDType('bitwiseAnd', x, (d) => d !== 'float32', 'bool or integer');
 */
export function requireDType(
  op: string,
  x: Tensor,
  ok: (dtype: DType) => boolean,
  expected: string,
): void {
  if (!ok(x.dtype))
    throw new DTypeError(`${op}: needs ${expected} operands, got ${x.aval.toString()}`);
}

/**
 * A constant of `x`'s shape and dtype (weak when `x` is), next to `x`.
 *
 * @example
 * constantLike(x, 0)  // zeros shaped like x
 */
export function constantLike(x: Tensor, value: number, dtype: DType = x.dtype): Tensor {
  return lax.full(x.shape, value, dtype, dtype === x.dtype && x.weakType, backendNameOf(x));
}
