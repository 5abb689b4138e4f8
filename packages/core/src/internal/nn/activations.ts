/**
 * Elementwise activation functions (JAX's `jax.nn`): ReLU family, sigmoid
 * family, ELU family, GELU, SiLU and the hard approximations. They are
 * written in numerically stable forms (`softplus` as `logaddexp(x, 0)`,
 * `logSigmoid` as `-softplus(-x)`, GELU's tanh form as `x·σ(2z)`) so that
 * extreme inputs give finite values and gradients wherever the true ones
 * are finite.
 */
import type { Tensor, TensorLike } from '../core/tensor.js';
import * as lax from '../lax/primitive-ops.js';
import { logaddexp } from '../numpy/elementwise.js';
import { freeIntermediates } from '../numpy/intermediates.js';
import { asTensor, constantLike, toFloat } from '../numpy/promotion.js';

function floatInput(op: string, x: TensorLike): Tensor {
  return toFloat(asTensor(op, x));
}

/**
 * `max(x, 0)`; the derivative at 0 is 0 (as JAX), NaN stays NaN.
 *
 * @example
 * nn.relu(np.array([-1, 0, 2]))  // [0, 0, 2]
 */
export function relu(x: TensorLike): Tensor {
  return freeIntermediates(() => {
    const a = asTensor('relu', x);
    const zero = constantLike(a, 0);
    return lax.select(lax.le(a, zero), zero, a);
  });
}

/**
 * `min(max(x, 0), 6)`; derivative 0 at both kinks.
 *
 * @example
 * nn.relu6(np.array([-1, 3, 9]))  // [0, 3, 6]
 */
export function relu6(x: TensorLike): Tensor {
  return freeIntermediates(() => {
    const a = asTensor('relu6', x);
    const zero = constantLike(a, 0);
    const six = constantLike(a, 6);
    return lax.select(lax.le(a, zero), zero, lax.select(lax.ge(a, six), six, a));
  });
}

/**
 * Logistic sigmoid `1 / (1 + exp(-x))`.
 *
 * @example
 * nn.sigmoid(np.array([0]))  // [0.5]
 */
export function sigmoid(x: TensorLike): Tensor {
  return freeIntermediates(() => lax.logistic(floatInput('sigmoid', x)));
}

/**
 * `log(1 + exp(x))`, computed as `logaddexp(x, 0)` (no overflow, accurate for large |x|).
 *
 * @example
 * nn.softplus(np.array([0, 100]))  // [0.6931, 100]
 */
export function softplus(x: TensorLike): Tensor {
  return freeIntermediates(() => logaddexp(floatInput('softplus', x), 0));
}

/**
 * `log(sigmoid(x))`, computed as `-softplus(-x)`.
 *
 * @example
 * nn.logSigmoid(np.array([-100]))  // [-100]
 */
export function logSigmoid(x: TensorLike): Tensor {
  return freeIntermediates(() => lax.neg(softplus(lax.neg(floatInput('logSigmoid', x)))));
}

/**
 * Hyperbolic tangent.
 *
 * @example
 * nn.tanh(np.array([0]))  // [0]
 */
export function tanh(x: TensorLike): Tensor {
  return freeIntermediates(() => lax.tanh(floatInput('tanh', x)));
}

/**
 * `x / (|x| + 1)`.
 *
 * @example
 * nn.softSign(np.array([1]))  // [0.5]
 */
export function softSign(x: TensorLike): Tensor {
  return freeIntermediates(() => {
    const a = floatInput('softSign', x);
    return lax.div(a, lax.add(lax.abs(a), constantLike(a, 1)));
  });
}

/**
 * SiLU (swish): `x * sigmoid(x)`.
 *
 * @example
 * nn.silu(np.array([0, 1]))  // [0, 0.7311]
 */
export function silu(x: TensorLike): Tensor {
  return freeIntermediates(() => {
    const a = floatInput('silu', x);
    return lax.mul(a, lax.logistic(a));
  });
}

/**
 * Alias of `silu`.
 *
 * @example
 * nn.swish(x)
 */
export const swish = silu;

/**
 * `x` for `x >= 0`, `negativeSlope * x` otherwise (default slope 0.01).
 *
 * @example
 * nn.leakyRelu(np.array([-10, 5]))                          // [-0.1, 5]
 * nn.leakyRelu(np.array([-10]), { negativeSlope: 0.2 })     // [-2]
 */
export function leakyRelu(x: TensorLike, options: { negativeSlope?: number } = {}): Tensor {
  return freeIntermediates(() => {
    const a = floatInput('leakyRelu', x);
    return lax.select(
      lax.ge(a, constantLike(a, 0)),
      a,
      lax.mul(a, constantLike(a, options.negativeSlope ?? 0.01)),
    );
  });
}

/**
 * Exponential linear unit: `x` for `x > 0`, `alpha * (exp(x) - 1)` otherwise (default alpha 1).
 *
 * @example
 * nn.elu(np.array([-100, 2]))  // [-1, 2]
 */
export function elu(x: TensorLike, options: { alpha?: number } = {}): Tensor {
  return freeIntermediates(() => {
    const a = floatInput('elu', x);
    const zero = constantLike(a, 0);
    const positive = lax.gt(a, zero);
    // Keep exp away from large positive inputs so neither branch overflows.
    const safe = lax.select(positive, zero, a);
    return lax.select(
      positive,
      a,
      lax.mul(constantLike(a, options.alpha ?? 1), lax.unary('expm1', safe)),
    );
  });
}

/**
 * Continuously differentiable ELU: `max(x, 0) + alpha * expm1(min(x, 0) / alpha)`.
 *
 * @example
 * nn.celu(np.array([-1, 1]), { alpha: 2 })
 */
export function celu(x: TensorLike, options: { alpha?: number } = {}): Tensor {
  return freeIntermediates(() => {
    const a = floatInput('celu', x);
    const alpha = constantLike(a, options.alpha ?? 1);
    const zero = constantLike(a, 0);
    return lax.add(
      lax.max(a, zero),
      lax.mul(alpha, lax.unary('expm1', lax.div(lax.min(a, zero), alpha))),
    );
  });
}

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/**
 * Scaled ELU with the self-normalising constants (α ≈ 1.6733, λ ≈ 1.0507).
 *
 * @example
 * nn.selu(np.array([1]))  // [1.0507]
 */
export function selu(x: TensorLike): Tensor {
  return freeIntermediates(() => {
    const e = elu(floatInput('selu', x), { alpha: SELU_ALPHA });
    return lax.mul(e, constantLike(e, SELU_SCALE));
  });
}

/**
 * Gaussian error linear unit. `approximate: true` (default, as JAX) uses the tanh form
 * `x · σ(2·√(2/π)·(x + 0.044715x³))`; `false` the exact `x/2 · (1 + erf(x/√2))`.
 *
 * @example
 * nn.gelu(np.array([1]))                          // [0.8412]
 * nn.gelu(np.array([1]), { approximate: false })  // [0.8413]
 */
export function gelu(x: TensorLike, options: { approximate?: boolean } = {}): Tensor {
  return freeIntermediates(() => {
    const a = floatInput('gelu', x);
    if (options.approximate ?? true) {
      const cube = lax.mul(lax.mul(a, a), a);
      const inner = lax.add(a, lax.mul(constantLike(a, 0.044715), cube));
      const z = lax.mul(constantLike(a, 2 * Math.sqrt(2 / Math.PI)), inner);
      return lax.mul(a, lax.logistic(z));
    }
    const cdf = lax.add(
      constantLike(a, 1),
      lax.unary('erf', lax.mul(a, constantLike(a, Math.SQRT1_2))),
    );
    return lax.mul(lax.mul(a, constantLike(a, 0.5)), cdf);
  });
}

/**
 * `-1` below -1, `1` above 1, `x` between.
 *
 * @example
 * nn.hardTanh(np.array([-3, 0.5, 3]))  // [-1, 0.5, 1]
 */
export function hardTanh(x: TensorLike): Tensor {
  return freeIntermediates(() => {
    const a = floatInput('hardTanh', x);
    const one = constantLike(a, 1);
    const minusOne = constantLike(a, -1);
    return lax.select(lax.gt(a, one), one, lax.select(lax.lt(a, minusOne), minusOne, a));
  });
}

/**
 * Piecewise-linear sigmoid: `relu6(x + 3) / 6`.
 *
 * @example
 * nn.hardSigmoid(np.array([0]))  // [0.5]
 */
export function hardSigmoid(x: TensorLike): Tensor {
  return freeIntermediates(() => {
    const a = floatInput('hardSigmoid', x);
    const r = relu6(lax.add(a, constantLike(a, 3)));
    return lax.div(r, constantLike(r, 6));
  });
}

/**
 * Piecewise-quadratic SiLU: `x * hardSigmoid(x)`.
 *
 * @example
 * nn.hardSilu(np.array([1]))  // [0.6667]
 */
export function hardSilu(x: TensorLike): Tensor {
  return freeIntermediates(() => {
    const a = floatInput('hardSilu', x);
    return lax.mul(a, hardSigmoid(a));
  });
}

/**
 * Alias of `hardSilu`.
 *
 * @example
 * nn.hardSwish(x)
 */
export const hardSwish = hardSilu;
