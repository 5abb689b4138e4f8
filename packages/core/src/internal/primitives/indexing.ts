/**
 * Indexing primitives: `gather` (`x.take(indices, axis)`) and its transpose
 * `scatterAdd` along one axis, and `dynamicSlice` / `dynamicUpdateSlice` at
 * start indices that are tensors (so they can be traced).
 *
 * Out-of-range indices are clamped, as XLA does: gather/scatter indices into
 * `[0, dim - 1]`, dynamic starts into `[0, dim - size]` so the window fits.
 * Clamping happens on the device, never with a host read (GPU backends cannot
 * read synchronously): the impls only enqueue backend kernels. The dynamic
 * ops are built from `gather` along each sliced axis with index vectors
 * `clamp(start) + iota`, and the update from a `select` over a mask built
 * from iota comparisons, which is exact for every value (NaN included).
 *
 * Batching uses one trick throughout: when both the operand and the indices
 * carry a batch axis, the batch is merged with the indexed axis
 * (`[B, D, …] → [B·D, …]`) and the indices are offset by `b·D`, so a single
 * gather or scatter handles the whole batch.
 */
import { ShapedArray } from '../aval.js';
import type { Backend, BinaryOp, StridedView } from '../backend.js';
import { DeviceArray } from '../core/device-array.js';
import type { Tensor } from '../core/tensor.js';
import type { DType } from '../dtype.js';
import { DTypeError, fmtShape, ShapeError, ValueError } from '../errors.js';
import * as lax from '../lax/primitive-ops.js';
import { range } from '../shape.js';
import {
  allocOut,
  backendNameOf,
  backendOf,
  batchAt0,
  fullLike,
  moveAxis,
  zerosLike,
} from './helpers.js';
import type { PrimitiveRules, RuleSet } from './rules.js';
import { type Params, UndefinedPrimal } from './spec.js';

type Arg = Tensor | UndefinedPrimal;

function isUndefined(x: unknown): x is UndefinedPrimal {
  return x instanceof UndefinedPrimal;
}

// ---------------------------------------------------------------- shape/dtype rules

function checkAxis(op: string, axis: number, x: ShapedArray): void {
  if (!Number.isInteger(axis) || axis < 0 || axis >= x.ndim) {
    throw new ValueError(`${op}: axis ${axis} is out of range for ${x}`);
  }
}

function checkIndices(op: string, indices: ShapedArray): void {
  if (indices.dtype !== 'int32')
    throw new DTypeError(`${op}: indices must be int32, got ${indices}`);
}

/** `x.shape[:axis] + indices.shape + x.shape[axis+1:]`. */
function takeShape(x: readonly number[], indices: readonly number[], axis: number): number[] {
  return [...x.slice(0, axis), ...indices, ...x.slice(axis + 1)];
}

function checkNonEmptyAxis(op: string, x: ShapedArray, indices: ShapedArray, axis: number): void {
  if (x.shape[axis] === 0 && indices.size > 0) {
    throw new ShapeError(
      `${op}: cannot index axis ${axis} of ${x}: it is empty (indices ${indices})`,
    );
  }
}

function gatherAval([x, i]: ShapedArray[], { axis }: Params<'gather'>): ShapedArray[] {
  const operand = x as ShapedArray;
  const indices = i as ShapedArray;
  checkAxis('gather', axis, operand);
  checkIndices('gather', indices);
  checkNonEmptyAxis('gather', operand, indices, axis);
  return [operand.with({ shape: takeShape(operand.shape, indices.shape, axis) })];
}

function scatterAddAval([o, i, u]: ShapedArray[], { axis }: Params<'scatterAdd'>): ShapedArray[] {
  const operand = o as ShapedArray;
  const indices = i as ShapedArray;
  const updates = u as ShapedArray;
  checkAxis('scatterAdd', axis, operand);
  checkIndices('scatterAdd', indices);
  if (updates.dtype !== operand.dtype) {
    throw new DTypeError(`scatterAdd: updates ${updates} do not match the operand ${operand}`);
  }
  const expected = takeShape(operand.shape, indices.shape, axis);
  if (fmtShape(expected) !== fmtShape(updates.shape)) {
    throw new ShapeError(
      `scatterAdd: updates ${updates} should have shape ${fmtShape(expected)} (operand ${operand}, indices ${indices}, axis ${axis})`,
    );
  }
  checkNonEmptyAxis('scatterAdd', operand, indices, axis);
  return [operand];
}

function checkStarts(op: string, x: ShapedArray, starts: readonly ShapedArray[]): void {
  if (starts.length !== x.ndim) {
    throw new ValueError(`${op}: needs one start index per dim of ${x}, got ${starts.length}`);
  }
  starts.forEach((s, d) => {
    if (s.ndim !== 0 || s.dtype !== 'int32') {
      throw new DTypeError(`${op}: start index ${d} must be an int32 scalar, got ${s}`);
    }
  });
}

function dynamicSliceAval(
  [x, ...starts]: ShapedArray[],
  { sizes }: Params<'dynamicSlice'>,
): ShapedArray[] {
  const operand = x as ShapedArray;
  checkStarts('dynamicSlice', operand, starts);
  const fits =
    sizes.length === operand.ndim &&
    sizes.every((n, d) => Number.isInteger(n) && n >= 0 && n <= (operand.shape[d] as number));
  if (!fits)
    throw new ShapeError(`dynamicSlice: slice sizes ${fmtShape(sizes)} do not fit in ${operand}`);
  return [operand.with({ shape: [...sizes] })];
}

function dynamicUpdateSliceAval([x, u, ...starts]: ShapedArray[]): ShapedArray[] {
  const operand = x as ShapedArray;
  const update = u as ShapedArray;
  if (update.dtype !== operand.dtype) {
    throw new DTypeError(
      `dynamicUpdateSlice: update ${update} does not match the operand ${operand}`,
    );
  }
  const fits =
    update.ndim === operand.ndim && update.shape.every((n, d) => n <= (operand.shape[d] as number));
  if (!fits)
    throw new ShapeError(`dynamicUpdateSlice: update ${update} does not fit in ${operand}`);
  checkStarts('dynamicUpdateSlice', operand, starts);
  return [operand];
}

// ---------------------------------------------------------------- backend-level building blocks

/** A view of `a` read as `shape`, its dims landing at `dims` (zero strides elsewhere). */
function broadcastView(
  a: DeviceArray,
  shape: readonly number[],
  dims: readonly number[],
): StridedView {
  const strides = shape.map(() => 0);
  dims.forEach((d, i) => {
    strides[d] = a.strides[i] as number;
  });
  return { ...a.view, shape, strides };
}

/** The kernels an impl enqueues, with the temporaries they need (freed together by `release`). */
class Kernels {
  private readonly temps: DeviceArray[] = [];
  constructor(readonly backend: Backend) {}

  alloc(aval: ShapedArray): DeviceArray {
    const out = allocOut(this.backend, aval);
    this.temps.push(out);
    return out;
  }

  scalar(value: number, dtype: DType): DeviceArray {
    const out = this.alloc(new ShapedArray([], dtype));
    this.backend.fill(out.output, value);
    return out;
  }

  /** `[0, 1, …, n-1]` as int32. */
  iota(n: number): DeviceArray {
    const out = this.alloc(new ShapedArray([n], 'int32'));
    this.backend.iota(0, out.output);
    return out;
  }

  /** `a op b` for same-shape views (`b` may broadcast through zero strides). */
  binary(op: BinaryOp, a: StridedView, b: StridedView): DeviceArray {
    const comparison =
      op === 'eq' || op === 'ne' || op === 'lt' || op === 'le' || op === 'gt' || op === 'ge';
    const out = this.alloc(new ShapedArray(a.shape, comparison ? 'bool' : a.dtype));
    this.backend.binary(op, a, b, out.output);
    return out;
  }

  /** `a op constant`. */
  withScalar(op: BinaryOp, a: StridedView, value: number): DeviceArray {
    return this.binary(op, a, broadcastView(this.scalar(value, a.dtype), a.shape, []));
  }

  /** Int32 values clamped into `[lo, hi]`. */
  clamp(a: StridedView, lo: number, hi: number): DeviceArray {
    return this.withScalar('min', this.withScalar('max', a, lo).view, hi);
  }

  /** `x.take(indices, axis)` for in-range indices. */
  gather(x: StridedView, aval: ShapedArray, indices: DeviceArray, axis: number): DeviceArray {
    const out = this.alloc(aval.with({ shape: takeShape(x.shape, indices.shape, axis) }));
    this.backend.gather(x, indices.view, axis, out.output);
    return out;
  }

  /** Free every temporary except `keep` (which the caller returns). */
  release(keep?: DeviceArray): void {
    for (const t of this.temps) if (t !== keep) t.dispose();
  }
}

/** The start of a window of `size` along a dim of length `dim`, clamped so it fits (a scalar). */
function clampedStart(k: Kernels, start: DeviceArray, dim: number, size: number): DeviceArray {
  return k.clamp(start.view, 0, dim - size);
}

/** A zero-copy view of `x` with the output aval (for results that equal an input). */
function sameAs(x: DeviceArray, aval: ShapedArray): DeviceArray {
  return DeviceArray.view(x, aval, x.strides, x.offset);
}

// ---------------------------------------------------------------- implementations

function gatherImpl([x, i]: DeviceArray[], params: Params<'gather'>): DeviceArray[] {
  const operand = x as DeviceArray;
  const indices = i as DeviceArray;
  const backend = backendOf('gather', [operand, indices]);
  const aval = gatherAval([operand.aval, indices.aval], params)[0] as ShapedArray;
  const out = allocOut(backend, aval);
  if (aval.size === 0) return [out];
  const k = new Kernels(backend);
  const clamped = k.clamp(indices.view, 0, (operand.shape[params.axis] as number) - 1);
  backend.gather(operand.view, clamped.view, params.axis, out.output);
  k.release();
  return [out];
}

function scatterAddImpl([o, i, u]: DeviceArray[], params: Params<'scatterAdd'>): DeviceArray[] {
  const operand = o as DeviceArray;
  const indices = i as DeviceArray;
  const updates = u as DeviceArray;
  const backend = backendOf('scatterAdd', [operand, indices, updates]);
  const aval = scatterAddAval([operand.aval, indices.aval, updates.aval], params)[0] as ShapedArray;
  const out = allocOut(backend, aval);
  if (aval.size === 0) return [out];
  const k = new Kernels(backend);
  const clamped = k.clamp(indices.view, 0, (aval.shape[params.axis] as number) - 1);
  backend.scatterAdd(operand.view, clamped.view, updates.view, params.axis, out.output);
  k.release();
  return [out];
}

function dynamicSliceImpl(
  [x, ...starts]: DeviceArray[],
  params: Params<'dynamicSlice'>,
): DeviceArray[] {
  const operand = x as DeviceArray;
  const backend = backendOf('dynamicSlice', [operand, ...starts]);
  const aval = dynamicSliceAval(
    [operand.aval, ...starts.map((s) => s.aval)],
    params,
  )[0] as ShapedArray;
  if (aval.size === 0) return [allocOut(backend, aval)];
  // A full-length axis always starts at 0 after clamping: only the shorter ones need a gather.
  const sliced = range(operand.ndim).filter(
    (d) => (params.sizes[d] as number) < (operand.shape[d] as number),
  );
  if (sliced.length === 0) return [sameAs(operand, aval)];
  const k = new Kernels(backend);
  let current = operand;
  for (const d of sliced) {
    const size = params.sizes[d] as number;
    const start = clampedStart(k, starts[d] as DeviceArray, operand.shape[d] as number, size);
    const indices = k.binary('add', k.iota(size).view, broadcastView(start, [size], []));
    current = k.gather(current.view, operand.aval, indices, d);
  }
  k.release(current);
  return [current];
}

function dynamicUpdateSliceImpl([x, u, ...starts]: DeviceArray[]): DeviceArray[] {
  const operand = x as DeviceArray;
  const update = u as DeviceArray;
  const backend = backendOf('dynamicUpdateSlice', [operand, update, ...starts]);
  const aval = dynamicUpdateSliceAval([
    operand.aval,
    update.aval,
    ...starts.map((s) => s.aval),
  ])[0] as ShapedArray;
  if (update.aval.size === 0) return [sameAs(operand, aval)];
  const shorter = range(operand.ndim).filter(
    (d) => (update.shape[d] as number) < (operand.shape[d] as number),
  );
  if (shorter.length === 0) return [sameAs(update, aval)];
  const k = new Kernels(backend);
  // spread: the update gathered to the operand's shape; inside: where the window lies.
  let spread = update;
  let inside: StridedView | undefined;
  for (const d of shorter) {
    const dim = operand.shape[d] as number;
    const size = update.shape[d] as number;
    const start = clampedStart(k, starts[d] as DeviceArray, dim, size);
    const offset = k.binary('sub', k.iota(dim).view, broadcastView(start, [dim], []));
    spread = k.gather(spread.view, update.aval, k.clamp(offset.view, 0, size - 1), d);
    const along = k.binary(
      'and',
      k.withScalar('ge', offset.view, 0).view,
      k.withScalar('lt', offset.view, size).view,
    );
    const view = broadcastView(along, operand.shape, [d]);
    inside = inside ? k.binary('and', inside, view).view : view;
  }
  const out = allocOut(backend, aval);
  backend.select(inside as StridedView, spread.view, operand.view, out.output);
  k.release();
  return [out];
}

// ---------------------------------------------------------------- batching

/** `x` clamped into `[lo, hi]` (int32, lax level). */
function clampIndices(x: Tensor, lo: number, hi: number): Tensor {
  return lax.min(lax.max(x, fullLike(x, lo)), fullLike(x, hi));
}

/** `b · stride` at every position of an int32 tensor whose batch axis is 0. */
function batchOffsets(indices: Tensor, stride: number): Tensor {
  const b = lax.iota(indices.shape, 'int32', 0, backendNameOf(indices));
  return lax.mul(b, fullLike(b, stride));
}

/**
 * Gather with optional batch axes on the operand (`bx`) and the indices (`bi`); returns the
 * result and its batch axis. This is `gather`'s batching rule, reused by the dynamic ops.
 */
function gatherBatched(
  x: Tensor,
  bx: number | null,
  indices: Tensor,
  bi: number | null,
  axis: number,
): [Tensor, number | null] {
  if (bx === null && bi === null) return [lax.gather(x, indices, axis), null];
  if (bi === null) {
    const bdim = bx as number;
    const physical = axis < bdim ? axis : axis + 1;
    const out = lax.gather(x, indices, physical);
    return [out, bdim < physical ? bdim : bdim - 1 + indices.ndim];
  }
  if (bx === null) return [lax.gather(x, indices, axis), axis + bi];
  // Both batched: merge the batch with the gathered axis, [B, D, rest…] → [B·D, rest…].
  const operand = moveAxis(moveAxis(x, bx, 0), axis + 1, 1);
  const [size, dim, ...rest] = operand.shape as number[];
  const merged = lax.reshape(operand, [(size as number) * (dim as number), ...rest]);
  const idx = moveAxis(indices, bi, 0);
  const flat = lax.add(clampIndices(idx, 0, (dim as number) - 1), batchOffsets(idx, dim as number));
  const out = lax.gather(merged, flat, 0); // [B, I…, pre…, post…]
  const numIndex = idx.ndim - 1;
  const perm = [
    0,
    ...range(1 + numIndex + axis, 1 + numIndex),
    ...range(1 + numIndex, 1),
    ...range(out.ndim, 1 + numIndex + axis),
  ];
  return [lax.transpose(out, perm), 0];
}

function gatherVmap(
  [x, i]: Tensor[],
  [bx, bi]: (number | null)[],
  { axis }: Params<'gather'>,
): [Tensor[], (number | null)[]] {
  const [out, dim] = gatherBatched(x as Tensor, bx ?? null, i as Tensor, bi ?? null, axis);
  return [[out], [dim]];
}

function scatterAddVmap(
  [o, i, u]: Tensor[],
  [bo, bi, bu]: (number | null)[],
  { axis }: Params<'scatterAdd'>,
  size: number,
): [Tensor[], number[]] {
  const operand = batchAt0(o as Tensor, bo ?? null, size);
  const updates = batchAt0(u as Tensor, bu ?? null, size);
  if (bi === null || bi === undefined)
    return [[lax.scatterAdd(operand, i as Tensor, updates, axis + 1)], [0]];
  // Batched indices: scatter into [B·D, pre…, post…] at offsets b·D + index.
  const moved = moveAxis(operand, axis + 1, 1);
  const [, dim, ...rest] = moved.shape as number[];
  const merged = lax.reshape(moved, [size * (dim as number), ...rest]);
  const idx = moveAxis(i as Tensor, bi, 0);
  const flat = lax.add(clampIndices(idx, 0, (dim as number) - 1), batchOffsets(idx, dim as number));
  const numIndex = idx.ndim - 1;
  // updates [B, pre…, I…, post…] → [B, I…, pre…, post…]
  const perm = [
    0,
    ...range(1 + axis + numIndex, 1 + axis),
    ...range(1 + axis, 1),
    ...range(updates.ndim, 1 + axis + numIndex),
  ];
  const scattered = lax.scatterAdd(merged, flat, lax.transpose(updates, perm), 0);
  const unmerged = lax.reshape(scattered, [size, dim as number, ...rest]);
  return [[moveAxis(unmerged, 1, axis + 1)], [0]];
}

/** A scalar start index moved to a `[B]` vector (broadcast when unbatched). */
function batchedStart(start: Tensor, dim: number | null, size: number): Tensor {
  return batchAt0(start, dim, size);
}

function zeroStart(like: Tensor): Tensor {
  return lax.full([], 0, 'int32', false, backendNameOf(like));
}

function dynamicSliceVmap(
  [x, ...starts]: Tensor[],
  [bx, ...bs]: (number | null)[],
  { sizes }: Params<'dynamicSlice'>,
  size: number,
): [Tensor[], (number | null)[]] {
  const operand = x as Tensor;
  if (bs.every((d) => d === null || d === undefined)) {
    // Only the operand is batched: slice the whole batch axis too.
    const b = bx as number;
    const allStarts = [...starts];
    allStarts.splice(b, 0, zeroStart(operand));
    const allSizes = [...sizes];
    allSizes.splice(b, 0, size);
    return [[lax.dynamicSlice(operand, allStarts, allSizes)], [b]];
  }
  const shape =
    bx === null || bx === undefined ? operand.shape : operand.shape.filter((_, d) => d !== bx);
  let current = operand;
  let dim: number | null = bx ?? null;
  sizes.forEach((n, d) => {
    const length = shape[d] as number;
    if (n === length) return;
    const start = starts[d] as Tensor;
    const sd = bs[d] ?? null;
    const name = backendNameOf(start);
    let indices: Tensor;
    if (sd === null) {
      const s = clampIndices(start, 0, length - n);
      const iota = lax.iota([n], 'int32', 0, name);
      indices = lax.add(iota, lax.broadcastInDim(s, [n], []));
    } else {
      const s = clampIndices(batchedStart(start, sd, size), 0, length - n);
      const iota = lax.iota([size, n], 'int32', 1, name);
      indices = lax.add(iota, lax.broadcastInDim(s, [size, n], [0]));
    }
    [current, dim] = gatherBatched(current, dim, indices, sd === null ? null : 0, d);
  });
  return [[current], [dim]];
}

function dynamicUpdateSliceVmap(
  [x, u, ...starts]: Tensor[],
  [bx, bu, ...bs]: (number | null)[],
  _params: Params<'dynamicUpdateSlice'>,
  size: number,
): [Tensor[], (number | null)[]] {
  const operand = batchAt0(x as Tensor, bx ?? null, size);
  if (bs.every((d) => d === null || d === undefined)) {
    const update = batchAt0(u as Tensor, bu ?? null, size);
    return [[lax.dynamicUpdateSlice(operand, update, [zeroStart(operand), ...starts])], [0]];
  }
  // Batched starts: spread the update with batched gathers and select inside the window.
  const shape = operand.shape.slice(1);
  const updateShape =
    bu === null || bu === undefined
      ? (u as Tensor).shape
      : (u as Tensor).shape.filter((_, d) => d !== bu);
  let spread = u as Tensor;
  let spreadDim: number | null = bu ?? null;
  let inside: Tensor | null = null;
  shape.forEach((length, d) => {
    const n = updateShape[d] as number;
    if (n === length) return;
    const start = clampIndices(
      batchedStart(starts[d] as Tensor, bs[d] ?? null, size),
      0,
      length - n,
    );
    const iota = lax.iota([size, length], 'int32', 1, backendNameOf(start));
    const offset = lax.sub(iota, lax.broadcastInDim(start, [size, length], [0]));
    [spread, spreadDim] = gatherBatched(spread, spreadDim, clampIndices(offset, 0, n - 1), 0, d);
    const along = lax.binary(
      'and',
      lax.ge(offset, fullLike(offset, 0)),
      lax.lt(offset, fullLike(offset, n)),
    );
    const mask = lax.broadcastInDim(along, operand.shape, [0, d + 1]);
    inside = inside ? lax.binary('and', inside, mask) : mask;
  });
  if (inside === null) return [[u as Tensor], [bu ?? null]];
  return [[lax.select(inside, batchAt0(spread, spreadDim, size), operand)], [0]];
}

// ---------------------------------------------------------------- derivatives

function zerosOf(aval: ShapedArray, like: Tensor): Tensor {
  return lax.full(aval.shape, 0, aval.dtype, false, backendNameOf(like));
}

const gatherRules: PrimitiveRules<'gather'> = {
  abstractEval: gatherAval,
  impl: gatherImpl,
  jvp: ([x, i], [t], { axis }) => {
    const indices = i as Tensor;
    return [[lax.gather(x as Tensor, indices, axis)], [t ? lax.gather(t, indices, axis) : null]];
  },
  vmap: gatherVmap,
  transpose: ([ct], [x, i], { axis }) => {
    if (!ct || !isUndefined(x)) return [null, null];
    return [lax.scatterAdd(zerosOf(x.aval, ct), i as Tensor, ct, axis), null];
  },
};

const scatterAddRules: PrimitiveRules<'scatterAdd'> = {
  abstractEval: scatterAddAval,
  impl: scatterAddImpl,
  jvp: ([o, i, u], [to, , tu], { axis }) => {
    const [operand, indices, updates] = [o, i, u] as Tensor[];
    const out = lax.scatterAdd(operand as Tensor, indices as Tensor, updates as Tensor, axis);
    if (!tu) return [[out], [to ?? null]];
    return [
      [out],
      [lax.scatterAdd(to ?? zerosLike(operand as Tensor), indices as Tensor, tu, axis)],
    ];
  },
  vmap: scatterAddVmap,
  transpose: ([ct], [o, i, u], { axis }) => {
    if (!ct) return [null, null, null];
    return [
      isUndefined(o) ? ct : null,
      null,
      isUndefined(u) ? lax.gather(ct, i as Tensor, axis) : null,
    ];
  },
};

const dynamicSliceRules: PrimitiveRules<'dynamicSlice'> = {
  abstractEval: dynamicSliceAval,
  impl: dynamicSliceImpl,
  jvp: ([x, ...starts], [t], { sizes }) => [
    [lax.dynamicSlice(x as Tensor, starts, sizes)],
    [t ? lax.dynamicSlice(t, starts, sizes) : null],
  ],
  vmap: dynamicSliceVmap,
  transpose: ([ct], [x, ...starts]: Arg[]) => {
    const nulls = starts.map(() => null);
    if (!ct || !isUndefined(x)) return [null, ...nulls];
    return [lax.dynamicUpdateSlice(zerosOf(x.aval, ct), ct, starts as Tensor[]), ...nulls];
  },
};

const dynamicUpdateSliceRules: PrimitiveRules<'dynamicUpdateSlice'> = {
  abstractEval: dynamicUpdateSliceAval,
  impl: dynamicUpdateSliceImpl,
  jvp: ([x, u, ...starts], [tx, tu]) => {
    const [operand, update] = [x, u] as Tensor[];
    const out = lax.dynamicUpdateSlice(operand as Tensor, update as Tensor, starts);
    if (!tx && !tu) return [[out], [null]];
    const t = lax.dynamicUpdateSlice(
      tx ?? zerosLike(operand as Tensor),
      tu ?? zerosLike(update as Tensor),
      starts,
    );
    return [[out], [t]];
  },
  vmap: dynamicUpdateSliceVmap,
  transpose: ([ct], [x, u, ...starts]: Arg[]) => {
    const nulls = starts.map(() => null);
    if (!ct) return [null, null, ...nulls];
    const update = u as Arg;
    const s = starts as Tensor[];
    return [
      isUndefined(x) ? lax.dynamicUpdateSlice(ct, zerosOf(update.aval, ct), s) : null,
      isUndefined(update) ? lax.dynamicSlice(ct, s, update.aval.shape) : null,
      ...nulls,
    ];
  },
};

/** Rules of the indexing primitives. */
export const indexingRules: RuleSet<
  'gather' | 'scatterAdd' | 'dynamicSlice' | 'dynamicUpdateSlice'
> = {
  gather: gatherRules,
  scatterAdd: scatterAddRules,
  dynamicSlice: dynamicSliceRules,
  dynamicUpdateSlice: dynamicUpdateSliceRules,
};
