/**
 * Normalising over an axis: `logsumexp`, `softmax`, `logSoftmax` and
 * `standardize`. All subtract the (gradient-stopped) maximum first, as JAX
 * does, so logits of ±1000 give exact finite results.
 */
import type { Tensor, TensorLike } from '../core/tensor.js';
import * as lax from '../lax/primitive-ops.js';
import { freeIntermediates } from '../numpy/intermediates.js';
import { asTensor, constantLike, toFloat } from '../numpy/promotion.js';
import { normalizeAxes } from '../shape.js';

/** An axis or axes to normalise over. */
export interface AxisOptions {
  /** Default -1 (the last axis); a list normalises over several. */
  axis?: number | readonly number[];
}

function keepDims(y: Tensor, shape: readonly number[], axes: readonly number[]): Tensor {
  return lax.reshape(
    y,
    shape.map((d, i) => (axes.includes(i) ? 1 : d)),
  );
}

function broadcastBack(y: Tensor, shape: readonly number[], axes: readonly number[]): Tensor {
  return lax.broadcastInDim(
    y,
    shape,
    shape.flatMap((_, i) => (axes.includes(i) ? [] : [i])),
  );
}

/** The max over `axes` (0 where it is not finite), gradient-stopped: reduced and broadcast back. */
function stableShift(a: Tensor, axes: readonly number[]): { reduced: Tensor; full: Tensor } {
  const peak = lax.reduce('max', a, axes);
  const finite = lax.unary('isFinite', peak);
  const reduced = lax.stopGradient(lax.select(finite, peak, constantLike(peak, 0)));
  return { reduced, full: broadcastBack(reduced, a.shape, axes) };
}

/**
 * `log(sum(exp(x)))` over `axis` (all axes by default), without overflow.
 *
 * @example
 * nn.logsumexp(np.array([1000, 1000]))                       // 1000.6931
 * nn.logsumexp(x, { axis: -1, keepdims: true })
 */
export function logsumexp(
  x: TensorLike,
  options: { axis?: number | readonly number[] | null; keepdims?: boolean } = {},
): Tensor {
  return freeIntermediates(() => {
    const a = toFloat(asTensor('logsumexp', x));
    const axes = normalizeAxes('logsumexp', options.axis, a.ndim);
    const shift = stableShift(a, axes);
    const total = lax.reduce('sum', lax.exp(lax.sub(a, shift.full)), axes);
    const out = lax.add(lax.log(total), shift.reduced);
    return options.keepdims ? keepDims(out, a.shape, axes) : out;
  });
}

/**
 * `exp(x) / sum(exp(x))` over `axis` (default -1).
 *
 * @example
 * nn.softmax(np.array([1, 2, 3]))  // [0.0900, 0.2447, 0.6652]
 */
export function softmax(x: TensorLike, options: AxisOptions = {}): Tensor {
  return freeIntermediates(() => {
    const a = toFloat(asTensor('softmax', x));
    const axes = normalizeAxes('softmax', options.axis ?? -1, a.ndim);
    const unnormalized = lax.exp(lax.sub(a, stableShift(a, axes).full));
    const total = broadcastBack(lax.reduce('sum', unnormalized, axes), a.shape, axes);
    return lax.div(unnormalized, total);
  });
}

/**
 * `x - logsumexp(x)` over `axis` (default -1): log-probabilities from logits.
 *
 * @example
 * nn.logSoftmax(np.array([1000, 0]))  // [0, -1000]
 */
export function logSoftmax(x: TensorLike, options: AxisOptions = {}): Tensor {
  return freeIntermediates(() => {
    const a = toFloat(asTensor('logSoftmax', x));
    const axes = normalizeAxes('logSoftmax', options.axis ?? -1, a.ndim);
    const shifted = lax.sub(a, stableShift(a, axes).full);
    const total = lax.reduce('sum', lax.exp(shifted), axes);
    return lax.sub(shifted, broadcastBack(lax.log(total), a.shape, axes));
  });
}

/**
 * `(x - mean) / sqrt(variance + epsilon)` over `axis` (default -1).
 *
 * @example
 * nn.standardize(np.array([1, 2, 3]))  // [-1.2247, 0, 1.2247]
 */
export function standardize(
  x: TensorLike,
  options: AxisOptions & { epsilon?: number } = {},
): Tensor {
  return freeIntermediates(() => {
    const a = toFloat(asTensor('standardize', x));
    const axes = normalizeAxes('standardize', options.axis ?? -1, a.ndim);
    const count = axes.reduce((n, i) => n * (a.shape[i] as number), 1);
    const meanOf = (t: Tensor) => {
      const s = lax.reduce('sum', t, axes);
      return broadcastBack(lax.div(s, constantLike(s, count)), a.shape, axes);
    };
    const centered = lax.sub(a, meanOf(a));
    const variance = meanOf(lax.mul(centered, centered));
    return lax.mul(
      centered,
      lax.rsqrt(lax.add(variance, constantLike(variance, options.epsilon ?? 1e-5))),
    );
  });
}
