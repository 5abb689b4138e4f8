/**
 * NumPy indexing: `np.slice(x, ...index)` is `x[index]`. Basic entries
 * (numbers, `null`, `[start, stop, step]` slices, `'...'`, `'newaxis'`)
 * become one static `slice` (plus `rev` for negative steps and a reshape);
 * integer tensors ("advanced" indices) then gather on the flattened indexed
 * axes, with NumPy's placement rule for the broadcast index dims.
 * `indexPlan` is shared with `at(...)` updates.
 */

import type { SliceIndex } from '../core/tensor.js';
import { Tensor } from '../core/tensor.js';
import { isInteger } from '../dtype.js';
import { DTypeError, fmtShape, ShapeError, ValueError } from '../errors.js';
import * as lax from '../lax/primitive-ops.js';
import { broadcastShapes, contiguousStrides, range } from '../shape.js';
import { wrapNegative } from './indexing.js';
import { freeIntermediates } from './intermediates.js';
import { backendFor, broadcastToShape, constantLike } from './promotion.js';

/** The strided box one input axis contributes to a basic index. */
export interface AxisBox {
  /** Smallest selected index. */
  low: number;
  /** Number of selected elements. */
  count: number;
  /** Distance between selected elements (≥ 1). */
  stride: number;
  /** True for a negative step (elements come out in reverse order). */
  reversed: boolean;
}

/** How an index maps `x` to the result. */
export interface IndexPlan {
  /** One box per input axis (whole axes where the index says nothing). */
  boxes: AxisBox[];
  /** Shape after the basic part: selected axes, `newaxis` 1s, dropped integer axes. */
  basicShape: number[];
  /** Advanced (integer-array) indices, by axis of the basic result, already wrapped. */
  advanced: { axis: number; index: Tensor }[];
}

function describeEntry(e: unknown): string {
  return e instanceof Tensor ? e.aval.toString() : JSON.stringify(e);
}

function integerOrNull(op: string, v: unknown, what: string): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'number' || !Number.isInteger(v))
    throw new ValueError(
      `${op}: slice ${what} must be an integer or null, got ${JSON.stringify(v)}`,
    );
  return v;
}

/** Python's `slice(start, stop, step).indices(n)`, as a box. */
function sliceBox(op: string, entry: readonly unknown[], n: number): AxisBox {
  if (entry.length === 0 || entry.length > 3) {
    throw new ValueError(
      `${op}: a slice is [start, stop?, step?], got ${JSON.stringify(entry)}; wrap integer lists with np.array`,
    );
  }
  const start = integerOrNull(op, entry[0], 'start');
  const stop = entry.length > 1 ? integerOrNull(op, entry[1], 'stop') : null;
  const step = integerOrNull(op, entry[2], 'step') ?? 1;
  if (step === 0) throw new ValueError(`${op}: slice step cannot be zero`);
  if (step > 0) {
    const s = start === null ? 0 : start < 0 ? Math.max(0, start + n) : Math.min(start, n);
    const e = stop === null ? n : stop < 0 ? Math.max(0, stop + n) : Math.min(stop, n);
    const count = Math.max(0, Math.ceil((e - s) / step));
    return { low: count === 0 ? 0 : s, count, stride: step, reversed: false };
  }
  const s = start === null ? n - 1 : start < 0 ? Math.max(-1, start + n) : Math.min(start, n - 1);
  const e = stop === null ? -1 : stop < 0 ? Math.max(-1, stop + n) : Math.min(stop, n - 1);
  const count = Math.max(0, Math.ceil((s - e) / -step));
  return { low: count === 0 ? 0 : s + (count - 1) * step, count, stride: -step, reversed: true };
}

/**
 * Resolve `index` against `shape`: the basic boxes, the basic result shape and the advanced
 * indices (int tensors, wrapped and clamped into range).
 *
 * @example
 * indexPlan('slice', [4, 5], [1, [null, null, -1]])
 */
export function indexPlan(
  op: string,
  shape: readonly number[],
  index: readonly SliceIndex[],
  backend: string,
): IndexPlan {
  const consumes = (e: SliceIndex) => e !== 'newaxis' && e !== '...';
  const used = index.filter(consumes).length;
  const ellipses = index.filter((e) => e === '...').length;
  if (ellipses > 1) throw new ValueError(`${op}: an index can only have a single ellipsis ('...')`);
  if (used > shape.length) {
    throw new ValueError(
      `${op}: too many indices for a tensor of rank ${shape.length}: ${index.map(describeEntry).join(', ')}`,
    );
  }
  const fill = new Array<SliceIndex>(shape.length - used).fill(null);
  const at = index.indexOf('...');
  const entries =
    at < 0 ? [...index, ...fill] : [...index.slice(0, at), ...fill, ...index.slice(at + 1)];
  const hasAdvanced = entries.some((e) => e instanceof Tensor);

  const boxes: AxisBox[] = [];
  const basicShape: number[] = [];
  const advanced: { axis: number; index: Tensor }[] = [];
  let dim = 0;
  for (const entry of entries) {
    if (entry === 'newaxis') {
      basicShape.push(1);
      continue;
    }
    const n = shape[dim] as number;
    if (entry === null) {
      boxes.push({ low: 0, count: n, stride: 1, reversed: false });
      basicShape.push(n);
    } else if (typeof entry === 'number') {
      if (!Number.isInteger(entry) || entry < -n || entry >= n) {
        throw new ValueError(
          `${op}: index ${entry} is out of bounds for axis ${dim} with size ${n} (shape ${fmtShape(shape)})`,
        );
      }
      boxes.push({ low: entry < 0 ? entry + n : entry, count: 1, stride: 1, reversed: false });
      if (hasAdvanced) {
        advanced.push({ axis: basicShape.length, index: lax.full([], 0, 'int32', false, backend) });
        basicShape.push(1);
      }
    } else if (entry instanceof Tensor) {
      if (entry.dtype === 'bool') {
        throw new DTypeError(
          `${op}: boolean mask indices have a data-dependent shape and are not supported; use np.where`,
        );
      }
      if (!isInteger(entry.dtype))
        throw new DTypeError(`${op}: index tensors must be integers, got ${entry.aval.toString()}`);
      if (n === 0 && entry.size > 0)
        throw new ShapeError(`${op}: cannot index the empty axis ${dim} of ${fmtShape(shape)}`);
      const asInt = entry.dtype === 'int32' ? entry : lax.convertElementType(entry, 'int32', false);
      boxes.push({ low: 0, count: n, stride: 1, reversed: false });
      advanced.push({ axis: basicShape.length, index: wrapNegative(asInt, n, true) });
      basicShape.push(n);
    } else if (Array.isArray(entry)) {
      const box = sliceBox(op, entry, n);
      boxes.push(box);
      basicShape.push(box.count);
    } else {
      throw new ValueError(`${op}: invalid index entry ${describeEntry(entry)}`);
    }
    dim++;
  }
  return { boxes, basicShape, advanced };
}

/**
 * The basic part of a plan applied to `x`: one strided slice, reversals, and a reshape.
 *
 * @example
 * applyBasic(x, indexPlan('slice', x.shape, [0, [1, 3]], 'cpu'))  // x[0, 1:3]
 */
export function applyBasic(x: Tensor, plan: IndexPlan): Tensor {
  const { boxes } = plan;
  const whole = boxes.every((b, i) => b.low === 0 && b.count === x.shape[i] && b.stride === 1);
  const sliced = whole
    ? x
    : lax.slice(
        x,
        boxes.map((b) => b.low),
        boxes.map((b) => (b.count === 0 ? b.low : b.low + (b.count - 1) * b.stride + 1)),
        boxes.map((b) => b.stride),
      );
  const flipped = lax.rev(
    sliced,
    range(boxes.length).filter((i) => (boxes[i] as AxisBox).reversed),
  );
  return lax.reshape(flipped, plan.basicShape);
}

/**
 * The advanced part of a plan applied to the basic result `y` (NumPy placement of index dims).
 *
 * @example
 * applyAdvanced(applyBasic(x, plan), plan, 'slice')
 */
export function applyAdvanced(y: Tensor, plan: IndexPlan, op: string): Tensor {
  const { advanced } = plan;
  if (advanced.length === 0) return y;
  const axes = advanced.map((a) => a.axis);
  const indexShape = broadcastShapes(op, ...advanced.map((a) => a.index.shape));
  const rest = range(y.ndim).filter((i) => !axes.includes(i));
  const sizes = axes.map((i) => y.shape[i] as number);
  const strides = contiguousStrides(sizes);
  let linear: Tensor | undefined;
  advanced.forEach(({ index }, k) => {
    const term = lax.mul(
      broadcastToShape(index, indexShape),
      constantLike(broadcastToShape(index, indexShape), strides[k] as number),
    );
    linear = linear === undefined ? term : lax.add(linear, term);
  });
  const grouped = lax.reshape(lax.transpose(y, [...axes, ...rest]), [
    sizes.reduce((p, d) => p * d, 1),
    ...rest.map((i) => y.shape[i] as number),
  ]);
  const gathered = lax.gather(grouped, linear as Tensor, 0);
  const adjacent = axes.every((a, k) => k === 0 || a === (axes[k - 1] as number) + 1);
  if (!adjacent) return gathered;
  // Adjacent advanced axes: the index dims replace them in place.
  const before = rest.filter((i) => i < (axes[0] as number)).length;
  const nIndex = indexShape.length;
  const perm = [
    ...range(nIndex + before, nIndex),
    ...range(nIndex),
    ...range(gathered.ndim, nIndex + before),
  ];
  return lax.transpose(gathered, perm);
}

/**
 * NumPy indexing `x[index]`: numbers pick (and drop) an axis, `null` keeps it, `[start, stop,
 * step]` slices with Python semantics (negative values count from the end; negative steps
 * reverse), `'...'` stands for the remaining axes, `'newaxis'` inserts a size-1 axis, and integer
 * tensors gather (out-of-range indices are clamped, negative ones wrap).
 *
 * @example
 * np.slice(x, 0)                         // x[0]
 * np.slice(x, null, [1, 3])              // x[:, 1:3]
 * np.slice(x, [null, null, -1])          // x[::-1]
 * np.slice(x, '...', 'newaxis')          // x[..., None]
 * np.slice(x, np.array([0, 2]), 1)       // x[[0, 2], 1]
 */
export function slice(x: Tensor, ...index: SliceIndex[]): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(`slice: expected a tensor, got ${typeof x}`);
  return freeIntermediates(() => {
    const plan = indexPlan('slice', x.shape, index, backendFor([x]));
    return applyAdvanced(applyBasic(x, plan), plan, 'slice');
  });
}
