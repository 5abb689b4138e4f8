/**
 * `applyUpdates`: the one place updates touch parameters (`params + updates`, leaf by leaf,
 * keeping each parameter's dtype), as Optax's `apply_updates`.
 */
import { scope, type Tensor, tree } from '@tensile/core';
import type { Params, Updates } from './types.js';

/**
 * `params + updates` for every leaf, cast back to each parameter's dtype. Both trees must have
 * the same structure. Returns new tensors; the inputs are not disposed.
 *
 * @example
 * const [updates, nextState] = opt.update(grads, state, params);
 * const nextParams = applyUpdates(params, updates);
 */
export function applyUpdates<P extends Params>(params: P, updates: Updates): P {
  return scope(() =>
    tree.map(
      (p: Tensor, u: Tensor) => {
        const sum = p.add(u);
        return sum.dtype === p.dtype ? sum : sum.astype(p.dtype);
      },
      params,
      [updates],
    ),
  );
}
