/**
 * `embedding`: a lookup table from integer ids to learned vectors, as PyTorch's `nn.Embedding`
 * (initialised `N(0, 1)`). With `paddingIdx`, that row starts at zero and receives no gradient,
 * so padding tokens never move it.
 */
import { DTypeError, isInteger, lax, np, scope, type Tensor, ValueError } from '@tensile/core';
import * as initializers from '../init.js';
import { positiveInt } from '../internal/config.js';
import { defineModule, Module } from '../module.js';

/**
 * An embedding table.
 *
 * @example
 * const emb = embedding.init(random.key(0), { numEmbeddings: 5000, embeddingDim: 64 });
 * emb.weight.shape  // [5000, 64]
 */
export class Embedding extends Module {
  /** `[numEmbeddings, embeddingDim]`. */
  declare readonly weight: Tensor;
  declare readonly numEmbeddings: number;
  declare readonly embeddingDim: number;
  /** The id whose row is fixed (zero-initialised, no gradient), or `null`. */
  declare readonly paddingIdx: number | null;
}

/** Options of `embedding.init` (PyTorch's `Embedding` arguments). */
export interface EmbeddingConfig {
  numEmbeddings: number;
  embeddingDim: number;
  /** An id in `[-numEmbeddings, numEmbeddings)` for padding (negative counts from the end). */
  paddingIdx?: number;
}

const make = defineModule(Embedding, {
  children: ['weight'],
  statics: ['numEmbeddings', 'embeddingDim', 'paddingIdx'],
  forward: (m, x) => [apply(m, x), null],
});

/**
 * An embedding table initialised `N(0, 1)` (the padding row zero).
 *
 * @example
 * const emb = embedding.init(key, { numEmbeddings: 100, embeddingDim: 16, paddingIdx: 0 });
 */
export function init(key: Tensor, config: EmbeddingConfig): Embedding {
  const op = 'embedding.init';
  const numEmbeddings = positiveInt(op, 'numEmbeddings', config.numEmbeddings);
  const embeddingDim = positiveInt(op, 'embeddingDim', config.embeddingDim);
  let paddingIdx: number | null = null;
  if (config.paddingIdx !== undefined) {
    const p = config.paddingIdx;
    if (!Number.isInteger(p) || p < -numEmbeddings || p >= numEmbeddings) {
      throw new ValueError(
        `${op}: paddingIdx must be an integer in [-${numEmbeddings}, ${numEmbeddings}), got ${p}`,
      );
    }
    paddingIdx = p < 0 ? p + numEmbeddings : p;
  }
  return scope(() => {
    let weight = initializers.normal()(key, [numEmbeddings, embeddingDim]);
    if (paddingIdx !== null) weight = weight.at(paddingIdx).set(0);
    return make({ weight, numEmbeddings, embeddingDim, paddingIdx });
  });
}

/**
 * The rows of the table at `ids` (any integer shape): `[...ids.shape, embeddingDim]`. Ids are
 * clamped into range (they cannot be checked on traced values).
 *
 * @example
 * const vectors = embedding.apply(emb, tokens);  // tokens int32 [B, T] → [B, T, 64]
 */
export function apply(m: Embedding, ids: Tensor): Tensor {
  if (!isInteger(ids.dtype)) {
    throw new DTypeError(
      `embedding: ids must be integers, got ${ids.dtype}[${ids.shape.join(', ')}]`,
    );
  }
  return scope(() => {
    const rows = np.take(m.weight, ids, { axis: 0 });
    if (m.paddingIdx === null) return rows;
    const isPad = ids.eq(m.paddingIdx).expandDims(-1);
    return np.where(isPad, lax.stopGradient(rows), rows);
  });
}
