/**
 * Reverse mode = linearize + transpose (JAX's design). `linearizeFlat`
 * stages the JVP of a function, splits it by partial evaluation into the
 * primal computation (run now) and a linear tangent map (kept as a jaxpr
 * with its residuals); `vjpFlat` transposes that map into a pullback.
 */
import { ShapedArray } from '../aval.js';
import type { Tensor } from '../core/tensor.js';
import { isFloat } from '../dtype.js';
import { evalJaxpr } from '../jaxpr/eval.js';
import type { Jaxpr } from '../jaxpr/jaxpr.js';
import { eliminateDeadCode } from '../jaxpr/passes.js';
import { stageFlat } from '../jaxpr/staging.js';
import { closeScope, type Disposable, openScope } from '../memory.js';
import { zerosLike } from '../primitives/helpers.js';
import { UndefinedPrimal } from '../primitives/spec.js';
import { jvpFlat } from './jvp.js';
import { partialEvalJaxpr } from './partial-eval.js';
import { backwardPass } from './transpose.js';

/** A function's outputs at a point and its linear tangent map there. */
export interface Linearized {
  outs: Tensor[];
  /** (residuals…, tangents…) → output tangents. */
  linear: Jaxpr;
  residuals: Tensor[];
  /** Avals of the inputs that have tangents (float inputs), by input position (`null`: none). */
  tangentAvals: (ShapedArray | null)[];
  /** Release the residuals. */
  dispose(): void;
}

function tangentAval(x: Tensor): ShapedArray | null {
  return isFloat(x.dtype) ? new ShapedArray(x.shape, x.dtype) : null;
}

/** Linearize a flat function at `primals`. */
export function linearizeFlat(
  fn: (...args: Tensor[]) => Tensor[],
  primals: readonly Tensor[],
): Linearized {
  const tangentAvals = primals.map(tangentAval);
  const withTangent = tangentAvals.flatMap((a, i) => (a ? [i] : []));
  const n = primals.length;
  let numOuts = 0;
  const closed = stageFlat(
    (...xs) => {
      const ps = xs.slice(0, n);
      const ts: (Tensor | null)[] = ps.map(() => null);
      withTangent.forEach((i, k) => {
        ts[i] = xs[n + k] as Tensor;
      });
      const [po, to] = jvpFlat(fn, ps, ts);
      numOuts = po.length;
      return [...po, ...(to as Tensor[])];
    },
    [...primals.map((p) => p.aval), ...withTangent.map((i) => tangentAvals[i] as ShapedArray)],
  );
  const numConsts = closed.consts.length;
  const inUnknowns = closed.jaxpr.inBinders.map((_, i) => i >= numConsts + n);
  const instantiate = closed.jaxpr.outs.map((_, i) => i >= numOuts);
  const split = partialEvalJaxpr(closed.jaxpr, inUnknowns, instantiate);
  const knownJaxpr = eliminateDeadCode(split.known);
  if (split.outUnknowns.slice(0, numOuts).some(Boolean)) {
    throw new Error('internal: linearize produced a primal output that depends on tangents');
  }

  const frame = openScope();
  const known = evalJaxpr(knownJaxpr, [...closed.consts, ...primals]);
  const outs = known.slice(0, numOuts);
  const residuals = known.slice(numOuts);
  closeScope(frame, [...outs, ...residuals] as Disposable[]);
  const owned = residuals.filter((r) => frame.has(r as Disposable) || !primals.includes(r));
  return {
    outs,
    linear: eliminateDeadCode(split.unknown),
    residuals,
    tangentAvals,
    dispose: () => {
      for (const r of owned) if (!closed.consts.includes(r) && !outs.includes(r)) r.dispose();
    },
  };
}

/** Apply the linear map of `lin` to tangents (one per input with a tangent aval, in order). */
export function applyLinear(lin: Linearized, tangents: readonly Tensor[]): Tensor[] {
  const frame = openScope();
  const outs = evalJaxpr(lin.linear, [...lin.residuals, ...tangents]);
  closeScope(frame, outs as Disposable[]);
  return outs;
}

/**
 * Pull output cotangents back to input cotangents (zeros for inputs without a tangent or with a
 * zero cotangent).
 */
export function pullBack(
  lin: Linearized,
  primals: readonly Tensor[],
  cotangents: readonly (Tensor | null)[],
): Tensor[] {
  const frame = openScope();
  const linearArgs = lin.tangentAvals.flatMap((a) => (a ? [new UndefinedPrimal(a)] : []));
  const cts = backwardPass(lin.linear, [...lin.residuals, ...linearArgs], cotangents);
  let k = 0;
  const result = primals.map((p, i) =>
    lin.tangentAvals[i] ? (cts[k++] ?? zerosLike(p)) : zerosLike(p),
  );
  closeScope(frame, result as Disposable[]);
  return result;
}
