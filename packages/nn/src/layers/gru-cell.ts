/**
 * `gruCell`: one step of a gated recurrent unit as PyTorch's `nn.GRUCell`, gate blocks r, z, n:
 * `r = σ(xr + hr)`, `z = σ(xz + hz)`, `n = tanh(xn + r·hn)`, `h' = (1 − z)·n + z·h`, where
 * `x· = x·Wihᵀ + bih` and `h· = h·Whhᵀ + bhh` per block — the reset gate multiplies the whole
 * hidden projection including `bhn`, PyTorch's (and cuDNN's) formula. `gru` runs it over sequences.
 */
import { scope, type Tensor } from '@tensile/core';
import { gruStep } from '../internal/cell-steps.js';
import {
  type CellConfig,
  cellState,
  initCellParams,
  projectInput,
} from '../internal/recurrent-cell.js';
import { defineModule, Module } from '../module.js';

/**
 * A GRU cell.
 *
 * @example
 * const cell = gruCell.init(random.key(0), { inputSize: 4, hiddenSize: 8 });
 * cell.weightIh.shape  // [24, 4]
 */
export class GRUCell extends Module {
  /** `[3·hiddenSize, inputSize]`, gate blocks r, z, n. */
  declare readonly weightIh: Tensor;
  /** `[3·hiddenSize, hiddenSize]`. */
  declare readonly weightHh: Tensor;
  declare readonly biasIh: Tensor | null;
  declare readonly biasHh: Tensor | null;
  declare readonly inputSize: number;
  declare readonly hiddenSize: number;
}

const make = defineModule(GRUCell, {
  children: ['weightIh', 'weightHh', 'biasIh', 'biasHh'],
  statics: ['inputSize', 'hiddenSize'],
});

/**
 * A GRU cell initialised as PyTorch's (`U(±1/√hiddenSize)`).
 *
 * @example
 * const cell = gruCell.init(key, { inputSize: 16, hiddenSize: 32 });
 */
export function init(key: Tensor, config: CellConfig): GRUCell {
  return make(initCellParams('gruCell.init', key, config, 3));
}

/**
 * The next hidden state for input `x` (`[B, inputSize]` or `[inputSize]`) and `h` (zeros when
 * omitted).
 *
 * @example
 * const h1 = gruCell.apply(cell, x0);
 * const h2 = gruCell.apply(cell, x1, h1);
 */
export function apply(cell: GRUCell, x: Tensor, h?: Tensor): Tensor {
  return scope(() => {
    const h0 = cellState('gruCell', cell, x, h);
    return gruStep(cell, projectInput(cell, x), [h0])[0] as Tensor;
  });
}
