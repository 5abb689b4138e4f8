/**
 * Activations chosen by name in model configurations (`mlp({ activation: 'gelu' })`): the table
 * from @tensile/nn's activation names to their layers.
 */

import type { Activation, ActivationLayer, ActivationName } from '@tensile/nn';
import * as nn from '@tensile/nn';
import { oneOf } from './config.js';

const layers: Record<ActivationName, ActivationLayer> = {
  relu: nn.relu,
  relu6: nn.relu6,
  gelu: nn.gelu,
  tanh: nn.tanh,
  sigmoid: nn.sigmoid,
  leakyRelu: nn.leakyRelu,
  elu: nn.elu,
  celu: nn.celu,
  selu: nn.selu,
  silu: nn.silu,
  softplus: nn.softplus,
  logSigmoid: nn.logSigmoid,
  hardTanh: nn.hardTanh,
  softmax: nn.softmax,
  logSoftmax: nn.logSoftmax,
};

const names = Object.keys(layers) as ActivationName[];

/** The activation layer called `name`, validated (`op` names the caller in errors). */
export function activationLayer(op: string, name: unknown): Activation {
  return layers[oneOf(op, 'activation', name, names)].init();
}
