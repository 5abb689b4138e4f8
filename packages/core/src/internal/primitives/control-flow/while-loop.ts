/**
 * `whileLoop`: `(condConsts…, bodyConsts…, init…)` → final carry, running
 * `body` while `cond` (a jaxpr returning a bool scalar) holds.
 *
 * The trip count is data-dependent, so eager evaluation reads the
 * predicate back every iteration (backends with synchronous reads only).
 * Forward mode carries tangents through the body (the predicate sees only
 * primals). Under `vmap` with a batched predicate the loop runs while any
 * example is still going, and finished examples keep their carry through a
 * `select`. Reverse mode is not defined (JAX's rule): partial evaluation
 * keeps the known part of the loop, and transposing the rest raises an error
 * that points to `scan` / `foriLoop` with static bounds.
 */
import type { ShapedArray } from '../../aval.js';
import type { DeviceArray } from '../../core/device-array.js';
import type { Tensor } from '../../core/tensor.js';
import { bind } from '../../core/trace.js';
import { isFloat } from '../../dtype.js';
import { DTypeError, ShapeError, TensileError } from '../../errors.js';
import { Jaxpr, type JaxprEqn, Var } from '../../jaxpr/jaxpr.js';
import { stageFlat } from '../../jaxpr/staging.js';
import * as lax from '../../lax/primitive-ops.js';
import { closeScope, type Disposable, openScope } from '../../memory.js';
import {
  type EqnSplit,
  freshVars,
  type PartialJaxpr,
  partialEvalJaxpr,
  registerPartialEvalRule,
} from '../../transforms/partial-eval.js';
import { vmapFlat } from '../../transforms/vmap.js';
import { batchAt0, moveAxis, zerosLike } from '../helpers.js';
import type { PrimitiveRules } from '../rules.js';
import type { Params } from '../spec.js';
import { evalOwned, readScalar, retainView } from './eager.js';
import {
  batchJaxpr,
  indicesOf,
  jaxprFunction,
  jvpJaxpr,
  pruneJaxpr,
  sameType,
  type TransformedJaxpr,
} from './sub-jaxprs.js';

type WhileParams = Params<'whileLoop'>;

/** Split the flat inputs (or per-input flags) into cond consts, body consts and carry. */
function groups<T>(
  xs: readonly T[],
  { condNumConsts, bodyNumConsts }: WhileParams,
): [T[], T[], T[]] {
  return [
    xs.slice(0, condNumConsts),
    xs.slice(condNumConsts, condNumConsts + bodyNumConsts),
    xs.slice(condNumConsts + bodyNumConsts),
  ];
}

function checkInputs(what: string, jaxpr: Jaxpr, avals: readonly ShapedArray[]): void {
  const ins = jaxpr.inAvals;
  if (ins.length !== avals.length || ins.some((a, i) => !sameType(a, avals[i] as ShapedArray))) {
    throw new ShapeError(
      `whileLoop: the ${what} takes (${ins.join(', ')}) but gets (${avals.join(', ')})`,
    );
  }
}

// ---------------------------------------------------------------- shape rule

function whileAval(avals: ShapedArray[], params: WhileParams): ShapedArray[] {
  const { cond, body } = params;
  const [condConsts, bodyConsts, carry] = groups(avals, params);
  checkInputs('condition', cond, [...condConsts, ...carry]);
  checkInputs('body', body, [...bodyConsts, ...carry]);
  const [pred, ...extra] = cond.outAvals;
  if (!pred || extra.length > 0 || pred.dtype !== 'bool' || pred.ndim !== 0) {
    throw new DTypeError(
      `whileLoop: the condition must return one bool scalar, got (${cond.outAvals.join(', ')})`,
    );
  }
  const outs = body.outAvals;
  if (outs.length !== carry.length || outs.some((o, i) => !sameType(o, carry[i] as ShapedArray))) {
    throw new ShapeError(
      `whileLoop: the body returns (${outs.join(', ')}) for the carry (${carry.join(', ')})`,
    );
  }
  return carry;
}

// ---------------------------------------------------------------- evaluation

function whileImpl(args: DeviceArray[], params: WhileParams): DeviceArray[] {
  whileAval(
    args.map((a) => a.aval),
    params,
  );
  const [condConsts, bodyConsts, init] = groups(args, params);
  const frame = openScope();
  let result: DeviceArray[] = [];
  try {
    let carry = init;
    for (;;) {
      const [pred] = evalOwned(params.cond, [...condConsts, ...carry]) as [DeviceArray];
      const go = readScalar('whileLoop', 'loop condition', pred) !== 0;
      pred.dispose();
      if (!go) break;
      const next = evalOwned(params.body, [...bodyConsts, ...carry]);
      if (carry !== init) for (const c of carry) c.dispose();
      carry = next;
    }
    result = carry === init ? init.map(retainView) : carry;
    return result;
  } finally {
    closeScope(frame, result as Disposable[]);
  }
}

// ---------------------------------------------------------------- jvp

function whileJvp(
  primals: Tensor[],
  tangents: (Tensor | null)[],
  params: WhileParams,
): [Tensor[], (Tensor | null)[]] {
  const { cond, body } = params;
  const [condConsts, bodyConsts, carry] = groups(primals, params);
  const [, bodyConstT, carryT] = groups(tangents, params);
  const bcNz = bodyConsts.map((c, i) => bodyConstT[i] != null && isFloat(c.dtype));
  const carryNz = carry.map((c, i) => carryT[i] != null && isFloat(c.dtype));
  let jvp: TransformedJaxpr;
  for (;;) {
    jvp = jvpJaxpr(body, [...bcNz, ...carryNz], carryNz);
    const grew = jvp.outFlags.map((nz, i) => nz && !carryNz[i]);
    if (!grew.some(Boolean)) break;
    grew.forEach((g, i) => {
      if (g) carryNz[i] = true;
    });
  }
  const { closed } = jvp;
  const nh = closed.consts.length;
  const nbc = bodyConsts.length;
  const nk = carry.length;
  const numBcT = bcNz.filter(Boolean).length;
  const b = closed.jaxpr.inBinders;
  const tangentBinders = b.slice(nh + nbc + nk);
  const jvpBody = new Jaxpr(
    [
      ...b.slice(0, nh + nbc),
      ...tangentBinders.slice(0, numBcT),
      ...b.slice(nh + nbc, nh + nbc + nk),
      ...tangentBinders.slice(numBcT),
    ],
    closed.jaxpr.eqns,
    closed.jaxpr.outs,
  );
  const carryTangentAvals = indicesOf(carryNz).map((i) => (carry[i] as Tensor).aval);
  // The condition ignores the tangents appended to the carry.
  const jvpCond = new Jaxpr(
    [...cond.inBinders, ...carryTangentAvals.map((a) => new Var(a))],
    cond.eqns,
    cond.outs,
  );
  const outs = bind(
    'whileLoop',
    [
      ...condConsts,
      ...closed.consts,
      ...bodyConsts,
      ...indicesOf(bcNz).map((i) => bodyConstT[i] as Tensor),
      ...carry,
      ...indicesOf(carryNz).map((i) => carryT[i] ?? zerosLike(carry[i] as Tensor)),
    ],
    {
      cond: jvpCond,
      body: jvpBody,
      condNumConsts: condConsts.length,
      bodyNumConsts: nh + nbc + numBcT,
    },
  );
  let k = nk;
  return [outs.slice(0, nk), carryNz.map((nz) => (nz ? (outs[k++] as Tensor) : null))];
}

// ---------------------------------------------------------------- vmap

function whileVmap(
  args: Tensor[],
  dims: (number | null)[],
  params: WhileParams,
  axisSize: number,
): [Tensor[], (number | null)[]] {
  const { cond, body } = params;
  const [ccB, bcB, carryB] = groups(
    dims.map((d) => d != null),
    params,
  );
  let batchedBody: TransformedJaxpr;
  for (;;) {
    batchedBody = batchJaxpr(body, axisSize, [...bcB, ...carryB], carryB);
    const grew = batchedBody.outFlags.map((bt, i) => bt && !carryB[i]);
    if (!grew.some(Boolean)) break;
    grew.forEach((g, i) => {
      if (g) carryB[i] = true;
    });
  }
  const batchedCond = batchJaxpr(cond, axisSize, [...ccB, ...carryB], [false]);
  const [condConsts, bodyConsts, carry] = groups(args, params);
  const [ccD, bcD, carryD] = groups(dims, params);
  const toFront = (xs: Tensor[], ds: (number | null)[]) =>
    xs.map((x, i) => (ds[i] == null ? x : moveAxis(x, ds[i] as number, 0)));
  const cc = toFront(condConsts, ccD);
  const bc = toFront(bodyConsts, bcD);

  if (!batchedCond.outFlags[0]) {
    const c = batchedCond.closed;
    const bb = batchedBody.closed;
    const outs = bind(
      'whileLoop',
      [
        ...c.consts,
        ...cc,
        ...bb.consts,
        ...bc,
        ...carry.map((x, i) => (carryB[i] ? batchAt0(x, carryD[i] ?? null, axisSize) : x)),
      ],
      {
        cond: c.jaxpr,
        body: bb.jaxpr,
        condNumConsts: c.consts.length + cc.length,
        bodyNumConsts: bb.consts.length + bc.length,
      },
    );
    return [outs, carryB.map((bt) => (bt ? 0 : null))];
  }

  // Batched predicate: loop while any example continues; finished examples keep their carry.
  const ccDims = ccB.map((bt) => (bt ? 0 : null));
  const bcDims = bcB.map((bt) => (bt ? 0 : null));
  const allCarry = carry.map(() => 0);
  const predicates = (ccArgs: Tensor[], carryArgs: Tensor[]) =>
    vmapFlat(
      jaxprFunction(cond),
      axisSize,
      [...ccArgs, ...carryArgs],
      [...ccDims, ...allCarry],
      [0],
    )[0] as Tensor;
  const ccAvals = cc.map((x) => x.aval);
  const batchedCarry = carry.map((x, i) => batchAt0(x, carryD[i] ?? null, axisSize));
  const carryAvals = batchedCarry.map((x) => x.aval);
  const newCond = stageFlat(
    (...a) => {
      const anyRunning = lax.reduce(
        'or',
        predicates(a.slice(0, cc.length), a.slice(cc.length)),
        [0],
      );
      return [anyRunning];
    },
    [...ccAvals, ...carryAvals],
  );
  const newBody = stageFlat(
    (...a) => {
      const ccArgs = a.slice(0, cc.length);
      const bcArgs = a.slice(cc.length, cc.length + bc.length);
      const old = a.slice(cc.length + bc.length);
      const running = predicates(ccArgs, old);
      const next = vmapFlat(
        jaxprFunction(body),
        axisSize,
        [...bcArgs, ...old],
        [...bcDims, ...allCarry],
        allCarry,
      );
      return next.map((n, i) => {
        const o = old[i] as Tensor;
        return lax.select(lax.broadcastInDim(running, o.shape, [0]), n, o);
      });
    },
    [...ccAvals, ...bc.map((x) => x.aval), ...carryAvals],
  );
  const outs = bind(
    'whileLoop',
    [...newCond.consts, ...cc, ...newBody.consts, ...cc, ...bc, ...batchedCarry],
    {
      cond: newCond.jaxpr,
      body: newBody.jaxpr,
      condNumConsts: newCond.consts.length + cc.length,
      bodyNumConsts: newBody.consts.length + cc.length + bc.length,
    },
  );
  return [outs, outs.map(() => 0)];
}

// ---------------------------------------------------------------- partial evaluation

/**
 * If the predicate only depends on known values, a known loop computes the known carries; the
 * unknown carries come from the whole loop run again later (it recomputes the known part).
 */
function whilePartialEval(eqn: JaxprEqn, inUnknowns: boolean[]): EqnSplit {
  const params = eqn.params as WhileParams;
  const { cond, body } = params;
  const [ccUk, bcUk, carryUk] = groups(inUnknowns, params);
  const allUnknown: EqnSplit = {
    known: [],
    unknown: [eqn],
    outUnknowns: eqn.outBinders.map(() => true),
  };
  if (ccUk.some(Boolean)) return allUnknown;
  let split: PartialJaxpr;
  for (;;) {
    split = partialEvalJaxpr(body, [...bcUk, ...carryUk], carryUk);
    const grew = split.outUnknowns.map((u, i) => u && !carryUk[i]);
    if (!grew.some(Boolean)) break;
    grew.forEach((g, i) => {
      if (g) carryUk[i] = true;
    });
  }
  const condSplit = partialEvalJaxpr(cond, [...ccUk, ...carryUk], false);
  if (condSplit.outUnknowns[0] || carryUk.every(Boolean)) return allUnknown;
  const knownCond = pruneJaxpr(
    new Jaxpr(condSplit.known.inBinders, condSplit.known.eqns, condSplit.known.outs.slice(0, 1)),
    [true],
  ).jaxpr;
  const numKnownOuts = split.known.outs.length - split.numResiduals;
  const knownBody = pruneJaxpr(
    new Jaxpr(split.known.inBinders, split.known.eqns, split.known.outs.slice(0, numKnownOuts)),
    new Array<boolean>(numKnownOuts).fill(true),
  ).jaxpr;
  const bodyUk = [...ccUk, ...bcUk, ...carryUk];
  return {
    known: [
      {
        primitive: 'whileLoop',
        inputs: eqn.inputs.filter((_, i) => !bodyUk[i]),
        params: {
          cond: knownCond,
          body: knownBody,
          condNumConsts: params.condNumConsts,
          bodyNumConsts: bcUk.filter((u) => !u).length,
        } satisfies WhileParams,
        outBinders: eqn.outBinders.filter((_, i) => !carryUk[i]),
      },
    ],
    unknown: [
      {
        ...eqn,
        outBinders: eqn.outBinders.map((v, i) => (carryUk[i] ? v : (freshVars([v])[0] as Var))),
      },
    ],
    outUnknowns: carryUk,
  };
}

registerPartialEvalRule('whileLoop', whilePartialEval);

/** Rules of `whileLoop`. */
export const whileLoopRules: PrimitiveRules<'whileLoop'> = {
  abstractEval: whileAval,
  impl: whileImpl,
  jvp: whileJvp,
  vmap: whileVmap,
  transpose: () => {
    throw new TensileError(
      'whileLoop: reverse-mode differentiation (grad/vjp) through whileLoop is not supported, because its ' +
        'number of iterations is only known at run time; use scan, or foriLoop with static (number) bounds, ' +
        'which lowers to scan',
    );
  },
};
