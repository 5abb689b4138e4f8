/**
 * The module system: every layer is an immutable class instance registered as a pytree whose
 * children are its tensors and sub-modules and whose static data (aux) is its configuration
 * (numbers, strings, booleans). `grad`, `jit`, `vmap` and optimizers therefore see exactly the
 * parameters, and a configuration change is a different pytree structure (a new `jit` trace).
 *
 * `defineModule` does the registration from a field list, so layers never write
 * flatten/unflatten code. It can also attach a *forward protocol* (how `sequential` and
 * `forward` call the layer with a key, state and the training flag) and an `initState`.
 */
import { type Tensor, tree, ValueError } from '@tensile/core';
import { Frozen } from './frozen.js';

/** The children of each module instance as stored (a frozen parameter stays wrapped here). */
const storedChildren = new WeakMap<object, Readonly<Record<string, unknown>>>();

function childrenOf(module: object): Readonly<Record<string, unknown>> {
  const stored = storedChildren.get(module);
  if (!stored) {
    throw new ValueError(
      `${module.constructor.name}: create modules with the function defineModule returns (or a layer's init), not with new`,
    );
  }
  return stored;
}

/**
 * Base class of every module. Subclasses only declare their fields (`declare readonly w: Tensor`)
 * and are registered with `defineModule`; instances are frozen.
 *
 * @example
 * class Scale extends Module {
 *   declare readonly factor: Tensor;
 * }
 * const scale = defineModule(Scale, { children: ['factor'], statics: [] });
 */
export abstract class Module {
  /** Brands modules so that arbitrary objects do not type-check as one. */
  declare protected readonly moduleBrand: true;
}

/** What a layer may need besides its input when it is called generically (by `sequential`). */
export interface CallOptions {
  /** PRNG key for stochastic layers (dropout); required when they run in training mode. */
  key?: Tensor;
  /** The layer's state from `initState` (batch-norm running statistics). */
  state?: unknown;
  /** Training mode: dropout active, batch norm uses and updates batch statistics. Default false. */
  train?: boolean;
}

/** How a layer runs under `forward`: its output and its new state (`null` when stateless). */
export type ForwardFn<M> = (module: M, x: Tensor, options: CallOptions) => [Tensor, unknown];

/** The field lists (and optional forward protocol) of a module class. */
export interface ModuleSpec<M, C extends keyof M, S extends keyof M> {
  /** Fields holding tensors, sub-modules, arrays of them, or `null` (e.g. no bias). */
  children: readonly C[];
  /** Fields holding configuration: numbers, strings, booleans, arrays of them, `null`. */
  statics: readonly S[];
  /** How `forward`/`sequential` call this layer. */
  forward?: ForwardFn<M>;
  /** The initial state of a stateful layer (`forward` then threads it). */
  initState?: (module: M) => unknown;
}

interface Protocol {
  forward?: ForwardFn<Module>;
  initState?: (module: Module) => unknown;
}

/** Forward protocols by module class (constructor). */
const protocols = new Map<unknown, Protocol>();

/**
 * Register `cls` as a pytree module and return its constructor function, which takes every
 * declared field and returns a frozen instance.
 *
 * @example
 * class Affine extends Module {
 *   declare readonly scale: Tensor;
 *   declare readonly shift: Tensor;
 *   declare readonly features: number;
 * }
 * const makeAffine = defineModule(Affine, {
 *   children: ['scale', 'shift'],
 *   statics: ['features'],
 *   forward: (m, x) => [x.mul(m.scale).add(m.shift), null],
 * });
 * const m = makeAffine({ scale: np.ones([3]), shift: np.zeros([3]), features: 3 });
 */
export function defineModule<
  M extends Module,
  C extends keyof M & string,
  S extends keyof M & string,
>(cls: new () => M, spec: ModuleSpec<M, C, S>): (fields: Pick<M, C | S>) => M {
  const { children, statics } = spec;
  for (const key of children) {
    Object.defineProperty(cls.prototype, key, {
      get(this: Module) {
        const value = childrenOf(this)[key];
        return value instanceof Frozen ? value.value : value;
      },
      enumerable: false,
      configurable: true,
    });
  }
  const make = (fields: Record<string, unknown>): M => {
    const instance = new cls();
    const stored: Record<string, unknown> = {};
    for (const key of children) {
      if (!(key in fields)) {
        throw new ValueError(`${cls.name}: missing field '${key}' (use null for an absent child)`);
      }
      stored[key] = fields[key];
    }
    storedChildren.set(instance, Object.freeze(stored));
    for (const key of statics) {
      if (!(key in fields)) throw new ValueError(`${cls.name}: missing field '${key}'`);
      Object.defineProperty(instance, key, { value: fields[key], enumerable: true });
    }
    return Object.freeze(instance);
  };
  tree.register(cls, {
    flatten: (m: M) => [children.map((k) => childrenOf(m)[k]), statics.map((k) => m[k])],
    childNames: () => children,
    unflatten: (aux, values) => {
      const fields: Record<string, unknown> = {};
      children.forEach((k, i) => {
        fields[k] = values[i];
      });
      statics.forEach((k, i) => {
        fields[k] = (aux as unknown[])[i];
      });
      return make(fields);
    },
  });
  protocols.set(cls, {
    forward: spec.forward as ForwardFn<Module> | undefined,
    initState: spec.initState as ((m: Module) => unknown) | undefined,
  });
  return make as (fields: Pick<M, C | S>) => M;
}

function protocolOf(op: string, module: unknown): Protocol {
  const protocol =
    typeof module === 'object' && module !== null ? protocols.get(module.constructor) : undefined;
  if (!protocol) {
    const what = typeof module === 'object' && module ? module.constructor.name : typeof module;
    throw new ValueError(`${op}: expected a module created by @tensile/nn, got ${what}`);
  }
  return protocol;
}

/**
 * Call any layer generically with its key, state and training flag: `[y, newState]`. This is
 * what `sequential` does for each layer; use it in your own container modules.
 *
 * @example
 * const [y, newState] = forward(bn, x, { state, train: true });
 * const [h] = forward(linearLayer, x, {});
 */
export function forward(module: Module, x: Tensor, options: CallOptions = {}): [Tensor, unknown] {
  const protocol = protocolOf('forward', module);
  if (!protocol.forward) {
    throw new ValueError(
      `forward: ${module.constructor.name} cannot be called with a single input (use its apply)`,
    );
  }
  return protocol.forward(module, x, options);
}

/**
 * The initial state of a module for `forward`/`sequential`: running statistics for batch norm,
 * one entry per layer for `sequential`, `null` for stateless layers.
 *
 * @example
 * let state = initState(model);
 * [y, state] = sequential.apply(model, x, { state, train: true });
 */
export function initState(module: Module): unknown {
  return protocolOf('initState', module).initState?.(module) ?? null;
}
