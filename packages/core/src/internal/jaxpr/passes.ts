/**
 * Jaxpr-to-jaxpr optimisations run by `jit` before execution: dead-code
 * elimination, common-subexpression elimination and constant folding.
 * (Fusion into kernels comes after these, per backend, when the executable is
 * planned: see `fusion.ts`.)
 */
import type { Backend } from '../backend.js';
import { foldConstants } from './constant-folding.js';
import { Jaxpr, type JaxprEqn, type Var } from './jaxpr.js';

/** Drop equations whose outputs are never used (every primitive is pure). */
export function eliminateDeadCode(jaxpr: Jaxpr): Jaxpr {
  const live = new Set<Var>(jaxpr.outs);
  const kept: JaxprEqn[] = [];
  for (let i = jaxpr.eqns.length - 1; i >= 0; i--) {
    const eqn = jaxpr.eqns[i] as JaxprEqn;
    if (eqn.outBinders.some((v) => live.has(v))) {
      kept.push(eqn);
      for (const v of eqn.inputs) live.add(v);
    }
  }
  kept.reverse();
  return kept.length === jaxpr.eqns.length ? jaxpr : new Jaxpr(jaxpr.inBinders, kept, jaxpr.outs);
}

/** A stable key for params made of plain data; `undefined` when params hold jaxprs or functions. */
function paramsKey(params: unknown): string | undefined {
  let plain = true;
  const key = JSON.stringify(params, (_k, v) => {
    if (
      typeof v === 'function' ||
      (typeof v === 'object' &&
        v !== null &&
        !Array.isArray(v) &&
        Object.getPrototypeOf(v) !== Object.prototype)
    ) {
      plain = false;
    }
    return v;
  });
  return plain ? key : undefined;
}

/** Replace repeated identical equations (same primitive, inputs and params) by the first one. */
export function eliminateCommonSubexpressions(jaxpr: Jaxpr): Jaxpr {
  const rename = new Map<Var, Var>();
  const seen = new Map<string, JaxprEqn>();
  const eqns: JaxprEqn[] = [];
  const r = (v: Var) => rename.get(v) ?? v;
  for (const eqn of jaxpr.eqns) {
    const inputs = eqn.inputs.map(r);
    const pk = paramsKey(eqn.params);
    const key =
      pk === undefined ? undefined : `${eqn.primitive}|${inputs.map((v) => v.id).join(',')}|${pk}`;
    const prior = key === undefined ? undefined : seen.get(key);
    if (prior) {
      eqn.outBinders.forEach((v, i) => {
        rename.set(v, prior.outBinders[i] as Var);
      });
      continue;
    }
    const rewritten = { ...eqn, inputs };
    if (key !== undefined) seen.set(key, rewritten);
    eqns.push(rewritten);
  }
  if (rename.size === 0) return jaxpr;
  return new Jaxpr(jaxpr.inBinders, eqns, jaxpr.outs.map(r));
}

/** The passes `jit` applies, in order: CSE, constant folding on `backend`, then DCE. */
export function optimize(jaxpr: Jaxpr, backend: Backend): Jaxpr {
  return eliminateDeadCode(foldConstants(eliminateCommonSubexpressions(jaxpr), backend));
}
