/**
 * The recurrent encoders of the sequence models (`textClassifier`, `charRnn`, `seqRegressor`):
 * one of nn's `rnn`, `lstm` or `gru` layers (batch-first), chosen by name at `init` and recognised
 * by class at `apply`, with their states unified as a list of slots — `[h]` for RNN/GRU, `[h, c]`
 * for LSTM, each `[numLayers·directions, B, hiddenSize]`.
 */
import { np, type Tensor } from '@tensile/core';
import { GRU, gru, LSTM, lstm, type RNN, rnn } from '@tensile/nn';
import { oneOf } from './config.js';

/** The recurrent layer kinds a sequence model can use. */
export type CellKind = 'rnn' | 'lstm' | 'gru';

/** A sequence model's recurrent encoder. */
export type Encoder = RNN | LSTM | GRU;

/** An encoder's state: `[h]` (RNN, GRU) or `[h, c]` (LSTM). */
export type EncoderState = readonly Tensor[];

/** Options of `runEncoder` (nn's sequence options with the state as slots). */
export interface EncoderOptions {
  initialState?: EncoderState;
  lengths?: Tensor;
  mask?: Tensor;
  key?: Tensor;
  train?: boolean;
}

/** Sizes of an encoder. */
export interface EncoderConfig {
  inputSize: number;
  hiddenSize: number;
  numLayers: number;
  bidirectional?: boolean;
  dropout?: number;
}

const CELLS = ['rnn', 'lstm', 'gru'] as const;

/** Validate a `cell` option. */
export function cellKind(op: string, value: unknown): CellKind {
  return oneOf(op, 'cell', value, CELLS);
}

/** A batch-first encoder of the given kind (initialised as PyTorch's). */
export function initEncoder(kind: CellKind, key: Tensor, config: EncoderConfig): Encoder {
  const full = { ...config, batchFirst: true };
  if (kind === 'lstm') return lstm.init(key, full);
  if (kind === 'gru') return gru.init(key, full);
  return rnn.init(key, full);
}

/** Run an encoder over `[B, T, inputSize]`: `[outputs [B, T, D·H], final state slots]`. */
export function runEncoder(
  m: Encoder,
  x: Tensor,
  options: EncoderOptions = {},
): [Tensor, Tensor[]] {
  const { initialState, ...rest } = options;
  if (m instanceof LSTM) {
    const [out, [h, c]] = lstm.apply(m, x, {
      ...rest,
      initialState: initialState
        ? [initialState[0] as Tensor, initialState[1] as Tensor]
        : undefined,
    });
    return [out, [h, c]];
  }
  const single = { ...rest, initialState: initialState?.[0] };
  const [out, h] = m instanceof GRU ? gru.apply(m, x, single) : rnn.apply(m as RNN, x, single);
  return [out, [h]];
}

/** The last layer's final hidden state, both directions concatenated: `[B, D·H]`. */
export function lastLayerHidden(m: Encoder, h: Tensor): Tensor {
  const directions = m.bidirectional ? 2 : 1;
  const first = (m.numLayers - 1) * directions;
  const parts = Array.from({ length: directions }, (_, d) => h.take(first + d, { axis: 0 }));
  return directions === 1 ? (parts[0] as Tensor) : np.concatenate(parts, { axis: -1 });
}
