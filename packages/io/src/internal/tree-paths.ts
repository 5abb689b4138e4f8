/**
 * Names for the tensor leaves of a pytree: the rule behind `flattenWithPaths` and
 * `unflattenFromPaths`, built only on core's public `tree.flatten`, so leaf order and structure
 * are exactly core's.
 *
 * A leaf's name is the dotted path of keys from the root:
 *   - plain object → the key (`tree.flatten` visits keys sorted);
 *   - array → the index;
 *   - registered class → the child's name from its registration's `childNames` (e.g. the field
 *     names of an nn module), or its position (`0`, `1`, …) when the class declares none; an empty
 *     name adds no path segment (a transparent wrapper such as a frozen parameter);
 *   - a `prefix`, when given, comes first (`params.layers.0.weight`).
 * Only tensor leaves get names — "slots"; in templates a `ShapedArray` is a slot too. Other
 * leaves (numbers, strings, booleans) are static configuration and get none; `null`/`undefined`
 * are structure. Two leaves that end up with the same name (possible when keys contain dots) are
 * an error rather than a silent overwrite.
 */
import { ShapedArray, Tensor, tree, ValueError } from '@tensile/core';

type TreeDef = tree.TreeDef;

/** A pytree's leaves, structure and, per leaf, its name (`undefined` for non-slot leaves). */
export interface NamedLeaves {
  readonly leaves: unknown[];
  readonly def: TreeDef;
  readonly names: (string | undefined)[];
}

/**
 * True for leaves that stand for a tensor: tensors, and `ShapedArray`s in templates.
 *
 * @example
 * isSlot(new ShapedArray([2], 'float32'))  // true
 * isSlot(3)                                // false
 */
export function isSlot(leaf: unknown): leaf is Tensor | ShapedArray {
  return leaf instanceof Tensor || leaf instanceof ShapedArray;
}

/**
 * Flatten `pytree` and name each slot leaf by the rule above.
 *
 * @example
 * nameLeaves({ layers: [{ w }] }, 'params', 'flattenWithPaths').names  // ['params.layers.0.w']
 */
export function nameLeaves(pytree: unknown, prefix: string | undefined, who: string): NamedLeaves {
  const [leaves, def] = tree.flatten(pytree);
  const names: (string | undefined)[] = [];
  let next = 0;

  const walk = (node: TreeDef, path: readonly string[]): void => {
    switch (node.kind) {
      case 'leaf':
        names.push(isSlot(leaves[next++]) ? path.join('.') : undefined);
        return;
      case 'null':
      case 'undefined':
        return;
      case 'array':
      case 'object':
      case 'custom':
        // Registered classes name their children with `childNames` (positions otherwise); an
        // empty name is a transparent wrapper (e.g. a frozen parameter keeps its own name).
        node.children.forEach((child, i) => {
          const key = node.kind === 'array' ? String(i) : (node.keys[i] ?? String(i));
          walk(child, key === '' ? path : [...path, key]);
        });
        return;
    }
  };
  walk(def, prefix === undefined ? [] : [prefix]);

  const seen = new Set<string>();
  for (const name of names) {
    if (name === undefined) continue;
    if (name === '') {
      throw new ValueError(
        `${who}: a tensor at the root of the tree needs a name: pass { prefix }`,
      );
    }
    if (seen.has(name)) {
      throw new ValueError(
        `${who}: two tensors get the name '${name}' (object keys that contain '.' can collide)`,
      );
    }
    seen.add(name);
  }
  return { leaves, def, names };
}
