/**
 * `rnnCell`: one step of an Elman RNN, `h' = act(x·Wihᵀ + bih + h·Whhᵀ + bhh)` with `tanh` or
 * `relu`, as PyTorch's `nn.RNNCell`. `rnn` runs it over sequences.
 */
import { scope, type Tensor } from '@tensile/core';
import { rnnStep } from '../internal/cell-steps.js';
import {
  type CellConfig,
  cellState,
  checkNonlinearity,
  initCellParams,
  projectInput,
  type RnnNonlinearity,
} from '../internal/recurrent-cell.js';
import { defineModule, Module } from '../module.js';

export type { RnnNonlinearity } from '../internal/recurrent-cell.js';

/**
 * An Elman RNN cell.
 *
 * @example
 * const cell = rnnCell.init(random.key(0), { inputSize: 4, hiddenSize: 8 });
 * cell.weightHh.shape  // [8, 8]
 */
export class RNNCell extends Module {
  /** `[hiddenSize, inputSize]`. */
  declare readonly weightIh: Tensor;
  /** `[hiddenSize, hiddenSize]`. */
  declare readonly weightHh: Tensor;
  declare readonly biasIh: Tensor | null;
  declare readonly biasHh: Tensor | null;
  declare readonly inputSize: number;
  declare readonly hiddenSize: number;
  declare readonly nonlinearity: RnnNonlinearity;
}

/** Options of `rnnCell.init`. */
export interface RnnCellConfig extends CellConfig {
  /** Default `'tanh'`. */
  nonlinearity?: RnnNonlinearity;
}

const make = defineModule(RNNCell, {
  children: ['weightIh', 'weightHh', 'biasIh', 'biasHh'],
  statics: ['inputSize', 'hiddenSize', 'nonlinearity'],
});

/**
 * An RNN cell initialised as PyTorch's (`U(±1/√hiddenSize)`).
 *
 * @example
 * const cell = rnnCell.init(key, { inputSize: 16, hiddenSize: 32, nonlinearity: 'relu' });
 */
export function init(key: Tensor, config: RnnCellConfig): RNNCell {
  const nonlinearity = checkNonlinearity('rnnCell.init', config.nonlinearity);
  return make({ ...initCellParams('rnnCell.init', key, config, 1), nonlinearity });
}

/**
 * The next hidden state for input `x` (`[B, inputSize]` or `[inputSize]`) and hidden state `h`
 * (zeros when omitted).
 *
 * @example
 * const h1 = rnnCell.apply(cell, x0);
 * const h2 = rnnCell.apply(cell, x1, h1);
 */
export function apply(cell: RNNCell, x: Tensor, h?: Tensor): Tensor {
  return scope(() => {
    const h0 = cellState('rnnCell', cell, x, h);
    return rnnStep(cell, projectInput(cell, x), [h0])[0] as Tensor;
  });
}
