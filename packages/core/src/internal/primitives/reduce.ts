/**
 * Reduction-like primitives: `reduce` (sum/prod/max/min/and/or over axes),
 * `argReduce`, `cumulative` (inclusive scans) and the variadic `sort`.
 *
 * `cumulative` and `sort` are optional backend methods; without them the
 * impls compose fallbacks from other primitives on the concrete arrays: a
 * log-step (Hillis–Steele) scan, and a bitonic sorting network whose partner
 * exchanges are `rev` views. Derivatives follow JAX: max/min split the
 * tangent evenly between tied maxima, products differentiate a pairwise
 * product tree (exact when the input has zeros), and `sort` moves tangents
 * with the permutation it applied (a linear `gather`).
 */
import type { ShapedArray } from '../aval.js';
import { DeviceArray } from '../core/device-array.js';
import type { Tensor } from '../core/tensor.js';
import { isFloat } from '../dtype.js';
import { DTypeError, ShapeError, TensileError, ValueError } from '../errors.js';
import * as lax from '../lax/primitive-ops.js';
import { closeScope, openScope } from '../memory.js';
import { range, shapesEqual, sizeOf } from '../shape.js';
import { allocOut, backendNameOf, backendOf, batchAt0, scalarLike } from './helpers.js';
import type { PrimitiveRules, RuleSet } from './rules.js';
import type { Params } from './spec.js';

type ScanOp = Params<'cumulative'>['op'];

// ---------------------------------------------------------------- shape/dtype rules

function checkAxis(op: string, axis: number, x: ShapedArray): void {
  if (!Number.isInteger(axis) || axis < 0 || axis >= x.ndim) {
    throw new ValueError(`${op}: axis ${axis} is out of range for ${x}`);
  }
}

function reduceAval([x]: ShapedArray[], { op, axes }: Params<'reduce'>): ShapedArray[] {
  const a = x as ShapedArray;
  const sorted = axes.every(
    (ax, i) =>
      Number.isInteger(ax) && ax >= 0 && ax < a.ndim && (i === 0 || ax > (axes[i - 1] as number)),
  );
  if (!sorted)
    throw new ValueError(
      `reduce: axes ${JSON.stringify(axes)} must be distinct, ascending axes of ${a}`,
    );
  if ((op === 'and' || op === 'or') && a.dtype !== 'bool')
    throw new DTypeError(`reduce: '${op}' needs a bool tensor, got ${a}`);
  if ((op === 'sum' || op === 'prod') && a.dtype === 'bool')
    throw new DTypeError(`reduce: '${op}' is not defined for ${a}`);
  return [a.with({ shape: a.shape.filter((_, d) => !axes.includes(d)) })];
}

function argReduceAval([x]: ShapedArray[], { op, axis }: Params<'argReduce'>): ShapedArray[] {
  const a = x as ShapedArray;
  checkAxis(op, axis, a);
  if (a.shape[axis] === 0)
    throw new ValueError(`${op}: cannot take the ${op} of an empty axis ${axis} of ${a}`);
  return [a.with({ shape: a.shape.filter((_, d) => d !== axis), dtype: 'int32', weakType: false })];
}

function cumulativeAval([x]: ShapedArray[], { op, axis }: Params<'cumulative'>): ShapedArray[] {
  const a = x as ShapedArray;
  checkAxis('cumulative', axis, a);
  if ((op === 'sum' || op === 'prod') && a.dtype === 'bool')
    throw new DTypeError(`cumulative: '${op}' is not defined for ${a}`);
  return [a];
}

function sortAval(xs: ShapedArray[], { axis, numKeys }: Params<'sort'>): ShapedArray[] {
  const first = xs[0];
  if (!first) throw new ValueError('sort: needs at least one operand');
  if (!Number.isInteger(numKeys) || numKeys < 1 || numKeys > xs.length) {
    throw new ValueError(
      `sort: numKeys must be between 1 and the ${xs.length} operands, got ${numKeys}`,
    );
  }
  checkAxis('sort', axis, first);
  if (!xs.every((x) => shapesEqual(x.shape, first.shape))) {
    throw new ShapeError(`sort: operand shapes differ: ${xs.map(String).join(', ')}`);
  }
  return xs;
}

// ---------------------------------------------------------------- helpers

/** Axes of `ndim` that are not in `axes`. */
function keptAxes(ndim: number, axes: readonly number[]): number[] {
  return range(ndim).filter((d) => !axes.includes(d));
}

/** `x[start:limit]` along `axis`. */
function sliceAxis(x: Tensor, axis: number, start: number, limit: number): Tensor {
  return lax.slice(
    x,
    x.shape.map((_, d) => (d === axis ? start : 0)),
    x.shape.map((n, d) => (d === axis ? limit : n)),
  );
}

/**
 * Run `fn`, a composition of primitives on concrete arrays, inside a memory scope that frees its
 * intermediates; the results are always new references (never one of `inputs` itself).
 */
function composed(inputs: readonly DeviceArray[], fn: () => Tensor[]): DeviceArray[] {
  const frame = openScope();
  let outs: DeviceArray[] = [];
  try {
    outs = fn().map((y) => {
      const a = y as DeviceArray;
      return inputs.includes(a) ? DeviceArray.view(a, a.aval, a.strides, a.offset) : a;
    });
  } finally {
    closeScope(frame, outs);
  }
  return outs;
}

const SCAN_BINARY = { sum: 'add', prod: 'mul', max: 'max', min: 'min' } as const;

// ---------------------------------------------------------------- reduce

function reduceImpl([x]: DeviceArray[], params: Params<'reduce'>): DeviceArray[] {
  const a = x as DeviceArray;
  const backend = backendOf('reduce', [a]);
  const [aval] = reduceAval([a.aval], params) as [ShapedArray];
  const out = allocOut(backend, aval);
  backend.reduce(params.op, a.view, params.axes, out.output);
  return [out];
}

/** Tangent of a max/min reduction: the mean of the tangents at the (tied) extreme positions. */
function chooserTangent(x: Tensor, t: Tensor, y: Tensor, axes: readonly number[]): Tensor {
  const at = lax.broadcastInDim(y, x.shape, keptAxes(x.ndim, axes));
  const location = lax.convertElementType(lax.eq(x, at), x.dtype);
  const counts = lax.reduce('sum', location, axes);
  return lax.div(lax.reduce('sum', lax.mul(t, location), axes), counts);
}

/**
 * Tangent of a product reduction: the reduced axes become the rows of an `[n, m]` matrix whose
 * rows are multiplied in pairs (product rule at each step), so zeros in `x` need no division.
 */
function prodTangent(
  x: Tensor,
  t: Tensor,
  axes: readonly number[],
  outShape: readonly number[],
): Tensor {
  const kept = keptAxes(x.ndim, axes);
  let rows = sizeOf(axes.map((d) => x.shape[d] as number));
  const m = sizeOf(outShape);
  if (rows === 0) return lax.full(outShape, 0, t.dtype, false, backendNameOf(t));
  const asMatrix = (v: Tensor) => lax.reshape(lax.transpose(v, [...axes, ...kept]), [rows, m]);
  let xs = asMatrix(x);
  let ts = asMatrix(t);
  const one = lax.full([], 1, x.dtype, false, backendNameOf(x));
  const zero = lax.full([], 0, t.dtype, false, backendNameOf(t));
  while (rows > 1) {
    if (rows % 2 === 1) {
      xs = lax.pad(xs, one, [0, 0], [1, 0]);
      ts = lax.pad(ts, zero, [0, 0], [1, 0]);
      rows += 1;
    }
    const even = (v: Tensor) => lax.slice(v, [0, 0], [rows, m], [2, 1]);
    const odd = (v: Tensor) => lax.slice(v, [1, 0], [rows, m], [2, 1]);
    const [xe, xo, te, to] = [even(xs), odd(xs), even(ts), odd(ts)];
    xs = lax.mul(xe, xo);
    ts = lax.add(lax.mul(te, xo), lax.mul(xe, to));
    rows /= 2;
  }
  return lax.reshape(ts, outShape);
}

const reduceRule: PrimitiveRules<'reduce'> = {
  abstractEval: reduceAval,
  impl: reduceImpl,
  jvp: ([x], [t], { op, axes }) => {
    const xv = x as Tensor;
    const y = lax.reduce(op, xv, axes);
    if (!t || !isFloat(xv.dtype)) return [[y], [null]];
    switch (op) {
      case 'sum':
        return [[y], [lax.reduce('sum', t, axes)]];
      case 'max':
      case 'min':
        return [[y], [chooserTangent(xv, t, y, axes)]];
      case 'prod':
        return [[y], [prodTangent(xv, t, axes, y.shape)]];
      default:
        return [[y], [null]];
    }
  },
  vmap: ([x], [d], { op, axes }) => {
    const b = d as number;
    const physical = axes.map((a) => (a < b ? a : a + 1));
    return [[lax.reduce(op, x as Tensor, physical)], [b - physical.filter((a) => a < b).length]];
  },
  transpose: ([ct], [x], { op, axes }) => {
    if (op !== 'sum')
      throw new TensileError(`reduce: '${op}' is not linear and cannot be transposed`);
    if (!ct) return [null];
    const shape = (x as { aval: ShapedArray }).aval.shape;
    return [lax.broadcastInDim(ct, shape, keptAxes(shape.length, axes))];
  },
};

// ---------------------------------------------------------------- argReduce

const argReduceRule: PrimitiveRules<'argReduce'> = {
  abstractEval: argReduceAval,
  impl: ([x], params) => {
    const a = x as DeviceArray;
    const backend = backendOf(params.op, [a]);
    const [aval] = argReduceAval([a.aval], params) as [ShapedArray];
    const out = allocOut(backend, aval);
    backend.argReduce(params.op, a.view, params.axis, out.output);
    return [out];
  },
  jvp: ([x], _t, { op, axis }) => [[lax.argReduce(op, x as Tensor, axis)], [null]],
  vmap: ([x], [d], { op, axis }) => {
    const b = d as number;
    const physical = axis < b ? axis : axis + 1;
    return [[lax.argReduce(op, x as Tensor, physical)], [physical < b ? b - 1 : b]];
  },
};

// ---------------------------------------------------------------- cumulative

/** Inclusive scan in ⌈log₂ n⌉ steps: step `s` combines each element with the one `s` before it. */
function logStepScan(op: ScanOp, x: Tensor, axis: number, reverse: boolean): Tensor {
  const n = x.shape[axis] as number;
  let y = reverse ? lax.rev(x, [axis]) : x;
  for (let s = 1; s < n; s *= 2) {
    const combined = lax.binary(
      SCAN_BINARY[op],
      sliceAxis(y, axis, s, n),
      sliceAxis(y, axis, 0, n - s),
    );
    y = lax.concatenate([sliceAxis(y, axis, 0, s), combined], axis);
  }
  return reverse ? lax.rev(y, [axis]) : y;
}

function cumulativeImpl([x]: DeviceArray[], params: Params<'cumulative'>): DeviceArray[] {
  const a = x as DeviceArray;
  const backend = backendOf('cumulative', [a]);
  const [aval] = cumulativeAval([a.aval], params) as [ShapedArray];
  if (!backend.cumulative)
    return composed([a], () => [logStepScan(params.op, a, params.axis, params.reverse)]);
  const out = allocOut(backend, aval);
  backend.cumulative(params.op, a.view, params.axis, params.reverse, out.output);
  return [out];
}

/**
 * Tangent of a cumulative prod/max/min: the JVP of the log-step scan (product rule for `prod`;
 * for max/min the winner's tangent, split evenly on ties as `lax.max`'s JVP does).
 */
function scanTangent(
  op: Exclude<ScanOp, 'sum'>,
  x: Tensor,
  t: Tensor,
  axis: number,
  reverse: boolean,
): Tensor {
  const n = x.shape[axis] as number;
  let xs = reverse ? lax.rev(x, [axis]) : x;
  let ts = reverse ? lax.rev(t, [axis]) : t;
  for (let s = 1; s < n; s *= 2) {
    const [xNew, xOld] = [sliceAxis(xs, axis, s, n), sliceAxis(xs, axis, 0, n - s)];
    const [tNew, tOld] = [sliceAxis(ts, axis, s, n), sliceAxis(ts, axis, 0, n - s)];
    let combined: Tensor;
    if (op === 'prod') {
      combined = lax.add(lax.mul(tNew, xOld), lax.mul(xNew, tOld));
    } else {
      const wins = op === 'max' ? lax.gt(xNew, xOld) : lax.lt(xNew, xOld);
      const one = scalarLike(xNew, 1);
      const tie = lax.select(lax.eq(xNew, xOld), scalarLike(xNew, 0.5), scalarLike(xNew, 0));
      const weight = lax.select(wins, one, tie);
      combined = lax.add(lax.mul(tNew, weight), lax.mul(tOld, lax.sub(one, weight)));
    }
    ts = lax.concatenate([sliceAxis(ts, axis, 0, s), combined], axis);
    xs = lax.concatenate(
      [sliceAxis(xs, axis, 0, s), lax.binary(SCAN_BINARY[op], xNew, xOld)],
      axis,
    );
  }
  return reverse ? lax.rev(ts, [axis]) : ts;
}

const cumulativeRule: PrimitiveRules<'cumulative'> = {
  abstractEval: cumulativeAval,
  impl: cumulativeImpl,
  jvp: ([x], [t], { op, axis, reverse }) => {
    const xv = x as Tensor;
    const y = lax.cumulative(op, xv, axis, reverse);
    if (!t || !isFloat(xv.dtype)) return [[y], [null]];
    if (op === 'sum') return [[y], [lax.cumulative('sum', t, axis, reverse)]];
    return [[y], [scanTangent(op, xv, t, axis, reverse)]];
  },
  vmap: ([x], [d], { op, axis, reverse }) => {
    const b = d as number;
    return [[lax.cumulative(op, x as Tensor, axis < b ? axis : axis + 1, reverse)], [b]];
  },
  transpose: ([ct], _args, { op, axis, reverse }) => {
    if (op !== 'sum')
      throw new TensileError(`cumulative: '${op}' is not linear and cannot be transposed`);
    return [ct ? lax.cumulative('sum', ct, axis, !reverse) : null];
  },
};

// ---------------------------------------------------------------- sort

/** `a < b` for one key, with NaNs after every number (and equal to each other) for floats. */
function keyLess(a: Tensor, b: Tensor): Tensor {
  if (!isFloat(a.dtype)) return lax.lt(a, b);
  const bNaN = lax.ne(b, b);
  return lax.binary('or', lax.lt(a, b), lax.binary('and', bNaN, lax.unary('not', lax.ne(a, a))));
}

function keyEqual(a: Tensor, b: Tensor): Tensor {
  if (!isFloat(a.dtype)) return lax.eq(a, b);
  return lax.binary('or', lax.eq(a, b), lax.binary('and', lax.ne(a, a), lax.ne(b, b)));
}

/** Lexicographic `a < b` over parallel lists of keys. */
function lexLess(a: readonly Tensor[], b: readonly Tensor[]): Tensor {
  let less = keyLess(a[a.length - 1] as Tensor, b[b.length - 1] as Tensor);
  for (let k = a.length - 2; k >= 0; k--) {
    const [ak, bk] = [a[k] as Tensor, b[k] as Tensor];
    less = lax.binary('or', keyLess(ak, bk), lax.binary('and', keyEqual(ak, bk), less));
  }
  return less;
}

/**
 * Sort without `Backend.sort`: a bitonic network over the axis padded to a power of two. The keys
 * are (padding flag, the user's keys…, original position), a total order, so the result is the
 * stable sort. At step (k, j) the axis is split as [N/2j, 2, j]; reversing the middle axis (a view)
 * lines every element up with its partner `i xor j`.
 */
function bitonicSort(xs: readonly DeviceArray[], axis: number, numKeys: number): Tensor[] {
  const first = xs[0] as DeviceArray;
  const shape = first.shape;
  const n = shape[axis] as number;
  if (n <= 1 || first.size === 0) return [...xs];
  const backend = first.backend;
  let size = 1;
  while (size < n) size *= 2;
  const grownShape = shape.map((m, d) => (d === axis ? size : m));
  const grow = (x: Tensor, value: number) =>
    lax.pad(
      x,
      lax.full([], value, x.dtype, false, backend.name),
      shape.map(() => 0),
      shape.map((_, d) => (d === axis ? size - n : 0)),
    );
  const padding = grow(lax.full(shape, 0, 'bool', false, backend.name), 1);
  const position = lax.iota(grownShape, 'int32', axis, backend.name);
  let operands: Tensor[] = [padding, ...xs.map((x) => grow(x, 0)), position];
  const keyIndices = [0, ...range(numKeys + 1, 1), operands.length - 1];

  for (let k = 2; k <= size; k *= 2) {
    for (let j = k / 2; j >= 1; j /= 2) {
      const groups = size / (2 * j);
      const split = [...shape.slice(0, axis), groups, 2, j, ...shape.slice(axis + 1)];
      // Element (g, h, ·) keeps the smaller of itself and its partner when its block sorts
      // ascending (bit k of its index is 0) and it is the lower of the pair (h = 0), or neither.
      const table = new Uint8Array(groups * 2);
      for (let g = 0; g < groups; g++) {
        const ascending = ((g * 2 * j) & k) === 0;
        table[2 * g] = ascending ? 1 : 0;
        table[2 * g + 1] = ascending ? 0 : 1;
      }
      const keepMin = lax.broadcastInDim(
        DeviceArray.fromHost(
          backend,
          first.aval.with({ shape: [groups, 2], dtype: 'bool', weakType: false }),
          table,
        ),
        split,
        [axis, axis + 1],
      );
      const mine = operands.map((x) => lax.reshape(x, split));
      const partner = mine.map((x) => lax.rev(x, [axis + 1]));
      const partnerLess = lexLess(
        keyIndices.map((i) => partner[i] as Tensor),
        keyIndices.map((i) => mine[i] as Tensor),
      );
      const takePartner = lax.eq(partnerLess, keepMin);
      operands = mine.map((x, i) =>
        lax.reshape(lax.select(takePartner, partner[i] as Tensor, x), grownShape),
      );
    }
  }
  return operands.slice(1, -1).map((x) => sliceAxis(x, axis, 0, n));
}

function sortImpl(xs: DeviceArray[], params: Params<'sort'>): DeviceArray[] {
  const backend = backendOf('sort', xs);
  const avals = sortAval(
    xs.map((x) => x.aval),
    params,
  );
  if (!backend.sort) return composed(xs, () => bitonicSort(xs, params.axis, params.numKeys));
  const outs = avals.map((aval) => allocOut(backend, aval));
  backend.sort(
    xs.map((x) => x.view),
    params.axis,
    params.numKeys,
    outs.map((o) => o.output),
  );
  return outs;
}

/** `out[…, i, …] = x[…, indices[…, i, …], …]` along `axis` (NumPy's `take_along_axis`), via a flat `gather`. */
function takeAlongAxis(x: Tensor, indices: Tensor, axis: number): Tensor {
  const last = x.ndim - 1;
  const moved = lax.transpose(x, [...range(x.ndim).filter((d) => d !== axis), axis]);
  const movedIdx = lax.transpose(indices, [...range(x.ndim).filter((d) => d !== axis), axis]);
  const n = x.shape[axis] as number;
  const rows = x.size / n;
  const backend = backendNameOf(indices);
  const rowStart = lax.mul(
    lax.iota([rows, n], 'int32', 0, backend),
    lax.full([rows, n], n, 'int32', false, backend),
  );
  const flatIdx = lax.add(rowStart, lax.reshape(movedIdx, [rows, n]));
  const taken = lax.reshape(lax.gather(lax.reshape(moved, [rows * n]), flatIdx, 0), moved.shape);
  const back = range(x.ndim).map((d) => (d < axis ? d : d === axis ? last : d - 1));
  return lax.transpose(taken, back);
}

const sortRule: PrimitiveRules<'sort'> = {
  abstractEval: sortAval,
  impl: sortImpl,
  jvp: (xs, ts, { axis, numKeys }) => {
    const first = xs[0] as Tensor;
    const position = lax.iota(first.shape, 'int32', axis, backendNameOf(first));
    const sorted = lax.sort([...xs, position], axis, numKeys);
    const permutation = sorted[xs.length] as Tensor;
    const tangents = ts.map((t, i) =>
      t && isFloat((xs[i] as Tensor).dtype) ? takeAlongAxis(t, permutation, axis) : null,
    );
    return [sorted.slice(0, xs.length), tangents];
  },
  vmap: (xs, dims, { axis, numKeys }, size) => {
    const batched = xs.map((x, i) => batchAt0(x, dims[i] ?? null, size));
    return [lax.sort(batched, axis + 1, numKeys), xs.map(() => 0)];
  },
};

/**
 * Rules of the reduction-like primitives (`reduce`, `argReduce`, `cumulative`, `sort`); merged
 * into the primitive table by `table.ts`.
 *
 * @example
 * reduceRules.reduce.abstractEval([new ShapedArray([2, 3], 'float32')], { op: 'sum', axes: [1] });
 * // [f32[2]]
 */
export const reduceRules: RuleSet<'reduce' | 'argReduce' | 'cumulative' | 'sort'> = {
  reduce: reduceRule,
  argReduce: argReduceRule,
  cumulative: cumulativeRule,
  sort: sortRule,
};
