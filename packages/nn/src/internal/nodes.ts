/**
 * One-level access to pytree nodes, which `tree.flatten` (always full depth) does not offer: the
 * children of an array, plain object or registered class, and how to rebuild that node from new
 * children. The filtering helpers (`partition`, `combine`, `treeAt`, `freeze`) walk trees with it
 * and can stop at nodes they treat as leaves (a `Frozen` parameter) or put `null` in place of a
 * subtree.
 */
import { tree } from '@tensile/core';

/** A container node split into its children and a function rebuilding it from new children. */
export interface Split {
  children: unknown[];
  rebuild: (children: readonly unknown[]) => unknown;
}

const leafDef = new tree.TreeDef('leaf');

function isPlainObject(x: object): x is Record<string, unknown> {
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/**
 * The children of `x` if it is a container (array, plain object, registered class); `undefined`
 * for leaves (tensors, numbers, unregistered objects) and for `null`/`undefined`.
 */
export function split(x: unknown): Split | undefined {
  if (x === null || typeof x !== 'object') return undefined;
  if (Array.isArray(x)) return { children: [...x], rebuild: (c) => [...c] };
  if (isPlainObject(x)) {
    const keys = Object.keys(x).sort();
    return {
      children: keys.map((k) => x[k]),
      rebuild: (c) => Object.fromEntries(keys.map((k, i) => [k, c[i]])),
    };
  }
  const [leaves, def] = tree.flatten(x);
  if (def.kind !== 'custom') return undefined;
  let offset = 0;
  const children = def.children.map((childDef) => {
    const n = childDef.numLeaves;
    const child = tree.unflatten(childDef, leaves.slice(offset, offset + n));
    offset += n;
    return child;
  });
  return {
    children,
    rebuild: (c) =>
      tree.unflatten(
        new tree.TreeDef(
          'custom',
          c.map(() => leafDef),
          [],
          def.nodeClass,
          def.aux,
        ),
        c,
      ),
  };
}

/**
 * Rebuild `x` with every leaf replaced by `fn(leaf)`; `isLeaf` nodes count as leaves and
 * `null`/`undefined` stay as they are.
 */
export function mapLeaves(
  x: unknown,
  fn: (leaf: unknown) => unknown,
  isLeaf: (node: unknown) => boolean = () => false,
): unknown {
  if (x === null || x === undefined) return x;
  const parts = isLeaf(x) ? undefined : split(x);
  if (!parts) return fn(x);
  return parts.rebuild(parts.children.map((c) => mapLeaves(c, fn, isLeaf)));
}
