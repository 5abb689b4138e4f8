/**
 * `oneHot`: class indices to one-hot vectors, as `jax.nn.one_hot` —
 * compare the labels with an iota over the new class axis. Labels outside
 * `[0, numClasses)` give all-zero vectors.
 */
import { Tensor } from '../core/tensor.js';
import { checkDType, type DType } from '../dtype.js';
import { DTypeError, ValueError } from '../errors.js';
import * as lax from '../lax/primitive-ops.js';
import { array } from '../numpy/creation.js';
import { freeIntermediates } from '../numpy/intermediates.js';
import { backendFor, broadcastToShape } from '../numpy/promotion.js';
import { normalizeAxis } from '../shape.js';

/**
 * One-hot encode `labels` into `numClasses` classes along a new `axis` (default -1), as
 * `dtype` (default float32).
 *
 * @example
 * nn.oneHot(np.array([0, 2]), 3)  // [[1, 0, 0], [0, 0, 1]]
 * nn.oneHot(labels, 10, { dtype: 'int32', axis: 0 })
 */
export function oneHot(
  labels: Tensor | number | readonly number[],
  numClasses: number,
  options: { dtype?: DType; axis?: number } = {},
): Tensor {
  if (!Number.isInteger(numClasses) || numClasses < 0) {
    throw new ValueError(`oneHot: numClasses must be a non-negative integer, got ${numClasses}`);
  }
  const dtype = checkDType('oneHot', options.dtype ?? 'float32');
  return freeIntermediates(() => {
    const x = labels instanceof Tensor ? labels : array(labels as number[]);
    if (x.dtype === 'bool')
      throw new DTypeError(`oneHot: labels must be numbers, got ${x.aval.toString()}`);
    const outNdim = x.ndim + 1;
    const axis = normalizeAxis('oneHot', options.axis ?? -1, outNdim);
    const outShape = [...x.shape.slice(0, axis), numClasses, ...x.shape.slice(axis)];
    const classes = lax.iota(outShape, x.dtype, axis, backendFor([x]));
    const expanded = lax.reshape(x, [...x.shape.slice(0, axis), 1, ...x.shape.slice(axis)]);
    const hit = lax.eq(broadcastToShape(expanded, outShape), classes);
    return lax.convertElementType(hit, dtype, false);
  });
}
