/**
 * Runs an optimised jaxpr on concrete arrays with a static memory plan:
 * each intermediate is released right after its last use, donated inputs
 * are released after theirs, and the backend is flushed once per call so the
 * whole program is one batched submission.
 */
import type { DeviceArray } from '../core/device-array.js';
import { implRules } from '../primitives/table.js';
import type { Jaxpr, JaxprEqn, Var } from './jaxpr.js';

/** A jaxpr prepared for repeated execution. */
export class Executable {
  /** For each equation, the variables whose last use it is. */
  private readonly releaseAfter: Var[][];
  private readonly slot = new Map<Var, number>();

  constructor(
    readonly jaxpr: Jaxpr,
    /** Per input: may its buffer be released once no longer needed? */
    readonly donated: readonly boolean[],
  ) {
    let n = 0;
    for (const v of jaxpr.inBinders) this.slot.set(v, n++);
    for (const e of jaxpr.eqns) for (const v of e.outBinders) this.slot.set(v, n++);
    const outputs = new Set(jaxpr.outs);
    const lastUse = new Map<Var, number>();
    jaxpr.eqns.forEach((e, i) => {
      for (const v of e.inputs) lastUse.set(v, i);
    });
    this.releaseAfter = jaxpr.eqns.map(() => []);
    const releasable = (v: Var, isInput: boolean, index: number) =>
      !outputs.has(v) && (!isInput || (donated[index] ?? false));
    jaxpr.inBinders.forEach((v, i) => {
      const last = lastUse.get(v);
      if (last !== undefined && releasable(v, true, i)) this.releaseAfter[last]?.push(v);
    });
    jaxpr.eqns.forEach((e, i) => {
      for (const v of e.outBinders) {
        if (!releasable(v, false, 0)) continue;
        const last = lastUse.get(v);
        // Unused outputs (e.g. one of several results) are released right away.
        this.releaseAfter[last ?? i]?.push(v);
      }
    });
  }

  /** Execute on `args` (one per input binder); returns new arrays owned by the caller. */
  run(args: readonly DeviceArray[]): DeviceArray[] {
    const env: (DeviceArray | undefined)[] = new Array(this.slot.size);
    args.forEach((a, i) => {
      env[i] = a;
    });
    const read = (v: Var) => env[this.slot.get(v) as number] as DeviceArray;
    this.jaxpr.eqns.forEach((eqn: JaxprEqn, i) => {
      const impl = implRules[eqn.primitive] as (a: DeviceArray[], p: unknown) => DeviceArray[];
      const outs = impl(eqn.inputs.map(read), eqn.params);
      eqn.outBinders.forEach((v, k) => {
        env[this.slot.get(v) as number] = outs[k];
      });
      for (const v of this.releaseAfter[i] as Var[]) read(v).dispose();
    });
    const results = this.jaxpr.outs.map((v, k) => {
      const x = read(v);
      // An output that is an input, or repeated, gets its own reference.
      const isInput = this.jaxpr.inBinders.includes(v);
      const repeated = this.jaxpr.outs.indexOf(v) !== k;
      return isInput || repeated ? x.materialize() : x;
    });
    for (const backend of new Set([...args, ...results].map((a) => a.backend))) backend.flush();
    return results;
  }
}
