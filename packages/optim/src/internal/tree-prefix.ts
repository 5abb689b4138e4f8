/**
 * Labels and masks are given as a *prefix* of the parameter pytree (JAX's tree-prefix rule): a
 * label at a node applies to every leaf below it, so `{ encoder: 'frozen', head: 'train' }` labels
 * whole sub-modules. This module expands such a prefix to one value per parameter leaf, and
 * builds/merges the partial trees that masked transformations work on.
 */
import { tree, ValueError } from '@tensile/core';

type TreeDef = tree.TreeDef;

/**
 * One value per leaf of `full` (in `tree.flatten` order), taken from the leaf of `prefix` above it.
 * `null` in `prefix` must meet `null` in `full`. Throws a ValueError naming both structures when
 * `prefix` is not a prefix of `full`.
 *
 * @example
 * broadcastPrefix('multiTransform', { a: 'x', b: 'y' }, { a: [w1, w2], b: w3 });  // ['x','x','y']
 */
export function broadcastPrefix<L>(op: string, prefix: unknown, full: unknown): L[] {
  const [prefixLeaves, prefixDef] = tree.flatten<L>(prefix);
  const fullDef = tree.structure(full);
  const out: L[] = [];
  let next = 0;
  const walk = (p: TreeDef, f: TreeDef, path: string): void => {
    if (p.kind === 'leaf') {
      const value = prefixLeaves[next++] as L;
      for (let i = 0; i < f.numLeaves; i++) out.push(value);
      return;
    }
    const sameNode =
      p.kind === f.kind &&
      p.children.length === f.children.length &&
      p.keys.join('\u0000') === f.keys.join('\u0000') &&
      p.nodeClass === f.nodeClass;
    if (!sameNode) {
      throw new ValueError(
        `${op}: the labels/mask ${prefixDef} are not a prefix of the parameters ${fullDef} ` +
          `(mismatch at ${path || 'the root'}: ${p} vs ${f})`,
      );
    }
    p.children.forEach((child, i) => {
      const key = p.kind === 'object' ? `.${p.keys[i]}` : `[${i}]`;
      walk(child, f.children[i] as TreeDef, path + key);
    });
  };
  walk(prefixDef, fullDef, '');
  return out;
}

/**
 * Boolean mask leaves for `full` from a boolean prefix (or a function of `full` returning one).
 *
 * @example
 * maskLeaves('maskedTransform', (p) => tree.map((x) => x.ndim > 1, p), params);
 */
export function maskLeaves(
  op: string,
  mask: unknown | ((tree: unknown) => unknown),
  full: unknown,
): boolean[] {
  const prefix = typeof mask === 'function' ? (mask as (t: unknown) => unknown)(full) : mask;
  const leaves = broadcastPrefix<unknown>(op, prefix, full);
  for (const leaf of leaves) {
    if (typeof leaf !== 'boolean') {
      throw new ValueError(`${op}: mask leaves must be booleans, got ${String(leaf)}`);
    }
  }
  return leaves as boolean[];
}

/**
 * `t` with every leaf whose `keep` flag is false replaced by `null` (so it has no leaves there).
 * Returns `undefined` unchanged (an absent `params`).
 *
 * @example
 * selectLeaves({ a: x, b: y }, [true, false]);  // { a: x, b: null }
 */
export function selectLeaves(t: unknown, keep: readonly boolean[]): unknown {
  if (t === undefined) return undefined;
  const [leaves, def] = tree.flatten(t);
  return tree.unflatten(
    def,
    leaves.map((leaf, i) => (keep[i] ? leaf : null)),
  );
}

/**
 * `full` with its kept leaves replaced, in order, by the leaves of `partial` (a tree built by
 * `selectLeaves(full, keep)` and transformed).
 *
 * @example
 * mergeLeaves(grads, [true, false], transformedPart);
 */
export function mergeLeaves(full: unknown, keep: readonly boolean[], partial: unknown): unknown {
  const [leaves, def] = tree.flatten(full);
  const replacements = tree.leaves(partial);
  let next = 0;
  return tree.unflatten(
    def,
    leaves.map((leaf, i) => (keep[i] ? replacements[next++] : leaf)),
  );
}
