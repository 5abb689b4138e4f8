/**
 * `gru`: a multi-layer, optionally bidirectional GRU over sequences, as PyTorch's `nn.GRU`
 * (gate order r, z, n with PyTorch's `n = tanh(xn + r·(Whn·h + bhn))`; time-major `[T, B, I]`
 * unless `batchFirst`; unbatched `[T, I]`), with `lengths`/`mask` for padded batches. PyTorch's
 * `weight_ih_l{k}{_reverse}` is `cells[k·directions + reverse].weightIh`.
 */
import { scope, type Tensor } from '@tensile/core';
import { gruStep } from '../internal/cell-steps.js';
import {
  cellKeys,
  runSequence,
  type SequenceConfig,
  type SequenceOptions,
  sequenceStatics,
} from '../internal/recurrent.js';
import { defineModule, Module } from '../module.js';
import { type GRUCell, init as initCell } from './gru-cell.js';

/**
 * A (stacked, optionally bidirectional) GRU.
 *
 * @example
 * const m = gru.init(random.key(0), { inputSize: 8, hiddenSize: 16 });
 * m.cells[0].weightHh.shape  // [48, 16]
 */
export class GRU extends Module {
  /** One cell per layer and direction: `cells[layer·directions + direction]`. */
  declare readonly cells: readonly GRUCell[];
  declare readonly inputSize: number;
  declare readonly hiddenSize: number;
  declare readonly numLayers: number;
  declare readonly batchFirst: boolean;
  declare readonly dropout: number;
  declare readonly bidirectional: boolean;
}

const make = defineModule(GRU, {
  children: ['cells'],
  statics: ['inputSize', 'hiddenSize', 'numLayers', 'batchFirst', 'dropout', 'bidirectional'],
  forward: (m, x, { key, train }) => [apply(m, x, { key, train })[0], null],
});

/**
 * A GRU initialised as PyTorch's (`U(±1/√hiddenSize)` for every parameter).
 *
 * @example
 * const m = gru.init(key, { inputSize: 64, hiddenSize: 128, numLayers: 2, dropout: 0.1 });
 */
export function init(key: Tensor, config: SequenceConfig): GRU {
  const { statics, cellInputs } = sequenceStatics('gru.init', config);
  return scope(() => {
    const keys = cellKeys(key, cellInputs.length);
    const cells = cellInputs.map((inputSize, i) =>
      initCell(keys[i] as Tensor, { inputSize, hiddenSize: statics.hiddenSize, bias: config.bias }),
    );
    return make({ cells, ...statics });
  });
}

/**
 * Run the GRU over `x`: `[output, hN]` (`hN` is `[numLayers·directions, B, H]`).
 *
 * @example
 * const [out, h] = gru.apply(m, x, { lengths });
 */
export function apply(m: GRU, x: Tensor, options: SequenceOptions<Tensor> = {}): [Tensor, Tensor] {
  const initial = options.initialState ? [options.initialState] : undefined;
  const [output, [h]] = runSequence('gru', m, gruStep, 1, x, initial, options);
  return [output, h as Tensor];
}
