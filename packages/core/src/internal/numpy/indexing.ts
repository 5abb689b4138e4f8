/**
 * Integer-array gathers along one axis: `take` and `takeAlongAxis`.
 * Negative indices count from the end (as NumPy); indices still out of
 * range are clamped (`mode: 'clip'`, the default), wrapped (`'wrap'`), or
 * give `fillValue` (`'fill'`).
 */
import { Tensor } from '../core/tensor.js';
import { isFloat, isInteger } from '../dtype.js';
import { DTypeError, fmtShape, ShapeError, ValueError } from '../errors.js';
import * as lax from '../lax/primitive-ops.js';
import { contiguousStrides, normalizeAxis, range } from '../shape.js';
import { mod } from './arithmetic.js';
import { array } from './creation.js';
import { freeIntermediates } from './intermediates.js';
import { backendFor, broadcastToShape, constantLike } from './promotion.js';

/** Integer indices: a tensor, a JS integer, or (nested) arrays of integers. */
export type IndexArray = Tensor | number | readonly number[] | readonly (readonly number[])[];

/** What happens to indices outside `[-n, n)`. */
export type TakeMode = 'clip' | 'wrap' | 'fill';

/** Options of `take`. */
export interface TakeOptions {
  /** Axis to take along (default: the flattened tensor). */
  axis?: number | null;
  /** Out-of-range handling (default `'clip'`). */
  mode?: TakeMode;
  /** Value for out-of-range indices in `'fill'` mode (default NaN / the dtype's extreme / true). */
  fillValue?: number;
}

/**
 * `indices` as an int32 tensor, rejecting non-integer dtypes.
 *
 * @example
 * indexTensor('take', [0, 2])  // i32[2]
 */
export function indexTensor(op: string, indices: unknown): Tensor {
  let t: Tensor;
  if (indices instanceof Tensor) t = indices;
  else if (typeof indices === 'number' || Array.isArray(indices))
    t = array(indices as number[], { dtype: 'int32' });
  else throw new ValueError(`${op}: indices must be a tensor or integers, got ${typeof indices}`);
  if (!isInteger(t.dtype))
    throw new DTypeError(`${op}: indices must be integers, got ${t.aval.toString()}`);
  return t.dtype === 'int32' ? t : lax.convertElementType(t, 'int32', false);
}

/**
 * Wrap negative indices (`i + n` for `i < 0`); with `clamp`, also clamp into `[0, n - 1]`.
 *
 * @example
 * wrapNegative(np.array([-1, 5]), 3, true)  // [2, 2]
 */
export function wrapNegative(indices: Tensor, n: number, clamp: boolean): Tensor {
  const zero = constantLike(indices, 0);
  const wrapped = lax.select(
    lax.lt(indices, zero),
    lax.add(indices, constantLike(indices, n)),
    indices,
  );
  return clamp
    ? lax.min(lax.max(wrapped, zero), constantLike(indices, Math.max(0, n - 1)))
    : wrapped;
}

function defaultFill(x: Tensor): number {
  if (isFloat(x.dtype)) return Number.NaN;
  if (x.dtype === 'int32') return -(2 ** 31);
  if (x.dtype === 'uint32') return 2 ** 32 - 1;
  return 1;
}

/**
 * Elements of `x` at `indices` along `axis` (of the flattened `x` when omitted). The result has
 * shape `x.shape[:axis] + indices.shape + x.shape[axis+1:]`.
 *
 * @example
 * np.take(np.array([10, 20, 30]), [2, 0, -1])                // [30, 10, 30]
 * np.take(m, np.array([1, 1]), { axis: 1 })                  // column 1 twice
 * np.take(v, [5], { mode: 'fill', fillValue: 0 })            // [0] when v has < 6 elements
 */
export function take(x: Tensor, indices: IndexArray, options: TakeOptions = {}): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(`take: expected a tensor, got ${typeof x}`);
  const mode = options.mode ?? 'clip';
  if (!['clip', 'wrap', 'fill'].includes(mode))
    throw new ValueError(`take: unknown mode '${mode}' (expected clip, wrap or fill)`);
  return freeIntermediates(() => {
    const flat = options.axis === undefined || options.axis === null;
    const a = flat ? lax.reshape(x, [x.size]) : x;
    const axis = flat ? 0 : normalizeAxis('take', options.axis as number, a.ndim);
    const idx = indexTensor('take', indices);
    const n = a.shape[axis] as number;
    if (n === 0 && idx.size > 0)
      throw new ShapeError(`take: cannot take from the empty axis ${axis} of ${fmtShape(x.shape)}`);
    if (mode === 'wrap') return lax.gather(a, mod(idx, n), axis);
    const gathered = lax.gather(a, wrapNegative(idx, n, true), axis);
    if (mode === 'clip') return gathered;
    const inRange = lax.binary(
      'and',
      lax.ge(idx, constantLike(idx, -n)),
      lax.lt(idx, constantLike(idx, n)),
    );
    const mask = lax.broadcastInDim(inRange, gathered.shape, range(axis + idx.ndim, axis));
    return lax.select(mask, gathered, constantLike(gathered, options.fillValue ?? defaultFill(a)));
  });
}

/**
 * Pick elements along `axis` with an index tensor of the same rank as `x` (other dims
 * broadcast): `out[i, j] = x[i, indices[i, j]]` for `axis = 1`.
 *
 * @example
 * const logp = nn.logSoftmax(logits);                                     // [B, K]
 * np.takeAlongAxis(logp, labels.reshape([-1, 1]), 1)                     // [B, 1]
 * np.takeAlongAxis(x, np.argsort(x, { axis: 0 }), 0)                      // sort along 0
 */
export function takeAlongAxis(x: Tensor, indices: IndexArray, axis: number | null): Tensor {
  if (!(x instanceof Tensor))
    throw new ValueError(`takeAlongAxis: expected a tensor, got ${typeof x}`);
  return freeIntermediates(() => {
    let idx = indexTensor('takeAlongAxis', indices);
    let a = x;
    if (axis === null) {
      if (idx.ndim !== 1)
        throw new ShapeError(
          `takeAlongAxis: with axis null, indices must be 1-D, got ${idx.aval.toString()}`,
        );
      a = lax.reshape(x, [x.size]);
    }
    const ax = axis === null ? 0 : normalizeAxis('takeAlongAxis', axis, a.ndim);
    if (idx.ndim !== a.ndim) {
      throw new ShapeError(
        `takeAlongAxis: indices ${fmtShape(idx.shape)} and x ${fmtShape(a.shape)} need the same rank`,
      );
    }
    const outShape = a.shape.map((d, i) => {
      const e = idx.shape[i] as number;
      if (i === ax) return e;
      if (d !== e && d !== 1 && e !== 1) {
        throw new ShapeError(
          `takeAlongAxis: shapes ${fmtShape(a.shape)} and ${fmtShape(idx.shape)} do not broadcast outside axis ${ax}`,
        );
      }
      return d === 1 ? e : d;
    });
    const n = a.shape[ax] as number;
    if (n === 0 && idx.size > 0)
      throw new ShapeError(
        `takeAlongAxis: cannot take from the empty axis ${ax} of ${fmtShape(a.shape)}`,
      );
    const sourceShape = outShape.map((d, i) => (i === ax ? n : d));
    const source = broadcastToShape(a, sourceShape);
    idx = broadcastToShape(wrapNegative(idx, n, true), outShape);
    const strides = contiguousStrides(sourceShape);
    let linear = lax.mul(idx, constantLike(idx, strides[ax] as number));
    outShape.forEach((_, i) => {
      if (i === ax || outShape[i] === 1) return;
      const position = lax.iota(outShape, 'int32', i, backendFor([x]));
      linear = lax.add(linear, lax.mul(position, constantLike(position, strides[i] as number)));
    });
    return lax.gather(lax.reshape(source, [source.size]), linear, 0);
  });
}
