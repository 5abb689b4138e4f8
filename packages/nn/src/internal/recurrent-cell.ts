/**
 * What the recurrent cells share: PyTorch's parameter layout (`weightIh [G·H, I]`,
 * `weightHh [G·H, H]`, `biasIh`, `biasHh [G·H]` with `G` gate blocks stacked along the rows),
 * its default initialisation `U(±1/√H)` for every parameter, and the input/hidden projections.
 * The input projection is separate so sequence layers can compute it for all time steps in one
 * matrix product before the scan. Also the Elman RNN nonlinearity option.
 */
import { np, random, ShapeError, scope, type Tensor, ValueError } from '@tensile/core';
import * as initializers from '../init.js';
import { checkInput, positiveInt } from './config.js';

/** The parameters and sizes every cell has. */
export interface CellParams {
  readonly weightIh: Tensor;
  readonly weightHh: Tensor;
  readonly biasIh: Tensor | null;
  readonly biasHh: Tensor | null;
  readonly inputSize: number;
  readonly hiddenSize: number;
}

/** Options of every cell's `init`. */
export interface CellConfig {
  inputSize: number;
  hiddenSize: number;
  /** Learn `biasIh` and `biasHh` (default true). */
  bias?: boolean;
}

/** Parameters of a cell with `gates` stacked blocks, initialised `U(±1/√hiddenSize)`. */
export function initCellParams(
  op: string,
  key: Tensor,
  config: CellConfig,
  gates: number,
): CellParams {
  const inputSize = positiveInt(op, 'inputSize', config.inputSize);
  const hiddenSize = positiveInt(op, 'hiddenSize', config.hiddenSize);
  const bound = 1 / Math.sqrt(hiddenSize);
  const u = initializers.uniform({ low: -bound, high: bound });
  const rows = gates * hiddenSize;
  return scope(() => {
    const [k1, k2, k3, k4] = random.split(key, 4);
    const bias = config.bias ?? true;
    return {
      weightIh: u(k1 as Tensor, [rows, inputSize]),
      weightHh: u(k2 as Tensor, [rows, hiddenSize]),
      biasIh: bias ? u(k3 as Tensor, [rows]) : null,
      biasHh: bias ? u(k4 as Tensor, [rows]) : null,
      inputSize,
      hiddenSize,
    };
  });
}

/** `x·Wihᵀ + bih` over the last axis. */
export function projectInput(cell: CellParams, x: Tensor): Tensor {
  const y = np.matmul(x, cell.weightIh.T);
  return cell.biasIh ? y.add(cell.biasIh) : y;
}

/** `h·Whhᵀ + bhh` over the last axis. */
export function projectHidden(cell: CellParams, h: Tensor): Tensor {
  const y = np.matmul(h, cell.weightHh.T);
  return cell.biasHh ? y.add(cell.biasHh) : y;
}

/** Check a cell's input (`[B, I]` or `[I]`) and state (`[B, H]` or `[H]`); zeros for no state. */
export function cellState(
  op: string,
  cell: CellParams,
  x: Tensor,
  state: Tensor | undefined,
): Tensor {
  checkInput(op, x, [1, 2], { axis: -1, size: cell.inputSize, what: 'input features' });
  const shape = [...x.shape.slice(0, -1), cell.hiddenSize];
  if (!state) return np.zeros(shape, { dtype: x.dtype });
  if (state.shape.join() !== shape.join()) {
    throw new ShapeError(
      `${op}: the state must have shape [${shape.join(', ')}] for input [${x.shape.join(', ')}], got [${state.shape.join(', ')}]`,
    );
  }
  return state;
}

/** The nonlinearity of an Elman RNN. */
export type RnnNonlinearity = 'tanh' | 'relu';

/** Check an RNN nonlinearity option. */
export function checkNonlinearity(op: string, value: string | undefined): RnnNonlinearity {
  const v = value ?? 'tanh';
  if (v !== 'tanh' && v !== 'relu') {
    throw new ValueError(`${op}: nonlinearity must be 'tanh' or 'relu', got '${v}'`);
  }
  return v;
}
