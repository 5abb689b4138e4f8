/**
 * @tensile/optim — Optax-style optimizers for Tensile: pure, jit-able gradient transformations
 * (`init`/`update` over pytrees), their combinators (`chain`, `multiTransform`,
 * `maskedTransform`), the usual optimizers with torch.optim's definitions and defaults, and
 * learning-rate schedules of the step count kept in the optimizer state.
 *
 * @example
 * import { grad, jit } from '@tensile/core';
 * import { adamw, applyUpdates, warmupCosineDecaySchedule } from '@tensile/optim';
 * const opt = adamw(warmupCosineDecaySchedule({ initValue: 0, peakValue: 1e-3,
 *   warmupSteps: 100, decaySteps: 5000 }));
 * let state = opt.init(params);
 * const step = jit((params, state, batch) => {
 *   const grads = grad(loss)(params, batch);
 *   const [updates, next] = opt.update(grads, state, params);
 *   return [applyUpdates(params, updates), next];
 * });
 *
 * @packageDocumentation
 */
export {
  type AdadeltaOptions,
  adadelta,
  type ScaleByAdadeltaOptions,
  type ScaleByAdadeltaState,
  scaleByAdadelta,
} from './adadelta.js';
export {
  type AdagradOptions,
  adagrad,
  type ScaleByRssOptions,
  type ScaleByRssState,
  scaleByRss,
} from './adagrad.js';
export {
  type AdamOptions,
  type AdamWOptions,
  adam,
  adamw,
  type ScaleByAdamOptions,
  type ScaleByAdamState,
  scaleByAdam,
} from './adam.js';
export { applyUpdates } from './apply-updates.js';
export { chain } from './chain.js';
export { clip, clipByGlobalNorm, globalNorm } from './clipping.js';
export { type EmptyState, identity, setToZero } from './identity.js';
export {
  type LambOptions,
  lamb,
  type ScaleByTrustRatioOptions,
  scaleByTrustRatio,
} from './lamb.js';
export {
  type LionOptions,
  lion,
  type ScaleByLionOptions,
  type ScaleByLionState,
  scaleByLion,
} from './lion.js';
export {
  type Labels,
  type Mask,
  type MaskedState,
  type MultiTransformState,
  maskedTransform,
  multiTransform,
} from './masking.js';
export {
  type RmspropOptions,
  rmsprop,
  type ScaleByRmsOptions,
  type ScaleByRmsState,
  type ScaleByStddevState,
  scaleByRms,
  scaleByStddev,
} from './rmsprop.js';
export { type ScaleByScheduleState, scale, scaleByLearningRate, scaleBySchedule } from './scale.js';
export { constantSchedule } from './schedules/constant.js';
export {
  type CosineDecayOptions,
  cosineDecaySchedule,
  type WarmupCosineDecayOptions,
  warmupCosineDecaySchedule,
} from './schedules/cosine-decay.js';
export { type ExponentialDecayOptions, exponentialDecay } from './schedules/exponential-decay.js';
export { joinSchedules } from './schedules/join.js';
export { type LinearScheduleOptions, linearSchedule } from './schedules/linear.js';
export { type OneCycleOptions, oneCycle } from './schedules/one-cycle.js';
export { piecewiseConstantSchedule } from './schedules/piecewise-constant.js';
export { type SgdOptions, sgd, type TraceOptions, type TraceState, traceMomentum } from './sgd.js';
export type {
  GradientTransformation,
  LearningRate,
  OptState,
  Params,
  Schedule,
  Updates,
} from './types.js';
export { addDecayedWeights } from './weight-decay.js';
