/**
 * `charRnn`: a character-level (or any token-level) recurrent language model — embedding →
 * LSTM (or GRU) → linear logits over the vocabulary at every step — and `sample`, which continues
 * a prefix by drawing each next token from `softmax(logits / temperature)` with
 * `random.categorical` inside a `lax.scan` (one key per step, split from the caller's key, so the
 * same key gives the same text on every backend and under `jit`).
 */
import {
  DTypeError,
  isInteger,
  lax,
  np,
  random,
  ShapeError,
  scope,
  type Tensor,
  ValueError,
} from '@tensile/core';
import { defineModule, type Embedding, embedding, type Linear, linear, Module } from '@tensile/nn';
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
 * A recurrent language model's layers.
 *
 * @example
 * const model = charRnn.init(random.key(0), { vocabSize: 65 });
 * model.head.outFeatures  // 65
 */
export class CharRnn extends Module {
  declare readonly embedding: Embedding;
  declare readonly encoder: Encoder;
  declare readonly head: Linear;
  declare readonly vocabSize: number;
}

/** Options of `charRnn.init`. */
export interface CharRnnConfig {
  /** Number of token ids (required). */
  vocabSize: number;
  /** Embedding width (default 32). */
  embedDim?: number;
  /** Recurrent hidden size (default 128). */
  hiddenSize?: number;
  /** Stacked recurrent layers (default 2). */
  numLayers?: number;
  /** `'lstm'` (default) or `'gru'`/`'rnn'`. */
  cell?: CellKind;
  /** Dropout between recurrent layers in training (default 0). */
  dropout?: number;
}

/** Options of `charRnn.apply`. */
export interface CharRnnOptions {
  /** State to continue from (the second result of a previous call); zeros by default. */
  initialState?: EncoderState;
  /** PRNG key, needed for inter-layer dropout in training. */
  key?: Tensor;
  /** Training mode; default false. */
  train?: boolean;
}

/** Options of `charRnn.sample`. */
export interface SampleOptions {
  /** Divides the logits: below 1 sharper, above 1 more random; 0 picks the argmax (default 1). */
  temperature?: number;
}

const make = defineModule(CharRnn, {
  children: ['embedding', 'encoder', 'head'],
  statics: ['vocabSize'],
  forward: (m, x, { key, train }) => [apply(m, x, { key, train })[0], null],
});

/**
 * A recurrent language model (embedding `N(0, 1)`, recurrent and linear layers as PyTorch's).
 *
 * @example
 * const model = charRnn.init(random.key(0), { vocabSize: 65, hiddenSize: 256, numLayers: 2 });
 */
export function init(key: Tensor, config: CharRnnConfig): CharRnn {
  const op = 'charRnn.init';
  const vocabSize = positiveInt(op, 'vocabSize', config.vocabSize);
  const embedDim = positiveInt(op, 'embedDim', config.embedDim ?? 32);
  const hiddenSize = positiveInt(op, 'hiddenSize', config.hiddenSize ?? 128);
  const numLayers = positiveInt(op, 'numLayers', config.numLayers ?? 2);
  const kind = cellKind(op, config.cell ?? 'lstm');
  const rate = dropoutRate(op, 'dropout', config.dropout ?? 0);
  return scope(() => {
    const [kEmbed, kEncoder, kHead] = [...random.split(key, 3)] as Tensor[];
    return make({
      embedding: embedding.init(kEmbed as Tensor, {
        numEmbeddings: vocabSize,
        embeddingDim: embedDim,
      }),
      encoder: initEncoder(kind, kEncoder as Tensor, {
        inputSize: embedDim,
        hiddenSize,
        numLayers,
        dropout: rate,
      }),
      head: linear.init(kHead as Tensor, { inFeatures: hiddenSize, outFeatures: vocabSize }),
      vocabSize,
    });
  });
}

function checkTokens(op: string, tokens: Tensor): void {
  if (!isInteger(tokens.dtype)) {
    throw new DTypeError(
      `${op}: tokens must be integer ids, got ${tokens.dtype}[${tokens.shape.join(', ')}]`,
    );
  }
  if (tokens.ndim !== 2) {
    throw new ShapeError(`${op}: tokens must be [B, T], got [${tokens.shape.join(', ')}]`);
  }
}

/**
 * Next-token logits for every position of `tokens` (int `[B, T]`): `[logits [B, T, vocabSize],
 * state]`. Train with the cross-entropy of `logits[:, t]` against `tokens[:, t + 1]`; pass
 * `state` back as `initialState` to continue a long text in chunks.
 *
 * @example
 * const [logits] = charRnn.apply(model, batch.slice(null, [0, -1]));
 * const loss = softmaxCrossEntropy(logits, batch.slice(null, [1, null]));
 */
export function apply(
  m: CharRnn,
  tokens: Tensor,
  options: CharRnnOptions = {},
): [Tensor, Tensor[]] {
  checkTokens('charRnn', tokens);
  return scope(() => {
    const [out, state] = runEncoder(m.encoder, embedding.apply(m.embedding, tokens), options);
    return [linear.apply(m.head, out), state];
  });
}

/**
 * Continue `prefix` (ids `number[]` or int `[P]`, or a batch `[B, P]`; at least one token) by
 * `length` tokens: the new ids, int32 `[length]` (or `[B, length]`). Deterministic for a given
 * `key`.
 *
 * @example
 * const ids = charRnn.sample(model, random.key(1), encode('ROMEO:'), 200, { temperature: 0.8 });
 * console.log(decode(await ids.data()));
 */
export function sample(
  m: CharRnn,
  key: Tensor,
  prefix: Tensor | readonly number[],
  length: number,
  options: SampleOptions = {},
): Tensor {
  const op = 'charRnn.sample';
  const steps = positiveInt(op, 'length', length);
  const temperature = options.temperature ?? 1;
  if (typeof temperature !== 'number' || !(temperature >= 0) || !Number.isFinite(temperature)) {
    throw new ValueError(
      `${op}: temperature must be a finite number ≥ 0, got ${String(temperature)}`,
    );
  }
  return scope(() => {
    const ids = Array.isArray(prefix)
      ? np.array(prefix as number[], { dtype: 'int32' })
      : (prefix as Tensor);
    const batched = ids.ndim === 2;
    if (ids.ndim !== 1 && !batched) {
      throw new ShapeError(`${op}: prefix must be [P] or [B, P], got [${ids.shape.join(', ')}]`);
    }
    const tokens = batched ? ids : ids.expandDims(0);
    if ((tokens.shape[1] as number) < 1)
      throw new ValueError(`${op}: the prefix must hold at least one token`);
    const [logits, state] = apply(m, tokens);
    const last = logits.take((tokens.shape[1] as number) - 1, { axis: 1 });
    const draw = (k: Tensor, l: Tensor): Tensor =>
      temperature === 0
        ? np.argmax(l, { axis: -1 }).astype('int32')
        : random.categorical(k, l.div(temperature));
    const [, drawn] = lax.scan(
      ([s, l]: [Tensor[], Tensor], k: Tensor): [[Tensor[], Tensor], Tensor] => {
        const token = draw(k, l);
        const [next, nextState] = apply(m, token.expandDims(1), { initialState: s });
        return [[nextState, next.squeeze(1)], token];
      },
      [state, last] as [Tensor[], Tensor],
      random.split(key, steps),
    );
    const out = drawn.T; // [B, length]
    return batched ? out : out.squeeze(0);
  });
}
