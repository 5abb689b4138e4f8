/**
 * `vggSmall`: a small VGG-style network (Simonyan & Zisserman, 2014) for 28×28 / 32×32 images —
 * blocks of `[conv3×3 → batch norm? → relu] × convsPerBlock` each followed by a 2×2 max pool, then
 * a classifier head — as an nn `sequential`. Batch norm (on by default) makes the model stateful:
 * thread its state with `vggSmall.initState` / `vggSmall.apply(…, { state })`.
 */
import type { Tensor } from '@tensile/core';
import { random, scope, ValueError } from '@tensile/core';
import type { Module, Sequential } from '@tensile/nn';
import {
  batchNorm,
  conv2d,
  dropout,
  flatten,
  linear,
  maxPool2d,
  relu,
  sequential,
} from '@tensile/nn';
import { dropoutRate, positiveInt, positiveInts } from './internal/config.js';

/** Options of `vggSmall.init`. */
export interface VggSmallConfig {
  /** Input channels (default 1; 3 for CIFAR). */
  inChannels?: number;
  /** Height = width of the input (default 28). */
  imageSize?: number;
  /** Output logits (default 10). */
  numClasses?: number;
  /** Output channels of each block's convolutions; one block per entry (default `[32, 64]`). */
  widths?: readonly number[];
  /** Convolutions per block (default 2). */
  convsPerBlock?: number;
  /** Batch norm after every convolution (default true; the convolutions then have no bias). */
  batchNorm?: boolean;
  /** Width of the hidden linear layer of the head, or `null` for a single linear layer (default 128). */
  hidden?: number | null;
  /** Dropout probability before the last linear layer, in training (default 0). */
  dropout?: number;
}

/**
 * A VGG-style classifier: `blocks → flatten → linear(hidden) → relu → dropout? → linear(numClasses)`.
 * Each block halves the spatial size (rounding down).
 *
 * @example
 * const model = vggSmall.init(random.key(0));  // [B, 1, 28, 28]: 28 → 14 → 7, head 64·7·7 → 128 → 10
 * let state = vggSmall.initState(model);
 * const [logits, next] = vggSmall.apply(model, images, { state, train: true });
 */
export function init(key: Tensor, config: VggSmallConfig = {}): Sequential {
  const op = 'vggSmall.init';
  const inChannels = positiveInt(op, 'inChannels', config.inChannels ?? 1);
  const imageSize = positiveInt(op, 'imageSize', config.imageSize ?? 28);
  const numClasses = positiveInt(op, 'numClasses', config.numClasses ?? 10);
  const widths = positiveInts(op, 'widths', config.widths ?? [32, 64]);
  const convsPerBlock = positiveInt(op, 'convsPerBlock', config.convsPerBlock ?? 2);
  const hidden = config.hidden === null ? null : positiveInt(op, 'hidden', config.hidden ?? 128);
  const rate = dropoutRate(op, 'dropout', config.dropout ?? 0);
  const norm = config.batchNorm ?? true;
  const finalSize = Math.floor(imageSize / 2 ** widths.length);
  if (finalSize < 1) {
    throw new ValueError(
      `${op}: ${widths.length} blocks halve a ${imageSize}×${imageSize} input to nothing; use fewer widths or a larger imageSize`,
    );
  }
  const act = relu.init();
  const pool = maxPool2d.init({ kernelSize: 2 });
  return scope(() => {
    const keys = [...random.split(key, widths.length * convsPerBlock + 2)];
    const next = () => keys.shift() as Tensor;
    const layers: Module[] = [];
    let channels = inChannels;
    for (const width of widths) {
      for (let c = 0; c < convsPerBlock; c++) {
        layers.push(
          conv2d.init(next(), {
            inChannels: channels,
            outChannels: width,
            kernelSize: 3,
            padding: 1,
            bias: !norm,
          }),
        );
        if (norm) layers.push(batchNorm.init({ numFeatures: width }));
        layers.push(act);
        channels = width;
      }
      layers.push(pool);
    }
    layers.push(flatten.init());
    let features = channels * finalSize * finalSize;
    const headKey = next();
    if (hidden !== null) {
      layers.push(linear.init(next(), { inFeatures: features, outFeatures: hidden }), act);
      features = hidden;
    }
    if (rate > 0) layers.push(dropout.init({ p: rate }));
    layers.push(linear.init(headKey, { inFeatures: features, outFeatures: numClasses }));
    return sequential(layers);
  });
}

/**
 * Run the network: `[B, inChannels, imageSize, imageSize]` → logits `[B, numClasses]`. With batch
 * norm, pass `state` (then the result is `[logits, newState]`); training mode (`train: true`)
 * normalises with batch statistics and updates the running ones, evaluation uses the running
 * ones. Dropout in training needs a `key`.
 *
 * @example
 * const [logits, state2] = vggSmall.apply(model, x, { state, train: true, key });
 * const [evalLogits] = vggSmall.apply(model, x, { state: state2 });
 * const plain = vggSmall.apply(vggSmall.init(key, { batchNorm: false }), x);
 */
export const apply: typeof sequential.apply = sequential.apply;

/**
 * The model's state: batch-norm running statistics per layer (`null` for stateless layers).
 *
 * @example
 * let state = vggSmall.initState(model);
 */
export function initState(model: Sequential): unknown[] {
  return sequential.initState(model);
}
