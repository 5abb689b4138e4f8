/**
 * `scan`: a loop of static length over a body jaxpr, `(consts…, carry…, xs…)`
 * → `(carry…, ys…)`, with `xs` sliced and `ys` stacked along axis 0. It is
 * how RNNs and `foriLoop` stay one primitive instead of `length` unrolled
 * copies, and it is fully differentiable in both modes:
 *
 * - jvp: a scan of the body's JVP, with a fixpoint on which carries have tangents;
 * - vmap: a scan of the batched body (batched carries found by fixpoint; xs batched on axis 1);
 * - partial evaluation (for `grad`): a known scan that also emits per-iteration residuals as
 *   extra stacked outputs, and an unknown scan that consumes them; residuals that are known
 *   constants (RNN weights) or computed from them alone are passed as constants, not stacked
 *   `length` times;
 * - transpose: a scan in the opposite direction of the transposed body, accumulating the
 *   cotangents of linear constants in its carry.
 */
import type { ShapedArray } from '../../aval.js';
import type { DeviceArray } from '../../core/device-array.js';
import type { Tensor } from '../../core/tensor.js';
import { bind } from '../../core/trace.js';
import { isFloat } from '../../dtype.js';
import { ShapeError, ValueError } from '../../errors.js';
import { Jaxpr, type JaxprEqn, Var } from '../../jaxpr/jaxpr.js';
import { stageFlat } from '../../jaxpr/staging.js';
import * as lax from '../../lax/primitive-ops.js';
import { closeScope, type Disposable, openScope } from '../../memory.js';
import {
  type EqnSplit,
  type PartialJaxpr,
  partialEvalJaxpr,
  registerPartialEvalRule,
} from '../../transforms/partial-eval.js';
import { backwardPass } from '../../transforms/transpose.js';
import { backendOf, batchAt0, moveAxis, withLeadingAxis, zerosLike } from '../helpers.js';
import type { PrimitiveRules } from '../rules.js';
import { type Params, UndefinedPrimal } from '../spec.js';
import { evalOwned, indexLeading, retainView, stackLeading } from './eager.js';
import {
  batchJaxpr,
  coerceTo,
  indicesOf,
  isLinear,
  jvpJaxpr,
  pruneJaxpr,
  sameType,
  type TransformedJaxpr,
  tangentAval,
  zerosOf,
} from './sub-jaxprs.js';

type ScanParams = Params<'scan'>;

/** Split a scan's flat inputs (or per-input flags) into consts, carry and xs. */
function groups<T>(xs: readonly T[], { numConsts, numCarry }: ScanParams): [T[], T[], T[]] {
  return [
    xs.slice(0, numConsts),
    xs.slice(numConsts, numConsts + numCarry),
    xs.slice(numConsts + numCarry),
  ];
}

/** The aval of one slice along the leading axis. */
function sliceAval(aval: ShapedArray): ShapedArray {
  return aval.with({ shape: aval.shape.slice(1) });
}

// ---------------------------------------------------------------- shape rule

function scanAval(avals: ShapedArray[], params: ScanParams): ShapedArray[] {
  const { body, length, numConsts, numCarry } = params;
  if (!Number.isInteger(length) || length < 0)
    throw new ValueError(`scan: length must be a non-negative integer, got ${length}`);
  if (avals.length !== body.inBinders.length || numConsts + numCarry > avals.length) {
    throw new ValueError(`scan: body takes ${body.inBinders.length} inputs, got ${avals.length}`);
  }
  if (body.outs.length < numCarry)
    throw new ValueError(`scan: body returns ${body.outs.length} values for ${numCarry} carries`);
  const bodyIn = body.inAvals;
  avals.forEach((a, i) => {
    const isX = i >= numConsts + numCarry;
    if (isX && a.shape[0] !== length) {
      throw new ShapeError(
        `scan: xs input ${i - numConsts - numCarry} has shape ${a} but the scan length is ${length}`,
      );
    }
    const expected = bodyIn[i] as ShapedArray;
    if (!sameType(isX ? sliceAval(a) : a, expected)) {
      throw new ShapeError(
        `scan: input ${i} has type ${a} but the body expects ${expected}${isX ? ' per slice' : ''}`,
      );
    }
  });
  const outs = body.outAvals;
  const carry = avals.slice(numConsts, numConsts + numCarry);
  carry.forEach((c, i) => {
    const o = outs[i] as ShapedArray;
    if (!sameType(c, o))
      throw new ShapeError(`scan: carry ${i} enters the body as ${c} but the body returns ${o}`);
  });
  return [...carry, ...outs.slice(numCarry).map((y) => withLeadingAxis(y, length))];
}

// ---------------------------------------------------------------- evaluation

function scanImpl(args: DeviceArray[], params: ScanParams): DeviceArray[] {
  const { body, length, reverse, numCarry } = params;
  const backend = backendOf('scan', args);
  const outAvals = scanAval(
    args.map((a) => a.aval),
    params,
  );
  const [consts, init, xs] = groups(args, params);
  const xAvals = xs.map((x) => sliceAval(x.aval));
  const ys: DeviceArray[][] = outAvals.slice(numCarry).map(() => new Array<DeviceArray>(length));
  const frame = openScope();
  let result: DeviceArray[] = [];
  try {
    let carry = init;
    for (let step = 0; step < length; step++) {
      const i = reverse ? length - 1 - step : step;
      const slices = xs.map((x, k) => indexLeading(x, i, xAvals[k] as ShapedArray));
      const outs = evalOwned(body, [...consts, ...carry, ...slices]);
      for (const s of slices) s.dispose();
      if (carry !== init) for (const c of carry) c.dispose();
      carry = outs.slice(0, numCarry);
      outs.slice(numCarry).forEach((y, k) => {
        (ys[k] as DeviceArray[])[i] = y;
      });
    }
    const finalCarry = carry === init ? init.map(retainView) : carry;
    const stacked = ys.map((pieces, k) =>
      stackLeading(backend, pieces, outAvals[numCarry + k] as ShapedArray),
    );
    result = [...finalCarry, ...stacked];
    return result;
  } finally {
    closeScope(frame, result as Disposable[]);
  }
}

// ---------------------------------------------------------------- jvp

function scanJvp(
  primals: Tensor[],
  tangents: (Tensor | null)[],
  params: ScanParams,
): [Tensor[], (Tensor | null)[]] {
  const { body, numConsts, numCarry } = params;
  const nonzero = primals.map((p, i) => tangents[i] != null && isFloat(p.dtype));
  const [constNz, carryNz, xsNz] = groups(nonzero, params);
  const numYs = body.outs.length - numCarry;
  // Carries whose tangent becomes nonzero after one step must have tangents from the start.
  let jvp: TransformedJaxpr;
  for (;;) {
    jvp = jvpJaxpr(
      body,
      [...constNz, ...carryNz, ...xsNz],
      [...carryNz, ...new Array<boolean>(numYs).fill(false)],
    );
    const grew = jvp.outFlags.slice(0, numCarry).map((nz, i) => nz && !carryNz[i]);
    if (!grew.some(Boolean)) break;
    grew.forEach((g, i) => {
      if (g) carryNz[i] = true;
    });
  }
  const { closed, outFlags } = jvp;
  const n = primals.length;
  const nh = closed.consts.length;
  const binders = closed.jaxpr.inBinders;
  const hoisted = binders.slice(0, nh);
  const primalBinders = groups(binders.slice(nh, nh + n), params);
  const tangentBinders = binders.slice(nh + n);
  const [ctN, ckN] = [constNz, carryNz].map((f) => f.filter(Boolean).length) as [number, number];
  const tC = tangentBinders.slice(0, ctN);
  const tK = tangentBinders.slice(ctN, ctN + ckN);
  const tX = tangentBinders.slice(ctN + ckN);
  const outs = closed.jaxpr.outs;
  const ysTangentCount = outFlags.slice(numCarry).filter(Boolean).length;
  const carryOuts = outs.slice(0, numCarry);
  const yOuts = outs.slice(numCarry, numCarry + numYs);
  const carryTangentOuts = outs.slice(numCarry + numYs, numCarry + numYs + ckN);
  const yTangentOuts = outs.slice(numCarry + numYs + ckN, numCarry + numYs + ckN + ysTangentCount);
  const jvpBody = new Jaxpr(
    [
      ...hoisted,
      ...primalBinders[0],
      ...tC,
      ...primalBinders[1],
      ...tK,
      ...primalBinders[2],
      ...tX,
    ],
    closed.jaxpr.eqns,
    [...carryOuts, ...carryTangentOuts, ...yOuts, ...yTangentOuts],
  );

  const [consts, carry, xs] = groups(primals, params);
  const [constT, carryT, xsT] = groups(tangents, params);
  const pick = (ts: (Tensor | null)[], nz: boolean[], ps: Tensor[]) =>
    indicesOf(nz).map((i) => ts[i] ?? zerosLike(ps[i] as Tensor));
  const results = bind(
    'scan',
    [
      ...closed.consts,
      ...consts,
      ...pick(constT, constNz, consts),
      ...carry,
      ...pick(carryT, carryNz, carry),
      ...xs,
      ...pick(xsT, xsNz, xs),
    ],
    { ...params, body: jvpBody, numConsts: nh + numConsts + ctN, numCarry: numCarry + ckN },
  );
  const carryP = results.slice(0, numCarry);
  const carryTOut = results.slice(numCarry, numCarry + ckN);
  const ysP = results.slice(numCarry + ckN, numCarry + ckN + numYs);
  const ysTOut = results.slice(numCarry + ckN + numYs);
  let k = 0;
  let j = 0;
  return [
    [...carryP, ...ysP],
    [
      ...carryNz.map((nz) => (nz ? (carryTOut[k++] as Tensor) : null)),
      ...outFlags.slice(numCarry).map((nz) => (nz ? (ysTOut[j++] as Tensor) : null)),
    ],
  ];
}

// ---------------------------------------------------------------- vmap

function scanVmap(
  args: Tensor[],
  dims: (number | null)[],
  params: ScanParams,
  axisSize: number,
): [Tensor[], (number | null)[]] {
  const { body, numCarry } = params;
  const batched = dims.map((d) => d !== null);
  const [constB, carryB, xsB] = groups(batched, params);
  const numYs = body.outs.length - numCarry;
  let batchedBody: TransformedJaxpr;
  for (;;) {
    batchedBody = batchJaxpr(
      body,
      axisSize,
      [...constB, ...carryB, ...xsB],
      [...carryB, ...new Array<boolean>(numYs).fill(false)],
    );
    const grew = batchedBody.outFlags.slice(0, numCarry).map((b, i) => b && !carryB[i]);
    if (!grew.some(Boolean)) break;
    grew.forEach((g, i) => {
      if (g) carryB[i] = true;
    });
  }
  const { closed, outFlags } = batchedBody;
  const [consts, carry, xs] = groups(args, params);
  const [constD, carryD, xsD] = groups(dims, params);
  const moved = [
    ...consts.map((c, i) => (constD[i] == null ? c : moveAxis(c, constD[i] as number, 0))),
    ...carry.map((c, i) => (carryB[i] ? batchAt0(c, carryD[i] ?? null, axisSize) : c)),
    // The scan axis stays at 0; the batch axis goes right after it.
    ...xs.map((x, i) => (xsD[i] == null ? x : moveAxis(x, xsD[i] as number, 1))),
  ];
  const outs = bind('scan', [...closed.consts, ...moved], {
    ...params,
    body: closed.jaxpr,
    numConsts: closed.consts.length + params.numConsts,
  });
  return [
    outs,
    [...carryB.map((b) => (b ? 0 : null)), ...outFlags.slice(numCarry).map((b) => (b ? 1 : null))],
  ];
}

// ---------------------------------------------------------------- partial evaluation

/** Variables of a scan body that depend only on its first `numConsts` inputs (the same every iteration). */
function loopInvariantVars(body: Jaxpr, numConsts: number): Set<Var> {
  const invariant = new Set<Var>(body.inBinders.slice(0, numConsts));
  for (const e of body.eqns) {
    if (e.inputs.every((v) => invariant.has(v))) for (const v of e.outBinders) invariant.add(v);
  }
  return invariant;
}

/**
 * Copies of the body equations computing the loop-invariant `targets`, reading `outerConsts`
 * (the scan's inputs for the body's leading const binders) instead of the binders.
 */
function hoistInvariants(
  body: Jaxpr,
  outerConsts: readonly Var[],
  targets: readonly Var[],
): { eqns: JaxprEqn[]; outs: Var[] } {
  const rename = new Map<Var, Var>();
  outerConsts.forEach((v, i) => {
    rename.set(body.inBinders[i] as Var, v);
  });
  const needed = pruneJaxpr(
    new Jaxpr(body.inBinders, body.eqns, targets),
    targets.map(() => true),
  ).jaxpr;
  const eqns = needed.eqns.map((e) => {
    const outBinders = e.outBinders.map((v) => {
      const fresh = new Var(v.aval);
      rename.set(v, fresh);
      return fresh;
    });
    return { ...e, inputs: e.inputs.map((v) => rename.get(v) as Var), outBinders };
  });
  return { eqns, outs: targets.map((v) => rename.get(v) as Var) };
}

function scanPartialEval(eqn: JaxprEqn, inUnknowns: boolean[]): EqnSplit {
  const params = eqn.params as ScanParams;
  const { body, length, numConsts, numCarry } = params;
  const [constUk, carryUk, xsUk] = groups(inUnknowns, params);
  const numYs = body.outs.length - numCarry;
  // A carry is unknown if its initial value is, or if the body makes it unknown after a step.
  let split: PartialJaxpr;
  for (;;) {
    split = partialEvalJaxpr(
      body,
      [...constUk, ...carryUk, ...xsUk],
      [...carryUk, ...new Array<boolean>(numYs).fill(false)],
    );
    const grew = split.outUnknowns.slice(0, numCarry).map((u, i) => u && !carryUk[i]);
    if (!grew.some(Boolean)) break;
    grew.forEach((g, i) => {
      if (g) carryUk[i] = true;
    });
  }
  const bodyUk = [...constUk, ...carryUk, ...xsUk];
  const { known, unknown, outUnknowns, numResiduals } = split;
  const numKnownOuts = known.outs.length - numResiduals;
  const residuals = known.outs.slice(numKnownOuts);

  // Residuals that are known consts or xs of the body are read from the scan's own inputs;
  // residuals computed from known consts alone are computed once, outside the loop; the others
  // are per-iteration values, emitted by the known scan as extra stacked outputs.
  const inputOf = (r: Var) => body.inBinders.indexOf(r);
  const isConstInput = (r: Var) => {
    const i = inputOf(r);
    return i >= 0 && i < numConsts;
  };
  const isXsInput = (r: Var) => inputOf(r) >= numConsts + numCarry;
  const numKnownConsts = constUk.filter((u) => !u).length;
  const invariant = loopInvariantVars(known, numKnownConsts);
  const constRes = residuals.filter(isConstInput);
  const xsRes = residuals.filter(isXsInput);
  const hoistedRes = residuals.filter((r) => invariant.has(r) && !isConstInput(r));
  const stackedRes = residuals.filter(
    (r) => !isConstInput(r) && !isXsInput(r) && !invariant.has(r),
  );
  const stackedVars = stackedRes.map((r) => new Var(withLeadingAxis(r.aval, length)));
  const knownConstInputs = eqn.inputs.slice(0, numConsts).filter((_, i) => !constUk[i]);
  const hoisted = hoistInvariants(known, knownConstInputs, hoistedRes);

  const knownEqns: JaxprEqn[] = [...hoisted.eqns];
  const knownOutBinders = eqn.outBinders.filter((_, i) => !outUnknowns[i]);
  if (knownOutBinders.length + stackedVars.length > 0) {
    knownEqns.push({
      primitive: 'scan',
      inputs: eqn.inputs.filter((_, i) => !bodyUk[i]),
      params: {
        ...params,
        body: new Jaxpr(known.inBinders, known.eqns, [
          ...known.outs.slice(0, numKnownOuts),
          ...stackedRes,
        ]),
        numConsts: constUk.filter((u) => !u).length,
        numCarry: carryUk.filter((u) => !u).length,
      } satisfies ScanParams,
      outBinders: [...knownOutBinders, ...stackedVars],
    });
  }

  const unknownEqns: JaxprEqn[] = [];
  const unknownOutBinders = eqn.outBinders.filter((_, i) => outUnknowns[i]);
  if (unknownOutBinders.length > 0) {
    const ins = groups(unknown.inBinders.slice(numResiduals), {
      ...params,
      numConsts: constUk.filter(Boolean).length,
      numCarry: carryUk.filter(Boolean).length,
    });
    const [outerConsts, outerCarry, outerXs] = groups(
      eqn.inputs.map((v, i) => (bodyUk[i] ? v : null)),
      params,
    ).map((g) => g.filter((v): v is Var => v !== null)) as [Var[], Var[], Var[]];
    const outerOf = (r: Var) => eqn.inputs[inputOf(r)] as Var;
    unknownEqns.push({
      primitive: 'scan',
      inputs: [
        ...constRes.map(outerOf),
        ...hoisted.outs,
        ...outerConsts,
        ...outerCarry,
        ...stackedVars,
        ...xsRes.map(outerOf),
        ...outerXs,
      ],
      params: {
        ...params,
        body: new Jaxpr(
          [...constRes, ...hoistedRes, ...ins[0], ...ins[1], ...stackedRes, ...xsRes, ...ins[2]],
          unknown.eqns,
          unknown.outs,
        ),
        numConsts: constRes.length + hoistedRes.length + ins[0].length,
        numCarry: ins[1].length,
      } satisfies ScanParams,
      outBinders: unknownOutBinders,
    });
  }
  return { known: knownEqns, unknown: unknownEqns, outUnknowns };
}

registerPartialEvalRule('scan', scanPartialEval);

// ---------------------------------------------------------------- transpose

/**
 * Transpose a scan that is linear in its carries, in the constants and xs passed as
 * `UndefinedPrimal`, given the others (residuals) as values.
 */
function scanTranspose(
  cts: (Tensor | null)[],
  args: (Tensor | UndefinedPrimal)[],
  params: ScanParams,
): (Tensor | null)[] {
  const { body, length, reverse, numCarry } = params;
  const [consts, carry, xs] = groups(args, params);
  const bodyIn = body.inAvals;
  const [constAvals, carryAvals, xAvals] = groups(bodyIn, params);
  const constLinear = consts.map(isLinear);
  const xsLinear = xs.map(isLinear);
  const resConsts = consts.filter((c): c is Tensor => !isLinear(c));
  const resXs = xs.filter((x): x is Tensor => !isLinear(x));
  const linConstAvals = constAvals.filter((_, i) => constLinear[i]).map(tangentAval);
  const linXAvals = xAvals.filter((_, i) => xsLinear[i]).map(tangentAval);
  const carryCtAvals = carryAvals.map(tangentAval);
  const yAvals = body.outAvals.slice(numCarry);

  // Transposed body: (resConsts…; ctConstAcc…, ctCarry…; ctY…, resX…) → (ctConstAcc…, ctCarry…; ctX…).
  const nRC = resConsts.length;
  const nLC = linConstAvals.length;
  const transposed = stageFlat(
    (...a) => {
      const rc = a.slice(0, nRC);
      const acc = a.slice(nRC, nRC + nLC);
      const ctCarry = a.slice(nRC + nLC, nRC + nLC + numCarry);
      const ctY = a.slice(nRC + nLC + numCarry, nRC + nLC + numCarry + yAvals.length);
      const rx = a.slice(nRC + nLC + numCarry + yAvals.length);
      let r = 0;
      let s = 0;
      const bodyArgs = [
        ...constAvals.map((av, i) =>
          constLinear[i] ? new UndefinedPrimal(av) : (rc[r++] as Tensor),
        ),
        ...carryAvals.map((av) => new UndefinedPrimal(av)),
        ...xAvals.map((av, i) => (xsLinear[i] ? new UndefinedPrimal(av) : (rx[s++] as Tensor))),
      ];
      const ctIn = backwardPass(body, bodyArgs, [...ctCarry, ...ctY]);
      const ctConsts = ctIn.slice(0, nLC);
      const ctInit = ctIn.slice(nLC, nLC + numCarry);
      const ctXs = ctIn.slice(nLC + numCarry);
      return [
        ...acc.map((sum, i) => {
          const ct = ctConsts[i];
          return ct
            ? coerceTo('scan transpose', lax.add(sum, ct), linConstAvals[i] as ShapedArray)
            : sum;
        }),
        ...ctInit.map((ct, i) =>
          coerceTo(
            'scan transpose',
            ct ?? zerosOf(carryCtAvals[i] as ShapedArray),
            carryCtAvals[i] as ShapedArray,
          ),
        ),
        ...ctXs.map((ct, i) => ct ?? zerosOf(linXAvals[i] as ShapedArray)),
      ];
    },
    [
      ...constAvals.filter((_, i) => !constLinear[i]),
      ...linConstAvals,
      ...carryCtAvals,
      ...yAvals.map(tangentAval),
      ...xAvals.filter((_, i) => !xsLinear[i]),
    ],
  );

  const ctCarry = cts
    .slice(0, numCarry)
    .map((c, i) => c ?? zerosOf(carryCtAvals[i] as ShapedArray));
  const ctYs = cts
    .slice(numCarry)
    .map((c, j) => c ?? zerosOf(withLeadingAxis(tangentAval(yAvals[j] as ShapedArray), length)));
  const outs = bind(
    'scan',
    [
      ...transposed.consts,
      ...resConsts,
      ...linConstAvals.map(zerosOf),
      ...ctCarry,
      ...ctYs,
      ...resXs,
    ],
    {
      body: transposed.jaxpr,
      length,
      reverse: !reverse,
      numConsts: transposed.consts.length + nRC,
      numCarry: nLC + numCarry,
    },
  );
  let c = 0;
  let x = nLC + numCarry;
  return [
    ...constLinear.map((lin) => (lin ? (outs[c++] as Tensor) : null)),
    ...carry.map((init, i) => (isLinear(init) ? (outs[nLC + i] as Tensor) : null)),
    ...xsLinear.map((lin) => (lin ? (outs[x++] as Tensor) : null)),
  ];
}

/** Rules of `scan`. */
export const scanRules: PrimitiveRules<'scan'> = {
  abstractEval: scanAval,
  impl: scanImpl,
  jvp: scanJvp,
  vmap: scanVmap,
  transpose: scanTranspose,
};
