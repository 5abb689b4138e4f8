/**
 * The `nn` namespace (JAX's `jax.nn`): activations, softmax-style
 * normalisation and `oneHot`.
 */
export {
  celu,
  elu,
  gelu,
  hardSigmoid,
  hardSilu,
  hardSwish,
  hardTanh,
  leakyRelu,
  logSigmoid,
  relu,
  relu6,
  selu,
  sigmoid,
  silu,
  softplus,
  softSign,
  swish,
  tanh,
} from './activations.js';
export { oneHot } from './one-hot.js';
export { type AxisOptions, logSoftmax, logsumexp, softmax, standardize } from './softmax.js';
