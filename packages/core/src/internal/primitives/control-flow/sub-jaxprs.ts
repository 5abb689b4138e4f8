/**
 * Jaxpr-to-jaxpr helpers shared by the higher-order primitives (scan, cond,
 * whileLoop, checkpoint, custom derivatives). Their rules transform the
 * jaxprs they hold by *staging*: evaluating the jaxpr under `jvpFlat` or
 * `vmapFlat` inside `stageFlat` yields the transformed jaxpr, plus which
 * outputs came out with nonzero tangents or batch axes (needed for the
 * carry fixpoints of loops).
 */
import { ShapedArray } from '../../aval.js';
import type { Tensor } from '../../core/tensor.js';
import { isFloat } from '../../dtype.js';
import { ShapeError } from '../../errors.js';
import { evalJaxpr } from '../../jaxpr/eval.js';
import { type ClosedJaxpr, Jaxpr, Var } from '../../jaxpr/jaxpr.js';
import { eliminateDeadCode } from '../../jaxpr/passes.js';
import { stageFlat } from '../../jaxpr/staging.js';
import * as lax from '../../lax/primitive-ops.js';
import { getBackend } from '../../registry.js';
import { jvpFlat } from '../../transforms/jvp.js';
import { BatchTracer, vmapFlat } from '../../transforms/vmap.js';
import { withLeadingAxis, zerosLike } from '../helpers.js';
import { UndefinedPrimal } from '../spec.js';

/** `jaxpr` as a flat function (evaluated under whatever transformations are active). */
export function jaxprFunction(jaxpr: Jaxpr): (...args: Tensor[]) => Tensor[] {
  return (...args) => evalJaxpr(jaxpr, args);
}

/** The aval of a tangent or cotangent of a value of `aval` (never weakly typed). */
export function tangentAval(aval: ShapedArray): ShapedArray {
  return new ShapedArray(aval.shape, aval.dtype);
}

/** Same shape and dtype (weak types may differ: loops carry values whose weak flag can change). */
export function sameType(a: ShapedArray, b: ShapedArray): boolean {
  return (
    a.dtype === b.dtype &&
    a.shape.length === b.shape.length &&
    a.shape.every((d, i) => d === b.shape[i])
  );
}

/** Zeros of `aval` (a zero-stride fill: no memory) on the default backend. */
export function zerosOf(aval: ShapedArray): Tensor {
  return lax.full(aval.shape, 0, aval.dtype, false, getBackend().name);
}

/** Give `x` exactly `aval`'s weak type (its shape and dtype must already match). */
export function coerceTo(op: string, x: Tensor, aval: ShapedArray): Tensor {
  if (!sameType(x.aval, aval)) throw new ShapeError(`${op}: expected ${aval}, got ${x.aval}`);
  return lax.convertElementType(x, aval.dtype, aval.weakType);
}

/** True for an argument that is a linear input of a transpose rule. */
export function isLinear(x: unknown): x is UndefinedPrimal {
  return x instanceof UndefinedPrimal;
}

/** Positions where `flags` is true. */
export function indicesOf(flags: readonly boolean[]): number[] {
  return flags.flatMap((f, i) => (f ? [i] : []));
}

/** A jaxpr staged from a transformation, and which of its outputs are nonzero/batched. */
export interface TransformedJaxpr {
  /** Constants the staging captured are its leading inputs (`consts`); bind them first. */
  closed: ClosedJaxpr;
  /** Per original output: whether the transformed program has a tangent (jvp) or batch axis (vmap) for it. */
  outFlags: boolean[];
}

/**
 * The JVP of `jaxpr` as a jaxpr `(consts…, primals…, tangents of nonzeros…) → (outs…, tangents…)`:
 * output tangents are present where they are nonzero, or forced by `instantiate` (float outputs only).
 */
export function jvpJaxpr(
  jaxpr: Jaxpr,
  nonzeros: readonly boolean[],
  instantiate: readonly boolean[],
): TransformedJaxpr {
  const inAvals = jaxpr.inAvals;
  const withTangent = indicesOf(nonzeros);
  let outFlags: boolean[] = [];
  const closed = stageFlat(
    (...args) => {
      const primals = args.slice(0, inAvals.length);
      const tangents: (Tensor | null)[] = primals.map(() => null);
      withTangent.forEach((i, k) => {
        tangents[i] = args[inAvals.length + k] as Tensor;
      });
      const [outs, outTangents] = jvpFlat(jaxprFunction(jaxpr), primals, tangents, false);
      outFlags = outs.map(
        (o, i) => isFloat(o.dtype) && (outTangents[i] !== null || (instantiate[i] ?? false)),
      );
      return [
        ...outs,
        ...outs.flatMap((o, i) => (outFlags[i] ? [outTangents[i] ?? zerosLike(o)] : [])),
      ];
    },
    [...inAvals, ...withTangent.map((i) => tangentAval(inAvals[i] as ShapedArray))],
  );
  return { closed, outFlags };
}

/**
 * `jaxpr` batched over a new leading axis of `axisSize` on the inputs marked in `inBatched`:
 * outputs get the batch axis at 0 where they depend on a batched input or `forceOut` says so.
 */
export function batchJaxpr(
  jaxpr: Jaxpr,
  axisSize: number,
  inBatched: readonly boolean[],
  forceOut: readonly boolean[],
): TransformedJaxpr {
  let outFlags: boolean[] = [];
  const closed = stageFlat(
    (...args) =>
      vmapFlat(
        (...inner) => {
          const outs = evalJaxpr(jaxpr, inner);
          outFlags = outs.map(
            (o, i) => (o instanceof BatchTracer && o.batchDim !== null) || (forceOut[i] ?? false),
          );
          return outs;
        },
        axisSize,
        args,
        inBatched.map((b) => (b ? 0 : null)),
        () => outFlags.map((b) => (b ? 0 : null)),
      ),
    jaxpr.inAvals.map((a, i) => (inBatched[i] ? withLeadingAxis(a, axisSize) : a)),
  );
  return { closed, outFlags };
}

/**
 * Stage `fn` into an open jaxpr. For rules that emit equations (partial evaluation), where no
 * constant can be captured: the staged function only applies primitives to its arguments.
 */
export function stageOpen(
  op: string,
  fn: (...args: Tensor[]) => Tensor[],
  inAvals: readonly ShapedArray[],
): Jaxpr {
  const closed = stageFlat(fn, inAvals);
  if (closed.consts.length > 0)
    throw new Error(`internal: ${op}: staging captured ${closed.consts.length} constants`);
  return closed.jaxpr;
}

/** Keep only the outputs marked in `keep` and the equations they need; report which inputs are still read. */
export function pruneJaxpr(
  jaxpr: Jaxpr,
  keep: readonly boolean[],
): { jaxpr: Jaxpr; usedInputs: boolean[] } {
  const pruned = eliminateDeadCode(
    new Jaxpr(
      jaxpr.inBinders,
      jaxpr.eqns,
      jaxpr.outs.filter((_, i) => keep[i]),
    ),
  );
  const read = new Set<Var>(pruned.outs);
  for (const eqn of pruned.eqns) for (const v of eqn.inputs) read.add(v);
  return { jaxpr: pruned, usedInputs: jaxpr.inBinders.map((v) => read.has(v)) };
}

/** `jaxpr` reading only the inputs marked in `keep` (the others must be unused). */
export function selectInputs(jaxpr: Jaxpr, keep: readonly boolean[]): Jaxpr {
  return new Jaxpr(
    jaxpr.inBinders.filter((_, i) => keep[i]),
    jaxpr.eqns,
    jaxpr.outs,
  );
}

/**
 * Give several closed jaxprs (the branches of a `cond`) one shared list of constants: each
 * returned jaxpr takes `(consts…, its own inputs…)` and ignores the other branches' constants.
 */
export function joinConsts(closed: readonly ClosedJaxpr[]): { jaxprs: Jaxpr[]; consts: Tensor[] } {
  const consts: Tensor[] = [];
  const position = new Map<Tensor, number>();
  for (const c of closed) {
    for (const t of c.consts) {
      if (!position.has(t)) {
        position.set(t, consts.length);
        consts.push(t);
      }
    }
  }
  const jaxprs = closed.map((c) => {
    const binders = consts.map((t) => new Var(t.aval));
    c.consts.forEach((t, i) => {
      binders[position.get(t) as number] = c.jaxpr.inBinders[i] as Var;
    });
    return new Jaxpr(
      [...binders, ...c.jaxpr.inBinders.slice(c.consts.length)],
      c.jaxpr.eqns,
      c.jaxpr.outs,
    );
  });
  return { jaxprs, consts };
}
