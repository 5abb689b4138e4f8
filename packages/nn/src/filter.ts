/**
 * Equinox's filtering helpers: split a model into the leaves a transformation should see and
 * the rest (`partition`), and put the halves back together (`combine`). The usual pattern is to
 * differentiate only the trainable parameters:
 *
 *   const [params, rest] = partition(model, isTrainable);
 *   const grads = grad((p) => loss(combine(p, rest), x, y))(params);
 *
 * A removed leaf becomes `null`, which pytrees treat as an empty subtree, so both halves keep the
 * model's classes and can be passed through `grad`, `jit` and optimizers.
 */
import { ValueError } from '@tensile/core';
import { Frozen } from './frozen.js';
import { split } from './internal/nodes.js';

/**
 * What selects leaves: a predicate on each leaf (a `Frozen` node is offered as one leaf), a
 * boolean for a whole subtree, or a pytree prefix of the model holding either (e.g. a mask made
 * with `tree.map` and `treeAt`).
 */
export type FilterSpec = boolean | ((leaf: unknown) => boolean) | object;

const isAbsent = (x: unknown): boolean => x === null || x === undefined;

/** A node the filters do not descend into: tensors, numbers, `Frozen` parameters, … */
function leafParts(x: unknown): ReturnType<typeof split> {
  return x instanceof Frozen ? undefined : split(x);
}

function select(x: unknown, spec: FilterSpec, keep: boolean): unknown {
  if (isAbsent(x)) return x;
  if (typeof spec === 'boolean') return spec === keep ? x : null;
  if (spec instanceof Frozen) return select(x, spec.value as FilterSpec, keep);
  if (typeof spec === 'function') {
    const parts = leafParts(x);
    if (!parts) return Boolean(spec(x)) === keep ? x : null;
    return parts.rebuild(parts.children.map((c) => select(c, spec, keep)));
  }
  const parts = leafParts(x);
  const specParts = split(spec);
  if (!parts || !specParts || specParts.children.length !== parts.children.length) {
    throw new ValueError(
      `partition: the filter pytree does not match the model here (model node ${describe(x)}, filter node ${describe(spec)})`,
    );
  }
  return parts.rebuild(
    parts.children.map((c, i) => select(c, specParts.children[i] as FilterSpec, keep)),
  );
}

function describe(x: unknown): string {
  if (x === null || typeof x !== 'object') return String(x);
  return Array.isArray(x) ? `array(${x.length})` : x.constructor.name;
}

/**
 * Split `t` into `[selected, rest]`: each has `t`'s structure with the other half's leaves
 * replaced by `null`.
 *
 * @example
 * const [params, frozen] = partition(model, isTrainable);
 * // by mask: train only the last layer of a sequential model
 * const mask = treeAt((m) => m.layers[2], tree.map(() => false, model), true);
 * const [head, body] = partition(model, mask);
 */
export function partition<T>(t: T, filter: FilterSpec): [T, T] {
  return [select(t, filter, true) as T, select(t, filter, false) as T];
}

function merge(nodes: readonly unknown[]): unknown {
  const present = nodes.filter((n) => !isAbsent(n));
  const first = present[0];
  if (first === undefined) return nodes[0] ?? null;
  const parts = leafParts(first);
  if (!parts) return first;
  const others = present.slice(1).map((n) => leafParts(n));
  return parts.rebuild(
    parts.children.map((c, i) =>
      merge([
        c,
        ...others.map((o) => {
          if (!o || o.children.length !== parts.children.length) {
            throw new ValueError(
              `combine: the trees have different structures (${describe(first)} vs a leaf or another node)`,
            );
          }
          return o.children[i];
        }),
      ]),
    ),
  );
}

/**
 * Merge trees of the same structure, taking each leaf from the first tree where it is not
 * `null`: the inverse of `partition`.
 *
 * @example
 * const model = combine(params, rest);
 */
export function combine<T>(...trees: readonly T[]): T {
  if (trees.length === 0) throw new ValueError('combine: needs at least one tree');
  return merge(trees) as T;
}
