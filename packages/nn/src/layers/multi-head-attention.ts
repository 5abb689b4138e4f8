/**
 * `multiHeadAttention`: scaled dot-product attention with several heads, as PyTorch's
 * `nn.MultiheadAttention`: packed input projection `inProjWeight [3E, E]` (query, key, value
 * blocks), `outProj` a `Linear`, boolean or additive `attnMask` and `keyPaddingMask`, attention
 * dropout, time-major `[L, N, E]` inputs unless `batchFirst` (unbatched `[L, E]` too).
 */
import { nn as F, np, random, ShapeError, scope, type Tensor, ValueError } from '@tensile/core';
import * as initializers from '../init.js';
import { checkInput, positiveInt, probability } from '../internal/config.js';
import { defineModule, Module } from '../module.js';
import { treeAt } from '../tree-at.js';
import * as linear from './linear.js';

/**
 * A multi-head attention layer.
 *
 * @example
 * const mha = multiHeadAttention.init(random.key(0), { embedDim: 32, numHeads: 4 });
 * mha.inProjWeight.shape  // [96, 32]
 */
export class MultiheadAttention extends Module {
  /** `[3·embedDim, embedDim]`: the query, key and value projections stacked. */
  declare readonly inProjWeight: Tensor;
  /** `[3·embedDim]`, or `null` without bias. */
  declare readonly inProjBias: Tensor | null;
  /** The output projection (`embedDim → embedDim`). */
  declare readonly outProj: linear.Linear;
  declare readonly embedDim: number;
  declare readonly numHeads: number;
  declare readonly dropout: number;
  declare readonly batchFirst: boolean;
}

/** Options of `multiHeadAttention.init` (PyTorch's `MultiheadAttention` arguments). */
export interface MultiHeadAttentionConfig {
  embedDim: number;
  /** Must divide `embedDim`. */
  numHeads: number;
  /** Dropout on the attention weights in training (default 0). */
  dropout?: number;
  /** Biases in the input and output projections (default true). */
  bias?: boolean;
  /** Inputs and outputs are `[N, L, E]` instead of `[L, N, E]` (default false). */
  batchFirst?: boolean;
}

/** Options of `multiHeadAttention.apply`. */
export interface AttentionOptions {
  /** `[N, S]` (unbatched `[S]`): `true` (bool) marks keys to ignore; a float mask is added. */
  keyPaddingMask?: Tensor;
  /** `[L, S]` or `[N·numHeads, L, S]`: `true` (bool) forbids attending; a float mask is added. */
  attnMask?: Tensor;
  /** Also return the attention weights (default false, unlike PyTorch, to save the work). */
  needWeights?: boolean;
  /** Average the returned weights over heads (default true): `[N, L, S]`, else `[N, h, L, S]`. */
  averageAttnWeights?: boolean;
  /** PRNG key for attention dropout in training. */
  key?: Tensor;
  /** Training mode (attention dropout); default false. */
  train?: boolean;
}

const make = defineModule(MultiheadAttention, {
  children: ['inProjWeight', 'inProjBias', 'outProj'],
  statics: ['embedDim', 'numHeads', 'dropout', 'batchFirst'],
  forward: (m, x, { key, train }) => [apply(m, x, x, x, { key, train })[0], null],
});

/**
 * A multi-head attention layer initialised as PyTorch's: Xavier-uniform input projection, zero
 * biases, output weight `U(±1/√embedDim)`.
 *
 * @example
 * const mha = multiHeadAttention.init(key, { embedDim: 64, numHeads: 8, batchFirst: true });
 */
export function init(key: Tensor, config: MultiHeadAttentionConfig): MultiheadAttention {
  const op = 'multiHeadAttention.init';
  const embedDim = positiveInt(op, 'embedDim', config.embedDim);
  const numHeads = positiveInt(op, 'numHeads', config.numHeads);
  if (embedDim % numHeads !== 0) {
    throw new ValueError(
      `${op}: embedDim (${embedDim}) must be divisible by numHeads (${numHeads})`,
    );
  }
  const bias = config.bias ?? true;
  return scope(() => {
    const [kIn, kOut] = random.split(key);
    const outProj = linear.init(kOut as Tensor, {
      inFeatures: embedDim,
      outFeatures: embedDim,
      bias,
    });
    return make({
      inProjWeight: initializers.xavierUniform()(kIn as Tensor, [3 * embedDim, embedDim]),
      inProjBias: bias ? np.zeros([3 * embedDim]) : null,
      outProj: bias ? treeAt((l) => l.bias, outProj, np.zeros([embedDim])) : outProj,
      embedDim,
      numHeads,
      dropout: probability(op, 'dropout', config.dropout ?? 0),
      batchFirst: config.batchFirst ?? false,
    });
  });
}

/** A mask as an additive float tensor (`-∞` where a boolean mask is true). */
function additive(mask: Tensor): Tensor {
  return mask.dtype === 'bool' ? np.where(mask, Number.NEGATIVE_INFINITY, 0) : mask;
}

/**
 * Attend from `query` (`[L, N, E]`) to `key`/`value` (`[S, N, E]`): `[output, weights]` with
 * `output` like `query` and `weights` `null` unless `needWeights`. Self-attention passes the
 * same tensor three times.
 *
 * @example
 * const [y] = multiHeadAttention.apply(mha, x, x, x, { keyPaddingMask: pad });
 * const causal = np.triu(np.ones([L, L]), { k: 1 }).astype('bool');
 * const [z, w] = multiHeadAttention.apply(mha, x, x, x, { attnMask: causal, needWeights: true });
 */
export function apply(
  m: MultiheadAttention,
  query: Tensor,
  key: Tensor,
  value: Tensor,
  options: AttentionOptions = {},
): [Tensor, Tensor | null] {
  const op = 'multiHeadAttention';
  const E = m.embedDim;
  const feature = { axis: -1, size: E, what: 'features' };
  checkInput(op, query, [2, 3], feature);
  checkInput(op, key, [query.ndim], feature);
  checkInput(op, value, [query.ndim], feature);
  const batched = query.ndim === 3;
  const toBatchFirst = (t: Tensor) =>
    batched ? (m.batchFirst ? t : t.swapaxes(0, 1)) : t.expandDims(0);
  if (key.shape.join() !== value.shape.join()) {
    throw new ShapeError(
      `${op}: key [${key.shape.join(', ')}] and value [${value.shape.join(', ')}] must have the same shape`,
    );
  }
  const train = options.train ?? false;
  if (train && m.dropout > 0 && !options.key) {
    throw new ValueError(`${op}: attention dropout in training needs a PRNG key (options.key)`);
  }
  return scope(() => {
    const q = toBatchFirst(query);
    const k = toBatchFirst(key);
    const v = toBatchFirst(value);
    const [n, L] = q.shape as [number, number];
    const S = k.shape[1] as number;
    if (k.shape[0] !== n) {
      throw new ShapeError(
        `${op}: query and key have different batch sizes (${n} and ${k.shape[0]})`,
      );
    }
    const h = m.numHeads;
    const d = E / h;
    const [wq, wk, wv] = np.split(m.inProjWeight, 3, { axis: 0 }) as [Tensor, Tensor, Tensor];
    const [bq, bk, bv] = m.inProjBias
      ? (np.split(m.inProjBias, 3) as [Tensor, Tensor, Tensor])
      : [null, null, null];
    const heads = (x: Tensor, w: Tensor, b: Tensor | null, len: number) => {
      const p = np.matmul(x, w.T);
      return (b ? p.add(b) : p).reshape([n, len, h, d]).transpose([0, 2, 1, 3]);
    };
    const qh = heads(q, wq, bq, L).mul(1 / Math.sqrt(d));
    const kh = heads(k, wk, bk, S);
    const vh = heads(v, wv, bv, S);
    let scores = np.matmul(qh, kh.swapaxes(-1, -2)); // [n, h, L, S]
    if (options.attnMask) {
      const mask = options.attnMask;
      const ok2 = mask.ndim === 2 && mask.shape.join() === [L, S].join();
      const ok3 = mask.ndim === 3 && mask.shape.join() === [n * h, L, S].join();
      if (!ok2 && !ok3) {
        throw new ShapeError(
          `${op}: attnMask must be [${L}, ${S}] or [${n * h}, ${L}, ${S}], got [${mask.shape.join(', ')}]`,
        );
      }
      const add = additive(mask);
      scores = scores.add(ok3 ? add.reshape([n, h, L, S]) : add);
    }
    if (options.keyPaddingMask) {
      const mask = options.keyPaddingMask;
      const expected = batched ? [n, S] : [S];
      if (mask.shape.join() !== expected.join()) {
        throw new ShapeError(
          `${op}: keyPaddingMask must be [${expected.join(', ')}], got [${mask.shape.join(', ')}]`,
        );
      }
      scores = scores.add(additive(mask).reshape([n, 1, 1, S]));
    }
    let weights = F.softmax(scores, { axis: -1 });
    if (train && m.dropout > 0) {
      const keep = random.bernoulli(options.key as Tensor, 1 - m.dropout, weights.shape);
      weights = np.where(keep, weights.div(1 - m.dropout), 0);
    }
    const attended = np.matmul(weights, vh).transpose([0, 2, 1, 3]).reshape([n, L, E]);
    const projected = linear.apply(m.outProj, attended);
    const output = batched
      ? m.batchFirst
        ? projected
        : projected.swapaxes(0, 1)
      : projected.squeeze(0);
    let returned: Tensor | null = null;
    if (options.needWeights) {
      const w = (options.averageAttnWeights ?? true) ? weights.mean({ axis: 1 }) : weights;
      returned = batched ? w : w.squeeze(0);
    }
    return [output, returned];
  });
}
