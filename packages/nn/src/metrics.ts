/**
 * Classification metrics on tensors (so they run on the device and under `jit`): accuracy,
 * top-k accuracy and the confusion matrix. Scores `[..., C]` (logits or probabilities) or
 * integer predictions `[...]` against integer labels `[...]`.
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

/** Integer predictions from scores `[..., C]` (argmax) or predictions `[...]` as they are. */
function predictions(op: string, scoresOrPredictions: Tensor, labels: Tensor): Tensor {
  if (!isInteger(labels.dtype))
    throw new DTypeError(`${op}: labels must be integers, got ${labels.dtype}`);
  const x = scoresOrPredictions;
  if (x.ndim === labels.ndim + 1 && x.shape.slice(0, -1).join() === labels.shape.join()) {
    return x.argmax({ axis: -1 });
  }
  if (x.shape.join() === labels.shape.join() && isInteger(x.dtype)) return x;
  throw new ShapeError(
    `${op}: expected scores [..., C] or integer predictions of the labels' shape [${labels.shape.join(', ')}], got ${x.dtype}[${x.shape.join(', ')}]`,
  );
}

/**
 * Fraction of correct predictions (a float32 scalar).
 *
 * @example
 * const acc = accuracy(logits, labels);  // argmax over the last axis
 * accuracy(np.array([1, 0]), np.array([1, 1])).item()  // 0.5
 */
export function accuracy(scoresOrPredictions: Tensor, labels: Tensor): Tensor {
  return scope(() =>
    predictions('accuracy', scoresOrPredictions, labels).eq(labels).astype('float32').mean(),
  );
}

/**
 * Fraction of examples whose label is among the `k` highest scores (a float32 scalar). Among tied
 * scores, the ones `np.topK` returns count.
 *
 * @example
 * const top5 = topKAccuracy(logits, labels, 5);
 */
export function topKAccuracy(scores: Tensor, labels: Tensor, k: number): Tensor {
  const op = 'topKAccuracy';
  if (!isInteger(labels.dtype))
    throw new DTypeError(`${op}: labels must be integers, got ${labels.dtype}`);
  if (scores.ndim !== labels.ndim + 1 || scores.shape.slice(0, -1).join() !== labels.shape.join()) {
    throw new ShapeError(
      `${op}: scores [${scores.shape.join(', ')}] must be the labels' shape [${labels.shape.join(', ')}] plus a class axis`,
    );
  }
  const classes = scores.shape[scores.ndim - 1] as number;
  if (!Number.isInteger(k) || k < 1 || k > classes) {
    throw new ValueError(`${op}: k must be an integer in [1, ${classes}], got ${k}`);
  }
  return scope(() => {
    const [, indices] = np.topK(scores, k);
    return indices
      .eq(labels.expandDims(-1).astype(indices.dtype))
      .any({ axis: -1 })
      .astype('float32')
      .mean();
  });
}

/**
 * The `[numClasses, numClasses]` int32 confusion matrix: entry `[i, j]` counts examples with
 * label `i` predicted as `j` (scikit-learn's convention). Labels or predictions outside
 * `[0, numClasses)` are not counted.
 *
 * @example
 * const cm = confusionMatrix(logits, labels, 10);
 */
export function confusionMatrix(
  scoresOrPredictions: Tensor,
  labels: Tensor,
  numClasses: number,
): Tensor {
  const op = 'confusionMatrix';
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new ValueError(`${op}: numClasses must be a positive integer, got ${numClasses}`);
  }
  return scope(() => {
    const predicted = predictions(op, scoresOrPredictions, labels).reshape([-1]);
    const truth = F.oneHot(labels.reshape([-1]), numClasses);
    const guess = F.oneHot(predicted, numClasses);
    return np.round(np.matmul(truth.T, guess)).astype('int32');
  });
}
