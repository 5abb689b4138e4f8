/**
 * `lstm`: a multi-layer, optionally bidirectional LSTM over sequences, as PyTorch's `nn.LSTM`
 * (gate order i, f, g, o; time-major `[T, B, I]` unless `batchFirst`; unbatched `[T, I]`), with
 * `lengths`/`mask` for padded batches. Each layer/direction is an `LSTMCell`; PyTorch's
 * `weight_ih_l{k}{_reverse}` is `cells[k·directions + reverse].weightIh`.
 */
import { scope, type Tensor } from '@tensile/core';
import { lstmStep } from '../internal/cell-steps.js';
import {
  cellKeys,
  runSequence,
  type SequenceConfig,
  type SequenceOptions,
  sequenceStatics,
} from '../internal/recurrent.js';
import { defineModule, Module } from '../module.js';
import { init as initCell, type LSTMCell } from './lstm-cell.js';

/**
 * A (stacked, optionally bidirectional) LSTM.
 *
 * @example
 * const m = lstm.init(random.key(0), { inputSize: 8, hiddenSize: 16, numLayers: 2 });
 * m.cells.length  // 2
 */
export class LSTM extends Module {
  /** One cell per layer and direction: `cells[layer·directions + direction]`. */
  declare readonly cells: readonly LSTMCell[];
  declare readonly inputSize: number;
  declare readonly hiddenSize: number;
  declare readonly numLayers: number;
  declare readonly batchFirst: boolean;
  declare readonly dropout: number;
  declare readonly bidirectional: boolean;
}

/** The `[h, c]` state of an LSTM, each `[numLayers·directions, B, hiddenSize]`. */
export type LSTMState = readonly [h: Tensor, c: Tensor];

const make = defineModule(LSTM, {
  children: ['cells'],
  statics: ['inputSize', 'hiddenSize', 'numLayers', 'batchFirst', 'dropout', 'bidirectional'],
  forward: (m, x, { key, train }) => [apply(m, x, { key, train })[0], null],
});

/**
 * An LSTM initialised as PyTorch's (`U(±1/√hiddenSize)` for every parameter).
 *
 * @example
 * const m = lstm.init(key, { inputSize: 64, hiddenSize: 128, batchFirst: true, bidirectional: true });
 */
export function init(key: Tensor, config: SequenceConfig): LSTM {
  const { statics, cellInputs } = sequenceStatics('lstm.init', config);
  return scope(() => {
    const keys = cellKeys(key, cellInputs.length);
    const cells = cellInputs.map((inputSize, i) =>
      initCell(keys[i] as Tensor, { inputSize, hiddenSize: statics.hiddenSize, bias: config.bias }),
    );
    return make({ cells, ...statics });
  });
}

/**
 * Run the LSTM over `x`: `[output, [hN, cN]]`, with `output` `[T, B, directions·H]` (or
 * `[B, T, ·]` with `batchFirst`, `[T, ·]` unbatched) and final states
 * `[numLayers·directions, B, H]`.
 *
 * @example
 * const [out, [h, c]] = lstm.apply(m, x);
 * const [padded] = lstm.apply(m, x, { lengths: np.array([5, 3]) });
 */
export function apply(
  m: LSTM,
  x: Tensor,
  options: SequenceOptions<LSTMState> = {},
): [Tensor, [Tensor, Tensor]] {
  const [output, [h, c]] = runSequence('lstm', m, lstmStep, 2, x, options.initialState, options);
  return [output, [h as Tensor, c as Tensor]];
}
