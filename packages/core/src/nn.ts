/**
 * `nn`: functional neural-network ops (JAX's `jax.nn`): activations, softmax, logsumexp, oneHot.
 *
 * @example
 * import { nn } from '@tensile/core';
 * const p = nn.softmax(logits, { axis: -1 });
 */
export * from './internal/nn/index.js';
