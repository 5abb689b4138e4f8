/**
 * The staging trace: runs a function on abstract tracers and records every
 * primitive into a jaxpr (with "omnistaging": while staging, even ops on
 * constants are recorded). Values from outside the function become constants.
 */
import type { ShapedArray } from '../aval.js';
import type { Tensor } from '../core/tensor.js';
import {
  fullRaise,
  type MainTrace,
  Trace,
  Tracer,
  withDynamicTrace,
  withMainTrace,
} from '../core/trace.js';
import { ConcretizationError } from '../errors.js';
import type { Params, Primitive } from '../primitives/spec.js';
import { abstractEvalRules } from '../primitives/table.js';
import { evalJaxpr } from './eval.js';
import { ClosedJaxpr, Jaxpr, type JaxprEqn, Var } from './jaxpr.js';

/** A placeholder for a value computed by the staged program. */
export class StagingTracer extends Tracer {
  constructor(
    trace: Trace,
    readonly aval: ShapedArray,
  ) {
    super(trace);
  }

  async data(): Promise<never> {
    throw this.concreteError('data');
  }
  dataSync(): never {
    throw this.concreteError('dataSync');
  }
  private concreteError(op: string): Error {
    return new ConcretizationError(
      `${op}: the value of a traced tensor ${this.aval.toString()} is not known while staging (jit, grad, scan…); ` +
        'use lax.cond/np.where instead of JS control flow on tensor values, or mark the argument static',
    );
  }
}

interface PendingEqn {
  primitive: Primitive;
  inputs: StagingTracer[];
  params: unknown;
  outs: StagingTracer[];
}

/** Records equations as the staging trace processes primitives. */
class Builder {
  readonly eqns: PendingEqn[] = [];
  readonly consts = new Map<Tensor, StagingTracer>();
}

class StagingTrace extends Trace {
  private get builder(): Builder {
    return this.main.globalData as Builder;
  }

  pure(x: Tensor): Tensor {
    let t = this.builder.consts.get(x);
    if (!t) {
      t = new StagingTracer(this, x.aval);
      this.builder.consts.set(x, t);
    }
    return t;
  }

  processPrimitive<P extends Primitive>(
    primitive: P,
    tracers: Tensor[],
    params: Params<P>,
  ): Tensor[] {
    if (primitive === 'jit') return evalJaxpr((params as Params<'jit'>).jaxpr, tracers);
    const inputs = tracers as StagingTracer[];
    const outAvals = abstractEvalRules[primitive](
      inputs.map((t) => t.aval),
      params,
    );
    const outs = outAvals.map((a) => new StagingTracer(this, a));
    this.builder.eqns.push({ primitive, inputs, params, outs });
    return [...outs];
  }
}

function toJaxpr(
  builder: Builder,
  inTracers: StagingTracer[],
  outTracers: StagingTracer[],
): ClosedJaxpr {
  const vars = new Map<StagingTracer, Var>();
  const varOf = (t: StagingTracer): Var => {
    let v = vars.get(t);
    if (!v) {
      v = new Var(t.aval);
      vars.set(t, v);
    }
    return v;
  };
  const constValues = [...builder.consts.keys()];
  const constVars = constValues.map((c) => varOf(builder.consts.get(c) as StagingTracer));
  const inVars = inTracers.map(varOf);
  const eqns: JaxprEqn[] = builder.eqns.map((e) => ({
    primitive: e.primitive,
    inputs: e.inputs.map(varOf),
    params: e.params,
    outBinders: e.outs.map(varOf),
  }));
  const outs = outTracers.map(varOf);
  return new ClosedJaxpr(new Jaxpr([...constVars, ...inVars], eqns, outs), constValues);
}

/**
 * Stage `fn` on abstract inputs of `inAvals` into a closed jaxpr; values it closes over become
 * the jaxpr's constants. `fn` takes and returns flat lists of tensors.
 */
export function stageFlat(
  fn: (...args: Tensor[]) => Tensor[],
  inAvals: readonly ShapedArray[],
): ClosedJaxpr {
  const builder = new Builder();
  return withMainTrace(
    (main: MainTrace) => new StagingTrace(main),
    builder,
    (main) =>
      withDynamicTrace(main, () => {
        const inTracers = inAvals.map((a) => new StagingTracer(main.trace, a));
        const outs = fn(...inTracers).map((o) => fullRaise(main.trace, o) as StagingTracer);
        return toJaxpr(builder, inTracers, outs);
      }),
  );
}
