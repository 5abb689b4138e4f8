/**
 * Choosing between values elementwise: `np.where(cond, x, y)` and
 * `np.clip(x, min, max)`.
 */
import type { Tensor, TensorLike } from '../core/tensor.js';
import * as lax from '../lax/primitive-ops.js';
import { broadcastShapes } from '../shape.js';
import { maximum, minimum } from './arithmetic.js';
import { freeIntermediates } from './intermediates.js';
import { asTensor, broadcastToShape, constantLike, promoteArgs } from './promotion.js';

/**
 * Elementwise `cond ? x : y`, broadcasting all three (a non-bool `cond` is tested against 0).
 *
 * @example
 * np.where(np.greater(x, 0), x, 0)  // relu
 */
export function where(cond: TensorLike, x: TensorLike, y: TensorLike): Tensor {
  return freeIntermediates(() => {
    let c = asTensor('where', cond);
    if (c.dtype !== 'bool') c = lax.ne(c, constantLike(c, 0));
    const [a, b] = promoteArgs('where', x, y) as [Tensor, Tensor];
    const shape = broadcastShapes('where', c.shape, a.shape);
    return lax.select(
      broadcastToShape(c, shape),
      broadcastToShape(a, shape),
      broadcastToShape(b, shape),
    );
  });
}

/**
 * Limit values to `[min, max]` (either bound may be omitted): `minimum(maximum(x, min), max)`.
 *
 * @example
 * np.clip(np.array([-2, 0.5, 3]), 0, 1)  // [0, 0.5, 1]
 */
export function clip(x: TensorLike, min?: TensorLike, max?: TensorLike): Tensor {
  return freeIntermediates(() => {
    let out = asTensor('clip', x);
    if (min !== undefined && min !== null) out = maximum(out, min);
    if (max !== undefined && max !== null) out = minimum(out, max);
    return out;
  });
}
