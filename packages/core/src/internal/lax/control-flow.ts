/**
 * Structured control flow, as JAX's `lax.scan`, `lax.cond`, `lax.switch`,
 * `lax.while_loop`, `lax.fori_loop` and `lax.map`. Each stages its pytree
 * functions into jaxprs (closed-over values become explicit inputs) and
 * binds one higher-order primitive, so the loop or branch stays a single
 * operation under `jit`, `grad` and `vmap` instead of being unrolled or
 * needing a concrete predicate.
 *
 * Carries must keep their structure, shapes and dtypes; a weakly typed
 * initial carry (a JS number) takes the type the body gives it, as in JAX.
 */
import type { ShapedArray } from '../aval.js';
import { Tensor, type TensorLike } from '../core/tensor.js';
import { bind } from '../core/trace.js';
import { isFloat, isInteger } from '../dtype.js';
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import { ClosedJaxpr } from '../jaxpr/jaxpr.js';
import {
  releaseTemporaries,
  type StagedFunction,
  stageFunction,
} from '../primitives/control-flow/stage-function.js';
import { joinConsts } from '../primitives/control-flow/sub-jaxprs.js';
import { backendNameOf } from '../primitives/helpers.js';
import { getBackend } from '../registry.js';
import { leafToTensor } from '../transforms/flat-args.js';
import { flatten, type TreeDef, unflatten } from '../tree/pytree.js';
import * as lax from './primitive-ops.js';

/** Options of `scan`. */
export interface ScanOptions {
  /** Number of iterations; required when `xs` has no leaves, otherwise checked against them. */
  length?: number;
  /** Iterate from the last slice to the first (`ys` are still stored in input order). */
  reverse?: boolean;
}

/** `{a:f32[3],b:[i32[]]}`: a structure with each leaf replaced by its type. */
function describe(def: TreeDef, avals: readonly ShapedArray[]): string {
  let i = 0;
  return def.toString().replace(/\*/g, () => String(avals[i++]));
}

function sameAval(a: ShapedArray, b: ShapedArray): boolean {
  return a.dtype === b.dtype && a.weakType === b.weakType && a.shape.join() === b.shape.join();
}

/** Weakly typed outputs adopt the type of the carry they replace (as JS numbers do in `np`). */
function adaptWeak(outs: Tensor[], targets: readonly ShapedArray[]): Tensor[] {
  return outs.map((o, i) => {
    const t = targets[i];
    if (!t || !o.weakType || o.shape.join() !== t.shape.join()) return o;
    return lax.convertElementType(o, t.dtype, t.weakType);
  });
}

/**
 * Stage a loop body whose result must match the carry. A weakly typed initial carry that the body
 * turns into another type (e.g. `0` accumulating float32 values) is converted once and the body
 * restaged. `stage` gets the carry avals; `carryOut` extracts the carry part of its result.
 */
function stageLoop(
  op: string,
  carry: Tensor[],
  carryDef: TreeDef,
  temporaries: Tensor[],
  stage: (carryAvals: ShapedArray[]) => StagedFunction,
  carryOut: (staged: StagedFunction) => { def: TreeDef | undefined; avals: ShapedArray[] },
): StagedFunction {
  for (let attempt = 0; ; attempt++) {
    const avals = carry.map((c) => c.aval);
    const staged = stage(avals);
    const out = carryOut(staged);
    const mismatch = () =>
      new ShapeError(
        `${op}: the carry returned by the body must have the structure and types of the initial carry: ` +
          `init ${describe(carryDef, avals)} but the body returned ${out.def ? describe(out.def, out.avals) : 'a different structure'}`,
      );
    if (!out.def?.equals(carryDef)) throw mismatch();
    const differs = out.avals.map((o, i) => !sameAval(o, avals[i] as ShapedArray));
    if (!differs.some(Boolean)) return staged;
    const promotable = differs.every(
      (d, i) =>
        !d ||
        ((carry[i] as Tensor).weakType &&
          (out.avals[i] as ShapedArray).shape.join() === (carry[i] as Tensor).shape.join()),
    );
    if (attempt > 0 || !promotable) throw mismatch();
    carry.forEach((c, i) => {
      if (!differs[i]) return;
      const o = out.avals[i] as ShapedArray;
      const promoted = lax.convertElementType(c, o.dtype, o.weakType);
      temporaries.push(promoted);
      carry[i] = promoted;
    });
  }
}

/**
 * Loop `f` over the leading axis of `xs`, threading a carry: `f(carry, x)` returns
 * `[newCarry, y]`; the result is `[finalCarry, ys]` with the `y`s stacked along a new leading
 * axis. `init`, `xs` and the results may be pytrees; `xs` may be `null` when `length` is given.
 * Differentiable in both modes and batchable; RNNs are scans.
 *
 * @example
 * // cumulative sum
 * const [total, partial] = lax.scan((c, x) => [c.add(x), c.add(x)], np.zeros([]), np.array([1, 2, 3]));
 * // total 6, partial [1, 3, 6]
 */
export function scan<Carry, X, Y>(
  f: (carry: Carry, x: X) => [Carry, Y],
  init: Carry,
  xs: X,
  options: ScanOptions = {},
): [Carry, Y] {
  const [initLeaves, carryDef] = flatten(init);
  const carry = initLeaves.map((l) => leafToTensor('scan', l));
  const temporaries = carry.filter((c, i) => c !== initLeaves[i]);
  const [xsLeaves, xsDef] = flatten(xs);
  const xTensors = xsLeaves.map((x) => {
    if (!(x instanceof Tensor) || x.ndim === 0) {
      throw new ShapeError(
        `scan: every leaf of xs must be a tensor with a leading axis to scan over, got ${x instanceof Tensor ? x.aval : typeof x}`,
      );
    }
    return x;
  });
  const leading = xTensors.map((x) => x.shape[0] as number);
  const length = options.length ?? leading[0];
  if (length === undefined) throw new ValueError('scan: xs has no tensors; pass options.length');
  if (!Number.isInteger(length) || length < 0)
    throw new ValueError(`scan: length must be a non-negative integer, got ${length}`);
  if (leading.some((n) => n !== length)) {
    throw new ShapeError(
      `scan: every leaf of xs must have leading dimension ${length}, got shapes ${xTensors.map((x) => x.aval).join(', ')}`,
    );
  }
  const xAvals = xTensors.map((x) => x.aval.with({ shape: x.shape.slice(1) }));
  const numCarry = carry.length;
  const body = (c: Carry, x: X) => {
    const result = f(c, x);
    if (!Array.isArray(result) || result.length !== 2)
      throw new ValueError('scan: f must return [newCarry, y]');
    return result;
  };
  const staged = stageLoop(
    'scan',
    carry,
    carryDef,
    temporaries,
    (carryAvals) =>
      stageFunction(
        'scan',
        body as (...a: never[]) => unknown,
        [carryDef, xsDef],
        [...carryAvals, ...xAvals],
        (outs) => [...adaptWeak(outs.slice(0, numCarry), carryAvals), ...outs.slice(numCarry)],
      ),
    (s) => {
      const def = s.outDef.children[0];
      return { def, avals: s.jaxpr.outAvals.slice(0, def?.numLeaves ?? 0) };
    },
  );
  const outs = bind('scan', [...staged.consts, ...carry, ...xTensors], {
    body: staged.jaxpr,
    length,
    reverse: options.reverse ?? false,
    numConsts: staged.consts.length,
    numCarry,
  });
  releaseTemporaries([...temporaries, ...staged.created]);
  const yDef = staged.outDef.children[1] as TreeDef;
  return [
    unflatten<Carry>(carryDef, outs.slice(0, numCarry)),
    unflatten<Y>(yDef, outs.slice(numCarry)),
  ];
}

/** The branch index as an int32 scalar (bools and unsigned ints are converted). */
function branchIndex(op: string, index: Tensor): Tensor {
  if (index.ndim !== 0)
    throw new ShapeError(`${op}: the index must be a scalar, got ${index.aval}`);
  if (isFloat(index.dtype))
    throw new DTypeError(`${op}: the index must be an integer or bool scalar, got ${index.aval}`);
  return lax.convertElementType(index, 'int32');
}

/**
 * Apply `branches[index](...operands)`, with `index` clamped into range (JAX's `lax.switch`).
 * Every branch must return the same structure and types. Only the chosen branch runs eagerly;
 * under `vmap` with a batched index every branch runs and each example selects its own.
 *
 * @example
 * const y = lax.switchCase(k, [(x) => x.sin(), (x) => x.cos(), (x) => x.neg()], x);
 */
export function switchCase<Ops extends unknown[], R>(
  index: TensorLike,
  branches: readonly ((...operands: Ops) => R)[],
  ...operands: Ops
): R {
  const first = branches[0];
  if (!first) throw new ValueError('switchCase: needs at least one branch');
  const rawIndex = leafToTensor('switchCase', index);
  const idx = branchIndex('switchCase', rawIndex);
  if (branches.length === 1) {
    releaseTemporaries([rawIndex, idx].filter((t) => t !== index));
    return first(...operands);
  }
  return switchOn(
    'switchCase',
    idx,
    branches,
    operands,
    [rawIndex, idx].filter((t) => t !== index),
  );
}

function switchOn<Ops extends unknown[], R>(
  op: string,
  idx: Tensor,
  branches: readonly ((...operands: Ops) => R)[],
  operands: Ops,
  temporaries: Tensor[],
  names: readonly string[] = branches.map((_, k) => `branch ${k}`),
): R {
  const [leaves, opsDef] = flatten(operands);
  const ops = leaves.map((l) => leafToTensor(op, l));
  temporaries.push(...ops.filter((o, i) => o !== leaves[i]));
  const avals = ops.map((o) => o.aval);
  const stageBranch = (b: (...operands: Ops) => R, mapOuts?: (outs: Tensor[]) => Tensor[]) =>
    stageFunction(
      op,
      ((all: Ops) => b(...all)) as (...a: never[]) => unknown,
      [opsDef],
      avals,
      mapOuts,
    );
  let staged = branches.map((b) => stageBranch(b));
  const first = staged[0] as StagedFunction;
  // Output types must agree; weakly typed outputs adopt the type of a strongly typed one.
  const targets = first.jaxpr.outAvals.map(
    (a, i) => staged.map((s) => s.jaxpr.outAvals[i] as ShapedArray).find((o) => !o.weakType) ?? a,
  );
  const check = (weakOk: boolean) =>
    staged.forEach((s, k) => {
      const outs = s.jaxpr.outAvals;
      const ok =
        s.outDef.equals(first.outDef) &&
        outs.every((o, i) => {
          const t = targets[i] as ShapedArray;
          return sameAval(o, t) || (weakOk && o.weakType && o.shape.join() === t.shape.join());
        });
      if (!ok) {
        throw new ShapeError(
          `${op}: ${names[k]} returns ${describe(s.outDef, outs)} but ${names[0]} returns ${describe(first.outDef, first.jaxpr.outAvals)}`,
        );
      }
    });
  check(true);
  if (
    staged.some((s) => s.jaxpr.outAvals.some((o, i) => !sameAval(o, targets[i] as ShapedArray)))
  ) {
    staged = branches.map((b) => stageBranch(b, (outs) => adaptWeak(outs, targets)));
    check(false);
  }
  const { jaxprs, consts } = joinConsts(staged.map((s) => new ClosedJaxpr(s.jaxpr, s.consts)));
  const outs = bind('cond', [idx, ...consts, ...ops], { branches: jaxprs });
  releaseTemporaries([...temporaries, ...staged.flatMap((s) => s.created)]);
  return unflatten<R>(first.outDef, outs);
}

/**
 * `pred ? trueFn(...operands) : falseFn(...operands)` with a traced scalar predicate (bool or
 * integer, nonzero is true). Both branches are staged and must return the same structure and
 * types; only one runs eagerly.
 *
 * @example
 * const y = lax.cond(x.sum().gt(0), (v) => v.mul(2), (v) => v.neg(), x);
 */
export function cond<Ops extends unknown[], R>(
  pred: TensorLike,
  trueFn: (...operands: Ops) => R,
  falseFn: (...operands: Ops) => R,
  ...operands: Ops
): R {
  const p = leafToTensor('cond', pred);
  if (p.ndim !== 0) throw new ShapeError(`cond: the predicate must be a scalar, got ${p.aval}`);
  if (isFloat(p.dtype))
    throw new DTypeError(`cond: the predicate must be a bool or integer scalar, got ${p.aval}`);
  const truth =
    p.dtype === 'bool' ? p : lax.ne(p, lax.full([], 0, p.dtype, false, backendNameOf(p)));
  const idx = lax.convertElementType(truth, 'int32');
  return switchOn(
    'cond',
    idx,
    [falseFn, trueFn],
    operands,
    [p, truth, idx].filter((t) => t !== pred),
    ['falseFn', 'trueFn'],
  );
}

/**
 * Repeat `body` while `condFn` holds: `condFn(carry)` returns a bool scalar, `body(carry)` the
 * next carry (same structure and types). Eagerly the predicate is read back every iteration
 * (backends with synchronous reads). Supports `jvp` and `vmap` (a batched predicate runs until
 * every example is done); for reverse mode use `scan` or `foriLoop` with number bounds.
 *
 * @example
 * // Newton's method for sqrt(2)
 * const root = lax.whileLoop((x) => x.mul(x).sub(2).abs().gt(1e-6), (x) => x.add(x.reciprocal().mul(2)).mul(0.5), np.array(1));
 */
export function whileLoop<Carry>(
  condFn: (carry: Carry) => TensorLike,
  body: (carry: Carry) => Carry,
  init: Carry,
): Carry {
  const [initLeaves, carryDef] = flatten(init);
  const carry = initLeaves.map((l) => leafToTensor('whileLoop', l));
  const temporaries = carry.filter((c, i) => c !== initLeaves[i]);
  let condStaged: StagedFunction | undefined;
  const bodyStaged = stageLoop(
    'whileLoop',
    carry,
    carryDef,
    temporaries,
    (carryAvals) => {
      condStaged = stageFunction(
        'whileLoop',
        condFn as (...a: never[]) => unknown,
        [carryDef],
        carryAvals,
      );
      return stageFunction(
        'whileLoop',
        body as (...a: never[]) => unknown,
        [carryDef],
        carryAvals,
        (outs) => adaptWeak(outs, carryAvals),
      );
    },
    (s) => ({ def: s.outDef, avals: s.jaxpr.outAvals }),
  );
  const c = condStaged as StagedFunction;
  const [pred, ...extra] = c.jaxpr.outAvals;
  if (!pred || extra.length > 0 || pred.dtype !== 'bool' || pred.ndim !== 0) {
    throw new DTypeError(
      `whileLoop: the condition must return a bool scalar, got ${describe(c.outDef, c.jaxpr.outAvals)}`,
    );
  }
  const outs = bind('whileLoop', [...c.consts, ...bodyStaged.consts, ...carry], {
    cond: c.jaxpr,
    body: bodyStaged.jaxpr,
    condNumConsts: c.consts.length,
    bodyNumConsts: bodyStaged.consts.length,
  });
  releaseTemporaries([...temporaries, ...c.created, ...bodyStaged.created]);
  return unflatten<Carry>(carryDef, outs);
}

/**
 * `for (i = lower; i < upper; i++) carry = body(i, carry)` with an int32 counter `i`. With number
 * bounds it lowers to `scan` (so it is reverse-differentiable); with tensor bounds to `whileLoop`.
 *
 * @example
 * const fact5 = lax.foriLoop(1, 6, (i, acc) => acc.mul(i.astype('float32')), np.array(1));  // 120
 */
export function foriLoop<Carry>(
  lower: number | Tensor,
  upper: number | Tensor,
  body: (i: Tensor, carry: Carry) => Carry,
  init: Carry,
): Carry {
  if (typeof lower === 'number' && typeof upper === 'number') {
    if (!Number.isInteger(lower) || !Number.isInteger(upper)) {
      throw new ValueError(`foriLoop: bounds must be integers, got ${lower} and ${upper}`);
    }
    const start = lax.full([], lower, 'int32', false, getBackend().name);
    const [[counter, result]] = scan(
      ([i, c]: [Tensor, Carry]) =>
        [[lax.add(i, lax.full([], 1, 'int32', false, backendNameOf(i))), body(i, c)], null] as [
          [Tensor, Carry],
          null,
        ],
      [start, init] as [Tensor, Carry],
      null,
      { length: Math.max(upper - lower, 0) },
    );
    releaseTemporaries([start, counter]);
    return result;
  }
  const bound = (name: string, x: number | Tensor) => {
    const t = leafToTensor('foriLoop', x);
    if (t.ndim !== 0 || !(isInteger(t.dtype) || t.dtype === 'bool')) {
      throw new DTypeError(`foriLoop: the ${name} bound must be an integer scalar, got ${t.aval}`);
    }
    return t;
  };
  const lo = bound('lower', lower);
  const hi = bound('upper', upper);
  const start = lax.convertElementType(lo, 'int32');
  const stop = lax.convertElementType(hi, 'int32');
  const [counter, limit, result] = whileLoop(
    ([i, n]: [Tensor, Tensor, Carry]) => lax.lt(i, n),
    ([i, n, c]: [Tensor, Tensor, Carry]) =>
      [lax.add(i, lax.full([], 1, 'int32', false, backendNameOf(i))), n, body(i, c)] as [
        Tensor,
        Tensor,
        Carry,
      ],
    [start, stop, init] as [Tensor, Tensor, Carry],
  );
  releaseTemporaries(
    [lo, hi, start, stop, counter, limit].filter((t) => t !== lower && t !== upper),
  );
  return result;
}

/**
 * Map `f` over the leading axis of `xs` with a sequential loop (JAX's `lax.map`): one slice
 * at a time, so memory stays that of one application (unlike `vmap`).
 *
 * @example
 * const norms = lax.map((row) => row.mul(row).sum().sqrt(), matrix);
 */
export function map<X, Y>(f: (x: X) => Y, xs: X): Y {
  return scan((_carry: null, x: X) => [null, f(x)] as [null, Y], null, xs)[1];
}
