/**
 * Multi-head attention against torch.nn.MultiheadAttention (fixtures/golden/nn_attention.json):
 * self- and cross-attention, boolean and additive key-padding/attention masks, batch-first,
 * no-bias, averaged and per-head attention weights; outputs and gradients with respect to the
 * query/key/value and every parameter (`in_proj_weight`, `out_proj.weight`, …).
 */
import type { Tensor } from '@tensile/core';
import { describe, it } from 'vitest';
import * as nn from '../src/index.js';
import { loadGolden } from './support/golden.js';
import { checkGoldenCase, type LayerRunner } from './support/golden-layer.js';

interface Options {
  needWeights: boolean;
  averageAttnWeights: boolean;
  keyPaddingMask?: string;
  attnMask?: string;
}

const mask = (t: Record<string, Tensor>, name: string | undefined) => {
  if (!name) return undefined;
  const m = t[name] as Tensor;
  return name.endsWith('_bool') ? m.astype('bool') : m;
};

const runner: LayerRunner = {
  // biome-ignore lint/suspicious/noExplicitAny: golden configs are untyped JSON
  init: (c, key) => nn.multiHeadAttention.init(key, c as any),
  run: (m, t, c) => {
    const o = c.params.options as Options;
    const q = (t.x ?? t.query) as Tensor;
    const [y, weights] = nn.multiHeadAttention.apply(
      m as nn.MultiheadAttention,
      q,
      (t.x ?? t.key) as Tensor,
      (t.x ?? t.value) as Tensor,
      {
        needWeights: o.needWeights,
        averageAttnWeights: o.averageAttnWeights,
        keyPaddingMask: mask(t, o.keyPaddingMask),
        attnMask: mask(t, o.attnMask),
      },
    );
    const outputs: Record<string, Tensor> = { y };
    if (weights) outputs.weights = weights;
    return outputs;
  },
};

describe('multiHeadAttention vs PyTorch (nn_attention.json)', () => {
  for (const c of loadGolden('nn_attention')) {
    it(c.name, () => checkGoldenCase(c, runner));
  }
});
