/**
 * A tiny model for the loop's tests: two-class logistic (softmax) regression on a synthetic,
 * linearly separable data set made by a seeded LCG on the host (no tensors until batching). The
 * loss can add key-dependent input noise so the per-step PRNG stream is observable.
 */
import { nn, np, random, type Tensor, tree } from '@tensile/core';
import { ArrayDataset, hostTensor } from '@tensile/data';
import type { GradientTransformation } from '@tensile/optim';
import { adam } from '@tensile/optim';
import type { LossFn } from '../../src/index.js';

export type Params = { w: Tensor; b: Tensor };
export type Columns = { x: Tensor; y: Tensor };

/** `n` points in 2-D, labelled by the side of the line x0 + 2·x1 = 0.2. */
export function syntheticDataset(n = 256, seed = 1) {
  let state = seed >>> 0;
  const uniform = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const x = new Float32Array(n * 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const a = uniform() * 2 - 1;
    const b = uniform() * 2 - 1;
    x[2 * i] = a;
    x[2 * i + 1] = b;
    y[i] = a + 2 * b > 0.2 ? 1 : 0;
  }
  return ArrayDataset.fromColumns({ x: hostTensor(x, [n, 2]), y: hostTensor(y, [n]) });
}

/** Zero-initialised parameters. */
export function initParams(): Params {
  return { w: np.zeros([2, 2]), b: np.zeros([2]) };
}

/** Cross-entropy and accuracy; with `noise`, inputs get N(0, noise²) jitter from the step key. */
export function logisticLoss(noise = 0): LossFn<Params, Columns> {
  return (p, { x, y }, key) => {
    const inputs =
      key !== undefined && noise > 0 ? x.add(random.normal(key, x.shape).mul(noise)) : x;
    const logits = inputs.matmul(p.w).add(p.b);
    const logProbs = nn.logSoftmax(logits, { axis: -1 });
    const loss = np.mean(np.sum(nn.oneHot(y, 2).mul(logProbs), { axis: -1 })).neg();
    const accuracy = np.mean(np.equal(np.argmax(logits, { axis: -1 }), y).astype('float32'));
    return [loss, { accuracy }] as const;
  };
}

/** The optimizer the tests use. */
export function optimizer(): GradientTransformation<unknown> {
  return adam(0.1) as GradientTransformation<unknown>;
}

/** Copies of every leaf's values (for bitwise comparisons after the tensors are gone). */
export async function snapshot(t: unknown): Promise<number[][]> {
  return Promise.all(tree.leaves(t).map(async (l) => Array.from(await (l as Tensor).data())));
}
