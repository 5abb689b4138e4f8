/**
 * `lstmCell`: one step of a long short-term memory cell as PyTorch's `nn.LSTMCell`. The four
 * gate blocks are stacked in PyTorch's order i, f, g, o:
 * `gates = x·Wihᵀ + bih + h·Whhᵀ + bhh`, `c' = σ(f)·c + σ(i)·tanh(g)`, `h' = σ(o)·tanh(c')`.
 * `lstm` runs it over sequences.
 */
import { scope, type Tensor } from '@tensile/core';
import { lstmStep } from '../internal/cell-steps.js';
import {
  type CellConfig,
  cellState,
  initCellParams,
  projectInput,
} from '../internal/recurrent-cell.js';
import { defineModule, Module } from '../module.js';

/**
 * An LSTM cell.
 *
 * @example
 * const cell = lstmCell.init(random.key(0), { inputSize: 4, hiddenSize: 8 });
 * cell.weightIh.shape  // [32, 4]
 */
export class LSTMCell extends Module {
  /** `[4·hiddenSize, inputSize]`, gate blocks i, f, g, o. */
  declare readonly weightIh: Tensor;
  /** `[4·hiddenSize, hiddenSize]`. */
  declare readonly weightHh: Tensor;
  declare readonly biasIh: Tensor | null;
  declare readonly biasHh: Tensor | null;
  declare readonly inputSize: number;
  declare readonly hiddenSize: number;
}

const make = defineModule(LSTMCell, {
  children: ['weightIh', 'weightHh', 'biasIh', 'biasHh'],
  statics: ['inputSize', 'hiddenSize'],
});

/**
 * An LSTM cell initialised as PyTorch's (`U(±1/√hiddenSize)`).
 *
 * @example
 * const cell = lstmCell.init(key, { inputSize: 16, hiddenSize: 32 });
 */
export function init(key: Tensor, config: CellConfig): LSTMCell {
  return make(initCellParams('lstmCell.init', key, config, 4));
}

/**
 * The next `[h, c]` for input `x` (`[B, inputSize]` or `[inputSize]`) and state `[h, c]` (zeros
 * when omitted).
 *
 * @example
 * let state = lstmCell.apply(cell, x0);
 * state = lstmCell.apply(cell, x1, state);
 */
export function apply(
  cell: LSTMCell,
  x: Tensor,
  state?: readonly [Tensor, Tensor],
): [Tensor, Tensor] {
  return scope(() => {
    const h0 = cellState('lstmCell', cell, x, state?.[0]);
    const c0 = cellState('lstmCell', cell, x, state?.[1]);
    return lstmStep(cell, projectInput(cell, x), [h0, c0]) as [Tensor, Tensor];
  });
}
