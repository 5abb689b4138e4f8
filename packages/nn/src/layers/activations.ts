/**
 * Activations as layers, so they can sit in `sequential`. One parameterless `Activation` module
 * class holds the function's name and options as static data; the per-name objects (`relu`,
 * `gelu`, …) give each the usual `init`/`apply` pair. The functions themselves are core's `nn`
 * ops; `gelu` defaults to the exact form, as PyTorch's `nn.GELU` (core's `nn.gelu` defaults to
 * the tanh approximation, as JAX).
 */
import { nn as F, scope, type Tensor } from '@tensile/core';
import { defineModule, Module } from '../module.js';

/** Options an activation may take. */
export interface ActivationOptions {
  /** `leakyRelu`: slope for x < 0 (default 0.01). */
  negativeSlope?: number;
  /** `gelu`: tanh approximation instead of the exact erf form (default false). */
  approximate?: boolean;
  /** `elu`/`celu`: scale of the negative part (default 1). */
  alpha?: number;
  /** `softmax`/`logSoftmax`: the axis to normalise (default -1). */
  axis?: number;
}

/** How each activation runs, by name. */
const functions = {
  relu: (x: Tensor) => F.relu(x),
  relu6: (x: Tensor) => F.relu6(x),
  gelu: (x: Tensor, o: ActivationOptions) => F.gelu(x, { approximate: o.approximate ?? false }),
  tanh: (x: Tensor) => F.tanh(x),
  sigmoid: (x: Tensor) => F.sigmoid(x),
  leakyRelu: (x: Tensor, o: ActivationOptions) =>
    F.leakyRelu(x, { negativeSlope: o.negativeSlope ?? 0.01 }),
  elu: (x: Tensor, o: ActivationOptions) => F.elu(x, { alpha: o.alpha ?? 1 }),
  celu: (x: Tensor, o: ActivationOptions) => F.celu(x, { alpha: o.alpha ?? 1 }),
  selu: (x: Tensor) => F.selu(x),
  silu: (x: Tensor) => F.silu(x),
  softplus: (x: Tensor) => F.softplus(x),
  logSigmoid: (x: Tensor) => F.logSigmoid(x),
  hardTanh: (x: Tensor) => F.hardTanh(x),
  softmax: (x: Tensor, o: ActivationOptions) => F.softmax(x, { axis: o.axis ?? -1 }),
  logSoftmax: (x: Tensor, o: ActivationOptions) => F.logSoftmax(x, { axis: o.axis ?? -1 }),
} as const;

/** The name of an activation layer. */
export type ActivationName = keyof typeof functions;

/**
 * An activation layer: a name and its options.
 *
 * @example
 * const act = leakyRelu.init({ negativeSlope: 0.2 });
 * act.name  // 'leakyRelu'
 */
export class Activation extends Module {
  declare readonly name: ActivationName;
  declare readonly options: ActivationOptions;
}

const make = defineModule(Activation, {
  children: [],
  statics: ['name', 'options'],
  forward: (m, x) => [applyActivation(m, x), null],
});

function applyActivation(m: Activation, x: Tensor): Tensor {
  return scope(() => functions[m.name](x, m.options));
}

/** The `init`/`apply` pair of one activation. */
export interface ActivationLayer {
  /** An activation module. */
  init(options?: ActivationOptions): Activation;
  /** The activation of `x`. */
  apply(m: Activation, x: Tensor): Tensor;
}

function layer(name: ActivationName): ActivationLayer {
  return {
    init: (options = {}) => make({ name, options: { ...options } }),
    apply: applyActivation,
  };
}

/** ReLU layer. @example sequential([linear.init(k, cfg), relu.init()]) */
export const relu = layer('relu');
/** ReLU6 layer. @example relu6.init() */
export const relu6 = layer('relu6');
/** GELU layer (exact by default, `{ approximate: true }` for tanh). @example gelu.init() */
export const gelu = layer('gelu');
/** Tanh layer. @example tanh.init() */
export const tanh = layer('tanh');
/** Sigmoid layer. @example sigmoid.init() */
export const sigmoid = layer('sigmoid');
/** Leaky ReLU layer. @example leakyRelu.init({ negativeSlope: 0.2 }) */
export const leakyRelu = layer('leakyRelu');
/** ELU layer. @example elu.init({ alpha: 1 }) */
export const elu = layer('elu');
/** CELU layer. @example celu.init({ alpha: 1 }) */
export const celu = layer('celu');
/** SELU layer. @example selu.init() */
export const selu = layer('selu');
/** SiLU (swish) layer. @example silu.init() */
export const silu = layer('silu');
/** Softplus layer. @example softplus.init() */
export const softplus = layer('softplus');
/** Log-sigmoid layer. @example logSigmoid.init() */
export const logSigmoid = layer('logSigmoid');
/** Hard-tanh layer. @example hardTanh.init() */
export const hardTanh = layer('hardTanh');
/** Softmax layer over `axis` (default -1). @example softmax.init({ axis: 1 }) */
export const softmax = layer('softmax');
/** Log-softmax layer over `axis` (default -1). @example logSoftmax.init() */
export const logSoftmax = layer('logSoftmax');
