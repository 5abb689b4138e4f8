/**
 * `sequential`: layers applied one after another. Each layer runs through the generic
 * `forward` protocol, so stochastic and stateful layers work inside: the PRNG key is split into
 * one key per layer, and the state is an array with one entry per layer (`null` for stateless
 * ones, nested arrays for nested sequentials), made by `sequential.initState`.
 */
import { random, scope, type Tensor, ValueError } from '@tensile/core';
import { type CallOptions, defineModule, forward, initState, Module } from '../module.js';

/**
 * A chain of layers.
 *
 * @example
 * const model = sequential([linear.init(k1, { inFeatures: 4, outFeatures: 8 }), relu.init()]);
 * model.layers.length  // 2
 */
export class Sequential extends Module {
  declare readonly layers: readonly Module[];
}

function run(m: Sequential, x: Tensor, options: CallOptions): [Tensor, unknown[]] {
  const states = options.state as readonly unknown[] | null | undefined;
  if (states !== undefined && states !== null) {
    if (!Array.isArray(states) || states.length !== m.layers.length) {
      throw new ValueError(
        `sequential: state must be an array with one entry per layer (${m.layers.length}); use sequential.initState(model)`,
      );
    }
  }
  return scope(() => {
    const keys = options.key ? [...random.split(options.key, m.layers.length)] : undefined;
    const newStates: unknown[] = [];
    let h = x;
    m.layers.forEach((layer, i) => {
      const [y, s] = forward(layer, h, {
        key: keys?.[i],
        state: states?.[i] ?? undefined,
        train: options.train,
      });
      h = y;
      newStates.push(s);
    });
    return [h, newStates];
  });
}

const make = defineModule(Sequential, {
  children: ['layers'],
  statics: [],
  forward: run,
  initState: (m) => m.layers.map((layer) => initState(layer)),
});

/** Options of `sequential.apply`. */
export interface SequentialOptions {
  /** PRNG key, split into one key per layer (needed by dropout in training). */
  key?: Tensor;
  /** Training mode for every layer (default false). */
  train?: boolean;
}

/**
 * Run the layers in order. Without `state` it returns the output; with `state` (from
 * `sequential.initState`) it returns `[output, newState]`.
 *
 * @example
 * const y = sequential.apply(mlp, x);
 * const [z, newState] = sequential.apply(cnn, x, { state, key, train: true });
 */
function apply(m: Sequential, x: Tensor, options?: SequentialOptions): Tensor;
function apply(
  m: Sequential,
  x: Tensor,
  options: SequentialOptions & { state: unknown },
): [Tensor, unknown[]];
function apply(
  m: Sequential,
  x: Tensor,
  options: SequentialOptions & { state?: unknown } = {},
): Tensor | [Tensor, unknown[]] {
  const [y, states] = run(m, x, options);
  if (options.state !== undefined) return [y, states];
  return y;
}

/**
 * Chain `layers` into one module (`sequential.apply` runs it, `sequential.initState` makes its
 * state).
 *
 * @example
 * const mlp = sequential([
 *   linear.init(k1, { inFeatures: 784, outFeatures: 128 }),
 *   relu.init(),
 *   dropout.init({ p: 0.2 }),
 *   linear.init(k2, { inFeatures: 128, outFeatures: 10 }),
 * ]);
 * const logits = sequential.apply(mlp, x, { key, train: true });
 */
export const sequential = Object.assign(
  (layers: readonly Module[]): Sequential => make({ layers: [...layers] }),
  {
    apply,
    /** The per-layer state array of a sequential model. @example sequential.initState(model) */
    initState: (m: Sequential): unknown[] => initState(m) as unknown[],
  },
);
