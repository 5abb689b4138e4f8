/**
 * Inclusive scans along one axis (`cumsum`, `cumprod`, `cummax`,
 * `cummin`), via the `cumulative` primitive. Without `axis` the tensor is
 * flattened first, as in NumPy.
 */
import type { Tensor, TensorLike } from '../core/tensor.js';
import { checkDType, type DType } from '../dtype.js';
import * as lax from '../lax/primitive-ops.js';
import { normalizeAxis } from '../shape.js';
import { freeIntermediates } from './intermediates.js';
import { asTensor } from './promotion.js';

/** Options of the cumulative functions. */
export interface CumulativeOptions {
  /** Axis to scan along (default: scan the flattened tensor). */
  axis?: number | null;
  /** Result dtype (the input is converted first). */
  dtype?: DType;
  /** Scan from the end instead of the start. */
  reverse?: boolean;
}

function scan(
  op: 'sum' | 'prod' | 'max' | 'min',
  name: string,
  x: TensorLike,
  options: CumulativeOptions,
): Tensor {
  return freeIntermediates(() => {
    let a = asTensor(name, x);
    const flat = options.axis === undefined || options.axis === null;
    if (flat) a = lax.reshape(a, [a.size]);
    const axis = flat ? 0 : normalizeAxis(name, options.axis as number, a.ndim);
    const arithmetic = op === 'sum' || op === 'prod';
    const target =
      options.dtype !== undefined
        ? checkDType(name, options.dtype)
        : a.dtype === 'bool' && arithmetic
          ? 'int32'
          : a.dtype;
    if (a.dtype !== target) a = lax.convertElementType(a, target, a.weakType);
    if (a.dtype === 'bool') {
      // max/min of bools are or/and; scan them as int32 and convert back.
      const asInt = lax.convertElementType(a, 'int32', false);
      return lax.convertElementType(
        lax.cumulative(op, asInt, axis, options.reverse ?? false),
        'bool',
        false,
      );
    }
    return lax.cumulative(op, a, axis, options.reverse ?? false);
  });
}

/**
 * Cumulative sum (bools count as int32).
 *
 * @example
 * np.cumsum(np.array([1, 2, 3]))  // [1, 3, 6]
 */
export const cumsum = (x: TensorLike, options: CumulativeOptions = {}): Tensor =>
  scan('sum', 'cumsum', x, options);
/**
 * Cumulative product.
 *
 * @example
 * np.cumprod(np.array([1, 2, 3]))  // [1, 2, 6]
 */
export const cumprod = (x: TensorLike, options: CumulativeOptions = {}): Tensor =>
  scan('prod', 'cumprod', x, options);
/**
 * Running maximum.
 *
 * @example
 * np.cummax(np.array([1, 3, 2]))  // [1, 3, 3]
 */
export const cummax = (x: TensorLike, options: CumulativeOptions = {}): Tensor =>
  scan('max', 'cummax', x, options);
/**
 * Running minimum.
 *
 * @example
 * np.cummin(np.array([3, 1, 2]))  // [3, 1, 1]
 */
export const cummin = (x: TensorLike, options: CumulativeOptions = {}): Tensor =>
  scan('min', 'cummin', x, options);
