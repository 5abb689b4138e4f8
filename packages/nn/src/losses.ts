/**
 * Loss functions with PyTorch's definitions (`torch.nn.functional`) and `reduction` option
 * (`'mean'` default, `'sum'`, `'none'`). Classes are on the *last* axis (JAX/Optax convention;
 * PyTorch puts them on axis 1): logits `[..., C]` with integer labels `[...]`.
 */
import {
  DTypeError,
  nn as F,
  isInteger,
  np,
  ShapeError,
  scope,
  type Tensor,
  ValueError,
} from '@tensile/core';

/** How per-element losses are combined. */
export type Reduction = 'mean' | 'sum' | 'none';

function reduce(op: string, loss: Tensor, reduction: Reduction | undefined): Tensor {
  switch (reduction ?? 'mean') {
    case 'mean':
      return loss.mean();
    case 'sum':
      return loss.sum();
    case 'none':
      return loss;
    default:
      throw new ValueError(`${op}: reduction must be 'mean', 'sum' or 'none', got '${reduction}'`);
  }
}

function sameShape(op: string, a: Tensor, b: Tensor, what: string): void {
  if (a.shape.join() !== b.shape.join()) {
    throw new ShapeError(
      `${op}: ${what} must have the same shape, got [${a.shape.join(', ')}] and [${b.shape.join(', ')}]`,
    );
  }
}

function checkLabels(op: string, scores: Tensor, labels: Tensor): void {
  if (!isInteger(labels.dtype)) {
    throw new DTypeError(`${op}: labels must be integers, got ${labels.dtype}`);
  }
  if (scores.ndim !== labels.ndim + 1 || scores.shape.slice(0, -1).join() !== labels.shape.join()) {
    throw new ShapeError(
      `${op}: labels [${labels.shape.join(', ')}] must have the shape of the scores [${scores.shape.join(', ')}] without the class axis`,
    );
  }
}

/** Per-example negative log-likelihood of `labels` under `logProbs`, with ignored examples. */
function pickedNll(
  logProbs: Tensor,
  labels: Tensor,
  ignoreIndex: number | undefined,
): { nll: Tensor; valid: Tensor | null } {
  const valid = ignoreIndex === undefined ? null : labels.ne(ignoreIndex);
  const safe = valid ? np.where(valid, labels, 0) : labels;
  const nll = np.takeAlongAxis(logProbs, safe.expandDims(-1), -1).squeeze(-1).neg();
  return { nll, valid };
}

/** Reduce with ignored examples excluded (the mean is over the valid ones, as PyTorch). */
function reduceValid(
  op: string,
  loss: Tensor,
  valid: Tensor | null,
  reduction: Reduction | undefined,
): Tensor {
  if (!valid) return reduce(op, loss, reduction);
  const masked = np.where(valid, loss, 0);
  if ((reduction ?? 'mean') === 'mean') return masked.sum().div(valid.astype(loss.dtype).sum());
  return reduce(op, masked, reduction);
}

/** Options of the classification losses with integer labels. */
export interface LabelLossOptions {
  /** Default `'mean'` (over non-ignored examples). */
  reduction?: Reduction;
  /** A label value whose examples contribute nothing (PyTorch's `ignore_index`). */
  ignoreIndex?: number;
}

/**
 * Cross-entropy of `logits [..., C]` against integer `labels [...]`, as PyTorch's
 * `cross_entropy` (with `label_smoothing` ε: `(1 − ε)·nll + ε·mean_c(−log p_c)`).
 *
 * @example
 * const loss = softmaxCrossEntropy(logits, labels);
 * const smoothed = softmaxCrossEntropy(logits, labels, { labelSmoothing: 0.1 });
 */
export function softmaxCrossEntropy(
  logits: Tensor,
  labels: Tensor,
  options: LabelLossOptions & { labelSmoothing?: number } = {},
): Tensor {
  const op = 'softmaxCrossEntropy';
  checkLabels(op, logits, labels);
  const eps = options.labelSmoothing ?? 0;
  if (!(eps >= 0 && eps <= 1))
    throw new ValueError(`${op}: labelSmoothing must be in [0, 1], got ${eps}`);
  return scope(() => {
    const logProbs = F.logSoftmax(logits, { axis: -1 });
    const { nll, valid } = pickedNll(logProbs, labels, options.ignoreIndex);
    const loss = eps > 0 ? nll.mul(1 - eps).sub(logProbs.mean({ axis: -1 }).mul(eps)) : nll;
    return reduceValid(op, loss, valid, options.reduction);
  });
}

/**
 * Cross-entropy of `logits [..., C]` against probability (one-hot or soft) `targets [..., C]`:
 * `−Σ_c t_c·log p_c`, with label smoothing `t ← (1 − ε)·t + ε/C` (PyTorch's `cross_entropy` with
 * probability targets).
 *
 * @example
 * const loss = softmaxCrossEntropyWithProbs(logits, nn.oneHot(labels, 10), { labelSmoothing: 0.1 });
 */
export function softmaxCrossEntropyWithProbs(
  logits: Tensor,
  targets: Tensor,
  options: { reduction?: Reduction; labelSmoothing?: number } = {},
): Tensor {
  const op = 'softmaxCrossEntropyWithProbs';
  sameShape(op, logits, targets, 'logits and targets');
  const eps = options.labelSmoothing ?? 0;
  if (!(eps >= 0 && eps <= 1))
    throw new ValueError(`${op}: labelSmoothing must be in [0, 1], got ${eps}`);
  const classes = logits.shape[logits.ndim - 1] as number;
  return scope(() => {
    const t = eps > 0 ? targets.mul(1 - eps).add(eps / classes) : targets;
    const loss = F.logSoftmax(logits, { axis: -1 }).mul(t).sum({ axis: -1 }).neg();
    return reduce(op, loss, options.reduction);
  });
}

/**
 * Negative log-likelihood of integer `labels [...]` under log-probabilities `[..., C]`
 * (PyTorch's `nll_loss`).
 *
 * @example
 * const loss = nll(nn.logSoftmax(logits), labels);
 */
export function nll(logProbs: Tensor, labels: Tensor, options: LabelLossOptions = {}): Tensor {
  const op = 'nll';
  checkLabels(op, logProbs, labels);
  return scope(() => {
    const { nll: loss, valid } = pickedNll(logProbs, labels, options.ignoreIndex);
    return reduceValid(op, loss, valid, options.reduction);
  });
}

/**
 * Binary cross-entropy of `logits` against `targets` in [0, 1] (same shape), computed stably
 * from logits, as PyTorch's `binary_cross_entropy_with_logits`; `posWeight` scales the positive
 * term (broadcast over the last axis, e.g. one per class).
 *
 * @example
 * const loss = binaryCrossEntropyWithLogits(logits, targets);
 * const weighted = binaryCrossEntropyWithLogits(logits, targets, { posWeight: np.array([3, 1]) });
 */
export function binaryCrossEntropyWithLogits(
  logits: Tensor,
  targets: Tensor,
  options: { reduction?: Reduction; posWeight?: Tensor | number } = {},
): Tensor {
  const op = 'binaryCrossEntropyWithLogits';
  sameShape(op, logits, targets, 'logits and targets');
  return scope(() => {
    // log(1 + e^{-x}) computed without overflow: log1p(e^{-|x|}) + max(-x, 0).
    const softplusNeg = np.log1p(logits.abs().neg().exp()).add(logits.neg().maximum(0));
    const positive =
      options.posWeight === undefined ? 1 : targets.mul(np.subtract(options.posWeight, 1)).add(1);
    const loss = targets.neg().add(1).mul(logits).add(softplusNeg.mul(positive));
    return reduce(op, loss, options.reduction);
  });
}

/**
 * Mean squared error (PyTorch's `mse_loss`).
 *
 * @example
 * const loss = mse(prediction, target);
 */
export function mse(
  prediction: Tensor,
  target: Tensor,
  options: { reduction?: Reduction } = {},
): Tensor {
  sameShape('mse', prediction, target, 'prediction and target');
  return scope(() => reduce('mse', prediction.sub(target).square(), options.reduction));
}

/**
 * Mean absolute error (PyTorch's `l1_loss`).
 *
 * @example
 * const loss = mae(prediction, target);
 */
export function mae(
  prediction: Tensor,
  target: Tensor,
  options: { reduction?: Reduction } = {},
): Tensor {
  sameShape('mae', prediction, target, 'prediction and target');
  return scope(() => reduce('mae', prediction.sub(target).abs(), options.reduction));
}

/**
 * Huber loss (PyTorch's `huber_loss`): `½d²` where `|d| < delta`, else `delta·(|d| − ½delta)`.
 *
 * @example
 * const loss = huber(prediction, target, { delta: 1 });
 */
export function huber(
  prediction: Tensor,
  target: Tensor,
  options: { reduction?: Reduction; delta?: number } = {},
): Tensor {
  const op = 'huber';
  sameShape(op, prediction, target, 'prediction and target');
  const delta = options.delta ?? 1;
  if (!(delta > 0)) throw new ValueError(`${op}: delta must be positive, got ${delta}`);
  return scope(() => {
    const d = prediction.sub(target).abs();
    const quadratic = d.minimum(delta);
    // ½q² + delta·(|d| − q): equal to both branches and smooth at |d| = delta.
    const loss = quadratic.square().mul(0.5).add(d.sub(quadratic).mul(delta));
    return reduce(op, loss, options.reduction);
  });
}

/**
 * Kullback-Leibler divergence with PyTorch's `kl_div` conventions: `input` holds
 * *log*-probabilities, `target` probabilities (or log-probabilities with `logTarget`); pointwise
 * `target·(log target − input)` (0 where target is 0). Reductions: `'mean'` over all elements
 * (PyTorch's default), `'batchmean'` (sum / batch size: the mathematical KL per example), `'sum'`,
 * `'none'`.
 *
 * @example
 * const kl = klDivergence(nn.logSoftmax(studentLogits), nn.softmax(teacherLogits), { reduction: 'batchmean' });
 */
export function klDivergence(
  input: Tensor,
  target: Tensor,
  options: { reduction?: Reduction | 'batchmean'; logTarget?: boolean } = {},
): Tensor {
  const op = 'klDivergence';
  sameShape(op, input, target, 'input and target');
  return scope(() => {
    let loss: Tensor;
    if (options.logTarget) {
      loss = target.exp().mul(target.sub(input));
    } else {
      // xlogy(t, t) − t·input, with 0·log 0 = 0 (and no NaN gradient at t = 0).
      const positive = target.gt(0);
      const xlogx = np.where(positive, target.mul(np.where(positive, target, 1).log()), 0);
      loss = xlogx.sub(target.mul(input));
    }
    if (options.reduction === 'batchmean') {
      const batch = input.ndim === 0 ? 1 : (input.shape[0] as number);
      return loss.sum().div(batch);
    }
    return reduce(op, loss, options.reduction);
  });
}

/**
 * Cosine similarity along `axis` (default -1): `x1·x2 / (max(‖x1‖, eps)·max(‖x2‖, eps))`
 * (PyTorch's `cosine_similarity`, eps 1e-8). Not reduced; `1 − similarity` is the usual loss.
 *
 * @example
 * const sim = cosineSimilarity(a, b);  // [B] for a, b [B, D]
 */
export function cosineSimilarity(
  x1: Tensor,
  x2: Tensor,
  options: { axis?: number; eps?: number } = {},
): Tensor {
  const axis = options.axis ?? -1;
  const eps = options.eps ?? 1e-8;
  return scope(() => {
    const n1 = x1.square().sum({ axis, keepdims: true }).sqrt().maximum(eps);
    const n2 = x2.square().sum({ axis, keepdims: true }).sqrt().maximum(eps);
    return x1.div(n1).mul(x2.div(n2)).sum({ axis });
  });
}
