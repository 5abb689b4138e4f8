/**
 * Custom derivatives (JAX's `custom_jvp` / `custom_vjp`): wrap a function so
 * that transformations use a derivative you supply instead of
 * differentiating its body — for numerical stability (`log1p(exp(x))` at
 * large `x`), for efficiency, or to change the gradient on purpose
 * (gradient clipping, straight-through estimators).
 *
 * The function is staged once per call; values it closes over are passed to
 * the primitive as non-differentiable inputs, so differentiating with respect
 * to a closed-over value is an error (pass it as an argument instead).
 * Arguments and results are pytrees.
 */
import type { ShapedArray } from '../aval.js';
import type { Tensor } from '../core/tensor.js';
import { bind } from '../core/trace.js';
import { ShapeError, ValueError } from '../errors.js';
import { ClosedJaxpr } from '../jaxpr/jaxpr.js';
import { releaseTemporaries, stageFunction } from '../primitives/control-flow/stage-function.js';
import { zerosOf } from '../primitives/control-flow/sub-jaxprs.js';
import type { CustomJvpRule, CustomVjpBackward, CustomVjpForward } from '../primitives/spec.js';
import { flatten, type TreeDef, unflatten } from '../tree/pytree.js';
import { flattenTensors, leafToTensor } from './flat-args.js';

/** A cotangent per argument of `Args`: the argument's structure, or `null` for zero. */
export type Cotangents<Args extends unknown[]> = { [K in keyof Args]: Args[K] | null };

/** The forward and backward passes of `customVjp`. */
export interface CustomVjpRules<Args extends unknown[], Out, Residuals> {
  /** Returns `f(...args)` and the residuals `bwd` needs. */
  fwd: (...args: Args) => [Out, Residuals];
  /** Maps residuals and the output cotangent to one cotangent per argument (`null` for zero). */
  bwd: (residuals: Residuals, cotangent: Out) => Cotangents<Args>;
}

/** Flat tensor leaves of a rule's result, checked against the structure and shapes they must have. */
function checkedLeaves(
  op: string,
  what: string,
  value: unknown,
  def: TreeDef,
  avals: readonly ShapedArray[],
): Tensor[] {
  const [leaves, got] = flattenTensors(op, value);
  if (!got.equals(def))
    throw new ShapeError(`${op}: ${what} has structure ${got}, expected ${def}`);
  leaves.forEach((l, i) => {
    const a = avals[i] as ShapedArray;
    if (l.shape.join() !== a.shape.join())
      throw new ShapeError(`${op}: ${what} leaf ${i} is ${l.aval}, expected ${a}`);
  });
  return leaves;
}

/** Flatten the arguments of a call, converting JS numbers (which are then temporaries of the call). */
function flattenArgs(
  op: string,
  args: unknown[],
): { flat: Tensor[]; inDef: TreeDef; temporaries: Tensor[] } {
  const [leaves, inDef] = flatten(args);
  const flat = leaves.map((l) => leafToTensor(op, l));
  return { flat, inDef, temporaries: flat.filter((t, i) => t !== leaves[i]) };
}

/**
 * `f` with a custom JVP rule: `jvp(primals, tangents)` gets the arguments and their tangents (both
 * as argument lists) and returns `[output, outputTangent]`. The rule must be linear in the
 * tangents; `grad` works by linearizing it.
 *
 * @example
 * // log(1 + e^x) whose derivative stays finite for large x
 * const softplus = customJvp(
 *   (x: Tensor) => x.exp().add(1).log(),
 *   ([x], [t]) => [x.exp().add(1).log(), t.mul(nn.sigmoid(x))],
 * );
 * grad((x) => softplus(x).sum())(np.array([100]))  // [1]
 */
export function customJvp<Args extends unknown[], Out>(
  f: (...args: Args) => Out,
  jvp: (primals: Args, tangents: Args) => [Out, Out],
): (...args: Args) => Out {
  return (...args: Args) => {
    const { flat, inDef, temporaries } = flattenArgs('customJvp', args);
    const staged = stageFunction(
      'customJvp',
      ((all: Args) => f(...all)) as (...a: never[]) => unknown,
      [inDef],
      flat.map((t) => t.aval),
    );
    const outAvals = staged.jaxpr.outAvals;
    const rule: CustomJvpRule = (primals, tangents) => {
      const result = jvp(unflatten<Args>(inDef, primals), unflatten<Args>(inDef, tangents));
      if (!Array.isArray(result) || result.length !== 2) {
        throw new ValueError('customJvp: the rule must return [output, outputTangent]');
      }
      return [
        checkedLeaves('customJvp', 'the rule output', result[0], staged.outDef, outAvals),
        checkedLeaves('customJvp', 'the rule output tangent', result[1], staged.outDef, outAvals),
      ];
    };
    const outs = bind('customJvpCall', [...staged.consts, ...flat], {
      fun: new ClosedJaxpr(staged.jaxpr, []),
      jvp: rule,
      numNonDiff: staged.consts.length,
    });
    releaseTemporaries([...temporaries, ...staged.created]);
    return unflatten<Out>(staged.outDef, outs);
  };
}

/**
 * `f` with a custom VJP: `fwd(...args)` returns `[f(...args), residuals]` and
 * `bwd(residuals, cotangent)` one cotangent per argument (`null` for zero). `grad`/`vjp` use
 * `bwd`; forward mode (`jvp`) is not supported, as in JAX.
 *
 * @example
 * // identity whose gradient is clipped to [-1, 1]
 * const clipGradient = customVjp((x: Tensor) => x, {
 *   fwd: (x) => [x, null],
 *   bwd: (_res, g) => [g.clip(-1, 1)],
 * });
 */
export function customVjp<Args extends unknown[], Out, Residuals>(
  f: (...args: Args) => Out,
  rules: CustomVjpRules<Args, Out, Residuals>,
): (...args: Args) => Out {
  return (...args: Args) => {
    const { flat, inDef, temporaries } = flattenArgs('customVjp', args);
    const inAvals = flat.map((t) => t.aval);
    const staged = stageFunction(
      'customVjp',
      ((all: Args) => f(...all)) as (...a: never[]) => unknown,
      [inDef],
      inAvals,
    );
    const outAvals = staged.jaxpr.outAvals;
    let residualDef: TreeDef | undefined;
    const fwd: CustomVjpForward = (primals) => {
      const result = rules.fwd(...unflatten<Args>(inDef, primals));
      if (!Array.isArray(result) || result.length !== 2)
        throw new ValueError('customVjp: fwd must return [output, residuals]');
      const outs = checkedLeaves(
        'customVjp',
        'the output of fwd',
        result[0],
        staged.outDef,
        outAvals,
      );
      const [residuals, def] = flattenTensors('customVjp', result[1]);
      residualDef = def;
      return [outs, residuals];
    };
    const bwd: CustomVjpBackward = (residuals, cotangents) => {
      const cts = rules.bwd(
        unflatten<Residuals>(residualDef as TreeDef, residuals),
        unflatten<Out>(staged.outDef, cotangents),
      );
      if (!Array.isArray(cts) || cts.length !== args.length) {
        throw new ValueError(
          `customVjp: bwd must return an array with one cotangent per argument (${args.length})`,
        );
      }
      let offset = 0;
      return cts.flatMap((ct, k) => {
        const def = inDef.children[k] as TreeDef;
        const avals = inAvals.slice(offset, offset + def.numLeaves);
        offset += def.numLeaves;
        if (ct == null) return avals.map(zerosOf);
        return checkedLeaves(
          'customVjp',
          `the cotangent bwd returned for argument ${k}`,
          ct,
          def,
          avals,
        );
      });
    };
    const outs = bind('customVjpCall', [...staged.consts, ...flat], {
      fun: new ClosedJaxpr(staged.jaxpr, []),
      fwd,
      bwd,
      numNonDiff: staged.consts.length,
    });
    releaseTemporaries([...temporaries, ...staged.created]);
    return unflatten<Out>(staged.outDef, outs);
  };
}
