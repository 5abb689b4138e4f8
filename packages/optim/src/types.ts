/**
 * The shapes every other file in @tensile/optim agrees on: a `GradientTransformation` (Optax's
 * pair of pure functions `init`/`update`), a learning-rate `Schedule`, and the pytree aliases.
 * States are plain pytrees whose leaves are tensors only, so a whole training step — including
 * the step counter — can run under `jit` without retracing.
 */
import type { Tensor } from '@tensile/core';

/**
 * A pytree of tensors: parameters, gradients, updates. Any structure `tree.flatten` understands
 * (nested arrays, plain objects, `null`, registered classes such as nn modules).
 */
export type Params = unknown;

/** A pytree with the structure of the parameters whose leaves are the updates to add to them. */
export type Updates = unknown;

/**
 * An optimizer state: a pytree whose leaves are tensors (never JS numbers that change per step).
 *
 * @example
 * const state: OptState = { count: np.zeros([], { dtype: 'int32' }), mu: params };
 */
export type OptState = unknown;

/**
 * A pure gradient transformation (Optax's `GradientTransformation`): `init` builds the state for
 * some parameters, `update` maps gradients (and the state, and optionally the parameters) to
 * updates and a new state. Neither mutates its inputs; the returned state holds fresh tensors.
 *
 * @example
 * const opt = adam(1e-3);
 * let state = opt.init(params);
 * const [updates, next] = opt.update(grads, state, params);
 * params = applyUpdates(params, updates);
 */
export interface GradientTransformation<S extends OptState = OptState> {
  /** The initial state for `params` (a pytree of tensors). */
  init(params: Params): S;
  /**
   * Transform `updates` (usually gradients) into new updates and the next state. `params` is
   * needed by transformations that look at the parameters (weight decay, trust ratio).
   */
  update(updates: Updates, state: S, params?: Params): [Updates, S];
}

/**
 * A learning-rate (or any hyperparameter) schedule: the step count — an int32 scalar tensor, or a
 * JS number for convenience — to a float32 scalar tensor. Built from tensor ops only, so it works
 * on a traced count under `jit`.
 *
 * @example
 * const lr: Schedule = cosineDecaySchedule({ initValue: 0.1, decaySteps: 1000 });
 * lr(np.array(500, { dtype: 'int32' }));  // 0.05
 */
export type Schedule = (count: Tensor | number) => Tensor;

/**
 * A fixed learning rate or a schedule of the step count.
 *
 * @example
 * const a: LearningRate = 1e-3;
 * const b: LearningRate = exponentialDecay({ initValue: 1e-3, transitionSteps: 100, decayRate: 0.5 });
 */
export type LearningRate = number | Schedule;
