/**
 * A multi-layer perceptron written the functional way: parameters are a plain pytree
 * (`{ w, b }[]`), the model is a pure function of them, and the loss is softmax cross-entropy.
 */
import { nn, np, random, type Tensor } from '@tensile/core';

/** One dense layer's parameters. */
export interface Dense {
  w: Tensor;
  b: Tensor;
}

/**
 * Initialise layers of the given widths with LeCun-normal weights and zero biases.
 *
 * @example
 * const params = initMlp(random.key(0), [784, 256, 10]);
 */
export function initMlp(key: Tensor, sizes: readonly number[]): Dense[] {
  const keys = random.split(key, sizes.length - 1);
  return sizes.slice(1).map((out, i) => {
    const fanIn = sizes[i] as number;
    const k = np.take(keys, i, { axis: 0 });
    const w = random.normal(k, [fanIn, out]).mul(1 / Math.sqrt(fanIn));
    k.dispose();
    return { w, b: np.zeros([out]) };
  });
}

/**
 * Logits of a batch `x` ([batch, features]): ReLU hidden layers, linear output.
 *
 * @example
 * const logits = mlp(params, x);  // [batch, 10]
 */
export function mlp(params: readonly Dense[], x: Tensor): Tensor {
  let h = x;
  params.forEach(({ w, b }, i) => {
    h = np.matmul(h, w).add(b);
    if (i < params.length - 1) h = nn.relu(h);
  });
  return h;
}

/**
 * Mean softmax cross-entropy of `logits` against integer `labels`.
 *
 * @example
 * const loss = crossEntropy(mlp(params, x), y);
 */
export function crossEntropy(logits: Tensor, labels: Tensor): Tensor {
  const logp = nn.logSoftmax(logits, { axis: -1 });
  return np.mean(np.takeAlongAxis(logp, np.expandDims(labels, -1), -1)).neg();
}
