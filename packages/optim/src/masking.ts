/**
 * Apply a transformation to part of the parameters: `maskedTransform` (one inner transformation on
 * the leaves a boolean mask selects, the rest passed through) and `multiTransform` (Optax's
 * `multi_transform`/`partition`: one transformation per label, e.g. freeze a backbone with
 * `setToZero()` or give it a smaller learning rate). Masks and labels are prefixes of the
 * parameter tree (a label on a sub-module applies to all its leaves) or functions of the tree.
 */
import { scope, ValueError } from '@tensile/core';
import { broadcastPrefix, maskLeaves, mergeLeaves, selectLeaves } from './internal/tree-prefix.js';
import type { GradientTransformation, OptState, Params, Updates } from './types.js';

/** A pytree prefix of booleans, or a function of the parameters (or updates) returning one. */
export type Mask = unknown | ((tree: unknown) => unknown);

/** A pytree prefix of string labels, or a function of the parameters (or updates) returning one. */
export type Labels = unknown | ((tree: unknown) => unknown);

/** The state of `maskedTransform`: the inner state (built on the selected leaves only). */
export interface MaskedState<S extends OptState = OptState> {
  inner: S;
}

/** The state of `multiTransform`: one inner state per label. */
export interface MultiTransformState {
  inner: Record<string, OptState>;
}

function updateSelected(
  transform: GradientTransformation,
  keep: readonly boolean[],
  updates: Updates,
  state: OptState,
  params: Params | undefined,
): [Updates, OptState] {
  const [partial, next] = transform.update(
    selectLeaves(updates, keep),
    state,
    selectLeaves(params, keep),
  );
  return [mergeLeaves(updates, keep, partial), next];
}

/**
 * Run `inner` on the leaves where `mask` is true; the other updates pass through unchanged (they
 * are *not* zeroed — use `multiTransform` with `setToZero()` to freeze). The inner transformation
 * sees the tree with unselected leaves replaced by `null`. A function mask is called with the
 * params in `init` and with the updates in `update` (as Optax).
 *
 * @example
 * // Weight decay on matrices only, not on biases:
 * const decay = maskedTransform(addDecayedWeights(1e-4), (p) => tree.map((x) => x.ndim > 1, p));
 */
export function maskedTransform<S extends OptState>(
  inner: GradientTransformation<S>,
  mask: Mask,
): GradientTransformation<MaskedState<S>> {
  return {
    init: (params) => ({
      inner: inner.init(selectLeaves(params, maskLeaves('maskedTransform', mask, params))),
    }),
    update: (updates, state, params) =>
      scope(() => {
        const keep = maskLeaves('maskedTransform', mask, updates);
        const [u, s] = updateSelected(
          inner as GradientTransformation,
          keep,
          updates,
          state.inner,
          params,
        );
        return [u, { inner: s as S }];
      }),
  };
}

function labelLeaves(
  labels: Labels,
  tree: unknown,
  transforms: Record<string, GradientTransformation>,
): string[] {
  const prefix = typeof labels === 'function' ? (labels as (t: unknown) => unknown)(tree) : labels;
  const leaves = broadcastPrefix<unknown>('multiTransform', prefix, tree);
  const known = Object.keys(transforms);
  for (const label of leaves) {
    if (typeof label !== 'string' || !Object.hasOwn(transforms, label)) {
      throw new ValueError(
        `multiTransform: label ${JSON.stringify(label)} has no transformation ` +
          `(known labels: ${known.map((k) => JSON.stringify(k)).join(', ')})`,
      );
    }
  }
  return leaves as string[];
}

/**
 * One transformation per label: each parameter leaf is updated by the transformation of its
 * label. `labels` is a pytree prefix of strings (or a function of the parameters returning one);
 * every label must be a key of `transforms`. Map a label to `setToZero()` to freeze its parameters.
 *
 * @example
 * const opt = multiTransform(
 *   { backbone: setToZero(), head: adam(1e-3), bias: sgd(1e-2) },
 *   { backbone: 'backbone', head: { w: 'head', b: 'bias' } },
 * );
 */
export function multiTransform(
  transforms: Record<string, GradientTransformation>,
  labels: Labels,
): GradientTransformation<MultiTransformState> {
  const names = Object.keys(transforms);
  if (names.length === 0) {
    throw new ValueError('multiTransform: needs at least one labelled transformation');
  }
  return {
    init: (params) => {
      const leafLabels = labelLeaves(labels, params, transforms);
      const inner: Record<string, OptState> = {};
      for (const name of names) {
        const keep = leafLabels.map((l) => l === name);
        inner[name] = (transforms[name] as GradientTransformation).init(selectLeaves(params, keep));
      }
      return { inner };
    },
    update: (updates, state, params) =>
      scope(() => {
        const leafLabels = labelLeaves(labels, updates, transforms);
        const inner: Record<string, OptState> = {};
        let current = updates;
        for (const name of names) {
          if (!Object.hasOwn(state.inner, name)) {
            throw new ValueError(
              `multiTransform: the state has no entry for label ${JSON.stringify(name)} ` +
                "(was it built by this transformation's init?)",
            );
          }
          const keep = leafLabels.map((l) => l === name);
          const [u, s] = updateSelected(
            transforms[name] as GradientTransformation,
            keep,
            current,
            state.inner[name],
            params,
          );
          current = u;
          inner[name] = s;
        }
        return [current, { inner }];
      }),
  };
}
