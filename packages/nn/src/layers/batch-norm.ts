/**
 * `batchNorm`: batch normalisation over axis 1 of `[N, C, ...]` inputs (PyTorch's
 * `BatchNorm1d/2d/3d` in one layer). The running statistics are *state*, not parameters: they
 * live in a separate pytree threaded through `apply`, so the module stays immutable and `grad`
 * never sees them.
 *
 * Training mode normalises with the batch mean and biased variance and updates
 * `running = (1 − momentum)·running + momentum·batch` with the *unbiased* variance, as PyTorch
 * (momentum 0.1). Evaluation mode uses the running statistics. With `trackRunningStats: false`
 * there is no state and batch statistics are always used.
 */
import { lax, np, ShapeError, scope, type Tensor, ValueError } from '@tensile/core';
import { checkInput, positiveInt, probability } from '../internal/config.js';
import { defineModule, Module } from '../module.js';

/**
 * A batch-norm layer's affine parameters and configuration.
 *
 * @example
 * const bn = batchNorm.init({ numFeatures: 16 });
 * bn.weight?.shape  // [16]
 */
export class BatchNorm extends Module {
  /** `[numFeatures]` scale (ones), or `null` without `affine`. */
  declare readonly weight: Tensor | null;
  /** `[numFeatures]` shift (zeros), or `null` without `affine`. */
  declare readonly bias: Tensor | null;
  declare readonly numFeatures: number;
  declare readonly eps: number;
  declare readonly momentum: number;
  declare readonly trackRunningStats: boolean;
}

/** Running statistics of a batch-norm layer. */
export interface BatchNormState {
  /** `[numFeatures]`, initially zeros. */
  runningMean: Tensor;
  /** `[numFeatures]`, initially ones (unbiased batch variances). */
  runningVar: Tensor;
}

/** Options of `batchNorm.init` (PyTorch's `BatchNorm2d` arguments). */
export interface BatchNormConfig {
  numFeatures: number;
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Weight of the new batch in the running statistics (default 0.1). */
  momentum?: number;
  /** Learn a scale and shift (default true). */
  affine?: boolean;
  /** Keep running statistics for evaluation (default true). */
  trackRunningStats?: boolean;
}

const make = defineModule(BatchNorm, {
  children: ['weight', 'bias'],
  statics: ['numFeatures', 'eps', 'momentum', 'trackRunningStats'],
  forward: (m, x, { state, train }) => apply(m, x, state as BatchNormState | null, { train }),
  initState: (m) => initState(m),
});

/**
 * A batch-norm layer (weight ones, bias zeros).
 *
 * @example
 * const bn = batchNorm.init({ numFeatures: 64 });
 * let state = batchNorm.initState(bn);
 */
export function init(config: BatchNormConfig): BatchNorm {
  const op = 'batchNorm.init';
  const numFeatures = positiveInt(op, 'numFeatures', config.numFeatures);
  const eps = config.eps ?? 1e-5;
  if (!(eps > 0)) throw new ValueError(`${op}: eps must be positive, got ${eps}`);
  const affine = config.affine ?? true;
  return make({
    weight: affine ? np.ones([numFeatures]) : null,
    bias: affine ? np.zeros([numFeatures]) : null,
    numFeatures,
    eps,
    momentum: probability(op, 'momentum', config.momentum ?? 0.1),
    trackRunningStats: config.trackRunningStats ?? true,
  });
}

/**
 * Fresh running statistics (mean zeros, variance ones), or `null` without `trackRunningStats`.
 *
 * @example
 * const state = batchNorm.initState(bn);
 */
export function initState(m: BatchNorm): BatchNormState | null {
  if (!m.trackRunningStats) return null;
  return { runningMean: np.zeros([m.numFeatures]), runningVar: np.ones([m.numFeatures]) };
}

/**
 * Normalise `x` (`[N, numFeatures, ...]`) per feature: `[y, newState]`. In training mode the
 * new state holds the updated running statistics (no gradient flows into them); in evaluation
 * mode it is `state` itself.
 *
 * @example
 * const [y, newState] = batchNorm.apply(bn, x, state, { train: true });
 * const [yEval] = batchNorm.apply(bn, x, newState);  // train defaults to false
 */
export function apply(
  m: BatchNorm,
  x: Tensor,
  state: BatchNormState | null,
  options: { train?: boolean } = {},
): [Tensor, BatchNormState | null] {
  const op = 'batchNorm';
  checkInput(op, x, null, { axis: 1, size: m.numFeatures, what: 'features' });
  if (x.ndim < 2) throw new ShapeError(`${op}: expected [N, C, ...], got [${x.shape.join(', ')}]`);
  if (m.trackRunningStats) checkState(op, m, state);
  const train = options.train ?? false;
  const useBatch = train || !m.trackRunningStats;
  const axes = [0, ...Array.from({ length: x.ndim - 2 }, (_, i) => i + 2)];
  const count = x.size / m.numFeatures;
  if (useBatch && count < 2) {
    throw new ValueError(
      `${op}: training needs more than one value per feature, got input [${x.shape.join(', ')}]`,
    );
  }
  const featureShape = [m.numFeatures, ...new Array<number>(x.ndim - 2).fill(1)];
  return scope(() => {
    let mean: Tensor;
    let variance: Tensor;
    let newState = state;
    if (useBatch) {
      mean = x.mean({ axis: axes });
      variance = x.sub(mean.reshape(featureShape)).square().mean({ axis: axes });
      if (train && state) {
        const keep = 1 - m.momentum;
        const unbiased = lax.stopGradient(variance).mul(count / (count - 1));
        newState = {
          runningMean: state.runningMean.mul(keep).add(lax.stopGradient(mean).mul(m.momentum)),
          runningVar: state.runningVar.mul(keep).add(unbiased.mul(m.momentum)),
        };
      }
    } else {
      const s = state as BatchNormState;
      mean = s.runningMean;
      variance = s.runningVar;
    }
    let scale = variance.add(m.eps).sqrt().reciprocal();
    if (m.weight) scale = scale.mul(m.weight);
    let y = x.sub(mean.reshape(featureShape)).mul(scale.reshape(featureShape));
    if (m.bias) y = y.add(m.bias.reshape(featureShape));
    return [y, newState];
  });
}

function checkState(op: string, m: BatchNorm, state: BatchNormState | null): void {
  if (!state?.runningMean || !state.runningVar) {
    throw new ValueError(
      `${op}: the layer tracks running statistics, so pass its state (batchNorm.initState(m), or initState(model) for a model)`,
    );
  }
  for (const [name, t] of [
    ['runningMean', state.runningMean],
    ['runningVar', state.runningVar],
  ] as const) {
    if (t.shape.length !== 1 || t.shape[0] !== m.numFeatures) {
      throw new ShapeError(
        `${op}: state.${name} must have shape [${m.numFeatures}], got [${t.shape.join(', ')}]`,
      );
    }
  }
}
