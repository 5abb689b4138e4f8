/**
 * Stochastic gradient descent with (Nesterov) momentum: the `traceMomentum` building block
 * (Optax's `trace`) and the `sgd` optimizer, defined as `torch.optim.SGD` with `dampening=0`.
 */
import { np, scope, type Tensor, tree, ValueError } from '@tensile/core';
import { chain } from './chain.js';
import { checkLearningRate, checkRange } from './internal/check.js';
import { scaleByLearningRate } from './scale.js';
import type { GradientTransformation, LearningRate, OptState } from './types.js';
import { addDecayedWeights } from './weight-decay.js';

/** The state of `traceMomentum`: the momentum buffer, shaped like the parameters. */
export interface TraceState {
  trace: unknown;
}

/** Options of `traceMomentum`. */
export interface TraceOptions {
  /** Momentum coefficient `m` (torch's `momentum`). */
  decay: number;
  /** Nesterov momentum: emit `g + m * buf` instead of `buf`. Default false. */
  nesterov?: boolean;
}

/**
 * Momentum: `buf = g + decay * buf`, emitting `buf` (or `g + decay * buf` with Nesterov). This is
 * torch's SGD momentum buffer with `dampening=0` (its first step sets `buf = g`, the same as here
 * since the buffer starts at zero) and Optax's `trace`.
 *
 * @example
 * const opt = chain(traceMomentum({ decay: 0.9, nesterov: true }), scaleByLearningRate(0.01));
 */
export function traceMomentum({
  decay,
  nesterov = false,
}: TraceOptions): GradientTransformation<TraceState> {
  checkRange('traceMomentum', 'decay', decay, 0);
  return {
    init: (params) => ({ trace: tree.map((p: Tensor) => np.zerosLike(p), params) }),
    update: (updates, state) =>
      scope(() => {
        const trace = tree.map((g: Tensor, t: Tensor) => g.add(t.mul(decay)), updates, [
          state.trace,
        ]);
        const out = nesterov
          ? tree.map((g: Tensor, t: Tensor) => g.add(t.mul(decay)), updates, [trace])
          : trace;
        return [out, { trace }];
      }),
  };
}

/** Options of `sgd` (torch.optim.SGD's, with `dampening` fixed at 0). */
export interface SgdOptions {
  /** Momentum factor. Default 0 (plain SGD). */
  momentum?: number;
  /** Nesterov momentum (needs `momentum > 0`). Default false. */
  nesterov?: boolean;
  /** Coupled L2 weight decay: `g + weightDecay * p` before momentum, as torch. Default 0. */
  weightDecay?: number;
}

/**
 * SGD as `torch.optim.SGD` (dampening 0): `g += wd * p; buf = m * buf + g;
 * p -= lr * (nesterov ? g + m * buf : buf)`. Optax's `sgd` has no weight decay argument; its
 * momentum is the same `trace`.
 *
 * @example
 * const opt = sgd(0.1, { momentum: 0.9, nesterov: true, weightDecay: 5e-4 });
 */
export function sgd(
  learningRate: LearningRate,
  options: SgdOptions = {},
): GradientTransformation<OptState[]> {
  const { momentum = 0, nesterov = false, weightDecay = 0 } = options;
  checkLearningRate('sgd', learningRate);
  checkRange('sgd', 'momentum', momentum, 0);
  checkRange('sgd', 'weightDecay', weightDecay, 0);
  if (nesterov && momentum <= 0) {
    throw new ValueError('sgd: Nesterov momentum needs momentum > 0');
  }
  return chain(
    ...(weightDecay > 0 ? [addDecayedWeights(weightDecay)] : []),
    ...(momentum > 0 ? [traceMomentum({ decay: momentum, nesterov })] : []),
    scaleByLearningRate(learningRate),
  );
}
