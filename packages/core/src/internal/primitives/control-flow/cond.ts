/**
 * `cond`: `(index, operands…)` runs `branches[clamp(index)]` on the operands
 * (JAX's `lax.switch`; `lax.cond` is the two-branch case). Every branch takes
 * the same operands (hoisted constants included) and returns the same types.
 *
 * Eagerly, the index is read back with a synchronous read; on backends
 * without one, every branch runs and the result is selected on the device.
 * Under `vmap` with a batched index, every branch runs on the whole batch
 * and each example selects its branch (as in JAX). For `grad`, partial
 * evaluation splits every branch; the residuals of all branches are joined
 * (a branch returns zeros for the residuals of the others), and the
 * transpose is a `cond` of the transposed branches.
 */
import type { ShapedArray } from '../../aval.js';
import type { DeviceArray } from '../../core/device-array.js';
import type { Tensor } from '../../core/tensor.js';
import { bind } from '../../core/trace.js';
import { isFloat } from '../../dtype.js';
import { DTypeError, ShapeError, ValueError } from '../../errors.js';
import { evalJaxpr } from '../../jaxpr/eval.js';
import { Jaxpr, type JaxprEqn, Var } from '../../jaxpr/jaxpr.js';
import { stageFlat } from '../../jaxpr/staging.js';
import * as lax from '../../lax/primitive-ops.js';
import {
  type EqnSplit,
  partialEvalJaxpr,
  registerPartialEvalRule,
} from '../../transforms/partial-eval.js';
import { backwardPass } from '../../transforms/transpose.js';
import { vmapFlat } from '../../transforms/vmap.js';
import { backendOf, moveAxis, scalarLike, zerosLike } from '../helpers.js';
import type { PrimitiveRules } from '../rules.js';
import { type Params, UndefinedPrimal } from '../spec.js';
import { evalOwned, inScope, readScalar } from './eager.js';
import {
  batchJaxpr,
  coerceTo,
  indicesOf,
  isLinear,
  jaxprFunction,
  joinConsts,
  jvpJaxpr,
  sameType,
  stageOpen,
  tangentAval,
  zerosOf,
} from './sub-jaxprs.js';

type CondParams = Params<'cond'>;

// ---------------------------------------------------------------- shape rule

function condAval(avals: ShapedArray[], { branches }: CondParams): ShapedArray[] {
  const [index, ...operands] = avals;
  const first = branches[0];
  if (!first) throw new ValueError('cond: needs at least one branch');
  if (index?.dtype !== 'int32' || index.ndim !== 0) {
    throw new DTypeError(`cond: the index must be an int32 scalar, got ${index}`);
  }
  const outAvals = first.outAvals;
  branches.forEach((b, k) => {
    if (
      b.inBinders.length !== operands.length ||
      b.inAvals.some((a, i) => !sameType(a, operands[i] as ShapedArray))
    ) {
      throw new ShapeError(
        `cond: branch ${k} takes (${b.inAvals.join(', ')}) but the operands are (${operands.join(', ')})`,
      );
    }
    const outs = b.outAvals;
    if (
      outs.length !== outAvals.length ||
      outs.some((o, i) => !sameType(o, outAvals[i] as ShapedArray))
    ) {
      throw new ShapeError(
        `cond: branch ${k} returns (${outs.join(', ')}) but branch 0 returns (${outAvals.join(', ')})`,
      );
    }
  });
  return outAvals;
}

/** `index` clamped into `[0, n)`, as a traced int32 scalar or batch of them. */
function clampIndex(index: Tensor, n: number): Tensor {
  return lax.min(lax.max(index, scalarLike(index, 0)), scalarLike(index, n - 1));
}

/** `outs[index]` elementwise, where `outs` holds one output list per branch and `index` broadcasts. */
function selectBranch(index: Tensor, outs: Tensor[][], batchAxis: boolean): Tensor[] {
  const last = outs[outs.length - 1] as Tensor[];
  return last.map((_, k) => {
    let result = last[k] as Tensor;
    for (let b = outs.length - 2; b >= 0; b--) {
      const value = (outs[b] as Tensor[])[k] as Tensor;
      const pick = lax.broadcastInDim(
        lax.eq(index, scalarLike(index, b)),
        value.shape,
        batchAxis ? [0] : [],
      );
      result = lax.select(pick, value, result);
    }
    return result;
  });
}

// ---------------------------------------------------------------- evaluation

function condImpl(args: DeviceArray[], params: CondParams): DeviceArray[] {
  const { branches } = params;
  condAval(
    args.map((a) => a.aval),
    params,
  );
  const [index, ...operands] = args as [DeviceArray, ...DeviceArray[]];
  const backend = backendOf('cond', args);
  if (branches.length === 1 || backend.readSync) {
    const i = branches.length === 1 ? 0 : readScalar('cond', 'branch index', index);
    return evalOwned(branches[Math.min(Math.max(i, 0), branches.length - 1)] as Jaxpr, operands);
  }
  // No synchronous read: run every branch and select on the device.
  return inScope(
    () =>
      selectBranch(
        clampIndex(index, branches.length),
        branches.map((b) => evalJaxpr(b, operands)),
        false,
      ) as DeviceArray[],
  );
}

// ---------------------------------------------------------------- jvp

function condJvp(
  primals: Tensor[],
  tangents: (Tensor | null)[],
  { branches }: CondParams,
): [Tensor[], (Tensor | null)[]] {
  const [index, ...operands] = primals as [Tensor, ...Tensor[]];
  const operandTangents = tangents.slice(1);
  const nonzero = operands.map((o, i) => operandTangents[i] != null && isFloat(o.dtype));
  // Every branch must produce tangents for the same outputs: the union over branches.
  const union = branches
    .map((b) => jvpJaxpr(b, nonzero, []).outFlags)
    .reduce((acc, flags) => acc.map((f, i) => f || (flags[i] ?? false)));
  const jvps = branches.map((b) => jvpJaxpr(b, nonzero, union).closed);
  const { jaxprs, consts } = joinConsts(jvps);
  const outs = bind(
    'cond',
    [
      index,
      ...consts,
      ...operands,
      ...indicesOf(nonzero).map((i) => operandTangents[i] ?? zerosLike(operands[i] as Tensor)),
    ],
    {
      branches: jaxprs,
    },
  );
  const numOuts = union.length;
  let k = numOuts;
  return [outs.slice(0, numOuts), union.map((nz) => (nz ? (outs[k++] as Tensor) : null))];
}

// ---------------------------------------------------------------- vmap

function condVmap(
  args: Tensor[],
  dims: (number | null)[],
  { branches }: CondParams,
  axisSize: number,
): [Tensor[], (number | null)[]] {
  const [index, ...operands] = args as [Tensor, ...Tensor[]];
  const [indexDim, ...operandDims] = dims;
  if (indexDim != null) {
    // Each example picks its own branch: run them all on the whole batch and select.
    const outs = branches.map((b) =>
      vmapFlat(jaxprFunction(b), axisSize, operands, operandDims, (n) =>
        new Array<number>(n).fill(0),
      ),
    );
    const perExample = clampIndex(moveAxis(index, indexDim, 0), branches.length);
    const selected = selectBranch(perExample, outs, true);
    return [selected, selected.map(() => 0)];
  }
  const inBatched = operandDims.map((d) => d != null);
  const union = branches
    .map((b) => batchJaxpr(b, axisSize, inBatched, []).outFlags)
    .reduce((acc, flags) => acc.map((f, i) => f || (flags[i] ?? false)));
  const { jaxprs, consts } = joinConsts(
    branches.map((b) => batchJaxpr(b, axisSize, inBatched, union).closed),
  );
  const moved = operands.map((o, i) =>
    operandDims[i] == null ? o : moveAxis(o, operandDims[i] as number, 0),
  );
  const outs = bind('cond', [index, ...consts, ...moved], { branches: jaxprs });
  return [outs, union.map((b) => (b ? 0 : null))];
}

// ---------------------------------------------------------------- partial evaluation

function condPartialEval(eqn: JaxprEqn, inUnknowns: boolean[]): EqnSplit {
  const { branches } = eqn.params as CondParams;
  const numOuts = eqn.outBinders.length;
  if (inUnknowns[0]) {
    return { known: [], unknown: [eqn], outUnknowns: new Array<boolean>(numOuts).fill(true) };
  }
  const operandUk = inUnknowns.slice(1);
  // An output is unknown if it is unknown in any branch.
  const outUk = branches
    .map((b) => partialEvalJaxpr(b, operandUk, false).outUnknowns)
    .reduce((acc, flags) => acc.map((f, i) => f || (flags[i] ?? false)));
  const splits = branches.map((b) => partialEvalJaxpr(b, operandUk, outUk));
  const residualAvals = splits.flatMap((s) =>
    s.known.outs.slice(s.known.outs.length - s.numResiduals).map((v) => v.aval),
  );
  const offsets = splits.map((_, b) => splits.slice(0, b).reduce((n, s) => n + s.numResiduals, 0));

  // Known branch b: (known operands…) → (known outs…, zeros…, its residuals…, zeros…).
  const knownAvals = branches[0]?.inAvals.filter((_, i) => !operandUk[i]) ?? [];
  const knownBranches = splits.map((s, b) =>
    stageOpen(
      'cond partial eval',
      (...ops) => {
        const outs = evalJaxpr(s.known, ops);
        const own = outs.slice(outs.length - s.numResiduals);
        const residuals = residualAvals.map((a, r) => {
          const offset = offsets[b] as number;
          return r >= offset && r < offset + s.numResiduals
            ? (own[r - offset] as Tensor)
            : zerosOf(a);
        });
        return [...outs.slice(0, outs.length - s.numResiduals), ...residuals];
      },
      knownAvals,
    ),
  );
  // Unknown branch b: (all residuals…, unknown operands…) → unknown outs; reads only its own residuals.
  const unknownBranches = splits.map((s, b) => {
    const offset = offsets[b] as number;
    const binders = residualAvals.map((a) => new Var(a));
    s.unknown.inBinders.slice(0, s.numResiduals).forEach((v, r) => {
      binders[offset + r] = v;
    });
    return new Jaxpr(
      [...binders, ...s.unknown.inBinders.slice(s.numResiduals)],
      s.unknown.eqns,
      s.unknown.outs,
    );
  });
  const residualVars = residualAvals.map((a) => new Var(a));
  const [index, ...operands] = eqn.inputs as [Var, ...Var[]];
  const knownOutBinders = eqn.outBinders.filter((_, i) => !outUk[i]);
  const unknownOutBinders = eqn.outBinders.filter((_, i) => outUk[i]);
  const known: JaxprEqn[] =
    knownOutBinders.length + residualVars.length > 0
      ? [
          {
            primitive: 'cond',
            inputs: [index, ...operands.filter((_, i) => !operandUk[i])],
            params: { branches: knownBranches } satisfies CondParams,
            outBinders: [...knownOutBinders, ...residualVars],
          },
        ]
      : [];
  const unknown: JaxprEqn[] =
    unknownOutBinders.length > 0
      ? [
          {
            primitive: 'cond',
            inputs: [index, ...residualVars, ...operands.filter((_, i) => operandUk[i])],
            params: { branches: unknownBranches } satisfies CondParams,
            outBinders: unknownOutBinders,
          },
        ]
      : [];
  return { known, unknown, outUnknowns: outUk };
}

registerPartialEvalRule('cond', condPartialEval);

// ---------------------------------------------------------------- transpose

function condTranspose(
  cts: (Tensor | null)[],
  args: (Tensor | UndefinedPrimal)[],
  { branches }: CondParams,
): (Tensor | null)[] {
  const [index, ...operands] = args;
  if (isLinear(index)) throw new Error('internal: cond transpose: the index cannot be linear');
  const linear = operands.map(isLinear);
  const residuals = operands.filter((o): o is Tensor => !isLinear(o));
  const first = branches[0] as Jaxpr;
  const operandAvals = first.inAvals;
  const linAvals = operandAvals.filter((_, i) => linear[i]).map(tangentAval);
  const outAvals = first.outAvals.map(tangentAval);
  const transposed = branches.map((b) =>
    stageFlat(
      (...a) => {
        const res = a.slice(0, residuals.length);
        const ctOuts = a.slice(residuals.length);
        let r = 0;
        const branchArgs = operandAvals.map((av, i) =>
          linear[i] ? new UndefinedPrimal(av) : (res[r++] as Tensor),
        );
        return backwardPass(b, branchArgs, ctOuts).map((ct, i) =>
          coerceTo(
            'cond transpose',
            ct ?? zerosOf(linAvals[i] as ShapedArray),
            linAvals[i] as ShapedArray,
          ),
        );
      },
      [...operandAvals.filter((_, i) => !linear[i]), ...outAvals],
    ),
  );
  const { jaxprs, consts } = joinConsts(transposed);
  const outs = bind(
    'cond',
    [
      index,
      ...consts,
      ...residuals,
      ...cts.map((c, i) => c ?? zerosOf(outAvals[i] as ShapedArray)),
    ],
    {
      branches: jaxprs,
    },
  );
  let k = 0;
  return [null, ...linear.map((lin) => (lin ? (outs[k++] as Tensor) : null))];
}

/** Rules of `cond`. */
export const condRules: PrimitiveRules<'cond'> = {
  abstractEval: condAval,
  impl: condImpl,
  jvp: condJvp,
  vmap: condVmap,
  transpose: condTranspose,
};
