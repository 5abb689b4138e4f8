/**
 * `rnn`: a multi-layer, optionally bidirectional Elman RNN (`tanh` or `relu`) over sequences, as
 * PyTorch's `nn.RNN` (time-major `[T, B, I]` unless `batchFirst`; unbatched `[T, I]`), with
 * `lengths`/`mask` for padded batches. PyTorch's `weight_ih_l{k}{_reverse}` is
 * `cells[k·directions + reverse].weightIh`.
 */
import { scope, type Tensor } from '@tensile/core';
import { rnnStep } from '../internal/cell-steps.js';
import {
  cellKeys,
  runSequence,
  type SequenceConfig,
  type SequenceOptions,
  sequenceStatics,
} from '../internal/recurrent.js';
import { checkNonlinearity, type RnnNonlinearity } from '../internal/recurrent-cell.js';
import { defineModule, Module } from '../module.js';
import { init as initCell, type RNNCell } from './rnn-cell.js';

/**
 * A (stacked, optionally bidirectional) Elman RNN.
 *
 * @example
 * const m = rnn.init(random.key(0), { inputSize: 8, hiddenSize: 16, nonlinearity: 'relu' });
 */
export class RNN extends Module {
  /** One cell per layer and direction: `cells[layer·directions + direction]`. */
  declare readonly cells: readonly RNNCell[];
  declare readonly inputSize: number;
  declare readonly hiddenSize: number;
  declare readonly numLayers: number;
  declare readonly batchFirst: boolean;
  declare readonly dropout: number;
  declare readonly bidirectional: boolean;
}

/** Options of `rnn.init`. */
export interface RnnConfig extends SequenceConfig {
  /** Default `'tanh'`. */
  nonlinearity?: RnnNonlinearity;
}

const make = defineModule(RNN, {
  children: ['cells'],
  statics: ['inputSize', 'hiddenSize', 'numLayers', 'batchFirst', 'dropout', 'bidirectional'],
  forward: (m, x, { key, train }) => [apply(m, x, { key, train })[0], null],
});

/**
 * An RNN initialised as PyTorch's (`U(±1/√hiddenSize)` for every parameter).
 *
 * @example
 * const m = rnn.init(key, { inputSize: 1, hiddenSize: 32, batchFirst: true });
 */
export function init(key: Tensor, config: RnnConfig): RNN {
  const { statics, cellInputs } = sequenceStatics('rnn.init', config);
  const nonlinearity = checkNonlinearity('rnn.init', config.nonlinearity);
  return scope(() => {
    const keys = cellKeys(key, cellInputs.length);
    const cells = cellInputs.map((inputSize, i) =>
      initCell(keys[i] as Tensor, {
        inputSize,
        hiddenSize: statics.hiddenSize,
        bias: config.bias,
        nonlinearity,
      }),
    );
    return make({ cells, ...statics });
  });
}

/**
 * Run the RNN over `x`: `[output, hN]` (`hN` is `[numLayers·directions, B, H]`).
 *
 * @example
 * const [out, h] = rnn.apply(m, x);
 */
export function apply(m: RNN, x: Tensor, options: SequenceOptions<Tensor> = {}): [Tensor, Tensor] {
  const initial = options.initialState ? [options.initialState] : undefined;
  const [output, [h]] = runSequence('rnn', m, rnnStep, 1, x, initial, options);
  return [output, h as Tensor];
}
