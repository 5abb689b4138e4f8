/**
 * Reductions over axes (`sum`, `mean`, `max`, `argmax`, `var`, `all`, …),
 * each with NumPy's `axis` (number, list, or all when omitted) and
 * `keepdims` options. Dtypes follow JAX: sums and products of bool/int32 are
 * int32, `mean`/`var`/`std` of integers are float32.
 */
import type { ReduceOp } from '../backend.js';
import type { ReduceOptions, Tensor, TensorLike } from '../core/tensor.js';
import { checkDType, type DType, isFloat } from '../dtype.js';
import { fmtShape, ShapeError, ValueError } from '../errors.js';
import * as lax from '../lax/primitive-ops.js';
import { normalizeAxes, normalizeAxis } from '../shape.js';
import { subtract } from './arithmetic.js';
import { freeIntermediates } from './intermediates.js';
import { asTensor, constantLike, promoteArgs, toFloat } from './promotion.js';

/** Reduction options that also choose the accumulation/result dtype. */
export interface DTypeReduceOptions extends ReduceOptions {
  /** Result dtype (the input is converted first). */
  dtype?: DType;
}

/** Options of `var`/`std`. */
export interface VarianceOptions extends DTypeReduceOptions {
  /** Delta degrees of freedom: divide by `n - ddof` (default 0). */
  ddof?: number;
}

/** Re-insert reduced axes as size-1 dims. */
function keepDims(y: Tensor, inputShape: readonly number[], axes: readonly number[]): Tensor {
  return lax.reshape(
    y,
    inputShape.map((d, i) => (axes.includes(i) ? 1 : d)),
  );
}

/** Reduce `axes` with `op`; float16 sums and products accumulate in float32 (as JAX). */
function reduceWith(op: ReduceOp, x: Tensor, axes: readonly number[], keepdims: boolean): Tensor {
  const upcast = x.dtype === 'float16' && (op === 'sum' || op === 'prod');
  const source = upcast ? lax.convertElementType(x, 'float32', x.weakType) : x;
  const reduced = lax.reduce(op, source, axes);
  const y = upcast ? lax.convertElementType(reduced, 'float16', x.weakType) : reduced;
  return keepdims ? keepDims(y, x.shape, axes) : y;
}

function countOf(shape: readonly number[], axes: readonly number[]): number {
  return axes.reduce((n, a) => n * (shape[a] as number), 1);
}

function withDType(
  op: string,
  x: Tensor,
  dtype: DType | undefined,
  fallback: (d: DType) => DType,
): Tensor {
  const target = dtype === undefined ? fallback(x.dtype) : checkDType(op, dtype);
  return x.dtype === target ? x : lax.convertElementType(x, target, x.weakType);
}

const intAccumulator = (d: DType): DType => (d === 'bool' ? 'int32' : d);

/**
 * Sum over `axis` (all axes by default). Bools sum to int32.
 *
 * @example
 * np.sum(np.array([[1, 2], [3, 4]]))                 // 10
 * np.sum(x, { axis: 0, keepdims: true })             // shape [1, 2]
 */
export function sum(x: TensorLike, options: DTypeReduceOptions = {}): Tensor {
  return freeIntermediates(() => {
    const a = withDType('sum', asTensor('sum', x), options.dtype, intAccumulator);
    const axes = normalizeAxes('sum', options.axis, a.ndim);
    return reduceWith(a.dtype === 'bool' ? 'or' : 'sum', a, axes, options.keepdims ?? false);
  });
}

/**
 * Product over `axis`. Bools multiply as int32.
 *
 * @example
 * np.prod(np.array([1, 2, 3, 4]))  // 24
 */
export function prod(x: TensorLike, options: DTypeReduceOptions = {}): Tensor {
  return freeIntermediates(() => {
    const a = withDType('prod', asTensor('prod', x), options.dtype, intAccumulator);
    const axes = normalizeAxes('prod', options.axis, a.ndim);
    return reduceWith(a.dtype === 'bool' ? 'and' : 'prod', a, axes, options.keepdims ?? false);
  });
}

/**
 * Arithmetic mean over `axis` (integers are averaged in float32).
 *
 * @example
 * np.mean(np.array([1, 2, 3, 4]))  // 2.5
 */
export function mean(x: TensorLike, options: DTypeReduceOptions = {}): Tensor {
  return freeIntermediates(() => {
    const a = withDType('mean', asTensor('mean', x), options.dtype, (d) =>
      isFloat(d) ? d : 'float32',
    );
    const axes = normalizeAxes('mean', options.axis, a.ndim);
    const total = reduceWith('sum', a, axes, options.keepdims ?? false);
    return lax.div(total, constantLike(total, countOf(a.shape, axes)));
  });
}

function extremum(op: 'max' | 'min', name: string, x: TensorLike, options: ReduceOptions): Tensor {
  return freeIntermediates(() => {
    const a = asTensor(name, x);
    const axes = normalizeAxes(name, options.axis, a.ndim);
    if (axes.some((ax) => a.shape[ax] === 0)) {
      throw new ShapeError(
        `${name}: zero-size reduction over axes [${axes}] of ${fmtShape(a.shape)} has no identity`,
      );
    }
    const boolOp = op === 'max' ? 'or' : 'and';
    return reduceWith(a.dtype === 'bool' ? boolOp : op, a, axes, options.keepdims ?? false);
  });
}

/**
 * Maximum over `axis` (NaN if any element is NaN). Empty reductions are an error.
 *
 * @example
 * np.max(np.array([[1, 5], [3, 2]]), { axis: 1 })  // [5, 3]
 */
export const max = (x: TensorLike, options: ReduceOptions = {}): Tensor =>
  extremum('max', 'max', x, options);
/**
 * Minimum over `axis`.
 *
 * @example
 * np.min(np.array([[1, 5], [3, 2]]), { axis: 1 })  // [1, 2]
 */
export const min = (x: TensorLike, options: ReduceOptions = {}): Tensor =>
  extremum('min', 'min', x, options);
/**
 * Alias of `max`.
 *
 * @example
 * np.amax(x, { axis: 0 })
 */
export const amax = max;
/**
 * Alias of `min`.
 *
 * @example
 * np.amin(x, { axis: 0 })
 */
export const amin = min;

/** Options of `argmax`/`argmin`: one axis (the flattened tensor when omitted). */
export interface ArgReduceOptions {
  axis?: number | null;
  keepdims?: boolean;
}

function argExtremum(op: 'argmax' | 'argmin', x: TensorLike, options: ArgReduceOptions): Tensor {
  return freeIntermediates(() => {
    let a = asTensor(op, x);
    const keepdims = options.keepdims ?? false;
    const flat = options.axis === undefined || options.axis === null;
    const inputShape = a.shape;
    if (flat) a = lax.reshape(a, [a.size]);
    const axis = flat ? 0 : normalizeAxis(op, options.axis as number, a.ndim);
    if (a.shape[axis] === 0)
      throw new ShapeError(
        `${op}: attempt to get ${op} of an empty sequence (shape ${fmtShape(inputShape)})`,
      );
    if (a.dtype === 'bool') a = lax.convertElementType(a, 'int32', false);
    const y = lax.argReduce(op, a, axis);
    if (!keepdims) return y;
    return flat
      ? lax.reshape(
          y,
          inputShape.map(() => 1),
        )
      : keepDims(y, a.shape, [axis]);
  });
}

/**
 * Index of the largest element along `axis` (first occurrence; NaN counts as largest), int32.
 *
 * @example
 * np.argmax(np.array([[1, 5], [3, 2]]), { axis: 1 })  // [1, 0]
 */
export const argmax = (x: TensorLike, options: ArgReduceOptions = {}): Tensor =>
  argExtremum('argmax', x, options);
/**
 * Index of the smallest element along `axis` (first occurrence), int32.
 *
 * @example
 * np.argmin(np.array([3, 1, 2]))  // 1
 */
export const argmin = (x: TensorLike, options: ArgReduceOptions = {}): Tensor =>
  argExtremum('argmin', x, options);

function truthReduce(
  op: 'and' | 'or',
  name: string,
  x: TensorLike,
  options: ReduceOptions,
): Tensor {
  return freeIntermediates(() => {
    let a = asTensor(name, x);
    if (a.dtype !== 'bool') a = lax.ne(a, constantLike(a, 0));
    const axes = normalizeAxes(name, options.axis, a.ndim);
    return reduceWith(op, a, axes, options.keepdims ?? false);
  });
}

/**
 * True where every element along `axis` is truthy.
 *
 * @example
 * np.all(np.array([1, 0, 3]))  // false
 */
export const all = (x: TensorLike, options: ReduceOptions = {}): Tensor =>
  truthReduce('and', 'all', x, options);
/**
 * True where some element along `axis` is truthy.
 *
 * @example
 * np.any(np.array([0, 0, 3]))  // true
 */
export const any = (x: TensorLike, options: ReduceOptions = {}): Tensor =>
  truthReduce('or', 'any', x, options);

/**
 * Variance `mean(|x - mean(x)|²) * n / (n - ddof)` over `axis`.
 *
 * @example
 * np.var(np.array([1, 2, 3, 4]))              // 1.25
 * np.var(np.array([1, 2, 3, 4]), { ddof: 1 }) // 1.6667
 */
function variance(x: TensorLike, options: VarianceOptions = {}): Tensor {
  return freeIntermediates(() => {
    const a = withDType('var', asTensor('var', x), options.dtype, (d) =>
      isFloat(d) ? d : 'float32',
    );
    const axes = normalizeAxes('var', options.axis, a.ndim);
    const ddof = options.ddof ?? 0;
    if (!Number.isFinite(ddof))
      throw new ValueError(`var: ddof must be a finite number, got ${ddof}`);
    const centered = subtract(a, mean(a, { axis: axes, keepdims: true }));
    const total = reduceWith('sum', lax.mul(centered, centered), axes, options.keepdims ?? false);
    return lax.div(total, constantLike(total, countOf(a.shape, axes) - ddof));
  });
}

export { variance as var };

/**
 * Standard deviation: `sqrt(var(x))`; see `var` for `ddof`.
 *
 * @example
 * np.std(np.array([1, 2, 3, 4]))  // 1.118
 */
export function std(x: TensorLike, options: VarianceOptions = {}): Tensor {
  return freeIntermediates(() => lax.sqrt(variance(x, options)));
}

/**
 * Range `max - min` over `axis` ("peak to peak").
 *
 * @example
 * np.ptp(np.array([4, 9, 2]))  // 7
 */
export function ptp(x: TensorLike, options: ReduceOptions = {}): Tensor {
  return freeIntermediates(() => subtract(max(x, options), min(x, options)));
}

/**
 * Number of non-zero (truthy) elements along `axis`, int32.
 *
 * @example
 * np.countNonzero(np.array([0, 1, 2]))  // 2
 */
export function countNonzero(x: TensorLike, options: ReduceOptions = {}): Tensor {
  return freeIntermediates(() => {
    const a = asTensor('countNonzero', x);
    const truth = a.dtype === 'bool' ? a : lax.ne(a, constantLike(a, 0));
    return sum(truth, options);
  });
}

/**
 * Weighted mean over `axis`: `sum(x * w) / sum(w)` (plain `mean` without `weights`). `weights`
 * has `x`'s shape, or is 1-D along a single `axis`.
 *
 * @example
 * np.average(np.array([1, 2, 3]), { weights: np.array([3, 1, 0]) })  // 1.25
 */
export function average(x: TensorLike, options: ReduceOptions & { weights?: Tensor } = {}): Tensor {
  const weights = options.weights;
  if (weights === undefined) return mean(x, options);
  return freeIntermediates(() => {
    const a = toFloat(asTensor('average', x));
    let w = toFloat(asTensor('average', weights));
    if (w.ndim !== a.ndim) {
      if (w.ndim !== 1 || typeof options.axis !== 'number') {
        throw new ShapeError(
          `average: weights of shape ${fmtShape(w.shape)} need the shape of x ${fmtShape(a.shape)}, or 1-D with a single axis`,
        );
      }
      const axis = normalizeAxis('average', options.axis, a.ndim);
      if (w.shape[0] !== a.shape[axis]) {
        throw new ShapeError(
          `average: weights length ${w.shape[0]} differs from axis ${axis} of ${fmtShape(a.shape)}`,
        );
      }
      w = lax.reshape(
        w,
        a.shape.map((d, i) => (i === axis ? d : 1)),
      );
    }
    const [xs, ws] = promoteArgs('average', a, w) as [Tensor, Tensor];
    const axes = normalizeAxes('average', options.axis, xs.ndim);
    const keepdims = options.keepdims ?? false;
    return lax.div(
      reduceWith('sum', lax.mul(xs, ws), axes, keepdims),
      reduceWith('sum', ws, axes, keepdims),
    );
  });
}
