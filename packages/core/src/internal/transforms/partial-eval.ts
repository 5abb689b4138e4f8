/**
 * Partial evaluation of a jaxpr: given which inputs are known, split it into
 * a *known* jaxpr (runs now, also returns residuals) and an *unknown* jaxpr
 * (runs later from residuals and the unknown inputs). `linearize` uses it to
 * separate the primal computation from the linear tangent map.
 */

import { Jaxpr, type JaxprEqn, Var } from '../jaxpr/jaxpr.js';
import type { Primitive } from '../primitives/spec.js';

/** The result of splitting one equation whose inputs are partly unknown. */
export interface EqnSplit {
  /** Equations that run with the known values (may define new residual vars). */
  known: JaxprEqn[];
  /** Equations that need unknown values. */
  unknown: JaxprEqn[];
  /** For each output of the original equation, whether it is unknown. */
  outUnknowns: boolean[];
}

/** A primitive-specific split (control flow, remat); others are unknown as a whole. */
export type PartialEvalRule = (eqn: JaxprEqn, inUnknowns: boolean[]) => EqnSplit;

const rules: Partial<Record<Primitive, PartialEvalRule>> = {};

/** Register the partial-evaluation rule of a higher-order primitive. */
export function registerPartialEvalRule(primitive: Primitive, rule: PartialEvalRule): void {
  rules[primitive] = rule;
}

/** A jaxpr split into known and unknown parts. */
export interface PartialJaxpr {
  /** known inputs → (known outputs…, residuals…) */
  known: Jaxpr;
  /** (residuals…, unknown inputs…) → unknown outputs */
  unknown: Jaxpr;
  /** Per original output: true if computed by `unknown`. */
  outUnknowns: boolean[];
  numResiduals: number;
}

/**
 * Split `jaxpr` given `inUnknowns`. Outputs with `instantiate[i]` are made unknown even when
 * computable now (the unknown jaxpr then returns the value passed as a residual).
 */
export function partialEvalJaxpr(
  jaxpr: Jaxpr,
  inUnknowns: readonly boolean[],
  instantiate: boolean | readonly boolean[],
): PartialJaxpr {
  const unknown = new Set<Var>();
  jaxpr.inBinders.forEach((v, i) => {
    if (inUnknowns[i]) unknown.add(v);
  });
  const knownEqns: JaxprEqn[] = [];
  const unknownEqns: JaxprEqn[] = [];
  for (const eqn of jaxpr.eqns) {
    const unk = eqn.inputs.map((v) => unknown.has(v));
    if (!unk.some(Boolean)) {
      knownEqns.push(eqn);
      continue;
    }
    const rule = rules[eqn.primitive];
    const split = rule
      ? rule(eqn, unk)
      : { known: [], unknown: [eqn], outUnknowns: eqn.outBinders.map(() => true) };
    knownEqns.push(...split.known);
    unknownEqns.push(...split.unknown);
    eqn.outBinders.forEach((v, i) => {
      if (split.outUnknowns[i]) unknown.add(v);
    });
  }

  const outUnknowns = jaxpr.outs.map(
    (v, i) =>
      unknown.has(v) ||
      (typeof instantiate === 'boolean' ? instantiate : (instantiate[i] ?? false)),
  );

  // Residuals: known values the unknown side reads (in first-use order, unique).
  const residuals: Var[] = [];
  const seen = new Set<Var>();
  const need = (v: Var) => {
    if (!unknown.has(v) && !seen.has(v)) {
      seen.add(v);
      residuals.push(v);
    }
  };
  for (const eqn of unknownEqns) eqn.inputs.forEach(need);
  jaxpr.outs.forEach((v, i) => {
    if (outUnknowns[i]) need(v);
  });

  const knownIns = jaxpr.inBinders.filter((_, i) => !inUnknowns[i]);
  const unknownIns = jaxpr.inBinders.filter((_, i) => inUnknowns[i]);
  const knownOuts = jaxpr.outs.filter((_, i) => !outUnknowns[i]);
  const unknownOuts = jaxpr.outs.filter((_, i) => outUnknowns[i]);
  return {
    known: new Jaxpr(knownIns, knownEqns, [...knownOuts, ...residuals]),
    unknown: new Jaxpr([...residuals, ...unknownIns], unknownEqns, unknownOuts),
    outUnknowns,
    numResiduals: residuals.length,
  };
}

/** Fresh variables with the same avals (to give a split equation its own binders). */
export function freshVars(vars: readonly Var[]): Var[] {
  return vars.map((v) => new Var(v.aval));
}
