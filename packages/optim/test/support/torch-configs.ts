/**
 * Builds the @tensile/optim equivalent of a golden case's torch configuration (optimizer class and
 * keyword arguments, lr_scheduler, clip_grad_norm_). Only the arguments torch was given are passed
 * on, so our defaults are checked against torch's.
 */
import {
  adadelta,
  adagrad,
  adam,
  adamw,
  chain,
  clipByGlobalNorm,
  cosineDecaySchedule,
  exponentialDecay,
  type GradientTransformation,
  type LearningRate,
  lamb,
  lion,
  oneCycle,
  rmsprop,
  sgd,
} from '../../src/index.js';

/** torch keyword arguments as stored in the fixture (snake_case). */
type TorchSpec = Record<string, unknown> & { optimizer: string };

const num = (spec: Record<string, unknown>, key: string) => spec[key] as number | undefined;
const betas = (spec: TorchSpec) => (spec.betas as [number, number] | undefined) ?? [];

function learningRate(
  spec: TorchSpec,
  scheduler?: Record<string, unknown>,
): LearningRate | undefined {
  const lr = num(spec, 'lr');
  if (!scheduler) return lr;
  const base = lr as number;
  switch (scheduler.scheduler) {
    case 'ExponentialLR':
      return exponentialDecay({
        initValue: base,
        transitionSteps: 1,
        decayRate: scheduler.gamma as number,
      });
    case 'OneCycleLR':
      return oneCycle({
        peakValue: scheduler.max_lr as number,
        totalSteps: scheduler.total_steps as number,
      });
    case 'CosineAnnealingLR':
      return cosineDecaySchedule({
        initValue: base,
        decaySteps: scheduler.T_max as number,
        alpha: (scheduler.eta_min as number) / base,
      });
    default:
      throw new Error(`no mapping for scheduler ${String(scheduler.scheduler)}`);
  }
}

/**
 * The optimizer for a golden case's `params` (`torch`, `scheduler`, `clip_grad_norm`).
 *
 * @example
 * const opt = optimizerFor(c.params);
 */
export function optimizerFor(params: Record<string, unknown>): GradientTransformation {
  const spec = params.torch as TorchSpec;
  const lr = learningRate(spec, params.scheduler as Record<string, unknown> | undefined);
  const wd = num(spec, 'weight_decay');
  const [b1, b2] = betas(spec);
  let opt: GradientTransformation;
  switch (spec.optimizer) {
    case 'SGD':
      opt = sgd(lr as LearningRate, {
        momentum: num(spec, 'momentum'),
        nesterov: spec.nesterov as boolean | undefined,
        weightDecay: wd,
      });
      break;
    case 'Adam':
      opt = adam(lr, {
        b1,
        b2,
        eps: num(spec, 'eps'),
        weightDecay: wd,
        amsgrad: spec.amsgrad as boolean | undefined,
      });
      break;
    case 'AdamW':
      opt = adamw(lr, { b1, b2, eps: num(spec, 'eps'), weightDecay: wd });
      break;
    case 'RMSprop':
      opt = rmsprop(lr, {
        decay: num(spec, 'alpha'),
        eps: num(spec, 'eps'),
        momentum: num(spec, 'momentum'),
        centered: spec.centered as boolean | undefined,
        weightDecay: wd,
      });
      break;
    case 'Adagrad':
      opt = adagrad(lr, {
        lrDecay: num(spec, 'lr_decay'),
        weightDecay: wd,
        initialAccumulatorValue: num(spec, 'initial_accumulator_value'),
        eps: num(spec, 'eps'),
      });
      break;
    case 'Adadelta':
      opt = adadelta(lr, { rho: num(spec, 'rho'), eps: num(spec, 'eps'), weightDecay: wd });
      break;
    case 'formula:lion':
      opt = lion(lr as LearningRate, { b1, b2, weightDecay: wd });
      break;
    case 'formula:lamb':
      opt = lamb(lr as LearningRate, { b1, b2, eps: num(spec, 'eps'), weightDecay: wd });
      break;
    default:
      throw new Error(`no mapping for optimizer ${spec.optimizer}`);
  }
  const clip = num(params, 'clip_grad_norm');
  return clip === undefined ? opt : chain(clipByGlobalNorm(clip), opt);
}
