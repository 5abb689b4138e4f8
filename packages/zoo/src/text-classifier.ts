/**
 * `textClassifier`: token ids → embedding → LSTM or GRU (batch-first, optionally stacked and
 * bidirectional) → the last layer's final hidden state → dropout? → linear logits. Padded batches
 * pass `lengths` (or a `mask`): nn's sequence layers then stop each sequence's state at its last
 * valid token (the reverse direction starts there), exactly as PyTorch's packed sequences.
 */
import { DTypeError, isInteger, random, ShapeError, scope, type Tensor } from '@tensile/core';
import {
  defineModule,
  dropout,
  type Embedding,
  embedding,
  type Linear,
  linear,
  Module,
} from '@tensile/nn';
import { dropoutRate, positiveInt } from './internal/config.js';
import {
  type CellKind,
  cellKind,
  type Encoder,
  initEncoder,
  lastLayerHidden,
  runEncoder,
} from './internal/encoder.js';

/**
 * A text classifier's layers.
 *
 * @example
 * const model = textClassifier.init(random.key(0), { vocabSize: 5000, numClasses: 2 });
 * model.encoder.hiddenSize  // 128
 */
export class TextClassifier extends Module {
  declare readonly embedding: Embedding;
  declare readonly encoder: Encoder;
  declare readonly head: Linear;
  /** Dropout probability on the features before `head`, in training. */
  declare readonly dropout: number;
}

/** Options of `textClassifier.init`. */
export interface TextClassifierConfig {
  /** Number of token ids (required). */
  vocabSize: number;
  /** Output logits (default 2). */
  numClasses?: number;
  /** Embedding width (default 64). */
  embedDim?: number;
  /** Recurrent hidden size (default 128). */
  hiddenSize?: number;
  /** `'lstm'` (default), `'gru'` or `'rnn'`. */
  cell?: CellKind;
  /** Stacked recurrent layers (default 1). */
  numLayers?: number;
  /** Read the text in both directions (default false). */
  bidirectional?: boolean;
  /** Token id of padding: its embedding row is zero and never trained (default 0; `null` for none). */
  paddingIdx?: number | null;
  /** Dropout probability between recurrent layers and before the head, in training (default 0). */
  dropout?: number;
}

/** Options of `textClassifier.apply`. */
export interface TextClassifierOptions {
  /** Valid length of each sequence, int `[B]`: later tokens are padding. */
  lengths?: Tensor;
  /** Valid tokens as booleans `[B, T]` (instead of `lengths`). */
  mask?: Tensor;
  /** PRNG key, needed for dropout in training. */
  key?: Tensor;
  /** Training mode (dropout active); default false. */
  train?: boolean;
}

const make = defineModule(TextClassifier, {
  children: ['embedding', 'encoder', 'head'],
  statics: ['dropout'],
  forward: (m, x, { key, train }) => [apply(m, x, { key, train }), null],
});

/**
 * A text classifier (embedding `N(0, 1)`, recurrent and linear layers as PyTorch's defaults).
 *
 * @example
 * const model = textClassifier.init(random.key(0), {
 *   vocabSize: 5000, numClasses: 2, embedDim: 64, hiddenSize: 128, cell: 'gru', bidirectional: true,
 * });
 */
export function init(key: Tensor, config: TextClassifierConfig): TextClassifier {
  const op = 'textClassifier.init';
  const vocabSize = positiveInt(op, 'vocabSize', config.vocabSize);
  const numClasses = positiveInt(op, 'numClasses', config.numClasses ?? 2);
  const embedDim = positiveInt(op, 'embedDim', config.embedDim ?? 64);
  const hiddenSize = positiveInt(op, 'hiddenSize', config.hiddenSize ?? 128);
  const numLayers = positiveInt(op, 'numLayers', config.numLayers ?? 1);
  const kind = cellKind(op, config.cell ?? 'lstm');
  const rate = dropoutRate(op, 'dropout', config.dropout ?? 0);
  const bidirectional = config.bidirectional ?? false;
  const paddingIdx = config.paddingIdx === undefined ? 0 : config.paddingIdx;
  return scope(() => {
    const [kEmbed, kEncoder, kHead] = [...random.split(key, 3)] as Tensor[];
    return make({
      embedding: embedding.init(kEmbed as Tensor, {
        numEmbeddings: vocabSize,
        embeddingDim: embedDim,
        ...(paddingIdx === null ? {} : { paddingIdx }),
      }),
      encoder: initEncoder(kind, kEncoder as Tensor, {
        inputSize: embedDim,
        hiddenSize,
        numLayers,
        bidirectional,
        dropout: rate,
      }),
      head: linear.init(kHead as Tensor, {
        inFeatures: hiddenSize * (bidirectional ? 2 : 1),
        outFeatures: numClasses,
      }),
      dropout: rate,
    });
  });
}

/**
 * Classify token ids `[B, T]` (int): logits `[B, numClasses]`.
 *
 * @example
 * const logits = textClassifier.apply(model, tokens, { lengths });          // padded batch
 * const trainLogits = textClassifier.apply(model, tokens, { lengths, key, train: true });
 */
export function apply(
  m: TextClassifier,
  tokens: Tensor,
  options: TextClassifierOptions = {},
): Tensor {
  const op = 'textClassifier';
  if (!isInteger(tokens.dtype)) {
    throw new DTypeError(
      `${op}: tokens must be integer ids, got ${tokens.dtype}[${tokens.shape.join(', ')}]`,
    );
  }
  if (tokens.ndim !== 2) {
    throw new ShapeError(`${op}: tokens must be [B, T], got [${tokens.shape.join(', ')}]`);
  }
  const train = options.train ?? false;
  return scope(() => {
    const [kEncoder, kDropout] = options.key ? ([...random.split(options.key)] as Tensor[]) : [];
    const [, [h]] = runEncoder(m.encoder, embedding.apply(m.embedding, tokens), {
      lengths: options.lengths,
      mask: options.mask,
      key: kEncoder,
      train,
    });
    const features = dropout.apply(
      dropout.init({ p: m.dropout }),
      lastLayerHidden(m.encoder, h as Tensor),
      {
        key: kDropout,
        train,
      },
    );
    return linear.apply(m.head, features);
  });
}
