/**
 * The two fixed problems of fixtures/golden/optim.json (see scripts/golden/optim.py): a linear
 * regression `mean((X w + b - Y)^2)` and a diagonal quadratic `0.5 * sum(h (x - c)^2)`, built from
 * a case's stored inputs, with the initial parameters.
 */
import { np, type Tensor } from '@tensile/core';
import { type GoldenCase, goldenTensor } from './golden.js';

/** A problem: initial parameters, their names and the loss. */
export interface Problem {
  params: Record<string, Tensor>;
  names: string[];
  loss: (params: Record<string, Tensor>) => Tensor;
}

/**
 * The problem of a golden optimizer case (tensors are created in the caller's scope).
 *
 * @example
 * const { params, loss } = problemOf(c);
 */
export function problemOf(c: GoldenCase): Problem {
  const t = (k: string) => goldenTensor(c.inputs[k]);
  if (c.params.problem === 'linreg') {
    const X = t('X');
    const Y = t('Y');
    return {
      params: { w: t('w'), b: t('b') },
      names: ['w', 'b'],
      loss: (p) =>
        np.mean(
          np.square(
            X.matmul(p.w as Tensor)
              .add(p.b as Tensor)
              .sub(Y),
          ),
        ),
    };
  }
  const h = t('h');
  const c0 = t('c');
  return {
    params: { x: t('x') },
    names: ['x'],
    loss: (p) => np.sum(h.mul(np.square((p.x as Tensor).sub(c0)))).mul(0.5),
  };
}
