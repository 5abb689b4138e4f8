/**
 * @tensile/nn — Equinox-style neural-network modules as pytrees, on @tensile/core.
 *
 * Every layer is a namespace with `init` (config → immutable module whose tensor fields are the
 * parameters; random layers take a PRNG key first) and `apply` (module, input, options → output).
 * Modules are pytrees, so `grad`, `jit`, `vmap` and optimizers work on whole models; static
 * configuration is pytree metadata, never a leaf. Stochastic layers take a `key`, stateful ones
 * (batch norm) thread an explicit state; `sequential` chains layers and threads both.
 *
 * @example
 * import { grad, np, random } from '@tensile/core';
 * import { linear, relu, sequential, softmaxCrossEntropy } from '@tensile/nn';
 * const [k1, k2] = random.split(random.key(0));
 * const model = sequential([
 *   linear.init(k1, { inFeatures: 784, outFeatures: 128 }),
 *   relu.init(),
 *   linear.init(k2, { inFeatures: 128, outFeatures: 10 }),
 * ]);
 * const loss = (m, x, y) => softmaxCrossEntropy(sequential.apply(m, x), y);
 * const grads = grad(loss)(model, x, y);  // a Sequential of the same structure
 *
 * @packageDocumentation
 */
export { countParams } from './count-params.js';
export { combine, type FilterSpec, partition } from './filter.js';
export { Frozen, freeze, isTrainable, trainableMask, unfreeze } from './frozen.js';
export type { FanMode, Initializer, KaimingOptions, Nonlinearity } from './init.js';
export * as init from './init.js';
export type { ConvConfig, ConvPadding } from './internal/conv-nd.js';
export { Conv } from './internal/conv-nd.js';
export type { SequenceConfig, SequenceOptions } from './internal/recurrent.js';
export type { CellConfig } from './internal/recurrent-cell.js';
export * from './layers/activations.js';
export * as avgPool2d from './layers/avg-pool2d.js';
export { AvgPool2d, type AvgPool2dConfig } from './layers/avg-pool2d.js';
export * as batchNorm from './layers/batch-norm.js';
export { BatchNorm, type BatchNormConfig, type BatchNormState } from './layers/batch-norm.js';
export * as convTranspose2d from './layers/conv-transpose2d.js';
export { ConvTranspose2d, type ConvTranspose2dConfig } from './layers/conv-transpose2d.js';
export * as conv1d from './layers/conv1d.js';
export * as conv2d from './layers/conv2d.js';
export * as dropout from './layers/dropout.js';
export { Dropout, type DropoutConfig } from './layers/dropout.js';
export * as embedding from './layers/embedding.js';
export { Embedding, type EmbeddingConfig } from './layers/embedding.js';
export * as flatten from './layers/flatten.js';
export { Flatten, type FlattenConfig } from './layers/flatten.js';
export * as globalAvgPool from './layers/global-avg-pool.js';
export { GlobalAvgPool, type GlobalAvgPoolConfig } from './layers/global-avg-pool.js';
export * as groupNorm from './layers/group-norm.js';
export { GroupNorm, type GroupNormConfig } from './layers/group-norm.js';
export * as gru from './layers/gru.js';
export { GRU } from './layers/gru.js';
export * as gruCell from './layers/gru-cell.js';
export { GRUCell } from './layers/gru-cell.js';
export * as layerNorm from './layers/layer-norm.js';
export { LayerNorm, type LayerNormConfig } from './layers/layer-norm.js';
export * as linear from './layers/linear.js';
export { Linear, type LinearConfig } from './layers/linear.js';
export * as lstm from './layers/lstm.js';
export { LSTM, type LSTMState } from './layers/lstm.js';
export * as lstmCell from './layers/lstm-cell.js';
export { LSTMCell } from './layers/lstm-cell.js';
export * as maxPool2d from './layers/max-pool2d.js';
export { MaxPool2d, type MaxPool2dConfig } from './layers/max-pool2d.js';
export * as multiHeadAttention from './layers/multi-head-attention.js';
export {
  type AttentionOptions,
  type MultiHeadAttentionConfig,
  MultiheadAttention,
} from './layers/multi-head-attention.js';
export * as rnn from './layers/rnn.js';
export { RNN, type RnnConfig } from './layers/rnn.js';
export * as rnnCell from './layers/rnn-cell.js';
export { RNNCell, type RnnCellConfig, type RnnNonlinearity } from './layers/rnn-cell.js';
export { Sequential, type SequentialOptions, sequential } from './layers/sequential.js';
export * from './losses.js';
export * from './metrics.js';
export {
  type CallOptions,
  defineModule,
  type ForwardFn,
  forward,
  initState,
  Module,
  type ModuleSpec,
} from './module.js';
export { treeAt } from './tree-at.js';
