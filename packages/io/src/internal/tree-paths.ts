/**
 * Names for the tensor leaves of a pytree: the rule behind `flattenWithPaths` and
 * `unflattenFromPaths`, built only on core's public `tree.flatten`, so leaf order and structure
 * are exactly core's.
 *
 * A leaf's name is the dotted path of keys from the root:
 *   - plain object → the key (`tree.flatten` visits keys sorted);
 *   - array → the index;
 *   - registered class → the name of the instance's own field that holds the child (the field
 *     whose value flattens to the same structure with the same leaves, compared by identity);
 *     when a child holding tensors matches no field, several fields, or a field already used,
 *     every child of that node is named by its position instead (`0`, `1`, …);
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

const NO_VALUE = Symbol('no value');

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

  const walk = (value: unknown, node: TreeDef, path: readonly string[]): void => {
    switch (node.kind) {
      case 'leaf':
        names.push(isSlot(leaves[next++]) ? path.join('.') : undefined);
        return;
      case 'null':
      case 'undefined':
        return;
      case 'array':
      case 'object':
        node.children.forEach((child, i) => {
          const key = node.kind === 'array' ? i : (node.keys[i] as string);
          const childValue =
            value === NO_VALUE ? NO_VALUE : (value as Record<string | number, unknown>)[key];
          walk(childValue, child, [...path, String(key)]);
        });
        return;
      case 'custom': {
        const fields = fieldNames(value, node, leaves, next);
        node.children.forEach((child, i) => {
          const field = fields?.[i];
          const childValue =
            field === undefined ? NO_VALUE : (value as Record<string, unknown>)[field];
          walk(childValue, child, [...path, field ?? String(i)]);
        });
        return;
      }
    }
  };
  walk(pytree, def, prefix === undefined ? [] : [prefix]);

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

/**
 * Field names of a registered-class instance's children, or `undefined` to name them by position.
 * Children without slots get `undefined` (their names never appear).
 */
function fieldNames(
  instance: unknown,
  node: TreeDef,
  leaves: readonly unknown[],
  firstLeaf: number,
): (string | undefined)[] | undefined {
  if (instance === NO_VALUE || typeof instance !== 'object' || instance === null) return undefined;
  const fields = Object.entries(instance).map(
    ([key, value]) => [key, tree.flatten(value)] as const,
  );
  const used = new Set<string>();
  const names: (string | undefined)[] = [];
  let offset = firstLeaf;
  for (const child of node.children) {
    const own = leaves.slice(offset, offset + child.numLeaves);
    offset += child.numLeaves;
    if (!own.some(isSlot)) {
      names.push(undefined);
      continue;
    }
    const matches = fields.filter(
      ([, [fieldLeaves, fieldDef]]) =>
        fieldDef.equals(child) && fieldLeaves.every((leaf, j) => leaf === own[j]),
    );
    const key = matches.length === 1 ? matches[0]?.[0] : undefined;
    if (key === undefined || used.has(key)) return undefined;
    used.add(key);
    names.push(key);
  }
  return names;
}
