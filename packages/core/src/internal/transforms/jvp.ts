/**
 * Forward-mode differentiation: the JVP trace carries a (primal, tangent)
 * pair through every primitive using its `jvp` rule. `null` tangents are
 * symbolic zeros, so values that do not depend on the inputs cost nothing.
 */
import type { ShapedArray } from '../aval.js';
import type { Tensor } from '../core/tensor.js';
import { bind, fullRaise, type MainTrace, Trace, Tracer, withMainTrace } from '../core/trace.js';
import { isFloat } from '../dtype.js';
import { zerosLike } from '../primitives/helpers.js';
import type { Params, Primitive } from '../primitives/spec.js';
import { jvpRules } from '../primitives/table.js';

/** A primal value with its tangent (`null` = zero). */
export class JvpTracer extends Tracer {
  constructor(
    trace: Trace,
    readonly primal: Tensor,
    readonly tangent: Tensor | null,
  ) {
    super(trace);
  }
  get aval(): ShapedArray {
    return this.primal.aval;
  }
  override scopeParts(): readonly Tensor[] {
    return this.tangent ? [this.primal, this.tangent] : [this.primal];
  }
  data(): Promise<never> {
    return this.primal.data() as Promise<never>;
  }
  dataSync(): never {
    return this.primal.dataSync() as never;
  }
}

class JvpTrace extends Trace {
  pure(x: Tensor): Tensor {
    return new JvpTracer(this, x, null);
  }

  processPrimitive<P extends Primitive>(
    primitive: P,
    tracers: Tensor[],
    params: Params<P>,
  ): Tensor[] {
    const primals = tracers.map((t) => (t as JvpTracer).primal);
    const tangents = tracers.map((t) => (t as JvpTracer).tangent);
    if (tangents.every((t) => t === null)) return bind(primitive, primals, params);
    const [primalsOut, tangentsOut] = jvpRules[primitive](primals, tangents, params);
    return primalsOut.map((p, i) => {
      const t = tangentsOut[i] ?? null;
      return new JvpTracer(this, p, t !== null && isFloat(p.dtype) ? t : null);
    });
  }
}

/** Split a value returned from a JVP-traced function into primal and tangent. */
function unpack(main: MainTrace, x: Tensor): [Tensor, Tensor | null] {
  const t = fullRaise(main.trace, x) as JvpTracer;
  return [t.primal, t.tangent];
}

/**
 * JVP of a flat function: `tangents[i]` may be `null` (zero). Returns primal outputs and tangent
 * outputs, with `null` where the tangent is zero unless `instantiate` is set.
 */
export function jvpFlat(
  fn: (...args: Tensor[]) => Tensor[],
  primals: readonly Tensor[],
  tangents: readonly (Tensor | null)[],
  instantiate = true,
): [Tensor[], (Tensor | null)[]] {
  return withMainTrace(
    (main) => new JvpTrace(main),
    undefined,
    (main) => {
      const inTracers = primals.map((p, i) => new JvpTracer(main.trace, p, tangents[i] ?? null));
      const outs = fn(...inTracers).map((o) => unpack(main, o));
      const primalsOut = outs.map(([p]) => p);
      const tangentsOut = outs.map(([p, t]) => (t === null && instantiate ? zerosLike(p) : t));
      return [primalsOut, tangentsOut];
    },
  );
}
