/**
 * Every feed-forward layer against PyTorch (fixtures/golden/nn_layers.json): the torch layer's
 * weights are loaded into the module, and the forward output, the updated batch-norm statistics
 * and the gradients with respect to the input and every parameter must match torch's float64
 * results within float32 tolerance.
 */
import type { Tensor } from '@tensile/core';
import { describe, it } from 'vitest';
import type { Module } from '../src/index.js';
import * as nn from '../src/index.js';
import { type GoldenCase, loadGolden } from './support/golden.js';
import { checkGoldenCase, type LayerRunner } from './support/golden-layer.js';

// biome-ignore lint/suspicious/noExplicitAny: golden configs are untyped JSON
type AnyConfig = any;

const plain =
  (apply: (m: AnyConfig, x: Tensor) => Tensor) => (m: Module, t: Record<string, Tensor>) => ({
    y: apply(m, t.x as Tensor),
  });

const keyed = (
  init: (key: Tensor, c: AnyConfig) => Module,
  apply: (m: AnyConfig, x: Tensor) => Tensor,
): LayerRunner => ({ init: (c, key) => init(key, c), run: plain(apply) });

const keyless = (
  init: (c: AnyConfig) => Module,
  apply: (m: AnyConfig, x: Tensor) => Tensor,
): LayerRunner => ({ init: (c) => init(c), run: plain(apply) });

const batchNormRunner: LayerRunner = {
  init: (c) => nn.batchNorm.init(c as AnyConfig),
  run: (m, t, c: GoldenCase) => {
    const bn = m as nn.BatchNorm;
    const state = t.running_mean
      ? { runningMean: t.running_mean, runningVar: t.running_var as Tensor }
      : nn.batchNorm.initState(bn);
    const train = (c.params.options as { train: boolean }).train;
    const [y, s] = nn.batchNorm.apply(bn, t.x as Tensor, state, { train });
    return {
      y,
      running_mean: (s as nn.BatchNormState).runningMean,
      running_var: (s as nn.BatchNormState).runningVar,
    };
  },
};

const activation = (layer: nn.ActivationLayer): LayerRunner => ({
  init: (c) => layer.init(c as nn.ActivationOptions),
  run: plain((m, x) => layer.apply(m, x)),
});

const runners: Record<string, LayerRunner> = {
  linear: keyed(nn.linear.init, nn.linear.apply),
  conv1d: keyed(nn.conv1d.init, nn.conv1d.apply),
  conv2d: keyed(nn.conv2d.init, nn.conv2d.apply),
  convTranspose2d: keyed(nn.convTranspose2d.init, nn.convTranspose2d.apply),
  maxPool2d: keyless(nn.maxPool2d.init, nn.maxPool2d.apply),
  avgPool2d: keyless(nn.avgPool2d.init, nn.avgPool2d.apply),
  globalAvgPool: keyless(nn.globalAvgPool.init, nn.globalAvgPool.apply),
  batchNorm: batchNormRunner,
  layerNorm: keyless(nn.layerNorm.init, nn.layerNorm.apply),
  groupNorm: keyless(nn.groupNorm.init, nn.groupNorm.apply),
  embedding: keyed(nn.embedding.init, nn.embedding.apply),
  relu: activation(nn.relu),
  gelu: activation(nn.gelu),
  tanh: activation(nn.tanh),
  sigmoid: activation(nn.sigmoid),
  leakyRelu: activation(nn.leakyRelu),
  elu: activation(nn.elu),
  selu: activation(nn.selu),
  silu: activation(nn.silu),
  softplus: activation(nn.softplus),
  softmax: activation(nn.softmax),
  logSoftmax: activation(nn.logSoftmax),
};

describe('layers vs PyTorch (nn_layers.json)', () => {
  for (const c of loadGolden('nn_layers')) {
    it(c.name, () => {
      const runner = runners[c.params.layer as string];
      if (!runner) throw new Error(`no runner for ${c.params.layer as string}`);
      checkGoldenCase(c, runner);
    });
  }
});
