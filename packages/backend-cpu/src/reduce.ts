/**
 * Reductions: `reduce` over any set of axes, and `argReduce` along one axis. The combining
 * loops (`combineRow`) and identities here are shared with `cumulative` and `reduceWindow`.
 *
 * `reduce` treats the output as an accumulator the input is folded into: the accumulator is
 * viewed with stride 0 along the reduced axes, and the pair is walked in the input's memory
 * order, so any axes, layout or broadcast reduce with one pass and no transposing copy. Float
 * reductions accumulate in float64 and round once at the end; integer ones wrap modulo 2^32.
 */
import type { ArgReduceOp, DType, ReduceOp } from '@tensile/core';
import {
  type ArrayOut,
  type ArrayView,
  checkShape,
  contiguousStrides,
  forEachRow,
  type NumericArray,
  removeAxis,
  sizeOf,
} from './strided.js';

/**
 * How two values combine: the loop `combineRow` runs for a reduction op and dtype.
 *
 * @example
 * const kind: CombineKind = 'floatSum'; // float32 `sum`, accumulated in float64
 */
export type CombineKind =
  | 'floatSum'
  | 'intSum'
  | 'floatProd'
  | 'intProd'
  | 'max'
  | 'min'
  | 'and'
  | 'or';

/**
 * The combining loop for `op` on `dtype`, or an error naming `method` when the pair makes no sense.
 *
 * @example
 * combineKind('sum', 'int32', 'reduce') // 'intSum'
 */
export function combineKind(op: ReduceOp, dtype: DType, method: string): CombineKind {
  const float = dtype === 'float32';
  switch (op) {
    case 'sum':
      if (dtype !== 'bool') return float ? 'floatSum' : 'intSum';
      break;
    case 'prod':
      return float ? 'floatProd' : 'intProd';
    case 'max':
    case 'min':
      return op;
    case 'and':
    case 'or':
      if (!float) return op;
      break;
  }
  throw new Error(`${method}: op '${op}' does not accept dtype ${dtype}`);
}

/**
 * The value an empty reduction gives: 0 for sum, 1 for prod, the lowest (highest) value of the
 * dtype for max (min), all-ones for `and`, 0 for `or`.
 *
 * @example
 * identity('max', 'float32') // -Infinity
 * identity('min', 'int32')   // 2147483647
 */
export function identity(op: ReduceOp, dtype: DType): number {
  switch (op) {
    case 'sum':
    case 'or':
      return 0;
    case 'prod':
      return 1;
    case 'and':
      return dtype === 'bool' ? 1 : -1;
    case 'max':
      return dtype === 'float32' ? Number.NEGATIVE_INFINITY : dtype === 'int32' ? -2147483648 : 0;
    case 'min':
      return dtype === 'float32'
        ? Number.POSITIVE_INFINITY
        : dtype === 'int32'
          ? 2147483647
          : dtype === 'uint32'
            ? 4294967295
            : 1;
  }
}

/**
 * `dst[d + i*ds] = combine(dst[d + i*ds], src[s + i*ss])` for `i < n`, in increasing `i`.
 * With `ds = 0` it folds the whole row into one slot. Because the loop runs in order, `src` may
 * be `dst` one step behind, which makes it an inclusive scan.
 *
 * @example
 * const acc = new Float64Array([0]);
 * combineRow('floatSum', 3, acc, 0, 0, new Float32Array([1, 2, 3]), 0, 1); // acc[0] === 6
 */
export function combineRow(
  kind: CombineKind,
  n: number,
  dst: NumericArray,
  d: number,
  ds: number,
  src: NumericArray,
  s: number,
  ss: number,
): void {
  if (ds === 0) {
    dst[d] = foldRow(kind, dst[d], n, src, s, ss);
    return;
  }
  const end = d + n * ds;
  switch (kind) {
    case 'floatSum':
      for (; d !== end; d += ds, s += ss) dst[d] = dst[d] + src[s];
      return;
    case 'intSum':
      for (; d !== end; d += ds, s += ss) dst[d] = (dst[d] + src[s]) | 0;
      return;
    case 'floatProd':
      for (; d !== end; d += ds, s += ss) dst[d] = dst[d] * src[s];
      return;
    case 'intProd':
      for (; d !== end; d += ds, s += ss) dst[d] = Math.imul(dst[d], src[s]);
      return;
    case 'max':
      for (; d !== end; d += ds, s += ss) dst[d] = Math.max(dst[d], src[s]);
      return;
    case 'min':
      for (; d !== end; d += ds, s += ss) dst[d] = Math.min(dst[d], src[s]);
      return;
    case 'and':
      for (; d !== end; d += ds, s += ss) dst[d] = dst[d] & src[s];
      return;
    case 'or':
      for (; d !== end; d += ds, s += ss) dst[d] = dst[d] | src[s];
      return;
  }
}

/** `combine(...combine(combine(acc, src[s]), src[s + ss])...)` over `n` values, in a register. */
function foldRow(
  kind: CombineKind,
  acc: number,
  n: number,
  src: NumericArray,
  s: number,
  ss: number,
) {
  const end = s + n * ss;
  if (ss === 0) return n === 0 ? acc : foldRepeated(kind, acc, n, src[s]);
  switch (kind) {
    case 'floatSum':
      for (; s !== end; s += ss) acc += src[s];
      return acc;
    case 'intSum':
      for (; s !== end; s += ss) acc = (acc + src[s]) | 0;
      return acc;
    case 'floatProd':
      for (; s !== end; s += ss) acc *= src[s];
      return acc;
    case 'intProd':
      for (; s !== end; s += ss) acc = Math.imul(acc, src[s]);
      return acc;
    case 'max':
      for (; s !== end; s += ss) acc = Math.max(acc, src[s]);
      return acc;
    case 'min':
      for (; s !== end; s += ss) acc = Math.min(acc, src[s]);
      return acc;
    case 'and':
      for (; s !== end; s += ss) acc &= src[s];
      return acc;
    case 'or':
      for (; s !== end; s += ss) acc |= src[s];
      return acc;
  }
}

/** Fold the same value `n` times (a broadcast input reduced along its broadcast axis). */
function foldRepeated(kind: CombineKind, acc: number, n: number, value: number): number {
  for (let i = 0; i < n; i++) {
    switch (kind) {
      case 'floatSum':
        acc += value;
        break;
      case 'intSum':
        acc = (acc + value) | 0;
        break;
      case 'floatProd':
        acc *= value;
        break;
      case 'intProd':
        acc = Math.imul(acc, value);
        break;
      case 'max':
        acc = Math.max(acc, value);
        break;
      case 'min':
        acc = Math.min(acc, value);
        break;
      case 'and':
        acc &= value;
        break;
      case 'or':
        acc |= value;
        break;
    }
  }
  return acc;
}

/**
 * Reduce `axes` away (the output shape is `x.shape` without them). Empty reductions give the
 * identity; float `max`/`min` propagate NaN; `and`/`or` are for bool (and bitwise on integers).
 *
 * @example
 * // x: [[1, 2, 3], [4, 5, 6]] → out: [6, 15]
 * reduce('sum', x, [1], out);
 */
export function reduce(op: ReduceOp, x: ArrayView, axes: readonly number[], out: ArrayOut): void {
  const kind = combineKind(op, x.dtype, 'reduce');
  const rank = x.shape.length;
  const reduced = new Set(axes);
  if (reduced.size !== axes.length || axes.some((a) => !(a >= 0 && a < rank))) {
    throw new Error(`reduce: axes [${axes}] are not distinct axes of shape [${x.shape}]`);
  }
  checkShape(
    'reduce',
    'output',
    out.shape,
    x.shape.filter((_, d) => !reduced.has(d)),
  );
  const size = sizeOf(out.shape);
  const accumulator = x.dtype === 'float32' ? new Float64Array(size) : out.data;
  accumulator.fill(identity(op, x.dtype), 0, size);
  // The accumulator as a view of x's shape: stride 0 along the reduced axes.
  const outStrides = contiguousStrides(out.shape);
  let kept = 0;
  const accStrides = x.shape.map((_, d) => (reduced.has(d) ? 0 : outStrides[kept++]));
  const order = memoryOrder(x.strides);
  forEachRow(
    order.map((d) => x.shape[d]),
    [order.map((d) => accStrides[d]), order.map((d) => x.strides[d])],
    [0, x.offset],
    (n, at, step) => combineRow(kind, n, accumulator, at[0], step[0], x.data, at[1], step[1]),
  );
  if (accumulator !== out.data) out.data.set(accumulator);
}

/** Axes ordered by decreasing |stride|, so walking them in order follows memory. */
function memoryOrder(strides: readonly number[]): number[] {
  return strides.map((_, d) => d).sort((a, b) => Math.abs(strides[b]) - Math.abs(strides[a]));
}

/**
 * Index of the max (min) along `axis` into an int32 output. The first occurrence wins ties; for
 * floats a NaN counts as the extreme and the first NaN wins, as NumPy.
 *
 * @example
 * // x: [[3, 7, 7], [NaN, 1, NaN]] → out: [1, 0]
 * argReduce('argmax', x, 1, out);
 */
export function argReduce(op: ArgReduceOp, x: ArrayView, axis: number, out: ArrayOut): void {
  if (!(axis >= 0 && axis < x.shape.length)) {
    throw new Error(`argReduce: axis ${axis} is out of range for shape [${x.shape}]`);
  }
  const length = x.shape[axis];
  const step = x.strides[axis];
  const otherShape = removeAxis(x.shape, axis);
  checkShape('argReduce', 'output', out.shape, otherShape);
  if (length === 0 && sizeOf(otherShape) > 0) {
    throw new Error(`argReduce: ${op} of an empty axis (shape [${x.shape}], axis ${axis})`);
  }
  const data = x.data;
  const target = out.data;
  const max = op === 'argmax';
  forEachRow(
    otherShape,
    [removeAxis(x.strides, axis), contiguousStrides(otherShape)],
    [x.offset, 0],
    (n, at, steps) => {
      let xi = at[0];
      for (let oi = at[1], end = oi + n; oi < end; oi++, xi += steps[0]) {
        target[oi] = max
          ? argMaxLine(data, xi, step, length)
          : argMaxLine(data, xi, step, length, -1);
      }
    },
  );
}

/**
 * Index of the largest `sign * value` along a line; `sign = -1` finds the smallest.
 * The first NaN wins outright.
 */
function argMaxLine(
  data: NumericArray,
  start: number,
  step: number,
  length: number,
  sign = 1,
): number {
  let best = sign * data[start];
  if (Number.isNaN(best)) return 0;
  let index = 0;
  for (let j = 1, p = start + step; j < length; j++, p += step) {
    const v = sign * data[p];
    if (v > best) {
      best = v;
      index = j;
    } else if (Number.isNaN(v)) {
      return j;
    }
  }
  return index;
}
