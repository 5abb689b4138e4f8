/**
 * Transposition of linear jaxprs: the backward pass of reverse-mode
 * differentiation. Equations that do not touch linear inputs are evaluated
 * forward first (e.g. recomputation under `checkpoint`); then cotangents
 * flow backward through each linear primitive's `transpose` rule.
 */
import type { Tensor } from '../core/tensor.js';
import { bind } from '../core/trace.js';
import { TensileError } from '../errors.js';
import type { Jaxpr, JaxprEqn, Var } from '../jaxpr/jaxpr.js';
import { addTangents } from '../primitives/helpers.js';
import { UndefinedPrimal } from '../primitives/spec.js';
import { transposeRules } from '../primitives/table.js';

/**
 * Given values for the non-linear inputs (and `UndefinedPrimal` for the linear ones) and
 * cotangents for the outputs (`null` = zero), return the cotangent of each linear input
 * (`null` = zero), in input order.
 */
export function backwardPass(
  jaxpr: Jaxpr,
  args: readonly (Tensor | UndefinedPrimal)[],
  cotangents: readonly (Tensor | null)[],
): (Tensor | null)[] {
  const linear = new Set<Var>();
  const env = new Map<Var, Tensor>();
  jaxpr.inBinders.forEach((v, i) => {
    const a = args[i];
    if (a instanceof UndefinedPrimal) linear.add(v);
    else env.set(v, a as Tensor);
  });

  const linearEqns: JaxprEqn[] = [];
  for (const eqn of jaxpr.eqns) {
    if (eqn.inputs.some((v) => linear.has(v))) {
      linearEqns.push(eqn);
      for (const v of eqn.outBinders) linear.add(v);
    } else {
      const outs = bind(
        eqn.primitive,
        eqn.inputs.map((v) => env.get(v) as Tensor),
        eqn.params,
      );
      eqn.outBinders.forEach((v, i) => {
        env.set(v, outs[i] as Tensor);
      });
    }
  }

  const cts = new Map<Var, Tensor>();
  const addCt = (v: Var, ct: Tensor | null) => {
    if (ct === null || !linear.has(v)) return;
    const prev = cts.get(v);
    cts.set(v, prev ? (addTangents(prev, ct) as Tensor) : ct);
  };
  jaxpr.outs.forEach((v, i) => {
    addCt(v, cotangents[i] ?? null);
  });

  for (let k = linearEqns.length - 1; k >= 0; k--) {
    const eqn = linearEqns[k] as JaxprEqn;
    const ctsOut = eqn.outBinders.map((v) => {
      const ct = cts.get(v) ?? null;
      cts.delete(v);
      return ct;
    });
    if (ctsOut.every((c) => c === null)) continue;
    const rule = transposeRules[eqn.primitive];
    if (!rule) {
      throw new TensileError(
        `cannot transpose '${eqn.primitive}': it is not linear in its differentiated inputs ` +
          '(reverse-mode through it is not supported)',
      );
    }
    const eqnArgs = eqn.inputs.map((v) =>
      linear.has(v) ? new UndefinedPrimal(v.aval) : (env.get(v) as Tensor),
    );
    // biome-ignore lint/suspicious/noExplicitAny: the rule matches eqn.primitive
    const ctsIn = (rule as any)(ctsOut, eqnArgs, eqn.params) as (Tensor | null)[];
    eqn.inputs.forEach((v, i) => {
      addCt(v, ctsIn[i] ?? null);
    });
  }

  return jaxpr.inBinders
    .filter((_, i) => args[i] instanceof UndefinedPrimal)
    .map((v) => cts.get(v) ?? null);
}
