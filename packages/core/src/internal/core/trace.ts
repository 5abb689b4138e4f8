/**
 * The trace stack and `bind`, the single entry point of every primitive.
 *
 * As in JAX (Autodidax), each active transformation owns a `MainTrace` at a
 * level on a stack. `bind` finds the highest-level trace among its inputs
 * (and the dynamic trace, when `jit` is staging), lifts every input into it,
 * and lets that trace process the primitive. Concrete tensors live at level 0
 * and are processed by the eval trace, which runs the backend.
 */
import { TensileError } from '../errors.js';
import { setTracingProbe } from '../memory.js';
import type { Params, Primitive } from '../primitives/spec.js';
import { Tensor } from './tensor.js';

/** A transformation's record on the trace stack. */
export class MainTrace {
  /** The trace object that processes primitives for this main (created once). */
  readonly trace: Trace;
  constructor(
    readonly level: number,
    makeTrace: (main: MainTrace) => Trace,
    /** Transformation-specific data (e.g. the jaxpr builder of a staging trace). */
    readonly globalData?: unknown,
  ) {
    this.trace = makeTrace(this);
  }
}

/** How one transformation interprets primitives applied to its tracers. */
export abstract class Trace {
  constructor(readonly main: MainTrace) {}
  /** Wrap a value from a lower level (or a concrete array) as a tracer of this trace. */
  abstract pure(x: Tensor): Tensor;
  /** Same as `pure` unless a trace needs to tell the two apart. */
  lift(x: Tensor): Tensor {
    return this.pure(x);
  }
  abstract processPrimitive<P extends Primitive>(
    primitive: P,
    tracers: Tensor[],
    params: Params<P>,
  ): Tensor[];
}

/** A value flowing through a transformation: an abstract stand-in for a tensor. */
export abstract class Tracer extends Tensor {
  constructor(readonly _trace: Trace) {
    super();
  }

  get isDisposed(): boolean {
    return false;
  }
  dispose(): void {}
  /** The tensors this tracer carries (kept alive when the tracer leaves a scope). */
  scopeParts(): readonly Tensor[] {
    return [];
  }
}

const stack: MainTrace[] = [];
let dynamic: MainTrace | undefined;
let evalMain: MainTrace | undefined;

/** Install the level-0 trace that runs primitives on backends (called once by the eval trace module). */
export function installEvalTrace(makeTrace: (main: MainTrace) => Trace): void {
  evalMain = new MainTrace(0, makeTrace);
  stack.length = 0;
  stack.push(evalMain);
}

/** Run `fn` with a new transformation on top of the stack. */
export function withMainTrace<T>(
  makeTrace: (main: MainTrace) => Trace,
  globalData: unknown,
  fn: (main: MainTrace) => T,
): T {
  const main = new MainTrace(stack.length, makeTrace, globalData);
  stack.push(main);
  try {
    return fn(main);
  } finally {
    stack.pop();
  }
}

/** Run `fn` with `main` as the dynamic trace: every primitive is staged into it, even on constants. */
export function withDynamicTrace<T>(main: MainTrace, fn: () => T): T {
  const previous = dynamic;
  dynamic = main;
  try {
    return fn();
  } finally {
    dynamic = previous;
  }
}

function levelOf(x: Tensor): number {
  return x._trace ? x._trace.main.level : 0;
}

/** Reject a tracer whose transformation has already finished (it escaped, e.g. into a global). */
function checkLive(x: Tensor): void {
  const t = x._trace;
  if (t && stack[t.main.level] !== t.main) {
    throw new TensileError(
      `a tracer (${x.aval.toString()}) escaped the transformation that created it: it was stored outside the ` +
        'function being transformed (e.g. in a global or closure under jit/grad/vmap); return it instead',
    );
  }
}

/** The trace that must process a primitive applied to `args`. */
export function findTopTrace(args: readonly Tensor[]): Trace {
  let top = evalMain as MainTrace;
  for (const x of args) {
    checkLive(x);
    const t = x._trace;
    if (t && t.main.level > top.level) top = t.main;
  }
  if (dynamic && dynamic.level > top.level) top = dynamic;
  return top.trace;
}

/** Lift `x` into `trace`, rejecting tracers that escaped their transformation. */
export function fullRaise(trace: Trace, x: Tensor): Tensor {
  const t = x._trace;
  if (!t) return trace.main.level === 0 ? x : trace.pure(x);
  if (t.main === trace.main) return x;
  checkLive(x);
  const level = levelOf(x);
  if (level < trace.main.level) return trace.lift(x);
  throw new TensileError(
    `internal: cannot lift a level-${level} tracer into level ${trace.main.level}`,
  );
}

/** Apply `primitive` to `args`, dispatching to the right trace. */
export function bind<P extends Primitive>(
  primitive: P,
  args: readonly Tensor[],
  params: Params<P>,
): Tensor[] {
  const trace = findTopTrace(args);
  const tracers = args.map((a) => fullRaise(trace, a));
  return trace.processPrimitive(primitive, tracers, params);
}

/** `bind` for single-output primitives. */
export function bind1<P extends Primitive>(
  primitive: P,
  args: readonly Tensor[],
  params: Params<P>,
): Tensor {
  return bind(primitive, args, params)[0] as Tensor;
}

/** True while some transformation other than eager evaluation is active. */
export function isTracing(): boolean {
  return stack.length > 1 || dynamic !== undefined;
}

setTracingProbe(isTracing);
