/**
 * Frozen parameters. `freeze(model)` wraps each parameter in a `Frozen` node: the module still
 * reads the plain tensor (a module's field getter unwraps it), so the model computes exactly as
 * before, but the filtering helpers can tell the parameter apart:
 *
 * - `partition(model, isTrainable)` puts frozen parameters on the non-trainable side, so
 *   `grad` taken with respect to the trainable part never sees them;
 * - `trainableMask(model)` is a boolean pytree of the model's structure (`false` under `Frozen`)
 *   for optimizer masks and labels (e.g. @tensile/optim's `maskedTransform`/`multiTransform`).
 *
 * A `Frozen` node is a pytree node whose one child is the tensor, so `grad(loss)(model)` over the
 * *whole* model still differentiates frozen parameters (like JAX, freezing is a filtering
 * decision, not a property of the value): partition first, or mask the optimizer.
 */
import { isFloat, Tensor, tree } from '@tensile/core';
import { mapLeaves } from './internal/nodes.js';

/**
 * A parameter marked as not trainable. Module fields unwrap it automatically.
 *
 * @example
 * const frozen = freeze(model);
 * frozen.weight instanceof Tensor  // true: the getter unwraps the Frozen node
 */
export class Frozen<T = Tensor> {
  constructor(readonly value: T) {
    Object.freeze(this);
  }
}

tree.register(Frozen, {
  flatten: (f: Frozen<unknown>) => [[f.value], null],
  unflatten: (_aux, [value]) => new Frozen(value),
  // Transparent in paths: a frozen `weight` is still saved and loaded as `weight`.
  childNames: () => [''],
});

const isFrozenNode = (x: unknown): boolean => x instanceof Frozen;

/**
 * Mark every float tensor of `t` (a module or any pytree of modules) as frozen.
 *
 * @example
 * // fine-tune only the head of a pretrained model
 * const model2 = treeAt((m) => m.layers[0], model, freeze(model.layers[0]));
 */
export function freeze<T>(t: T): T {
  return mapLeaves(
    t,
    (leaf) => (leaf instanceof Tensor && isFloat(leaf.dtype) ? new Frozen(leaf) : leaf),
    isFrozenNode,
  ) as T;
}

/**
 * Remove every `Frozen` mark from `t`.
 *
 * @example
 * const trainableAgain = unfreeze(frozenModel);
 */
export function unfreeze<T>(t: T): T {
  return mapLeaves(t, (leaf) => (leaf instanceof Frozen ? leaf.value : leaf), isFrozenNode) as T;
}

/**
 * Filter for trainable parameters: float tensors that are not frozen. Use with `partition`.
 *
 * @example
 * const [params, rest] = partition(model, isTrainable);
 */
export function isTrainable(leaf: unknown): boolean {
  return leaf instanceof Tensor && isFloat(leaf.dtype);
}

/**
 * A pytree of the same structure as `t` (as `tree.map` sees it) with `true` at trainable
 * parameters and `false` elsewhere, including inside `Frozen` nodes. Use it as an optimizer mask,
 * or map it to labels for a multi-transform.
 *
 * @example
 * const labels = tree.map((trainable) => (trainable ? 'adam' : 'none'), trainableMask(model));
 */
export function trainableMask<T>(t: T): T {
  return mapLeaves(
    t,
    (leaf) => (leaf instanceof Frozen ? new Frozen(false) : isTrainable(leaf)),
    isFrozenNode,
  ) as T;
}
