/**
 * Shape primitives: `reshape`, `transpose`, `broadcastInDim`, `slice`, `pad`,
 * `rev` and `concatenate`, with XLA/`jax.lax` semantics.
 *
 * Layout changes are zero-copy: transpose, broadcast (zero strides), slice
 * (offset and stride multiplication), rev (negative strides) and every
 * reshape a strided view can express (NumPy's no-copy reshape test) return
 * new `DeviceArray`s over the operand's storage. The Backend contract only
 * writes whole contiguous outputs, so `pad` and `concatenate` are built from
 * `gather` (with small host-computed index vectors) and `select`.
 *
 * All seven primitives are linear: tangents go through the same op, and each
 * has a transpose rule (reshape back, inverse permutation, sum over broadcast
 * dims, pad ↔ slice, rev, slices of a concatenation).
 */
import { ShapedArray } from '../aval.js';
import type { StridedView } from '../backend.js';
import { DeviceArray } from '../core/device-array.js';
import type { Tensor } from '../core/tensor.js';
import { DTypeError, fmtShape, ShapeError, ValueError } from '../errors.js';
import * as lax from '../lax/primitive-ops.js';
import { contiguousStrides, invertPermutation, range, sizeOf } from '../shape.js';
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

// ---------------------------------------------------------------- validation

function isIntList(xs: readonly number[], length: number): boolean {
  return xs.length === length && xs.every((x) => Number.isInteger(x));
}

function checkAxes(op: string, axes: readonly number[], x: ShapedArray): void {
  if (
    !axes.every((a) => Number.isInteger(a) && a >= 0 && a < x.ndim) ||
    new Set(axes).size !== axes.length
  ) {
    throw new ValueError(`${op}: axes ${JSON.stringify(axes)} are not distinct axes of ${x}`);
  }
}

/** Length of a dim of size `n` after XLA padding (interior padding only between elements). */
function paddedDim(n: number, low: number, high: number, interior: number): number {
  return low + high + n + Math.max(n - 1, 0) * interior;
}

function reshapeAval([x]: ShapedArray[], { shape }: Params<'reshape'>): ShapedArray[] {
  const a = x as ShapedArray;
  if (!shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new ShapeError(`reshape: invalid target shape ${fmtShape(shape)}`);
  }
  if (sizeOf(shape) !== a.size) {
    throw new ShapeError(
      `reshape: cannot reshape ${a} (${a.size} elements) into ${fmtShape(shape)} (${sizeOf(shape)} elements)`,
    );
  }
  return [a.with({ shape: [...shape] })];
}

function transposeAval([x]: ShapedArray[], { perm }: Params<'transpose'>): ShapedArray[] {
  const a = x as ShapedArray;
  const sorted = [...perm].sort((p, q) => p - q);
  if (perm.length !== a.ndim || !sorted.every((p, i) => p === i)) {
    throw new ValueError(
      `transpose: ${JSON.stringify(perm)} is not a permutation of the axes of ${a}`,
    );
  }
  return [a.with({ shape: perm.map((p) => a.shape[p] as number) })];
}

function broadcastInDimAval(
  [x]: ShapedArray[],
  { shape, broadcastDimensions: dims }: Params<'broadcastInDim'>,
): ShapedArray[] {
  const a = x as ShapedArray;
  const where = `operand ${a} into ${fmtShape(shape)} with broadcastDimensions ${JSON.stringify(dims)}`;
  if (!shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new ShapeError(`broadcastInDim: invalid target shape ${fmtShape(shape)}`);
  }
  if (!isIntList(dims, a.ndim)) {
    throw new ShapeError(`broadcastInDim: need one broadcast dimension per operand dim: ${where}`);
  }
  dims.forEach((d, i) => {
    if (d < 0 || d >= shape.length || (i > 0 && d <= (dims[i - 1] as number))) {
      throw new ShapeError(
        `broadcastInDim: broadcastDimensions must be strictly increasing and in range: ${where}`,
      );
    }
    const n = a.shape[i] as number;
    if (n !== 1 && n !== shape[d]) {
      throw new ShapeError(
        `broadcastInDim: operand dim ${i} (${n}) must be 1 or equal output dim ${d} (${shape[d]}): ${where}`,
      );
    }
  });
  return [a.with({ shape: [...shape] })];
}

function sliceAval([x]: ShapedArray[], { start, limit, strides }: Params<'slice'>): ShapedArray[] {
  const a = x as ShapedArray;
  const where = `${a} [${start}]..[${limit}] step [${strides}]`;
  if (!isIntList(start, a.ndim) || !isIntList(limit, a.ndim) || !isIntList(strides, a.ndim)) {
    throw new ShapeError(`slice: start, limit and strides need one integer per dim: ${where}`);
  }
  const shape = a.shape.map((n, d) => {
    const s = start[d] as number;
    const l = limit[d] as number;
    const k = strides[d] as number;
    if (k < 1) throw new ValueError(`slice: strides must be >= 1: ${where}`);
    if (s < 0 || s > l || l > n)
      throw new ValueError(`slice: need 0 <= start <= limit <= dim in dim ${d}: ${where}`);
    return Math.ceil((l - s) / k);
  });
  return [a.with({ shape })];
}

function padAval([x, v]: ShapedArray[], { low, high, interior }: Params<'pad'>): ShapedArray[] {
  const a = x as ShapedArray;
  const value = v as ShapedArray;
  const where = `${a} low [${low}] high [${high}] interior [${interior}]`;
  if (value.ndim !== 0)
    throw new ShapeError(`pad: the padding value must be a scalar, got ${value}`);
  if (value.dtype !== a.dtype)
    throw new DTypeError(`pad: padding value ${value} does not match operand ${a}`);
  if (!isIntList(low, a.ndim) || !isIntList(high, a.ndim) || !isIntList(interior, a.ndim)) {
    throw new ShapeError(`pad: low, high and interior need one integer per dim: ${where}`);
  }
  const shape = a.shape.map((n, d) => {
    if ((interior[d] as number) < 0)
      throw new ValueError(`pad: interior padding must be >= 0: ${where}`);
    const m = paddedDim(n, low[d] as number, high[d] as number, interior[d] as number);
    if (m < 0) throw new ValueError(`pad: dim ${d} would have negative size ${m}: ${where}`);
    return m;
  });
  return [a.with({ shape, weakType: a.weakType && value.weakType })];
}

function revAval([x]: ShapedArray[], { axes }: Params<'rev'>): ShapedArray[] {
  checkAxes('rev', axes, x as ShapedArray);
  return [x as ShapedArray];
}

function concatenateAval(xs: ShapedArray[], { axis }: Params<'concatenate'>): ShapedArray[] {
  const first = xs[0];
  if (!first) throw new ValueError('concatenate: needs at least one operand');
  const all = xs.map(String).join(', ');
  if (!Number.isInteger(axis) || axis < 0 || axis >= first.ndim) {
    throw new ValueError(`concatenate: axis ${axis} is out of range for ${all}`);
  }
  let total = 0;
  for (const x of xs) {
    if (x.dtype !== first.dtype) throw new DTypeError(`concatenate: operand dtypes differ: ${all}`);
    if (x.ndim !== first.ndim || !x.shape.every((n, d) => d === axis || n === first.shape[d])) {
      throw new ShapeError(`concatenate: shapes must match except along axis ${axis}: ${all}`);
    }
    total += x.shape[axis] as number;
  }
  const shape = first.shape.map((n, d) => (d === axis ? total : n));
  return [first.with({ shape, weakType: xs.every((x) => x.weakType) })];
}

// ---------------------------------------------------------------- views

/**
 * Strides that let a view of `oldShape`/`oldStrides` be read as `newShape` without copying, or
 * `null` when the memory layout does not allow it (NumPy's `_attempt_nocopy_reshape`, C order).
 */
function reshapeStrides(
  oldShape: readonly number[],
  oldStrides: readonly number[],
  newShape: readonly number[],
): number[] | null {
  if (sizeOf(newShape) === 0) return contiguousStrides(newShape);
  // Size-1 dims carry no layout information.
  const oldDims: number[] = [];
  const olds: number[] = [];
  oldShape.forEach((n, i) => {
    if (n !== 1) {
      oldDims.push(n);
      olds.push(oldStrides[i] as number);
    }
  });
  const dims = newShape as number[];
  const strides = new Array<number>(dims.length).fill(0);
  let oi = 0;
  let oj = 1;
  let ni = 0;
  let nj = 1;
  while (ni < dims.length && oi < oldDims.length) {
    // Grow the ranges [oi, oj) and [ni, nj) until they hold the same number of elements.
    let np = dims[ni] as number;
    let op = oldDims[oi] as number;
    while (np !== op) {
      if (np < op) np *= dims[nj++] as number;
      else op *= oldDims[oj++] as number;
    }
    for (let k = oi; k < oj - 1; k++) {
      if (olds[k] !== (oldDims[k + 1] as number) * (olds[k + 1] as number)) return null;
    }
    strides[nj - 1] = olds[oj - 1] as number;
    for (let k = nj - 1; k > ni; k--) strides[k - 1] = (strides[k] as number) * (dims[k] as number);
    ni = nj++;
    oi = oj++;
  }
  const last = ni >= 1 ? (strides[ni - 1] as number) : 1;
  for (let k = ni; k < dims.length; k++) strides[k] = last;
  return strides;
}

function reshapeImpl([x]: DeviceArray[], params: Params<'reshape'>): DeviceArray[] {
  const a = x as DeviceArray;
  a.check('reshape');
  const [aval] = reshapeAval([a.aval], params) as [ShapedArray];
  const strides = reshapeStrides(a.shape, a.strides, aval.shape);
  if (strides) return [DeviceArray.view(a, aval, strides, a.offset)];
  const dense = a.materialize();
  const out = DeviceArray.view(dense, aval, contiguousStrides(aval.shape), dense.offset);
  dense.dispose();
  return [out];
}

function transposeImpl([x]: DeviceArray[], params: Params<'transpose'>): DeviceArray[] {
  const a = x as DeviceArray;
  const [aval] = transposeAval([a.aval], params) as [ShapedArray];
  const strides = params.perm.map((p) => a.strides[p] as number);
  return [DeviceArray.view(a, aval, strides, a.offset)];
}

function broadcastInDimImpl([x]: DeviceArray[], params: Params<'broadcastInDim'>): DeviceArray[] {
  const a = x as DeviceArray;
  const [aval] = broadcastInDimAval([a.aval], params) as [ShapedArray];
  const strides = aval.shape.map(() => 0);
  params.broadcastDimensions.forEach((d, i) => {
    if (a.shape[i] !== 1) strides[d] = a.strides[i] as number;
  });
  return [DeviceArray.view(a, aval, strides, a.offset)];
}

function sliceImpl([x]: DeviceArray[], params: Params<'slice'>): DeviceArray[] {
  const a = x as DeviceArray;
  const [aval] = sliceAval([a.aval], params) as [ShapedArray];
  let offset = a.offset;
  const strides = a.strides.map((s, d) => {
    offset += (params.start[d] as number) * s;
    return s * (params.strides[d] as number);
  });
  return [DeviceArray.view(a, aval, strides, offset)];
}

function revImpl([x]: DeviceArray[], params: Params<'rev'>): DeviceArray[] {
  const a = x as DeviceArray;
  const [aval] = revAval([a.aval], params) as [ShapedArray];
  let offset = a.offset;
  const strides = a.strides.map((s, d) => {
    const n = a.shape[d] as number;
    if (!params.axes.includes(d) || n === 0) return s;
    offset += (n - 1) * s;
    return -s;
  });
  return [DeviceArray.view(a, aval, strides, offset)];
}

// ---------------------------------------------------------------- pad and concatenate

/** `x.take(indices, axis)` for host-computed indices that are already in range. */
function gatherAt(x: DeviceArray, indices: Int32Array, axis: number): DeviceArray {
  const backend = x.backend;
  const idx = DeviceArray.fromHost(backend, new ShapedArray([indices.length], 'int32'), indices);
  const shape = x.shape.map((n, d) => (d === axis ? indices.length : n));
  const out = allocOut(backend, x.aval.with({ shape }));
  backend.gather(x.view, idx.view, axis, out.output);
  idx.dispose();
  return out;
}

/** `mask[j] ? onTrue : onFalse`, `j` being the index along `axis` (the mask is computed on the host). */
function selectAlong(
  mask: Uint8Array,
  axis: number,
  onTrue: DeviceArray,
  onFalse: StridedView,
): DeviceArray {
  const backend = onTrue.backend;
  const cond = DeviceArray.fromHost(backend, new ShapedArray([mask.length], 'bool'), mask);
  const strides = onTrue.shape.map((_, d) => (d === axis ? 1 : 0));
  const out = allocOut(backend, onTrue.aval);
  backend.select({ ...cond.view, shape: onTrue.shape, strides }, onTrue.view, onFalse, out.output);
  cond.dispose();
  return out;
}

/** A scalar array seen as `shape` through zero strides. */
function broadcastView(scalar: DeviceArray, shape: readonly number[]): StridedView {
  return { ...scalar.view, shape, strides: shape.map(() => 0) };
}

function padImpl([x, v]: DeviceArray[], params: Params<'pad'>): DeviceArray[] {
  const operand = x as DeviceArray;
  const value = v as DeviceArray;
  backendOf('pad', [operand, value]);
  const [aval] = padAval([operand.aval, value.aval], params) as [ShapedArray];
  const { low, high, interior } = params;
  if (operand.size === 0 || aval.size === 0) {
    return [
      DeviceArray.view(
        value,
        aval,
        aval.shape.map(() => 0),
        value.offset,
      ),
    ];
  }
  // Pad with the non-negative parts of low/high, then crop the negative parts with a view.
  let padded = DeviceArray.view(operand, operand.aval, operand.strides, operand.offset);
  operand.shape.forEach((n, d) => {
    const lo = Math.max(low[d] as number, 0);
    const hi = Math.max(high[d] as number, 0);
    const step = (interior[d] as number) + 1;
    if (lo === 0 && hi === 0 && (step === 1 || n === 1)) return;
    const m = paddedDim(n, lo, hi, step - 1);
    const indices = new Int32Array(m);
    const mask = new Uint8Array(m);
    for (let j = 0; j < m; j++) {
      const q = Math.floor((j - lo) / step);
      mask[j] = j >= lo && (j - lo) % step === 0 && q < n ? 1 : 0;
      indices[j] = Math.min(Math.max(q, 0), n - 1);
    }
    const gathered = gatherAt(padded, indices, d);
    const next = selectAlong(mask, d, gathered, broadcastView(value, gathered.shape));
    gathered.dispose();
    padded.dispose();
    padded = next;
  });
  let offset = padded.offset;
  low.forEach((l, d) => {
    offset += Math.max(-l, 0) * (padded.strides[d] as number);
  });
  const out = DeviceArray.view(padded, aval, padded.strides, offset);
  padded.dispose();
  return [out];
}

/** Two arrays joined along `axis` (both non-empty there) as a fresh array of `aval`. */
function concatenatePair(
  a: DeviceArray,
  b: DeviceArray,
  axis: number,
  aval: ShapedArray,
): DeviceArray {
  const na = a.shape[axis] as number;
  const nb = b.shape[axis] as number;
  const fromA = new Int32Array(na + nb);
  const fromB = new Int32Array(na + nb);
  const inA = new Uint8Array(na + nb);
  for (let j = 0; j < na + nb; j++) {
    fromA[j] = Math.min(j, na - 1);
    fromB[j] = Math.max(j - na, 0);
    inA[j] = j < na ? 1 : 0;
  }
  const ga = gatherAt(a, fromA, axis);
  const gb = gatherAt(b, fromB, axis);
  const joined = selectAlong(inA, axis, ga, gb.view);
  ga.dispose();
  gb.dispose();
  const out = DeviceArray.view(joined, aval, joined.strides, joined.offset);
  joined.dispose();
  return out;
}

/** Join non-empty pieces pairwise in a balanced tree: O(size · log(pieces)) work. */
function concatenateTree(pieces: DeviceArray[], axis: number, aval: ShapedArray): DeviceArray {
  if (pieces.length === 1) {
    const only = pieces[0] as DeviceArray;
    return DeviceArray.view(only, aval, only.strides, only.offset);
  }
  const half = pieces.length >> 1;
  const part = (xs: DeviceArray[]) =>
    concatenateTree(
      xs,
      axis,
      aval.with({
        shape: aval.shape.map((n, d) =>
          d === axis ? xs.reduce((s, x) => s + (x.shape[d] as number), 0) : n,
        ),
      }),
    );
  const left = part(pieces.slice(0, half));
  const right = part(pieces.slice(half));
  const out = concatenatePair(left, right, axis, aval);
  left.dispose();
  right.dispose();
  return out;
}

function concatenateImpl(xs: DeviceArray[], params: Params<'concatenate'>): DeviceArray[] {
  const backend = backendOf('concatenate', xs);
  const [aval] = concatenateAval(
    xs.map((x) => x.aval),
    params,
  ) as [ShapedArray];
  if (aval.size === 0) return [allocOut(backend, aval)];
  const pieces = xs.filter((x) => (x.shape[params.axis] as number) > 0);
  return [concatenateTree(pieces, params.axis, aval)];
}

// ---------------------------------------------------------------- transposes

function isUndefined(x: unknown): x is UndefinedPrimal {
  return x instanceof UndefinedPrimal;
}

/** A zero scalar of `x`'s dtype (a padding value for cotangents). */
function zeroScalar(x: Tensor): Tensor {
  return lax.full([], 0, x.dtype, false, backendNameOf(x));
}

function sumAll(x: Tensor): Tensor {
  return lax.reduce('sum', x, range(x.ndim));
}

function padTranspose(
  [ct]: (Tensor | null)[],
  [x, v]: Arg[],
  { low, high, interior }: Params<'pad'>,
): (Tensor | null)[] {
  if (!ct) return [null, null];
  const unpadded = lax.pad(
    ct,
    zeroScalar(ct),
    low.map((l) => -l),
    high.map((h) => -h),
    interior.map(() => 0),
  );
  const operandCt = lax.slice(
    unpadded,
    unpadded.shape.map(() => 0),
    unpadded.shape,
    interior.map((i) => i + 1),
  );
  const valueCt = isUndefined(v) ? lax.sub(sumAll(ct), sumAll(operandCt)) : null;
  return [isUndefined(x) ? operandCt : null, valueCt];
}

function sliceTranspose(
  [ct]: (Tensor | null)[],
  [x]: Arg[],
  { start, strides }: Params<'slice'>,
): (Tensor | null)[] {
  if (!ct) return [null];
  const operand = (x as Arg).aval;
  const high = operand.shape.map((n, d) => {
    const k = ct.shape[d] as number;
    const s = start[d] as number;
    const end = k === 0 ? s : s + (k - 1) * (strides[d] as number) + 1;
    return n - end;
  });
  return [
    lax.pad(
      ct,
      zeroScalar(ct),
      start,
      high,
      strides.map((k) => k - 1),
    ),
  ];
}

function broadcastInDimTranspose(
  [ct]: (Tensor | null)[],
  [x]: Arg[],
  params: Params<'broadcastInDim'>,
): (Tensor | null)[] {
  if (!ct) return [null];
  const operand = (x as Arg).aval;
  const { shape, broadcastDimensions: dims } = params;
  const summed = range(shape.length).filter((o) => {
    const i = dims.indexOf(o);
    return i < 0 || operand.shape[i] !== shape[o];
  });
  return [lax.reshape(lax.reduce('sum', ct, summed), operand.shape)];
}

function concatenateTranspose(
  [ct]: (Tensor | null)[],
  args: Arg[],
  { axis }: Params<'concatenate'>,
): (Tensor | null)[] {
  let offset = 0;
  return args.map((a) => {
    const n = a.aval.shape[axis] as number;
    const start = a.aval.shape.map((_, d) => (d === axis ? offset : 0));
    const limit = a.aval.shape.map((m, d) => (d === axis ? offset + n : m));
    offset += n;
    return ct && isUndefined(a) ? lax.slice(ct, start, limit) : null;
  });
}

// ---------------------------------------------------------------- batching

/** Where logical axis `axis` of an unbatched value sits when the batch lives at `batchDim`. */
function physicalAxis(axis: number, batchDim: number): number {
  return axis < batchDim ? axis : axis + 1;
}

/** `list` with `item` inserted at `index`. */
function insertAt<T>(list: readonly T[], index: number, item: T): T[] {
  return [...list.slice(0, index), item, ...list.slice(index)];
}

function padVmap(
  args: Tensor[],
  dims: (number | null)[],
  params: Params<'pad'>,
  size: number,
): [Tensor[], number[]] {
  const [x, v] = args as [Tensor, Tensor];
  const [xd, vd] = dims;
  if (vd === null || vd === undefined) {
    const b = xd as number;
    return [
      [
        lax.pad(
          x,
          v,
          insertAt(params.low, b, 0),
          insertAt(params.high, b, 0),
          insertAt(params.interior, b, 0),
        ),
      ],
      [b],
    ];
  }
  // A padding value per example: pad with zeros, then select the values where the mask says "padding".
  const operand = batchAt0(x, xd ?? null, size);
  const low = [0, ...params.low];
  const high = [0, ...params.high];
  const interior = [0, ...params.interior];
  const padded = lax.pad(operand, zeroScalar(operand), low, high, interior);
  const inside = lax.pad(
    fullLike(operand, 1, 'bool'),
    lax.full([], 0, 'bool', false, backendNameOf(operand)),
    low,
    high,
    interior,
  );
  const values = lax.broadcastInDim(moveAxis(v, vd, 0), padded.shape, [0]);
  return [[lax.select(inside, padded, values)], [0]];
}

// ---------------------------------------------------------------- the rule set

const reshapeRules: PrimitiveRules<'reshape'> = {
  abstractEval: reshapeAval,
  impl: reshapeImpl,
  jvp: ([x], [t], { shape }) => [
    [lax.reshape(x as Tensor, shape)],
    [t ? lax.reshape(t, shape) : null],
  ],
  vmap: ([x], [d], { shape }, size) => [
    [lax.reshape(moveAxis(x as Tensor, d as number, 0), [size, ...shape])],
    [0],
  ],
  transpose: ([ct], [x]) => [ct ? lax.reshape(ct, (x as Arg).aval.shape) : null],
};

const transposeRules: PrimitiveRules<'transpose'> = {
  abstractEval: transposeAval,
  impl: transposeImpl,
  jvp: ([x], [t], { perm }) => [
    [lax.transpose(x as Tensor, perm)],
    [t ? lax.transpose(t, perm) : null],
  ],
  vmap: ([x], [d], { perm }) => {
    const b = d as number;
    return [[lax.transpose(x as Tensor, [b, ...perm.map((p) => physicalAxis(p, b))])], [0]];
  },
  transpose: ([ct], _args, { perm }) => [ct ? lax.transpose(ct, invertPermutation(perm)) : null],
};

const broadcastInDimRules: PrimitiveRules<'broadcastInDim'> = {
  abstractEval: broadcastInDimAval,
  impl: broadcastInDimImpl,
  jvp: ([x], [t], { shape, broadcastDimensions: dims }) => [
    [lax.broadcastInDim(x as Tensor, shape, dims)],
    [t ? lax.broadcastInDim(t, shape, dims) : null],
  ],
  vmap: ([x], [d], { shape, broadcastDimensions: dims }, size) => [
    [
      lax.broadcastInDim(
        moveAxis(x as Tensor, d as number, 0),
        [size, ...shape],
        [0, ...dims.map((o) => o + 1)],
      ),
    ],
    [0],
  ],
  transpose: broadcastInDimTranspose,
};

const sliceRules: PrimitiveRules<'slice'> = {
  abstractEval: sliceAval,
  impl: sliceImpl,
  jvp: ([x], [t], { start, limit, strides }) => [
    [lax.slice(x as Tensor, start, limit, strides)],
    [t ? lax.slice(t, start, limit, strides) : null],
  ],
  vmap: ([x], [d], { start, limit, strides }, size) => {
    const b = d as number;
    return [
      [
        lax.slice(
          x as Tensor,
          insertAt(start, b, 0),
          insertAt(limit, b, size),
          insertAt(strides, b, 1),
        ),
      ],
      [b],
    ];
  },
  transpose: sliceTranspose,
};

const padRules: PrimitiveRules<'pad'> = {
  abstractEval: padAval,
  impl: padImpl,
  jvp: ([x, v], [tx, tv], { low, high, interior }) => {
    const operand = x as Tensor;
    const value = v as Tensor;
    const out = lax.pad(operand, value, low, high, interior);
    if (!tx && !tv) return [[out], [null]];
    return [
      [out],
      [lax.pad(tx ?? zerosLike(operand), tv ?? zerosLike(value), low, high, interior)],
    ];
  },
  vmap: padVmap,
  transpose: padTranspose,
};

const revRules: PrimitiveRules<'rev'> = {
  abstractEval: revAval,
  impl: revImpl,
  jvp: ([x], [t], { axes }) => [[lax.rev(x as Tensor, axes)], [t ? lax.rev(t, axes) : null]],
  vmap: ([x], [d], { axes }) => [
    [
      lax.rev(
        x as Tensor,
        axes.map((a) => physicalAxis(a, d as number)),
      ),
    ],
    [d as number],
  ],
  transpose: ([ct], _args, { axes }) => [ct ? lax.rev(ct, axes) : null],
};

const concatenateRules: PrimitiveRules<'concatenate'> = {
  abstractEval: concatenateAval,
  impl: concatenateImpl,
  jvp: (xs, ts, { axis }) => {
    const out = lax.concatenate(xs, axis);
    if (ts.every((t) => !t)) return [[out], [null]];
    return [
      [out],
      [
        lax.concatenate(
          xs.map((x, i) => ts[i] ?? zerosLike(x)),
          axis,
        ),
      ],
    ];
  },
  vmap: (xs, dims, { axis }, size) => [
    [
      lax.concatenate(
        xs.map((x, i) => batchAt0(x, dims[i] ?? null, size)),
        axis + 1,
      ),
    ],
    [0],
  ],
  transpose: concatenateTranspose,
};

/**
 * Rules of the shape primitives (`reshape`, `transpose`, `broadcastInDim`, `slice`, `pad`, `rev`,
 * `concatenate`); merged into the primitive table by `table.ts`.
 *
 * @example
 * shapeRules.slice.abstractEval([new ShapedArray([5], 'float32')], { start: [1], limit: [5], strides: [2] });
 * // [f32[2]]
 */
export const shapeRules: RuleSet<
  'reshape' | 'transpose' | 'broadcastInDim' | 'slice' | 'pad' | 'rev' | 'concatenate'
> = {
  reshape: reshapeRules,
  transpose: transposeRules,
  broadcastInDim: broadcastInDimRules,
  slice: sliceRules,
  pad: padRules,
  rev: revRules,
  concatenate: concatenateRules,
};
