/**
 * Pytrees: nested arrays, plain objects, `null`/`undefined` and registered
 * classes whose leaves are tensors (or numbers). Transforms flatten their
 * arguments and results through this module, so parameters, optimizer state
 * and Equinox-style modules can be passed around as one value.
 */
import { Tensor } from '../core/tensor.js';
import { ValueError } from '../errors.js';

/** How a registered class splits into children and static data, and back. */
export interface PytreeNodeDef<T, Aux = unknown> {
  flatten(node: T): [children: unknown[], aux: Aux];
  unflatten(aux: Aux, children: unknown[]): T;
  /**
   * Names of the children (e.g. field names), used for paths such as `layers.0.weight` in
   * checkpoints. An empty name makes the node transparent in paths (a wrapper). Default: positions.
   */
  childNames?(aux: Aux): readonly string[];
}

// biome-ignore lint/suspicious/noExplicitAny: a registry of arbitrary classes
type AnyClass = abstract new (...args: any[]) => unknown;
const registry = new Map<AnyClass, PytreeNodeDef<unknown>>();

/**
 * Register a class as a pytree node, so transforms look inside its instances.
 *
 * @example
 * class Linear { constructor(readonly w: Tensor, readonly b: Tensor) {} }
 * tree.register(Linear, {
 *   flatten: (m) => [[m.w, m.b], null],
 *   unflatten: (_aux, [w, b]) => new Linear(w as Tensor, b as Tensor),
 * });
 */
export function register<T>(
  cls: abstract new (...args: never[]) => T,
  def: PytreeNodeDef<T>,
): void {
  registry.set(cls as AnyClass, def as PytreeNodeDef<unknown>);
}

/** The structure of a pytree with its leaves removed. */
export class TreeDef {
  constructor(
    readonly kind: 'leaf' | 'null' | 'undefined' | 'array' | 'object' | 'custom',
    readonly children: readonly TreeDef[] = [],
    /** Object keys, or the child names a registered class declares (`childNames`). */
    readonly keys: readonly string[] = [],
    readonly nodeClass?: AnyClass,
    readonly aux?: unknown,
  ) {}

  /** Number of leaves. */
  get numLeaves(): number {
    return this.kind === 'leaf' ? 1 : this.children.reduce((n, c) => n + c.numLeaves, 0);
  }

  /** Structural equality (used to key `jit`'s cache). */
  equals(other: TreeDef): boolean {
    return this.toString() === other.toString();
  }

  /** A compact description, e.g. `{a:*,b:[*,*]}`. */
  toString(): string {
    switch (this.kind) {
      case 'leaf':
        return '*';
      case 'null':
        return 'null';
      case 'undefined':
        return 'undefined';
      case 'array':
        return `[${this.children.join(',')}]`;
      case 'object':
        return `{${this.keys.map((k, i) => `${k}:${this.children[i]}`).join(',')}}`;
      case 'custom':
        return `${this.nodeClass?.name ?? 'custom'}<${JSON.stringify(this.aux) ?? ''}>(${this.children.join(',')})`;
    }
  }
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

function nodeDefOf(x: object): [AnyClass, PytreeNodeDef<unknown>] | undefined {
  for (
    let proto = Object.getPrototypeOf(x);
    proto && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    const def = registry.get(proto.constructor);
    if (def) return [proto.constructor, def];
  }
  return undefined;
}

/**
 * Split a pytree into its leaves (depth-first, object keys sorted) and its structure.
 *
 * @example
 * const [leaves, def] = tree.flatten({ b: 2, a: [x, y] });  // leaves [x, y, 2]
 */
export function flatten<L = unknown>(t: unknown): [L[], TreeDef] {
  const leaves: unknown[] = [];
  const go = (x: unknown): TreeDef => {
    if (x === null) return new TreeDef('null');
    if (x === undefined) return new TreeDef('undefined');
    if (Array.isArray(x)) return new TreeDef('array', x.map(go));
    if (x instanceof Tensor || typeof x !== 'object') {
      leaves.push(x);
      return new TreeDef('leaf');
    }
    if (isPlainObject(x)) {
      const keys = Object.keys(x).sort();
      return new TreeDef(
        'object',
        keys.map((k) => go(x[k])),
        keys,
      );
    }
    const node = nodeDefOf(x);
    if (node) {
      const [cls, def] = node;
      const [children, aux] = def.flatten(x);
      return new TreeDef('custom', children.map(go), def.childNames?.(aux) ?? [], cls, aux);
    }
    leaves.push(x);
    return new TreeDef('leaf');
  };
  const def = go(t);
  return [leaves as L[], def];
}

/**
 * Rebuild a pytree of structure `def` from `leaves`.
 *
 * @example
 * const [leaves, def] = tree.flatten(params);
 * const same = tree.unflatten(def, leaves);
 */
export function unflatten<T = unknown>(def: TreeDef, leaves: readonly unknown[]): T {
  if (leaves.length !== def.numLeaves) {
    throw new ValueError(
      `tree.unflatten: structure ${def} needs ${def.numLeaves} leaves, got ${leaves.length}`,
    );
  }
  let i = 0;
  const go = (d: TreeDef): unknown => {
    switch (d.kind) {
      case 'leaf':
        return leaves[i++];
      case 'null':
        return null;
      case 'undefined':
        return undefined;
      case 'array':
        return d.children.map(go);
      case 'object':
        return Object.fromEntries(d.keys.map((k, j) => [k, go(d.children[j] as TreeDef)]));
      case 'custom': {
        const def = registry.get(d.nodeClass as AnyClass) as PytreeNodeDef<unknown>;
        return def.unflatten(d.aux, d.children.map(go));
      }
    }
  };
  return go(def) as T;
}

/**
 * The leaves of a pytree, in `flatten` order.
 *
 * @example
 * tree.leaves({ w, b })  // [b, w] (keys sorted)
 */
export function leaves<L = unknown>(t: unknown): L[] {
  return flatten<L>(t)[0];
}

/**
 * The structure of a pytree.
 *
 * @example
 * tree.structure([x, { y }]).toString()  // '[*,{y:*}]'
 */
export function structure(t: unknown): TreeDef {
  return flatten(t)[1];
}

/**
 * Apply `fn` to every leaf (with the matching leaves of `rest`, which must have the same structure).
 *
 * @example
 * const doubled = tree.map((x) => x.mul(2), params);
 * const sum = tree.map((a, b) => a.add(b), grads1, [grads2]);
 */
export function map<T = unknown>(
  // biome-ignore lint/suspicious/noExplicitAny: leaves are whatever the trees hold
  fn: (leaf: any, ...rest: any[]) => unknown,
  t: T,
  rest: readonly unknown[] = [],
): T {
  const [ls, def] = flatten(t);
  const others = rest.map((r, k) => {
    const [rl, rd] = flatten(r);
    if (!rd.equals(def)) {
      throw new ValueError(`tree.map: tree ${k + 1} has structure ${rd}, expected ${def}`);
    }
    return rl;
  });
  return unflatten<T>(
    def,
    ls.map((l, i) => fn(l, ...others.map((o) => o[i]))),
  );
}

/**
 * Dispose every tensor leaf of a pytree.
 *
 * @example
 * tree.dispose(oldParams);
 */
export function dispose(t: unknown): void {
  for (const l of leaves(t)) if (l instanceof Tensor) l.dispose();
}
