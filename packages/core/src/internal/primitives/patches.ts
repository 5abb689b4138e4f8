/**
 * Sliding-window machinery for the core fallbacks of `conv`, `reduceWindow`
 * and the max-pool primitives, built only from required backend methods.
 *
 * An operand is first padded and dilated into a fresh contiguous array
 * (`padDilate`: one `gather` per changed axis, then one `select` that writes
 * the fill value into the holes), so every window lies inside it; the
 * windows are then a zero-copy strided view (`windowsView`) with one stride
 * per output position and one per window tap. `unpadDilate` is the inverse
 * selection that scatter-style fallbacks use to go back to operand positions.
 */
import { ShapedArray } from '../aval.js';
import type { Backend, StridedView } from '../backend.js';
import { DeviceArray } from '../core/device-array.js';
import type { DType } from '../dtype.js';
import { contiguousStrides, sizeOf } from '../shape.js';

/**
 * Size of a dim of `size` elements with `dilation - 1` holes between neighbours.
 *
 * @example
 * dilateDim(3, 2)  // 5
 */
export function dilateDim(size: number, dilation: number): number {
  return size === 0 ? 0 : 1 + dilation * (size - 1);
}

/**
 * Number of window positions along a dim of padded size `size`.
 *
 * @example
 * windowCount(7, 3, 2)  // 3
 */
export function windowCount(size: number, window: number, stride: number): number {
  return size < window ? 0 : Math.floor((size - window) / stride) + 1;
}

/**
 * The largest (`max`) or smallest (`min`) value of `dtype`: what padding holds so it never wins.
 *
 * @example
 * lowest('float32')  // -Infinity
 */
export function lowest(dtype: DType): number {
  if (dtype === 'int32') return -2147483648;
  if (dtype === 'uint32' || dtype === 'bool') return 0;
  return Number.NEGATIVE_INFINITY;
}

/**
 * The largest value of `dtype`.
 *
 * @example
 * highest('int32')  // 2147483647
 */
export function highest(dtype: DType): number {
  if (dtype === 'int32') return 2147483647;
  if (dtype === 'uint32') return 4294967295;
  if (dtype === 'bool') return 1;
  return Number.POSITIVE_INFINITY;
}

/** Output position `j` of one axis reads source element `source[j]`, or the fill value where `valid[j]` is 0. */
interface AxisMap {
  readonly axis: number;
  readonly source: Int32Array;
  readonly valid: Uint8Array;
}

/** A contiguous array of `aval` on `backend` filled with `value`. */
function filled(backend: Backend, aval: ShapedArray, value: number): DeviceArray {
  const out = DeviceArray.empty(backend, aval);
  if (aval.size > 0) backend.fill(out.output, value);
  return out;
}

/** A contiguous copy (or retained view) of `x`, starting at offset 0. */
function contiguous(x: DeviceArray): DeviceArray {
  return x.materialize();
}

/** Apply per-axis index maps with one gather each, then put `fill` where any map is invalid. */
function resample(x: DeviceArray, maps: readonly AxisMap[], fill: number): DeviceArray {
  const backend = x.backend;
  const shape = [...x.shape];
  for (const m of maps) shape[m.axis] = m.source.length;
  const aval = new ShapedArray(shape, x.dtype);
  if (sizeOf(shape) === 0 || x.size === 0) return filled(backend, aval, fill);
  if (maps.length === 0) return contiguous(x);

  let current = x;
  for (const m of maps) {
    const indices = DeviceArray.fromHost(
      backend,
      new ShapedArray([m.source.length], 'int32'),
      m.source,
    );
    const next = DeviceArray.empty(
      backend,
      new ShapedArray(
        [...current.shape.slice(0, m.axis), m.source.length, ...current.shape.slice(m.axis + 1)],
        x.dtype,
      ),
    );
    backend.gather(current.view, indices.view, m.axis, next.output);
    indices.dispose();
    if (current !== x) current.dispose();
    current = next;
  }
  const masked = maps.filter((m) => m.valid.includes(0));
  if (masked.length === 0) return current;

  // One host mask over the masked axes, broadcast (stride 0) over the others.
  const maskShape = masked.map((m) => m.source.length);
  const mask = new Uint8Array(sizeOf(maskShape));
  const maskStrides = contiguousStrides(maskShape);
  mask.forEach((_, flat) => {
    mask[flat] = masked.every(
      (m, k) => m.valid[Math.floor(flat / (maskStrides[k] as number)) % (maskShape[k] as number)],
    )
      ? 1
      : 0;
  });
  const maskArray = DeviceArray.fromHost(backend, new ShapedArray(maskShape, 'bool'), mask);
  const strides = shape.map(() => 0);
  masked.forEach((m, k) => {
    strides[m.axis] = maskStrides[k] as number;
  });
  const maskView: StridedView = { ...maskArray.view, shape, strides };
  const fillScalar = filled(backend, new ShapedArray([], x.dtype), fill);
  const fillView: StridedView = { ...fillScalar.view, shape, strides: shape.map(() => 0) };
  const out = DeviceArray.empty(backend, aval);
  backend.select(maskView, current.view, fillView, out.output);
  for (const t of [maskArray, fillScalar, current]) t.dispose();
  return out;
}

/**
 * `x` padded by `low`/`high` (negative values crop) with `dilation - 1` holes between elements,
 * holes and padding holding `fill`: a new contiguous array the caller disposes.
 *
 * @example
 * const padded = padDilate(x, [0, 0, 1, 1], [0, 0, 1, 1], [1, 1, 1, 1], 0);  // zero-pad H and W by 1
 */
export function padDilate(
  x: DeviceArray,
  low: readonly number[],
  high: readonly number[],
  dilation: readonly number[],
  fill: number,
): DeviceArray {
  const maps: AxisMap[] = [];
  x.shape.forEach((size, axis) => {
    const lo = low[axis] ?? 0;
    const hi = high[axis] ?? 0;
    const dil = dilation[axis] ?? 1;
    if (lo === 0 && hi === 0 && (dil === 1 || size <= 1)) return;
    const length = Math.max(0, dilateDim(size, dil) + lo + hi);
    const source = new Int32Array(length);
    const valid = new Uint8Array(length);
    for (let j = 0; j < length; j++) {
      const t = j - lo;
      if (t >= 0 && t % dil === 0 && t / dil < size) {
        source[j] = t / dil;
        valid[j] = 1;
      }
    }
    maps.push({ axis, source, valid });
  });
  return resample(x, maps, fill);
}

/**
 * The inverse selection of `padDilate`: from a padded, dilated array, the elements at the
 * positions of an operand of `shape` (0 for positions that the padding cropped away).
 *
 * @example
 * const grad = unpadDilate(paddedGrad, [2, 3, 6, 6], [0, 0, 1, 1], [1, 1, 1, 1]);
 */
export function unpadDilate(
  padded: DeviceArray,
  shape: readonly number[],
  low: readonly number[],
  dilation: readonly number[],
): DeviceArray {
  const maps: AxisMap[] = [];
  shape.forEach((size, axis) => {
    const lo = low[axis] ?? 0;
    const dil = dilation[axis] ?? 1;
    const paddedSize = padded.shape[axis] as number;
    if (lo === 0 && (dil === 1 || size <= 1) && paddedSize === size) return;
    const source = new Int32Array(size);
    const valid = new Uint8Array(size);
    for (let i = 0; i < size; i++) {
      const j = lo + i * dil;
      if (j >= 0 && j < paddedSize) {
        source[i] = j;
        valid[i] = 1;
      }
    }
    maps.push({ axis, source, valid });
  });
  return resample(padded, maps, 0);
}

/**
 * The sliding windows of a contiguous array of `shape` (window parameters over every dim) as a
 * zero-copy view of shape `[...outShape, ...windowDimensions]`.
 *
 * @example
 * const windows = windowsView(padded, [2, 2], [2, 2], [1, 1], [3, 3]);  // 2×2 pooling of a 6×6 array
 */
export function windowsView(
  padded: DeviceArray,
  windowDimensions: readonly number[],
  windowStrides: readonly number[],
  windowDilation: readonly number[],
  outShape: readonly number[],
): StridedView {
  const strides = contiguousStrides(padded.shape);
  return {
    buffer: padded.storage.buffer,
    dtype: padded.dtype,
    shape: [...outShape, ...windowDimensions],
    strides: [
      ...strides.map((s, i) => s * (windowStrides[i] as number)),
      ...strides.map((s, i) => s * (windowDilation[i] as number)),
    ],
    offset: 0,
  };
}

/**
 * Per-dim `[low, high]` padding.
 *
 * @example
 * const same: Padding = [[1, 1], [1, 1]];
 */
export type Padding = readonly (readonly [number, number])[];

/**
 * Padding of the transposed window op (JAX's `_conv_general_vjp_lhs_padding`): the cotangent of
 * a windowed op, dilated by the strides and padded by this, slid over by the (dilated) window,
 * gives back the operand's (dilated) shape. Also the padding of the transposed `reduceWindow` sum.
 *
 * @example
 * transposePadding([5], [3], [2], [3], [[1, 1]], [1], [1])  // [[1, 1]]
 */
export function transposePadding(
  inShape: readonly number[],
  window: readonly number[],
  strides: readonly number[],
  outShape: readonly number[],
  padding: Padding,
  baseDilation: readonly number[],
  windowDilation: readonly number[],
): [number, number][] {
  return inShape.map((d, i) => {
    const inDilated = dilateDim(d, baseDilation[i] as number);
    const windowDilated = dilateDim(window[i] as number, windowDilation[i] as number);
    const outDilated = dilateDim(outShape[i] as number, strides[i] as number);
    const before = windowDilated - (padding[i] as readonly [number, number])[0] - 1;
    return [before, inDilated + windowDilated - 1 - outDilated - before];
  });
}

/**
 * Padding of the convolution that computes a kernel's cotangent (JAX's
 * `_conv_general_vjp_rhs_padding`): the input, padded by this, correlated with the cotangent
 * dilated by the strides, gives the (dilated) kernel shape.
 *
 * @example
 * kernelTransposePadding([5], [3], [2], [3], [[1, 1]], [1], [1])  // [[1, 1]]
 */
export function kernelTransposePadding(
  inShape: readonly number[],
  window: readonly number[],
  strides: readonly number[],
  outShape: readonly number[],
  padding: Padding,
  lhsDilation: readonly number[],
  rhsDilation: readonly number[],
): [number, number][] {
  return inShape.map((d, i) => {
    const inDilated = dilateDim(d, lhsDilation[i] as number);
    const windowDilated = dilateDim(window[i] as number, rhsDilation[i] as number);
    const outDilated = dilateDim(outShape[i] as number, strides[i] as number);
    const lo = (padding[i] as readonly [number, number])[0];
    return [lo, outDilated - inDilated + (windowDilated - lo - 1)];
  });
}
