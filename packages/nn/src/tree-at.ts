/**
 * `treeAt`: the functional update of an immutable model (Equinox's `tree_at`). `where` reads the
 * node(s) to replace, e.g. `(m) => m.layers[0].weight`; the result is a new model sharing every
 * other node with the old one. This is how to load pretrained weights, swap an initializer,
 * freeze a sub-module or build filter masks.
 */
import { ValueError } from '@tensile/core';
import { split } from './internal/nodes.js';

/** Stands for one node of the tree while `where` runs, so every node is a distinct object. */
class Slot {
  constructor(readonly path: readonly number[]) {}
}

/**
 * A copy of `x` in which every leaf (and every `null`) is a `Slot` and every container is a new
 * object; `paths` maps each node of the copy to its path of child indices.
 */
function structuralCopy(x: unknown, path: number[], paths: Map<unknown, number[]>): unknown {
  const parts = split(x);
  const copy = parts
    ? parts.rebuild(parts.children.map((c, i) => structuralCopy(c, [...path, i], paths)))
    : new Slot(path);
  paths.set(copy, path);
  return copy;
}

function replaceAt(x: unknown, path: readonly number[], value: unknown): unknown {
  if (path.length === 0) return value;
  const parts = split(x) as NonNullable<ReturnType<typeof split>>;
  const [head, ...rest] = path as [number, ...number[]];
  const children = [...parts.children];
  children[head] = replaceAt(children[head], rest, value);
  return parts.rebuild(children);
}

/**
 * Replace the node(s) that `where` selects. `where` may return one node or an array of nodes (then
 * `replace` is an array of the same length). Nodes are selected by reading fields, array elements
 * and object properties; values computed from them cannot be selected. `null` fields (e.g. a
 * missing bias) can be selected and replaced.
 *
 * @example
 * const m2 = treeAt((m) => m.weight, linearLayer, np.zeros([4, 3]));
 * const m3 = treeAt((m) => [m.layers[0].bias, m.layers[2].bias], model, [b0, b2]);
 */
export function treeAt<T>(where: (t: T) => unknown, t: T, replace: unknown): T {
  const paths = new Map<unknown, number[]>();
  const copy = structuralCopy(t, [], paths);
  let selected: unknown;
  try {
    selected = where(copy as T);
  } catch (e) {
    throw new ValueError(
      `treeAt: where() failed on the model's structure (${(e as Error).message}); it must only read fields, elements and properties`,
    );
  }
  const nodes = paths.has(selected) ? [selected] : Array.isArray(selected) ? selected : [selected];
  const targets = nodes.map((node, i) => {
    const path = paths.get(node);
    if (!path) {
      throw new ValueError(
        `treeAt: where() returned ${nodes.length > 1 ? `as node ${i} ` : ''}something that is not a node of the tree (a computed value or a static field?)`,
      );
    }
    return path;
  });
  const single = paths.has(selected);
  if (!single && (!Array.isArray(replace) || replace.length !== targets.length)) {
    throw new ValueError(
      `treeAt: where() selected ${targets.length} nodes, so replace must be an array of ${targets.length} values`,
    );
  }
  let out: unknown = t;
  targets.forEach((path, i) => {
    out = replaceAt(out, path, single ? replace : (replace as unknown[])[i]);
  });
  return out as T;
}
