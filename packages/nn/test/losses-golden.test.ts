/**
 * Losses against torch.nn.functional (fixtures/golden/nn_losses.json): each loss's value and the
 * gradients of sum(loss · ct) with respect to its float inputs, for the stored options (label
 * smoothing, ignore index, probability targets, pos_weight, reductions including KL's batchmean,
 * log targets, Huber's delta, cosine similarity's eps).
 */
import { np, scope, type Tensor, valueAndGrad } from '@tensile/core';
import { describe, it } from 'vitest';
import * as nn from '../src/index.js';
import { expectClose, goldenTensor, loadGolden } from './support/golden.js';

type LossFn = (...args: unknown[]) => Tensor;

const functions: Record<string, LossFn> = {
  softmaxCrossEntropy: nn.softmaxCrossEntropy as LossFn,
  softmaxCrossEntropyWithProbs: nn.softmaxCrossEntropyWithProbs as LossFn,
  nll: nn.nll as LossFn,
  binaryCrossEntropyWithLogits: nn.binaryCrossEntropyWithLogits as LossFn,
  mse: nn.mse as LossFn,
  mae: nn.mae as LossFn,
  huber: nn.huber as LossFn,
  klDivergence: nn.klDivergence as LossFn,
  cosineSimilarity: nn.cosineSimilarity as LossFn,
};

describe('losses vs PyTorch (nn_losses.json)', () => {
  for (const c of loadGolden('nn_losses')) {
    it(c.name, () => {
      scope(() => {
        const fn = functions[c.params.fn as string] as LossFn;
        const argNames = c.params.args as string[];
        const raw = { ...(c.params.options as Record<string, unknown>) };
        if (Array.isArray(raw.posWeight)) raw.posWeight = np.array(raw.posWeight as number[]);
        const args = argNames.map((n) => goldenTensor(c.inputs[n]));
        const ct = goldenTensor(c.inputs.ct);
        const diff = argNames.map((n, i) => (`d${n}` in c.outputs ? i : -1)).filter((i) => i >= 0);
        const lossOf = (...xs: Tensor[]) => {
          const full = [...args];
          diff.forEach((i, k) => {
            full[i] = xs[k] as Tensor;
          });
          const loss = fn(...full, raw);
          return [loss.mul(ct).sum(), loss] as [Tensor, Tensor];
        };
        const [[, loss], grads] = valueAndGrad(lossOf, {
          argnums: diff.map((_, k) => k),
          hasAux: true,
        })(...diff.map((i) => args[i] as Tensor)) as unknown as [[Tensor, Tensor], Tensor[]];
        expectClose(loss, c.outputs.loss, `${c.name}: loss`);
        diff.forEach((i, k) => {
          const name = argNames[i] as string;
          expectClose(grads[k] as Tensor, c.outputs[`d${name}`], `${c.name}: d${name}`);
        });
      });
    });
  }
});
