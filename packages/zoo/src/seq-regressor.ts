/**
 * `seqRegressor`: a recurrent network (RNN, LSTM or GRU) for one-step-ahead time-series
 * forecasting. At every step `t` it reads `x[:, t]` and predicts the next value `x[:, t + 1]` with
 * a linear layer on the hidden state, so one sequence trains all its steps at once (teacher
 * forcing) and the last step's output is the forecast. `forecast` rolls the model forward
 * autoregressively, feeding each prediction back in, inside a `lax.scan`.
 */
import { lax, random, ShapeError, scope, type Tensor, ValueError } from '@tensile/core';
import { defineModule, type Linear, linear, Module } from '@tensile/nn';
import { dropoutRate, positiveInt } from './internal/config.js';
import {
  type CellKind,
  cellKind,
  type Encoder,
  type EncoderState,
  initEncoder,
  runEncoder,
} from './internal/encoder.js';

/**
 * A sequence regressor's layers.
 *
 * @example
 * const model = seqRegressor.init(random.key(0), { inputSize: 1, cell: 'gru' });
 * model.head.outFeatures  // 1
 */
export class SeqRegressor extends Module {
  declare readonly encoder: Encoder;
  declare readonly head: Linear;
}

/** Options of `seqRegressor.init`. */
export interface SeqRegressorConfig {
  /** Features per time step (default 1: a univariate series). */
  inputSize?: number;
  /** Predicted features per step (default `inputSize`: the next value of every input feature). */
  outputSize?: number;
  /** Recurrent hidden size (default 32). */
  hiddenSize?: number;
  /** Stacked recurrent layers (default 1). */
  numLayers?: number;
  /** `'lstm'` (default), `'gru'` or `'rnn'` (Elman, tanh). */
  cell?: CellKind;
  /** Dropout between recurrent layers in training (default 0). */
  dropout?: number;
}

/** Options of `seqRegressor.apply`. */
export interface SeqRegressorOptions {
  /** State to continue from (the second result of a previous call); zeros by default. */
  initialState?: EncoderState;
  /** Valid length of each series, int `[B]` (padded batches). */
  lengths?: Tensor;
  /** Valid steps as booleans `[B, T]` (instead of `lengths`). */
  mask?: Tensor;
  /** PRNG key, needed for inter-layer dropout in training. */
  key?: Tensor;
  /** Training mode; default false. */
  train?: boolean;
}

const make = defineModule(SeqRegressor, {
  children: ['encoder', 'head'],
  statics: [],
  forward: (m, x, { key, train }) => [apply(m, x, { key, train })[0], null],
});

/**
 * A sequence regressor (recurrent and linear layers initialised as PyTorch's).
 *
 * @example
 * const model = seqRegressor.init(random.key(0), { inputSize: 3, outputSize: 1, hiddenSize: 64 });
 */
export function init(key: Tensor, config: SeqRegressorConfig = {}): SeqRegressor {
  const op = 'seqRegressor.init';
  const inputSize = positiveInt(op, 'inputSize', config.inputSize ?? 1);
  const outputSize = positiveInt(op, 'outputSize', config.outputSize ?? inputSize);
  const hiddenSize = positiveInt(op, 'hiddenSize', config.hiddenSize ?? 32);
  const numLayers = positiveInt(op, 'numLayers', config.numLayers ?? 1);
  const kind = cellKind(op, config.cell ?? 'lstm');
  const rate = dropoutRate(op, 'dropout', config.dropout ?? 0);
  return scope(() => {
    const [kEncoder, kHead] = [...random.split(key)] as Tensor[];
    return make({
      encoder: initEncoder(kind, kEncoder as Tensor, {
        inputSize,
        hiddenSize,
        numLayers,
        dropout: rate,
      }),
      head: linear.init(kHead as Tensor, { inFeatures: hiddenSize, outFeatures: outputSize }),
    });
  });
}

/**
 * One-step-ahead predictions for every step of `x` (`[B, T, inputSize]`): `[predictions
 * [B, T, outputSize], state]`; `predictions[:, t]` forecasts `x[:, t + 1]`.
 *
 * @example
 * const [pred] = seqRegressor.apply(model, series.slice(null, [0, -1]));
 * const loss = mse(pred, series.slice(null, [1, null]));
 */
export function apply(
  m: SeqRegressor,
  x: Tensor,
  options: SeqRegressorOptions = {},
): [Tensor, Tensor[]] {
  if (x.ndim !== 3) {
    throw new ShapeError(
      `seqRegressor: expected [B, T, ${m.encoder.inputSize}], got [${x.shape.join(', ')}]`,
    );
  }
  return scope(() => {
    const [out, state] = runEncoder(m.encoder, x, options);
    return [linear.apply(m.head, out), state];
  });
}

/**
 * Forecast `steps` values past the end of `history` (`[B, T, inputSize]`) by feeding each
 * prediction back as the next input: `[B, steps, inputSize]`. Needs `outputSize === inputSize`.
 *
 * @example
 * const next24 = seqRegressor.forecast(model, lastWeek, 24);
 */
export function forecast(m: SeqRegressor, history: Tensor, steps: number): Tensor {
  const op = 'seqRegressor.forecast';
  const n = positiveInt(op, 'steps', steps);
  if (m.head.outFeatures !== m.encoder.inputSize) {
    throw new ValueError(
      `${op}: predictions (${m.head.outFeatures} features) cannot be fed back as inputs (${m.encoder.inputSize} features)`,
    );
  }
  return scope(() => {
    const [pred, state] = apply(m, history);
    const last = pred.take((pred.shape[1] as number) - 1, { axis: 1 });
    const [, ys] = lax.scan(
      ([s, y]: [Tensor[], Tensor]): [[Tensor[], Tensor], Tensor] => {
        const [next, nextState] = apply(m, y.expandDims(1), { initialState: s });
        return [[nextState, next.squeeze(1)], y];
      },
      [state, last] as [Tensor[], Tensor],
      null,
      { length: n },
    );
    return ys.swapaxes(0, 1);
  });
}
