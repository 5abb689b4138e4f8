/**
 * `customVjpCall` and `customLin`: a function with a user-defined VJP
 * (`customVjp`). Inputs are `(nonDiff…, args…)` as for `customJvpCall`.
 *
 * Evaluation runs `fun`. The JVP trace runs the user's forward pass
 * (outputs and residuals) and represents the output tangents by
 * `customLin(residuals…, tangents…)`, a linear primitive that cannot be
 * evaluated: its transpose is the user's backward pass. So `grad` (linearize
 * + transpose) uses `bwd`, while forward mode raises a clear error, as in
 * JAX. `vmap` batches `fun`, `fwd` and `bwd`; cotangents of unbatched inputs
 * are summed over the batch.
 */
import type { DeviceArray } from '../../core/device-array.js';
import type { Tensor } from '../../core/tensor.js';
import { bind } from '../../core/trace.js';
import { TensileError, ValueError } from '../../errors.js';
import * as lax from '../../lax/primitive-ops.js';
import { vmapFlat } from '../../transforms/vmap.js';
import { batchAt0, withLeadingAxis, zerosLike } from '../helpers.js';
import type { PrimitiveRules } from '../rules.js';
import type { CustomVjpBackward, CustomVjpForward } from '../spec.js';
import {
  batchCall,
  checkCallInputs,
  rejectNonDiffBatched,
  rejectNonDiffTangents,
} from './custom-jvp.js';
import { evalOwned } from './eager.js';
import { isLinear, tangentAval, zerosOf } from './sub-jaxprs.js';

const allAtZero = (n: number) => new Array<number>(n).fill(0);

/**
 * `bwd` for residuals and output cotangents batched at axis 0: input cotangents come back
 * batched at 0, summed over the batch for inputs that are not batched.
 */
function batchBackward(
  bwd: CustomVjpBackward,
  axisSize: number,
  inputBatched: readonly boolean[],
): CustomVjpBackward {
  return (residuals, cotangents) => {
    const cts = vmapFlat(
      (...a) => bwd(a.slice(0, residuals.length), a.slice(residuals.length)),
      axisSize,
      [...residuals, ...cotangents],
      allAtZero(residuals.length + cotangents.length),
      allAtZero,
    );
    return cts.map((c, i) => (inputBatched[i] ? c : lax.reduce('sum', c, [0])));
  };
}

/** Rules of `customVjpCall`. */
export const customVjpRules: PrimitiveRules<'customVjpCall'> = {
  abstractEval: (avals, { fun }) => {
    checkCallInputs('customVjp', fun, avals);
    return fun.outAvals;
  },
  impl: (args: DeviceArray[], { fun }) =>
    evalOwned(fun.jaxpr, [...(fun.consts as DeviceArray[]), ...args]),
  jvp: (primals, tangents, { fwd, bwd, numNonDiff }) => {
    rejectNonDiffTangents('customVjp', tangents, numNonDiff);
    const ps = primals.slice(numNonDiff);
    const [outs, residuals] = fwd(ps);
    const ts = tangents.slice(numNonDiff).map((t, i) => t ?? zerosLike(ps[i] as Tensor));
    const outTangents = bind('customLin', [...residuals, ...ts], {
      bwd,
      numResiduals: residuals.length,
      outAvals: outs.map((o) => tangentAval(o.aval)),
    });
    return [outs, outTangents];
  },
  vmap: (args, dims, { fun, fwd, bwd, numNonDiff }, axisSize) => {
    rejectNonDiffBatched('customVjp', dims, numNonDiff);
    const batched = batchCall(fun, args, dims, axisSize);
    const diffDims = dims.slice(numNonDiff).map((d) => (d == null ? null : 0));
    const batchedFwd: CustomVjpForward = (ps) => {
      let numOuts = 0;
      const flat = vmapFlat(
        (...a) => {
          const [outs, residuals] = fwd(a);
          numOuts = outs.length;
          return [...outs, ...residuals];
        },
        axisSize,
        ps,
        diffDims,
        allAtZero,
      );
      return [flat.slice(0, numOuts), flat.slice(numOuts)];
    };
    const outs = bind('customVjpCall', batched.args, {
      fun: batched.fun,
      fwd: batchedFwd,
      bwd: batchBackward(
        bwd,
        axisSize,
        diffDims.map((d) => d !== null),
      ),
      numNonDiff,
    });
    return [outs, outs.map(() => 0)];
  },
};

function forwardModeError(): never {
  throw new TensileError(
    'customVjp: forward-mode differentiation (jvp, jacfwd, applying a linearized map) of a customVjp ' +
      'function is not supported; define the derivative with customJvp instead',
  );
}

/** Rules of `customLin`. */
export const customLinRules: PrimitiveRules<'customLin'> = {
  abstractEval: (_avals, { outAvals }) => [...outAvals],
  impl: forwardModeError,
  jvp: forwardModeError,
  vmap: (args, dims, { bwd, numResiduals, outAvals }, axisSize) => {
    const moved = args.map((a, i) => batchAt0(a, dims[i] ?? null, axisSize));
    const outs = bind('customLin', moved, {
      bwd: batchBackward(
        bwd,
        axisSize,
        moved.slice(numResiduals).map(() => true),
      ),
      numResiduals,
      outAvals: outAvals.map((a) => withLeadingAxis(a, axisSize)),
    });
    return [outs, outs.map(() => 0)];
  },
  transpose: (cts, args, { bwd, numResiduals, outAvals }) => {
    const residuals = args.slice(0, numResiduals);
    if (residuals.some(isLinear))
      throw new Error('internal: customLin transpose: a residual is linear');
    const inCts = bwd(
      residuals as Tensor[],
      cts.map((c, i) => c ?? zerosOf(outAvals[i] as (typeof outAvals)[number])),
    );
    const numInputs = args.length - numResiduals;
    if (inCts.length !== numInputs) {
      throw new ValueError(
        `customVjp: bwd returned ${inCts.length} cotangents for ${numInputs} inputs`,
      );
    }
    return [...residuals.map(() => null), ...inCts];
  },
};
