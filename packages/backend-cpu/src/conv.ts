/**
 * General dilated convolution (`lax.conv_general_dilated`) in NC[spatial…] / OI[spatial…] layout,
 * as a direct loop: no im2col matrix, padding and dilation holes are skipped, not materialised.
 *
 * For each output position the valid taps come from `forEachWindow`; each output element is then
 * `Σ_i Σ_taps lhs[batch, channel, input tap] * rhs[o, i, tap]`, accumulated in float64 (integers
 * wrap modulo 2^32). Where the whole window lies inside the input, that window is gathered once
 * per input slice and reused by every output feature as a contiguous dot product. Grouping follows XLA: with `featureGroupCount` G, output feature `o` belongs
 * to group `g = floor(o / (O/G))` and reads input channels `g*I … g*I + I-1`; with
 * `batchGroupCount` B the output batch is N/B and output feature `o` belongs to batch group
 * `b = floor(o / (O/B))`, reading input batch `b*(N/B) + n` for output batch `n`.
 */
import type { ConvParams } from '@tensile/core';
import {
  type ArrayOut,
  type ArrayView,
  checkShape,
  contiguousStrides,
  elementOffsets,
  type NumericArray,
  sizeOf,
} from './strided.js';
import { forEachWindow, windowOutputSize } from './window-taps.js';

/**
 * `out = conv(lhs, rhs)` with lhs `[N, C, …spatial]`, rhs `[O, C/G, …window]` and out
 * `[N/B, O, …outSpatial]`, as XLA's ConvGeneralDilated.
 *
 * @example
 * // 1-D, one channel: [1, 2, 3, 4] ⋆ [1, 1] with stride 1 → [3, 5, 7]
 * conv(lhs, rhs, { windowStrides: [1], padding: [[0, 0]], lhsDilation: [1], rhsDilation: [1],
 *   featureGroupCount: 1, batchGroupCount: 1 }, out);
 */
export function conv(lhs: ArrayView, rhs: ArrayView, params: ConvParams, out: ArrayOut): void {
  const plan = planConv(lhs, rhs, params, out);
  const { inputShape, windowShape, outputShape, outBatch, features, groupChannels } = plan;
  const { featureGroups, batchGroups } = plan;
  const float = lhs.dtype === 'float32';
  const weights = packWeights(rhs, float);
  const taps = sizeOf(windowShape);
  const outSpatial = sizeOf(outputShape);
  const featuresPerGroup = features / featureGroups;
  const featuresPerBatchGroup = features / batchGroups;
  const [batchStride, channelStride] = lhs.strides;
  const x = lhs.data;
  const target = out.data;
  const geometry = {
    inputShape,
    outputShape,
    windowShape,
    strides: params.windowStrides,
    padLow: params.padding.map((p) => p[0]),
    baseDilation: params.lhsDilation,
    windowDilation: params.rhsDilation,
  };
  const rowLength = groupChannels * taps;
  const patch = float ? new Float64Array(rowLength) : new Int32Array(rowLength);
  forEachWindow(
    geometry,
    lhs.strides.slice(2),
    contiguousStrides(windowShape),
    (s, count, inputs, tapIndex) => {
      // In the interior every tap is valid: gather the window of one input slice into `patch`
      // (laid out like a packed filter row) and take contiguous dot products. At the borders, or
      // between dilation holes, walk only the valid taps.
      const interior = count === taps;
      for (let n = 0; n < outBatch; n++) {
        let patchBase = -1;
        for (let o = 0; o < features; o++) {
          const group = Math.floor(o / featuresPerGroup);
          const inputBatch = Math.floor(o / featuresPerBatchGroup) * outBatch + n;
          const base =
            lhs.offset + inputBatch * batchStride + group * groupChannels * channelStride;
          const weightBase = o * rowLength;
          let value: number;
          if (interior) {
            if (base !== patchBase) {
              gatherPatch(x, base, channelStride, groupChannels, taps, inputs, patch);
              patchBase = base;
            }
            value = float
              ? dotFloat(patch, weights, weightBase, rowLength)
              : dotInt(patch, weights, weightBase, rowLength);
          } else {
            value = float
              ? dotTapsFloat(
                  x,
                  base,
                  channelStride,
                  weights,
                  weightBase,
                  taps,
                  groupChannels,
                  count,
                  inputs,
                  tapIndex,
                )
              : dotTapsInt(
                  x,
                  base,
                  channelStride,
                  weights,
                  weightBase,
                  taps,
                  groupChannels,
                  count,
                  inputs,
                  tapIndex,
                );
          }
          target[(n * features + o) * outSpatial + s] = value;
        }
      }
    },
  );
}

/**
 * The checked geometry of a convolution: spatial shapes and the channel/group counts.
 *
 * @example
 * planConv(lhs, rhs, params, out).outputShape // e.g. [26, 26] for a 3×3 valid conv of 28×28
 */
export interface ConvPlan {
  readonly inputShape: readonly number[];
  readonly windowShape: readonly number[];
  readonly outputShape: readonly number[];
  /** N: lhs batch. */
  readonly batch: number;
  /** C: lhs channels. */
  readonly channels: number;
  /** O: output features. */
  readonly features: number;
  /** C/G: rhs input channels. */
  readonly groupChannels: number;
  readonly featureGroups: number;
  readonly batchGroups: number;
  /** N/B: output batch. */
  readonly outBatch: number;
}

/**
 * Check a convolution's operands, parameters and output shape, and resolve its `ConvPlan`.
 *
 * @example
 * const { outputShape, outBatch } = planConv(lhs, rhs, params, out);
 */
export function planConv(
  lhs: { readonly dtype: string; readonly shape: readonly number[] },
  rhs: { readonly shape: readonly number[] },
  params: ConvParams,
  out: { readonly shape: readonly number[] },
): ConvPlan {
  if (lhs.dtype === 'bool') throw new Error('conv: dtype bool is not supported');
  const spatialRank = lhs.shape.length - 2;
  const [batch, channels] = lhs.shape;
  const [features, groupChannels] = rhs.shape;
  const { featureGroupCount: featureGroups, batchGroupCount: batchGroups } = params;
  const spatialParams = [
    params.windowStrides,
    params.padding,
    params.lhsDilation,
    params.rhsDilation,
  ];
  if (
    spatialRank < 0 ||
    rhs.shape.length !== spatialRank + 2 ||
    spatialParams.some((p) => p.length !== spatialRank)
  ) {
    throw new Error(
      `conv: lhs [${lhs.shape}], rhs [${rhs.shape}] and per-dim params must all have ${spatialRank} spatial dims`,
    );
  }
  if (
    channels !== groupChannels * featureGroups ||
    features % featureGroups !== 0 ||
    features % batchGroups !== 0 ||
    batch % batchGroups !== 0
  ) {
    throw new Error(
      `conv: lhs [${lhs.shape}] and rhs [${rhs.shape}] do not fit featureGroupCount ${featureGroups}, batchGroupCount ${batchGroups}`,
    );
  }
  const inputShape = lhs.shape.slice(2);
  const windowShape = rhs.shape.slice(2);
  const outputShape = inputShape.map((n, d) =>
    windowOutputSize(
      n,
      windowShape[d],
      params.windowStrides[d],
      params.padding[d][0],
      params.padding[d][1],
      params.lhsDilation[d],
      params.rhsDilation[d],
    ),
  );
  const outBatch = batch / batchGroups;
  checkShape('conv', 'output', out.shape, [outBatch, features, ...outputShape]);
  return {
    inputShape,
    windowShape,
    outputShape,
    batch,
    channels,
    features,
    groupChannels,
    featureGroups,
    batchGroups,
    outBatch,
  };
}

/** The filter as a contiguous `[O, I, taps]` array: float64 for floats, int32 for integers. */
function packWeights(rhs: ArrayView, float: boolean): Float64Array | Int32Array {
  const offsets = elementOffsets(rhs.shape, rhs.strides, rhs.offset);
  const packed = float ? new Float64Array(offsets.length) : new Int32Array(offsets.length);
  for (let i = 0; i < offsets.length; i++) packed[i] = rhs.data[offsets[i]];
  return packed;
}

/** `patch[c*taps + j] = x[base + c*channelStride + inputs[j]]`: one window of every channel. */
function gatherPatch(
  x: NumericArray,
  base: number,
  channelStride: number,
  channels: number,
  taps: number,
  inputs: Int32Array,
  patch: Float64Array | Int32Array,
): void {
  for (let c = 0, w = 0; c < channels; c++, base += channelStride) {
    for (let j = 0; j < taps; j++) patch[w++] = x[base + inputs[j]];
  }
}

/** `Σ_i patch[i] * w[weightBase + i]` in float64. */
function dotFloat(
  patch: Float64Array | Int32Array,
  w: Float64Array | Int32Array,
  weightBase: number,
  length: number,
): number {
  let acc = 0;
  for (let i = 0; i < length; i++) acc += patch[i] * w[weightBase + i];
  return acc;
}

/** As `dotFloat`, wrapping modulo 2^32. */
function dotInt(
  patch: Float64Array | Int32Array,
  w: Float64Array | Int32Array,
  weightBase: number,
  length: number,
): number {
  let acc = 0;
  for (let i = 0; i < length; i++) acc = (acc + Math.imul(patch[i], w[weightBase + i])) | 0;
  return acc;
}

/** `Σ_c Σ_j x[base + c*channelStride + inputs[j]] * w[weightBase + c*taps + tapIndex[j]]` in float64. */
function dotTapsFloat(
  x: NumericArray,
  base: number,
  channelStride: number,
  w: Float64Array | Int32Array,
  weightBase: number,
  taps: number,
  channels: number,
  count: number,
  inputs: Int32Array,
  tapIndex: Int32Array,
): number {
  let acc = 0;
  for (let c = 0; c < channels; c++, base += channelStride, weightBase += taps) {
    for (let j = 0; j < count; j++) acc += x[base + inputs[j]] * w[weightBase + tapIndex[j]];
  }
  return acc;
}

/** As `dotTapsFloat`, wrapping modulo 2^32. */
function dotTapsInt(
  x: NumericArray,
  base: number,
  channelStride: number,
  w: Float64Array | Int32Array,
  weightBase: number,
  taps: number,
  channels: number,
  count: number,
  inputs: Int32Array,
  tapIndex: Int32Array,
): number {
  let acc = 0;
  for (let c = 0; c < channels; c++, base += channelStride, weightBase += taps) {
    for (let j = 0; j < count; j++)
      acc = (acc + Math.imul(x[base + inputs[j]], w[weightBase + tapIndex[j]])) | 0;
  }
  return acc;
}
