/**
 * `np`: the NumPy-style API (JAX's `jax.numpy`), with broadcasting and JAX's type promotion.
 *
 * @example
 * import { np } from '@tensile/core';
 * const x = np.arange(6).reshape([2, 3]);
 * np.sum(x, { axis: 1 });  // [3, 12]
 */
export * from './internal/numpy/index.js';
