/**
 * `tree`: pytree utilities (JAX's `jax.tree`).
 *
 * @example
 * import { tree } from '@tensile/core';
 * const zeros = tree.map((p) => np.zerosLike(p), params);
 */
export {
  dispose,
  flatten,
  leaves,
  map,
  type PytreeNodeDef,
  register,
  structure,
  TreeDef,
  unflatten,
} from './internal/tree/pytree.js';
