/**
 * @tensile/zoo — ready-made models on @tensile/nn, each a namespace with `init(key, config)` →
 * an immutable nn module (a pytree) and `apply(model, x, options)`, with defaults for 28×28
 * Fashion-MNIST / 32×32 CIFAR-style inputs: `mlp`, `lenet5`, `vggSmall`, `resnet` / `resnet20`,
 * `textClassifier`, `charRnn` (with `sample`), `dcgan`, `seqRegressor` (with `forecast`).
 * Weights round-trip through safetensors: `weightsToBytes` / `weightsFromBytes` here (browser-safe),
 * `saveWeights` / `loadWeights` (paths, URLs with a download cache and checksums) in
 * `@tensile/zoo/node`.
 *
 * Models with batch norm (`vggSmall`, `resnet`, `dcgan`) are stateful: make the state with
 * `initState`, pass it to `apply` and keep the new state it returns. Random layers (dropout) take
 * a `key` in training.
 *
 * @example
 * import { random, valueAndGrad } from '@tensile/core';
 * import { softmaxCrossEntropy } from '@tensile/nn';
 * import { lenet5 } from '@tensile/zoo';
 * const model = lenet5.init(random.key(0));
 * const loss = (m, x, y) => softmaxCrossEntropy(lenet5.apply(m, x), y);
 * const [value, grads] = valueAndGrad(loss)(model, images, labels);
 *
 * @packageDocumentation
 */
export * as basicBlock from './basic-block.js';
export {
  BasicBlock,
  type BasicBlockConfig,
  type BasicBlockState,
  type ShortcutOption,
} from './basic-block.js';
export * as charRnn from './char-rnn.js';
export {
  CharRnn,
  type CharRnnConfig,
  type CharRnnOptions,
  type SampleOptions,
} from './char-rnn.js';
export type { Dcgan, DcganConfig, DcganState } from './dcgan.js';
export * as dcgan from './dcgan.js';
export { WeightsError } from './errors.js';
export type { CellKind, Encoder, EncoderState } from './internal/encoder.js';
export type { LeNet5Config } from './lenet5.js';
export * as lenet5 from './lenet5.js';
export type { MlpConfig } from './mlp.js';
export * as mlp from './mlp.js';
export * as reshape from './reshape.js';
export { Reshape } from './reshape.js';
export type { ResNetConfig } from './resnet.js';
export * as resnet from './resnet.js';
export * as resnet20 from './resnet20.js';
export * as seqRegressor from './seq-regressor.js';
export {
  SeqRegressor,
  type SeqRegressorConfig,
  type SeqRegressorOptions,
} from './seq-regressor.js';
export * as textClassifier from './text-classifier.js';
export {
  TextClassifier,
  type TextClassifierConfig,
  type TextClassifierOptions,
} from './text-classifier.js';
export type { VggSmallConfig } from './vgg-small.js';
export * as vggSmall from './vgg-small.js';
export { type EncodeWeightsOptions, weightsFromBytes, weightsToBytes } from './weights.js';
