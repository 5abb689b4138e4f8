/**
 * Thin typed wrappers that `bind` one primitive each, with lax semantics:
 * operands already have matching shapes and dtypes (no broadcasting or
 * promotion — that is the `np` layer's job). Rules and higher layers build
 * on these; the public `lax` namespace re-exports them.
 */
import type {
  ArgReduceOp,
  BinaryOp,
  ConvParams,
  DotDims,
  ReduceOp,
  UnaryOp,
  WindowParams,
} from '../backend.js';
import type { Tensor } from '../core/tensor.js';
import { bind, bind1 } from '../core/trace.js';
import type { DType } from '../dtype.js';

/** Apply an elementwise unary primitive. */
export function unary(op: UnaryOp, x: Tensor): Tensor {
  return bind1(op, [x], {});
}

/** Apply an elementwise binary primitive to same-shape, same-dtype operands. */
export function binary(op: BinaryOp, x: Tensor, y: Tensor): Tensor {
  return bind1(op, [x, y], {});
}

export const neg = (x: Tensor): Tensor => unary('neg', x);
export const exp = (x: Tensor): Tensor => unary('exp', x);
export const log = (x: Tensor): Tensor => unary('log', x);
export const sqrt = (x: Tensor): Tensor => unary('sqrt', x);
export const rsqrt = (x: Tensor): Tensor => unary('rsqrt', x);
export const tanh = (x: Tensor): Tensor => unary('tanh', x);
export const logistic = (x: Tensor): Tensor => unary('logistic', x);
export const sin = (x: Tensor): Tensor => unary('sin', x);
export const cos = (x: Tensor): Tensor => unary('cos', x);
export const abs = (x: Tensor): Tensor => unary('abs', x);
export const sign = (x: Tensor): Tensor => unary('sign', x);
export const reciprocal = (x: Tensor): Tensor => unary('reciprocal', x);
export const add = (x: Tensor, y: Tensor): Tensor => binary('add', x, y);
export const sub = (x: Tensor, y: Tensor): Tensor => binary('sub', x, y);
export const mul = (x: Tensor, y: Tensor): Tensor => binary('mul', x, y);
export const div = (x: Tensor, y: Tensor): Tensor => binary('div', x, y);
export const max = (x: Tensor, y: Tensor): Tensor => binary('max', x, y);
export const min = (x: Tensor, y: Tensor): Tensor => binary('min', x, y);
export const pow = (x: Tensor, y: Tensor): Tensor => binary('pow', x, y);
export const eq = (x: Tensor, y: Tensor): Tensor => binary('eq', x, y);
export const ne = (x: Tensor, y: Tensor): Tensor => binary('ne', x, y);
export const lt = (x: Tensor, y: Tensor): Tensor => binary('lt', x, y);
export const le = (x: Tensor, y: Tensor): Tensor => binary('le', x, y);
export const gt = (x: Tensor, y: Tensor): Tensor => binary('gt', x, y);
export const ge = (x: Tensor, y: Tensor): Tensor => binary('ge', x, y);

/** `cond ? onTrue : onFalse` elementwise (all three the same shape). */
export function select(cond: Tensor, onTrue: Tensor, onFalse: Tensor): Tensor {
  return bind1('select', [cond, onTrue, onFalse], {});
}

/** Convert element type (`weakType` marks the result as weakly typed). */
export function convertElementType(x: Tensor, dtype: DType, weakType = false): Tensor {
  if (x.dtype === dtype && x.weakType === weakType) return x;
  return bind1('convertElementType', [x], { dtype, weakType });
}

/** Reinterpret bits as another dtype of the same item size. */
export function bitcastConvertType(x: Tensor, dtype: DType): Tensor {
  return bind1('bitcastConvertType', [x], { dtype });
}

/** A tensor of `shape` filled with `value`, on `backend`. */
export function full(
  shape: readonly number[],
  value: number,
  dtype: DType,
  weakType: boolean,
  backend: string,
): Tensor {
  return bind1('fill', [], { shape, value, dtype, weakType, backend });
}

/** `out[..., i, ...] = i` along `axis`. */
export function iota(
  shape: readonly number[],
  dtype: DType,
  axis: number,
  backend: string,
): Tensor {
  return bind1('iota', [], { shape, dtype, axis, backend });
}

/** Reduce `axes` away with `op`. */
export function reduce(op: ReduceOp, x: Tensor, axes: readonly number[]): Tensor {
  if (axes.length === 0) return x;
  return bind1('reduce', [x], { op, axes: [...axes].sort((a, b) => a - b) });
}

/** Index of the max/min along `axis` (int32). */
export function argReduce(op: ArgReduceOp, x: Tensor, axis: number): Tensor {
  return bind1('argReduce', [x], { op, axis });
}

/** `lax.dot_general`. */
export function dotGeneral(x: Tensor, y: Tensor, dims: DotDims): Tensor {
  return bind1('dotGeneral', [x, y], { dims });
}

/** Reshape (row-major; sizes must match). */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  if (x.shape.length === shape.length && x.shape.every((d, i) => d === shape[i])) return x;
  return bind1('reshape', [x], { shape });
}

/** Permute axes. */
export function transpose(x: Tensor, perm: readonly number[]): Tensor {
  if (perm.length === x.ndim && perm.every((p, i) => p === i)) return x;
  return bind1('transpose', [x], { perm });
}

/** Broadcast `x` into `shape`, its dims landing at `broadcastDimensions`. */
export function broadcastInDim(
  x: Tensor,
  shape: readonly number[],
  broadcastDimensions: readonly number[],
): Tensor {
  if (x.shape.length === shape.length && x.shape.every((d, i) => d === shape[i])) return x;
  return bind1('broadcastInDim', [x], { shape, broadcastDimensions });
}

/** Static slice `[start, limit)` with positive `strides`. */
export function slice(
  x: Tensor,
  start: readonly number[],
  limit: readonly number[],
  strides: readonly number[] = start.map(() => 1),
): Tensor {
  return bind1('slice', [x], { start, limit, strides });
}

/** Pad with `paddingValue` (a scalar tensor): low/high (negative crops) and interior per dim. */
export function pad(
  x: Tensor,
  paddingValue: Tensor,
  low: readonly number[],
  high: readonly number[],
  interior: readonly number[] = low.map(() => 0),
): Tensor {
  return bind1('pad', [x, paddingValue], { low, high, interior });
}

/** Reverse along `axes`. */
export function rev(x: Tensor, axes: readonly number[]): Tensor {
  if (axes.length === 0) return x;
  return bind1('rev', [x], { axes });
}

/** Join along `axis` (same dtype; other dims equal). */
export function concatenate(xs: readonly Tensor[], axis: number): Tensor {
  if (xs.length === 1) return xs[0] as Tensor;
  return bind1('concatenate', xs, { axis });
}

/** `x.take(indices, axis)` with int32 indices clamped into range. */
export function gather(x: Tensor, indices: Tensor, axis: number): Tensor {
  return bind1('gather', [x, indices], { axis });
}

/** `operand` with `updates` added at `indices` along `axis`. */
export function scatterAdd(
  operand: Tensor,
  indices: Tensor,
  updates: Tensor,
  axis: number,
): Tensor {
  return bind1('scatterAdd', [operand, indices, updates], { axis });
}

/** Slice of `sizes` at scalar int32 `starts` (clamped so the slice fits). */
export function dynamicSlice(
  x: Tensor,
  starts: readonly Tensor[],
  sizes: readonly number[],
): Tensor {
  return bind1('dynamicSlice', [x, ...starts], { sizes });
}

/** `x` with `update` written at scalar int32 `starts` (clamped so it fits). */
export function dynamicUpdateSlice(x: Tensor, update: Tensor, starts: readonly Tensor[]): Tensor {
  return bind1('dynamicUpdateSlice', [x, update, ...starts], {});
}

/** Raw convolution primitive (NC…/OI… layout). */
export function conv(lhs: Tensor, rhs: Tensor, params: ConvParams): Tensor {
  return bind1('conv', [lhs, rhs], params);
}

/** Raw window reduction primitive. */
export function reduceWindow(op: 'sum' | 'max' | 'min', x: Tensor, window: WindowParams): Tensor {
  return bind1('reduceWindow', [x], { op, window });
}

/** Per window, the `tangent` element where `operand` has its first max (max-pooling JVP). */
export function selectAndGatherAdd(tangent: Tensor, operand: Tensor, window: WindowParams): Tensor {
  return bind1('selectAndGatherAdd', [tangent, operand], { window });
}

/** Add each window's `source` value where `operand` has its first max (max-pooling VJP). */
export function selectAndScatterAdd(source: Tensor, operand: Tensor, window: WindowParams): Tensor {
  return bind1('selectAndScatterAdd', [source, operand], { window });
}

/** Inclusive cumulative `op` along `axis`. */
export function cumulative(
  op: 'sum' | 'prod' | 'max' | 'min',
  x: Tensor,
  axis: number,
  reverse = false,
): Tensor {
  return bind1('cumulative', [x], { op, axis, reverse });
}

/** Sort operands along `axis` by the first `numKeys` of them. */
export function sort(operands: readonly Tensor[], axis: number, numKeys = 1): Tensor[] {
  return bind('sort', operands, { axis, numKeys });
}

/** Threefry-2x32 on uint32 operands of one shape. */
export function threefry2x32(k0: Tensor, k1: Tensor, x0: Tensor, x1: Tensor): [Tensor, Tensor] {
  return bind('threefry2x32', [k0, k1, x0, x1], {}) as [Tensor, Tensor];
}

/**
 * Identity in the forward pass; zero derivative.
 *
 * @example
 * const target = lax.stopGradient(qTarget);
 */
export function stopGradient(x: Tensor): Tensor {
  return bind1('stopGradient', [x], {});
}
