/**
 * `checkpoint` (rematerialisation): a call of a jaxpr whose intermediates are
 * not saved for the backward pass. Under partial evaluation the known side
 * computes only the known outputs, and the unknown side takes the known
 * *inputs* and recomputes the known part of the split jaxpr from them; the
 * backward pass (`backwardPass` evaluates non-linear equations forward
 * first) therefore recomputes the forward values instead of holding them.
 */
import type { DeviceArray } from '../../core/device-array.js';
import type { Tensor } from '../../core/tensor.js';
import { bind } from '../../core/trace.js';
import { isFloat } from '../../dtype.js';
import { ShapeError } from '../../errors.js';
import { Jaxpr, type JaxprEqn } from '../../jaxpr/jaxpr.js';
import {
  type EqnSplit,
  partialEvalJaxpr,
  registerPartialEvalRule,
} from '../../transforms/partial-eval.js';
import { backwardPass } from '../../transforms/transpose.js';
import { moveAxis, zerosLike } from '../helpers.js';
import type { PrimitiveRules } from '../rules.js';
import type { Params } from '../spec.js';
import { evalOwned } from './eager.js';
import {
  batchJaxpr,
  indicesOf,
  isLinear,
  jvpJaxpr,
  pruneJaxpr,
  sameType,
  selectInputs,
} from './sub-jaxprs.js';

type CheckpointParams = Params<'checkpoint'>;

function checkpointPartialEval(eqn: JaxprEqn, inUnknowns: boolean[]): EqnSplit {
  const { jaxpr } = eqn.params as CheckpointParams;
  const split = partialEvalJaxpr(jaxpr, inUnknowns, false);
  const outUk = split.outUnknowns;
  const known: JaxprEqn[] = [];
  if (outUk.some((u) => !u)) {
    // Known outputs only: the residuals of the split are dropped, not saved.
    const numKnownOuts = outUk.filter((u) => !u).length;
    const knownOnly = pruneJaxpr(
      new Jaxpr(split.known.inBinders, split.known.eqns, split.known.outs.slice(0, numKnownOuts)),
      new Array<boolean>(numKnownOuts).fill(true),
    );
    known.push({
      primitive: 'checkpoint',
      inputs: eqn.inputs.filter((_, i) => !inUnknowns[i]).filter((_, j) => knownOnly.usedInputs[j]),
      params: {
        jaxpr: selectInputs(knownOnly.jaxpr, knownOnly.usedInputs),
      } satisfies CheckpointParams,
      outBinders: eqn.outBinders.filter((_, i) => !outUk[i]),
    });
  }
  // The unknown side recomputes the known part (its residuals) from the known inputs, then runs
  // the unknown part: split, so that transposing it never meets an equation mixing both.
  const { known: k, unknown: u, numResiduals } = split;
  const recompute = pruneJaxpr(
    new Jaxpr([...k.inBinders, ...u.inBinders.slice(numResiduals)], [...k.eqns, ...u.eqns], u.outs),
    u.outs.map(() => true),
  );
  const unknownInputs = [
    ...eqn.inputs.filter((_, i) => !inUnknowns[i]),
    ...eqn.inputs.filter((_, i) => inUnknowns[i]),
  ];
  const unknown: JaxprEqn[] = outUk.some(Boolean)
    ? [
        {
          primitive: 'checkpoint',
          inputs: unknownInputs.filter((_, i) => recompute.usedInputs[i]),
          params: {
            jaxpr: selectInputs(recompute.jaxpr, recompute.usedInputs),
          } satisfies CheckpointParams,
          outBinders: eqn.outBinders.filter((_, i) => outUk[i]),
        },
      ]
    : [];
  return { known, unknown, outUnknowns: outUk };
}

registerPartialEvalRule('checkpoint', checkpointPartialEval);

/** Rules of `checkpoint`. */
export const checkpointRules: PrimitiveRules<'checkpoint'> = {
  abstractEval: (avals, { jaxpr }) => {
    const ins = jaxpr.inAvals;
    if (
      ins.length !== avals.length ||
      ins.some((a, i) => !sameType(a, avals[i] as (typeof avals)[number]))
    ) {
      throw new ShapeError(
        `checkpoint: the function was traced for (${ins.join(', ')}) but got (${avals.join(', ')})`,
      );
    }
    return jaxpr.outAvals;
  },
  impl: (args: DeviceArray[], { jaxpr }) => evalOwned(jaxpr, args),
  jvp: (primals, tangents, { jaxpr }) => {
    const nonzero = primals.map((p, i) => tangents[i] != null && isFloat(p.dtype));
    const { closed, outFlags } = jvpJaxpr(jaxpr, nonzero, []);
    const outs = bind(
      'checkpoint',
      [
        ...closed.consts,
        ...primals,
        ...indicesOf(nonzero).map((i) => tangents[i] ?? zerosLike(primals[i] as Tensor)),
      ],
      {
        jaxpr: closed.jaxpr,
      },
    );
    const numOuts = outFlags.length;
    let k = numOuts;
    return [outs.slice(0, numOuts), outFlags.map((nz) => (nz ? (outs[k++] as Tensor) : null))];
  },
  vmap: (args, dims, { jaxpr }, axisSize) => {
    const { closed, outFlags } = batchJaxpr(
      jaxpr,
      axisSize,
      dims.map((d) => d != null),
      [],
    );
    const moved = args.map((a, i) => (dims[i] == null ? a : moveAxis(a, dims[i] as number, 0)));
    const outs = bind('checkpoint', [...closed.consts, ...moved], { jaxpr: closed.jaxpr });
    return [outs, outFlags.map((b) => (b ? 0 : null))];
  },
  transpose: (cts, args, { jaxpr }) => {
    const linearCts = backwardPass(jaxpr, args, cts);
    let k = 0;
    return args.map((a) => (isLinear(a) ? (linearCts[k++] ?? null) : null));
  },
};
