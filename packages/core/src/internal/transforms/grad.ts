/**
 * Reverse-mode API: `vjp`, `grad` and `valueAndGrad` over pytrees, with
 * `argnums` and `hasAux` as in JAX. Built on `linearizeFlat` + `pullBack`.
 */
import type { Tensor } from '../core/tensor.js';
import { isFloat } from '../dtype.js';
import { DTypeError, ShapeError, TensileError } from '../errors.js';
import { closeScope, type Disposable, openScope } from '../memory.js';
import { fullLike } from '../primitives/helpers.js';
import { flatten, leaves, type TreeDef, unflatten } from '../tree/pytree.js';
import { flatFunction, flattenTensors } from './flat-args.js';
import { type Linearized, linearizeFlat, pullBack } from './linearize.js';

/** Options of `grad` and `valueAndGrad`. */
export interface GradOptions {
  /** Which positional arguments to differentiate (default 0). A list gives a list of gradients. */
  argnums?: number | readonly number[];
  /** `f` returns `[output, aux]`; aux is passed through undifferentiated. */
  hasAux?: boolean;
}

/** A pullback returned by `vjp`: call it with output cotangents; dispose it to free residuals. */
export interface Pullback<Args extends unknown[]> {
  (cotangent: unknown): Args;
  dispose(): void;
  [Symbol.dispose](): void;
}

function argnumList(
  argnums: number | readonly number[] | undefined,
  nargs: number,
  op: string,
): number[] {
  const list = argnums === undefined ? [0] : typeof argnums === 'number' ? [argnums] : [...argnums];
  for (const a of list) {
    if (!Number.isInteger(a) || a < 0 || a >= nargs) {
      throw new TensileError(
        `${op}: argnums ${JSON.stringify(argnums)} out of range for ${nargs} arguments`,
      );
    }
  }
  return list;
}

interface VjpResult {
  out: unknown;
  aux: unknown;
  lin: Linearized;
  flatPrimals: Tensor[];
  outDef: TreeDef;
  inDefs: TreeDef[];
}

function vjpCore(
  op: string,
  fn: (...args: never[]) => unknown,
  args: unknown[],
  hasAux: boolean,
): VjpResult {
  const flats = args.map((a) => flattenTensors(op, a));
  const inDefs = flats.map(([, d]) => d);
  const flatPrimals = flats.flatMap(([l]) => l);
  const record: { def?: TreeDef } = {};
  const target = hasAux
    ? (...xs: never[]) => {
        const r = (fn as (...a: unknown[]) => unknown)(...xs);
        if (!Array.isArray(r) || r.length !== 2)
          throw new TensileError(`${op}: with hasAux, f must return [output, aux]`);
        return r;
      }
    : fn;
  const flatFn = flatFunction(op, target, inDefs, record);
  const lin = linearizeFlat(flatFn, flatPrimals);
  const allOutDef = record.def as TreeDef;
  let out: unknown;
  let aux: unknown;
  let outDef = allOutDef;
  if (hasAux) {
    const pair = unflatten<[unknown, unknown]>(allOutDef, lin.outs);
    out = pair[0];
    aux = pair[1];
    outDef = flatten(out)[1];
  } else {
    out = unflatten(allOutDef, lin.outs);
  }
  return { out, aux, lin, flatPrimals, outDef, inDefs };
}

function cotangentsFor(op: string, r: VjpResult, ct: unknown, hasAux: boolean): Tensor[] {
  const [cts, ctDef] = flattenTensors(op, ct);
  if (!ctDef.equals(r.outDef))
    throw new ShapeError(`${op}: cotangent structure ${ctDef} does not match output ${r.outDef}`);
  const outLeaves = leaves<Tensor>(r.out);
  cts.forEach((c, i) => {
    const o = outLeaves[i] as Tensor;
    if (c.shape.join() !== o.shape.join()) {
      throw new ShapeError(`${op}: cotangent ${c.aval} does not match output ${o.aval}`);
    }
  });
  // With aux, the aux outputs get zero cotangents (they are not differentiated).
  return hasAux
    ? [...cts, ...r.lin.outs.slice(cts.length).map(() => null as unknown as Tensor)]
    : cts;
}

/**
 * Evaluate `f(...primals)` and return its output with a pullback that maps an output cotangent
 * to cotangents for every argument.
 *
 * @example
 * const [y, pullback] = vjp((x) => x.sin(), x);
 * const [dx] = pullback(np.onesLike(y));
 * pullback.dispose();
 */
export function vjp<Args extends unknown[] = Tensor[], Out = Tensor>(
  fn: (...args: Args) => Out,
  ...primals: Args
): [Out, Pullback<Args>] {
  const r = vjpCore('vjp', fn as (...a: never[]) => unknown, primals, false);
  const pullback = ((ct: unknown) => {
    const grads = pullBack(r.lin, r.flatPrimals, cotangentsFor('vjp', r, ct, false));
    let k = 0;
    return r.inDefs.map((d) => {
      const part = grads.slice(k, k + d.numLeaves);
      k += d.numLeaves;
      return unflatten(d, part);
    }) as Args;
  }) as Pullback<Args>;
  pullback.dispose = () => r.lin.dispose();
  pullback[Symbol.dispose] = pullback.dispose;
  return [r.out as Out, pullback];
}

function checkScalarOutput(op: string, out: unknown): Tensor {
  const ls = leaves<Tensor>(out);
  const y = ls[0];
  if (ls.length !== 1 || !y || y.ndim !== 0) {
    throw new ShapeError(
      `${op}: f must return a scalar, got ${ls.length === 1 && y ? y.aval.toString() : `a tree of ${ls.length} leaves`}`,
    );
  }
  if (!isFloat(y.dtype)) throw new DTypeError(`${op}: f must return a float scalar, got ${y.aval}`);
  return y;
}

function valueAndGradImpl(op: string, fn: (...args: never[]) => unknown, options: GradOptions) {
  return (...args: unknown[]): [unknown, unknown] => {
    const nums = argnumList(options.argnums, args.length, op);
    for (const i of nums) {
      for (const l of leaves(args[i])) {
        const dt = (l as Tensor).dtype ?? (Number.isInteger(l) ? 'int32' : 'float32');
        if (!isFloat(dt))
          throw new DTypeError(
            `${op}: can only differentiate float inputs; argument ${i} has ${dt}`,
          );
      }
    }
    const frame = openScope();
    // Close over the non-differentiated arguments so they are constants of the trace.
    const diffArgs = nums.map((i) => args[i]);
    const partial = (...xs: unknown[]) => {
      const full = [...args];
      nums.forEach((i, k) => {
        full[i] = xs[k];
      });
      return (fn as (...a: unknown[]) => unknown)(...full);
    };
    const r = vjpCore(op, partial as (...a: never[]) => unknown, diffArgs, options.hasAux ?? false);
    const y = checkScalarOutput(op, r.out);
    const seed = fullLike(y, 1);
    const grads = pullBack(
      r.lin,
      r.flatPrimals,
      cotangentsFor(op, r, seed, options.hasAux ?? false),
    );
    r.lin.dispose();
    let k = 0;
    const perArg = r.inDefs.map((d) => {
      const part = grads.slice(k, k + d.numLeaves);
      k += d.numLeaves;
      return unflatten(d, part);
    });
    const g = typeof options.argnums === 'object' ? perArg : perArg[0];
    const value = options.hasAux ? [r.out, r.aux] : r.out;
    closeScope(frame, [...leaves(value), ...grads] as Disposable[]);
    return [value, g];
  };
}

/**
 * `valueAndGrad(f)(...args)` returns `[f(...args), ∇f]` where `∇f` has the structure of the
 * differentiated argument (a list of them when `argnums` is a list); with `hasAux`,
 * `[[value, aux], grads]`.
 *
 * @example
 * const [loss, grads] = valueAndGrad(lossFn)(params, batch);
 */
export function valueAndGrad<Args extends unknown[] = Tensor[], Out = Tensor>(
  fn: (...args: Args) => Out,
  options: GradOptions = {},
): (...args: Args) => [Out, Args[0]] {
  return valueAndGradImpl('valueAndGrad', fn as (...a: never[]) => unknown, options) as (
    ...args: Args
  ) => [Out, Args[0]];
}

/**
 * The gradient of a scalar function: `grad(f)(x)` has the structure of `x` (a list of gradients
 * when `argnums` is a list; `[grads, aux]` with `hasAux`).
 *
 * @example
 * const df = grad((x) => x.mul(x).sum());
 * df(np.array([1, 2, 3]))  // [2, 4, 6]
 */
export function grad<Args extends unknown[] = Tensor[], Out = Tensor>(
  fn: (...args: Args) => Out,
  options: GradOptions = {},
): (...args: Args) => Args[0] {
  const vg = valueAndGradImpl('grad', fn as (...a: never[]) => unknown, options);
  return (...args: Args) => {
    const [value, g] = vg(...args);
    if (options.hasAux) {
      const [out, aux] = value as [unknown, unknown];
      for (const l of leaves(out)) (l as Tensor).dispose();
      return [g, aux] as Args[0];
    }
    for (const l of leaves(value)) (l as Tensor).dispose();
    return g as Args[0];
  };
}
