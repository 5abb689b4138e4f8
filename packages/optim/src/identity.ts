/**
 * The two trivial transformations: `identity` (pass updates through) and `setToZero` (replace
 * them by zeros — the way to freeze parameters inside `multiTransform`). Both keep an empty state.
 */
import { np, type Tensor, tree } from '@tensile/core';
import type { GradientTransformation } from './types.js';

/** The state of a stateless transformation (Optax's `EmptyState`): an object with no leaves. */
export type EmptyState = Record<string, never>;

/**
 * Leave the updates unchanged (the returned updates are the input tensors themselves).
 *
 * @example
 * const opt = multiTransform({ raw: identity(), sgd: sgd(0.1) }, labels);
 */
export function identity(): GradientTransformation<EmptyState> {
  return {
    init: () => ({}),
    update: (updates, state) => [updates, state],
  };
}

/**
 * Replace every update by zeros of the same shape and dtype, so the parameters stay as they are.
 *
 * @example
 * // Freeze the encoder, train the head:
 * const opt = multiTransform({ frozen: setToZero(), train: adam(1e-3) },
 *                            { encoder: 'frozen', head: 'train' });
 */
export function setToZero(): GradientTransformation<EmptyState> {
  return {
    init: () => ({}),
    update: (updates, state) => [tree.map((u: Tensor) => np.zerosLike(u), updates), state],
  };
}
