/**
 * Argument handling shared by the samplers: sample shapes, float dtypes, and
 * parameters given as JS numbers or tensors, converted and broadcast to the
 * sample shape with NumPy rules (the `lax` ops underneath never broadcast).
 */
import type { Tensor } from '../core/tensor.js';
import type { DType } from '../dtype.js';
import { DTypeError, fmtShape, ShapeError } from '../errors.js';
import * as lax from '../lax/primitive-ops.js';
import { backendNameOf } from '../primitives/helpers.js';
import { broadcastShapes, checkShape, shapesEqual } from '../shape.js';

/** A sampler parameter: a JS number or a tensor broadcastable to the sample shape. */
export type Param = number | Tensor;

/**
 * Validate a sample shape (`[]` for a scalar sample).
 *
 * @example
 * sampleShape('normal', [2, 3])  // [2, 3]
 */
export function sampleShape(op: string, shape: unknown): number[] {
  return [...checkShape(op, shape)];
}

/**
 * The float dtype a sampler produces. Only float32 is supported: JAX's float16 path draws 16-bit
 * words, which the backends do not store.
 *
 * @example
 * floatDType('uniform', undefined)  // 'float32'
 */
export function floatDType(op: string, dtype: DType | undefined): DType {
  const d = dtype ?? 'float32';
  if (d !== 'float32') throw new DTypeError(`${op}: dtype must be float32, got ${d}`);
  return d;
}

/**
 * `x` as a tensor of `dtype` next to `like` (numbers become scalars; tensors are converted).
 *
 * @example
 * asTensor(0.5, 'float32', key)  // f32[] scalar
 */
export function asTensor(x: Param, dtype: DType, like: Tensor): Tensor {
  if (typeof x === 'number') return lax.full([], x, dtype, false, backendNameOf(like));
  return lax.convertElementType(x, dtype);
}

/**
 * `x` broadcast to exactly `shape` (NumPy rules); a ShapeError naming `op` when it does not fit.
 *
 * @example
 * broadcastTo('uniform', minval, [2, 3])
 */
export function broadcastTo(op: string, x: Tensor, shape: readonly number[]): Tensor {
  const fits = x.ndim <= shape.length && shapesEqual(broadcastShapes(op, x.shape, shape), shape);
  if (!fits) {
    throw new ShapeError(
      `${op}: a parameter of shape ${fmtShape(x.shape)} does not broadcast to the sample shape ${fmtShape(shape)}`,
    );
  }
  const lead = shape.length - x.ndim;
  return lax.broadcastInDim(
    x,
    shape,
    x.shape.map((_, i) => lead + i),
  );
}

/**
 * Check that parameter shapes broadcast to exactly `shape` (JAX's `_check_shape`).
 *
 * @example
 * checkParamShapes('bernoulli', [4, 3], [3])  // ok
 */
export function checkParamShapes(
  op: string,
  shape: readonly number[],
  ...params: readonly (readonly number[])[]
): void {
  const joined = broadcastShapes(op, shape, ...params);
  if (!shapesEqual(joined, shape)) {
    throw new ShapeError(
      `${op}: parameter shapes ${params.map(fmtShape).join(', ')} must broadcast to the sample shape ${fmtShape(shape)}, got ${fmtShape(joined)}`,
    );
  }
}

/**
 * The shape of a parameter (`[]` for a number).
 *
 * @example
 * paramShape(0.5)  // []
 */
export function paramShape(x: Param): readonly number[] {
  return typeof x === 'number' ? [] : x.shape;
}
