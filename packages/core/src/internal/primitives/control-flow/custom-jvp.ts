/**
 * `customJvpCall`: a function with a user-defined JVP (`customJvp`). Its
 * inputs are `(nonDiff…, args…)`; the leading `numNonDiff` are values the
 * function closed over (hoisted constants), which get no tangents.
 *
 * Evaluation and staging run `fun`; the JVP trace calls the user's rule
 * instead of differentiating `fun` (reverse mode linearizes that rule, so it
 * must be linear in the tangents, as in JAX); `vmap` batches `fun` and wraps
 * the rule in a `vmap` of its own.
 */
import type { ShapedArray } from '../../aval.js';
import type { DeviceArray } from '../../core/device-array.js';
import type { Tensor } from '../../core/tensor.js';
import { bind } from '../../core/trace.js';
import { ShapeError, TensileError, ValueError } from '../../errors.js';
import { ClosedJaxpr } from '../../jaxpr/jaxpr.js';
import { vmapFlat } from '../../transforms/vmap.js';
import { moveAxis, zerosLike } from '../helpers.js';
import type { PrimitiveRules } from '../rules.js';
import type { CustomJvpRule, Params } from '../spec.js';
import { evalOwned } from './eager.js';
import { batchJaxpr, sameType } from './sub-jaxprs.js';

/** Check a call's inputs against the avals `fun` was traced for. */
export function checkCallInputs(op: string, fun: ClosedJaxpr, avals: readonly ShapedArray[]): void {
  const expected = fun.inAvals;
  if (
    expected.length !== avals.length ||
    expected.some((a, i) => !sameType(a, avals[i] as ShapedArray))
  ) {
    throw new ShapeError(
      `${op}: the function was traced for (${expected.join(', ')}) but got (${avals.join(', ')})`,
    );
  }
}

/** Reject a tangent on a closed-over value: the user's rule cannot account for it. */
export function rejectNonDiffTangents(
  op: string,
  tangents: readonly (Tensor | null)[],
  numNonDiff: number,
): void {
  const t = tangents.slice(0, numNonDiff).find((x) => x != null);
  if (t) {
    throw new TensileError(
      `${op}: the function closes over a value being differentiated (${t.aval}); ` +
        'pass it as an argument of the custom-derivative function instead',
    );
  }
}

/** Reject a batched closed-over value: the user's rules close over it too and cannot be batched. */
export function rejectNonDiffBatched(
  op: string,
  dims: readonly (number | null)[],
  numNonDiff: number,
): void {
  if (dims.slice(0, numNonDiff).some((d) => d != null)) {
    throw new TensileError(
      `${op}: the function closes over a value that is being vmapped; ` +
        'pass it as an argument of the custom-derivative function instead',
    );
  }
}

/** `fun` batched with every output at axis 0, and the inputs moved to match (batch at 0). */
export function batchCall(
  fun: ClosedJaxpr,
  args: readonly Tensor[],
  dims: readonly (number | null)[],
  axisSize: number,
): { fun: ClosedJaxpr; args: Tensor[] } {
  const inBatched = [...fun.consts.map(() => false), ...dims.map((d) => d != null)];
  const { closed } = batchJaxpr(
    fun.jaxpr,
    axisSize,
    inBatched,
    fun.jaxpr.outs.map(() => true),
  );
  return {
    fun: new ClosedJaxpr(closed.jaxpr, [...closed.consts, ...fun.consts]),
    args: args.map((a, i) => (dims[i] == null ? a : moveAxis(a, dims[i] as number, 0))),
  };
}

/** Rules of `customJvpCall`. */
export const customJvpRules: PrimitiveRules<'customJvpCall'> = {
  abstractEval: (avals, { fun }) => {
    checkCallInputs('customJvp', fun, avals);
    return fun.outAvals;
  },
  impl: (args: DeviceArray[], { fun }) =>
    evalOwned(fun.jaxpr, [...(fun.consts as DeviceArray[]), ...args]),
  jvp: (primals, tangents, { jvp, numNonDiff }) => {
    rejectNonDiffTangents('customJvp', tangents, numNonDiff);
    const ps = primals.slice(numNonDiff);
    const ts = tangents.slice(numNonDiff).map((t, i) => t ?? zerosLike(ps[i] as Tensor));
    return jvp(ps, ts);
  },
  vmap: (args, dims, params: Params<'customJvpCall'>, axisSize) => {
    const { numNonDiff, jvp } = params;
    rejectNonDiffBatched('customJvp', dims, numNonDiff);
    const batched = batchCall(params.fun, args, dims, axisSize);
    const diffDims = dims.slice(numNonDiff).map((d) => (d == null ? null : 0));
    const batchedRule: CustomJvpRule = (ps, ts) => {
      let numOuts = 0;
      const flat = vmapFlat(
        (...a) => {
          const [outs, outTangents] = jvp(a.slice(0, ps.length), a.slice(ps.length));
          if (outTangents.length !== outs.length) {
            throw new ValueError(
              `customJvp: the rule returned ${outTangents.length} tangents for ${outs.length} outputs`,
            );
          }
          numOuts = outs.length;
          return [...outs, ...outTangents];
        },
        axisSize,
        [...ps, ...ts],
        [...diffDims, ...diffDims],
        (n) => new Array<number>(n).fill(0),
      );
      return [flat.slice(0, numOuts), flat.slice(numOuts)];
    };
    const outs = bind('customJvpCall', batched.args, {
      fun: batched.fun,
      jvp: batchedRule,
      numNonDiff,
    });
    return [outs, outs.map(() => 0)];
  },
};
