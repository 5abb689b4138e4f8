/**
 * Interpret a jaxpr by binding its equations in order. Under a transform this
 * re-applies the program to tracers (how `jit` inlines under `grad`/`vmap`);
 * on concrete inputs it runs eagerly.
 */
import type { Tensor } from '../core/tensor.js';
import { bind } from '../core/trace.js';
import type { Jaxpr, Var } from './jaxpr.js';

/** Evaluate `jaxpr` on `args` (one per input binder), returning one tensor per output. */
export function evalJaxpr(jaxpr: Jaxpr, args: readonly Tensor[]): Tensor[] {
  const env = new Map<Var, Tensor>();
  jaxpr.inBinders.forEach((v, i) => {
    env.set(v, args[i] as Tensor);
  });
  const read = (v: Var): Tensor => {
    const x = env.get(v);
    if (x === undefined) throw new Error(`internal: unbound jaxpr variable ${v.id}`);
    return x;
  };
  for (const eqn of jaxpr.eqns) {
    const outs = bind(eqn.primitive, eqn.inputs.map(read), eqn.params);
    eqn.outBinders.forEach((v, i) => {
      env.set(v, outs[i] as Tensor);
    });
  }
  return jaxpr.outs.map(read);
}
