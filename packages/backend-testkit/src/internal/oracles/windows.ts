/**
 * Reference sliding-window ops, written from XLA's definitions with explicit loops:
 * `conv` (ConvGeneralDilated in NC…/OI… layout with strides, padding, lhs/rhs dilation,
 * feature and batch groups) and `reduceWindow` (pooling whose padding and dilation holes hold
 * the reduction's identity).
 *
 * Along one spatial dim, output position `o` and window tap `t` read the padded, dilated input
 * at `p = o·stride + t·windowDilation − padLow`; that is input element `p / baseDilation` when
 * `p` is a multiple of the base dilation inside the input, and padding or a hole otherwise.
 */
import type { ConvParams, DType, WindowParams } from '@tensile/core';
import { type HostTensor, isFloatDType, sizeOf } from '../host-data.js';
import { wrapInteger } from './elementwise.js';
import { forEachIndex, ravel } from './ndarray.js';
import { reduceIdentity } from './reduction.js';
import type { Reference } from './reference.js';

/**
 * Output size along one dim (0 when the window does not fit once).
 *
 * @example
 * windowedSize(5, 3, 2, [1, 1], 1, 1) // 3
 */
export function windowedSize(
  inputSize: number,
  windowSize: number,
  stride: number,
  padding: readonly [number, number],
  baseDilation: number,
  windowDilation: number,
): number {
  const dilatedInput = inputSize === 0 ? 0 : (inputSize - 1) * baseDilation + 1;
  const padded = dilatedInput + padding[0] + padding[1];
  const dilatedWindow = windowSize === 0 ? 0 : (windowSize - 1) * windowDilation + 1;
  return padded < dilatedWindow ? 0 : Math.floor((padded - dilatedWindow) / stride) + 1;
}

/** The input index an (output, tap) pair reads along one dim, or `null` for padding/holes. */
function inputIndex(
  output: number,
  tap: number,
  stride: number,
  padLow: number,
  baseDilation: number,
  windowDilation: number,
  inputSize: number,
): number | null {
  const p = output * stride + tap * windowDilation - padLow;
  if (p < 0 || p % baseDilation !== 0) return null;
  const i = p / baseDilation;
  return i < inputSize ? i : null;
}

/**
 * `conv(lhs, rhs, params)`: lhs `[N, C, …]`, rhs `[O, C/G, …window]`, output `[N/B, O, …]`.
 * The error scale is `taps · Σ|products|`.
 *
 * @example
 * convReference(lhs, rhs, { windowStrides: [1], padding: [[0, 0]], lhsDilation: [1],
 *   rhsDilation: [1], featureGroupCount: 1, batchGroupCount: 1 });
 */
export function convReference(lhs: HostTensor, rhs: HostTensor, params: ConvParams): Reference {
  const [batch, channels] = lhs.shape as [number, number];
  const [features, groupChannels] = rhs.shape as [number, number];
  const spatialIn = lhs.shape.slice(2);
  const window = rhs.shape.slice(2);
  const spatialOut = spatialIn.map((n, d) =>
    windowedSize(
      n,
      window[d] as number,
      params.windowStrides[d] as number,
      params.padding[d] as [number, number],
      params.lhsDilation[d] as number,
      params.rhsDilation[d] as number,
    ),
  );
  const outBatch = batch / params.batchGroupCount;
  const shape = [outBatch, features, ...spatialOut];
  const featuresPerGroup = features / params.featureGroupCount;
  const featuresPerBatchGroup = features / params.batchGroupCount;
  const float = isFloatDType(lhs.dtype);
  const taps = groupChannels * sizeOf(window);
  const values: number[] = [];
  const scale: number[] = [];
  forEachIndex(shape, ([n, o, ...position]) => {
    const group = Math.floor((o as number) / featuresPerGroup);
    const inputBatch = Math.floor((o as number) / featuresPerBatchGroup) * outBatch + (n as number);
    let sum = 0;
    let sumBig = 0n;
    let magnitude = 0;
    for (let c = 0; c < groupChannels; c++) {
      const channel = group * groupChannels + c;
      if (channel >= channels)
        throw new Error('testkit: conv channels do not fit the feature groups');
      forEachIndex(window, (tap) => {
        const input = position.map((out, d) =>
          inputIndex(
            out,
            tap[d] as number,
            params.windowStrides[d] as number,
            (params.padding[d] as [number, number])[0],
            params.lhsDilation[d] as number,
            params.rhsDilation[d] as number,
            spatialIn[d] as number,
          ),
        );
        if (input.some((i) => i === null)) return;
        const x = lhs.values[
          ravel([inputBatch, channel, ...(input as number[])], lhs.shape)
        ] as number;
        const w = rhs.values[ravel([o as number, c, ...tap], rhs.shape)] as number;
        if (float) {
          sum += x * w;
          magnitude += Math.abs(x * w);
        } else {
          sumBig += BigInt(x) * BigInt(w);
        }
      });
    }
    values.push(float ? sum : wrapInteger(lhs.dtype as 'int32' | 'uint32', sumBig));
    scale.push(Math.max(taps, 1) * magnitude);
  });
  return { shape, values, scale };
}

/**
 * `reduceWindow(op, x, params)` over every dim of `x`.
 *
 * @example
 * reduceWindowReference('max', x, { windowDimensions: [2], windowStrides: [2], padding: [[0, 0]],
 *   baseDilation: [1], windowDilation: [1] });
 */
export function reduceWindowReference(
  op: 'sum' | 'max' | 'min',
  x: HostTensor,
  params: WindowParams,
): Reference {
  const shape = x.shape.map((n, d) =>
    windowedSize(
      n,
      params.windowDimensions[d] as number,
      params.windowStrides[d] as number,
      params.padding[d] as [number, number],
      params.baseDilation[d] as number,
      params.windowDilation[d] as number,
    ),
  );
  const dtype: DType = x.dtype;
  const float = isFloatDType(dtype);
  const values: number[] = [];
  const scale: number[] = [];
  forEachIndex(shape, (position) => {
    const terms: number[] = [];
    forEachIndex(params.windowDimensions, (tap) => {
      const input = position.map((out, d) =>
        inputIndex(
          out,
          tap[d] as number,
          params.windowStrides[d] as number,
          (params.padding[d] as [number, number])[0],
          params.baseDilation[d] as number,
          params.windowDilation[d] as number,
          x.shape[d] as number,
        ),
      );
      if (input.every((i) => i !== null))
        terms.push(x.values[ravel(input as number[], x.shape)] as number);
    });
    let value: number;
    if (op === 'sum') {
      value = float
        ? terms.reduce((a, t) => a + t, 0)
        : wrapInteger(
            dtype as 'int32' | 'uint32',
            terms.reduce((a, t) => a + BigInt(t), 0n),
          );
    } else if (terms.some(Number.isNaN)) {
      value = Number.NaN;
    } else {
      value = terms.reduce(
        (a, t) => (op === 'max' ? Math.max(a, t) : Math.min(a, t)),
        reduceIdentity(op, dtype),
      );
    }
    values.push(value);
    scale.push(
      op === 'sum'
        ? Math.max(terms.length, 1) * terms.reduce((a, t) => a + Math.abs(t), 0)
        : Math.abs(value),
    );
  });
  return { shape, values, scale };
}

/** Per output window of `x`, the input position (flat) of its first maximum, or -1 if empty. */
function windowArgmax(
  x: HostTensor,
  params: WindowParams,
): { shape: number[]; positions: number[] } {
  const shape = x.shape.map((n, d) =>
    windowedSize(
      n,
      params.windowDimensions[d] as number,
      params.windowStrides[d] as number,
      params.padding[d] as [number, number],
      params.baseDilation[d] as number,
      params.windowDilation[d] as number,
    ),
  );
  const positions: number[] = [];
  forEachIndex(shape, (position) => {
    let best = -1;
    forEachIndex(params.windowDimensions, (tap) => {
      const input = position.map((out, d) =>
        inputIndex(
          out,
          tap[d] as number,
          params.windowStrides[d] as number,
          (params.padding[d] as [number, number])[0],
          params.baseDilation[d] as number,
          params.windowDilation[d] as number,
          x.shape[d] as number,
        ),
      );
      if (input.some((i) => i === null)) return;
      const flat = ravel(input as number[], x.shape);
      if (best === -1 || (x.values[flat] as number) > (x.values[best] as number)) best = flat;
    });
    positions.push(best);
  });
  return { shape, positions };
}

/**
 * `selectAndGatherAdd(tangent, operand, params)`: per window of `operand`, the `tangent`
 * element at the operand's first maximum (the JVP of max pooling).
 *
 * @example
 * selectAndGatherAddReference(t, x, params).shape // the pooled shape
 */
export function selectAndGatherAddReference(
  tangent: HostTensor,
  operand: HostTensor,
  params: WindowParams,
): Reference {
  const { shape, positions } = windowArgmax(operand, params);
  return { shape, values: positions.map((p) => (p === -1 ? 0 : (tangent.values[p] as number))) };
}

/**
 * `selectAndScatterAdd(source, operand, params)`: each window's `source` value added at the
 * operand's first maximum in that window (the VJP of max pooling); shape of `operand`.
 *
 * @example
 * selectAndScatterAddReference(pooledGrad, x, params).shape // x.shape
 */
export function selectAndScatterAddReference(
  source: HostTensor,
  operand: HostTensor,
  params: WindowParams,
): Reference {
  const { positions } = windowArgmax(operand, params);
  const values = new Array<number>(operand.values.length).fill(0);
  positions.forEach((p, w) => {
    if (p !== -1) values[p] = (values[p] as number) + (source.values[w] as number);
  });
  return { shape: operand.shape, values };
}
