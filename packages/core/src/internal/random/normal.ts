/**
 * Normal samples by inversion, as JAX: `√2 · erfinv(u)` with `u` uniform on
 * (-1, 1) for `normal`, and on `(erf(lower/√2), erf(upper/√2))` for
 * `truncatedNormal`, whose results are then clamped into the open interval.
 * Their last bits depend on the backend's `erf`/`erfinv` matching XLA's.
 */
import type { Tensor } from '../core/tensor.js';
import type { DType } from '../dtype.js';
import * as lax from '../lax/primitive-ops.js';
import { freeIntermediates } from '../numpy/intermediates.js';
import { fullLike } from '../primitives/helpers.js';
import { broadcastShapes } from '../shape.js';
import { checkKey } from './key.js';
import {
  asTensor,
  broadcastTo,
  checkParamShapes,
  floatDType,
  type Param,
  paramShape,
  sampleShape,
} from './operands.js';
import { uniformSamples } from './uniform.js';

const SQRT2 = Math.fround(Math.SQRT2);
/** The float32 just above -1 (`nextafter(-1, 0)`). */
const ABOVE_MINUS_ONE = Math.fround(-1 + 2 ** -24);

/**
 * Standard normal samples of `shape` (no validation, no scoping).
 *
 * @example
 * normalSamples('normal', key, [2, 2])
 */
export function normalSamples(op: string, key: Tensor, shape: readonly number[]): Tensor {
  const u = uniformSamples(op, key, shape, ABOVE_MINUS_ONE, 1);
  return lax.mul(fullLike(u, SQRT2), lax.unary('erfinv', u));
}

/**
 * Standard normal samples, as JAX's `jax.random.normal`.
 *
 * @example
 * const w = random.normal(random.key(0), [784, 512]).mul(0.01);
 */
export function normal(
  key: Tensor,
  shape: readonly number[] = [],
  options: { dtype?: DType } = {},
): Tensor {
  checkKey('normal', key);
  const s = sampleShape('normal', shape);
  floatDType('normal', options.dtype);
  return freeIntermediates(() => normalSamples('normal', key, s));
}

/** The float32 next to each element of `x` toward +∞ (`up`) or -∞ (`nextafter`). */
function nextFloat(x: Tensor, up: boolean): Tensor {
  const word = lax.bitcastConvertType(x, 'uint32');
  const one = fullLike(word, 1);
  // Away from zero is word + 1 on either side of zero; toward zero is word - 1.
  const away = lax.gt(x, fullLike(x, 0));
  const stepped = lax.select(
    up ? away : lax.lt(x, fullLike(x, 0)),
    lax.add(word, one),
    lax.sub(word, one),
  );
  const fromZero = lax.bitcastConvertType(fullLike(word, up ? 1 : 0x80000001), 'float32');
  const next = lax.select(
    lax.eq(x, fullLike(x, 0)),
    fromZero,
    lax.bitcastConvertType(stepped, 'float32'),
  );
  const limit = fullLike(x, up ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY);
  const fixed = lax.binary('or', lax.ne(x, x), lax.eq(x, limit));
  return lax.select(fixed, x, next);
}

/**
 * Standard normal samples truncated to the open interval `(lower, upper)`, as JAX's
 * `jax.random.truncated_normal`. The bounds may be tensors; the shape defaults to their broadcast.
 *
 * @example
 * const w = random.truncatedNormal(random.key(0), -2, 2, [256, 128]);
 */
export function truncatedNormal(
  key: Tensor,
  lower: Param,
  upper: Param,
  shape?: readonly number[],
  options: { dtype?: DType } = {},
): Tensor {
  checkKey('truncatedNormal', key);
  floatDType('truncatedNormal', options.dtype);
  const bounds = [paramShape(lower), paramShape(upper)];
  const s =
    shape === undefined
      ? broadcastShapes('truncatedNormal', ...bounds)
      : sampleShape('truncatedNormal', shape);
  checkParamShapes('truncatedNormal', s, ...bounds);
  return freeIntermediates(() => {
    const lo = asTensor(lower, 'float32', key);
    const hi = asTensor(upper, 'float32', key);
    const cdf = (x: Tensor) => lax.unary('erf', lax.div(x, fullLike(x, SQRT2)));
    const u = uniformSamples('truncatedNormal', key, s, cdf(lo), cdf(hi));
    const out = lax.mul(fullLike(u, SQRT2), lax.unary('erfinv', u));
    const floor = broadcastTo('truncatedNormal', nextFloat(lax.stopGradient(lo), true), s);
    const ceiling = broadcastTo('truncatedNormal', nextFloat(lax.stopGradient(hi), false), s);
    return lax.min(lax.max(out, floor), ceiling);
  });
}
