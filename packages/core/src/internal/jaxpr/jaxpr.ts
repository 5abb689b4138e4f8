/**
 * The staged program representation (JAX's "jaxpr"): typed variables,
 * equations applying one primitive each, inputs and outputs. `jit` compiles
 * it, `linearize` splits it, `vjp` transposes it, and `makeJaxpr` prints it.
 */
import type { ShapedArray } from '../aval.js';
import type { Tensor } from '../core/tensor.js';
import type { Primitive } from '../primitives/spec.js';

let nextVarId = 0;

/** A typed variable of a jaxpr. */
export class Var {
  readonly id = nextVarId++;
  constructor(readonly aval: ShapedArray) {}
}

/** One primitive application: `outBinders = primitive(inputs; params)`. */
export interface JaxprEqn {
  readonly primitive: Primitive;
  readonly inputs: readonly Var[];
  // biome-ignore lint/suspicious/noExplicitAny: params are typed per primitive by `PrimitiveParams`
  readonly params: any;
  readonly outBinders: readonly Var[];
}

/** A staged program with typed inputs and outputs. */
export class Jaxpr {
  constructor(
    readonly inBinders: readonly Var[],
    readonly eqns: readonly JaxprEqn[],
    readonly outs: readonly Var[],
  ) {}

  get inAvals(): ShapedArray[] {
    return this.inBinders.map((v) => v.aval);
  }

  get outAvals(): ShapedArray[] {
    return this.outs.map((v) => v.aval);
  }

  /** Readable listing, e.g. `{ lambda a:f32[3] . let b:f32[3] = exp a in ( b ) }`. */
  toString(): string {
    return printJaxpr(this, '');
  }
}

/** A jaxpr together with values for its leading `consts.length` inputs. */
export class ClosedJaxpr {
  constructor(
    readonly jaxpr: Jaxpr,
    readonly consts: readonly Tensor[],
  ) {}

  get inAvals(): ShapedArray[] {
    return this.jaxpr.inAvals.slice(this.consts.length);
  }

  get outAvals(): ShapedArray[] {
    return this.jaxpr.outAvals;
  }

  toString(): string {
    return this.jaxpr.toString();
  }
}

function varName(v: Var, names: Map<Var, string>): string {
  let n = names.get(v);
  if (n === undefined) {
    let i = names.size;
    n = '';
    do {
      n = String.fromCharCode(97 + (i % 26)) + n;
      i = Math.floor(i / 26) - 1;
    } while (i >= 0);
    names.set(v, n);
  }
  return n;
}

function fmtParam(value: unknown): string {
  if (value instanceof Jaxpr) return '{jaxpr}';
  if (typeof value === 'function') return '<fn>';
  return JSON.stringify(value, (_k, v) =>
    v instanceof Jaxpr ? '{jaxpr}' : typeof v === 'function' ? '<fn>' : v,
  );
}

function printJaxpr(jaxpr: Jaxpr, indent: string): string {
  const names = new Map<Var, string>();
  const decl = (v: Var) => `${varName(v, names)}:${v.aval.toString()}`;
  const lines = [`${indent}{ lambda ${jaxpr.inBinders.map(decl).join(' ')} . let`];
  for (const eqn of jaxpr.eqns) {
    const params = Object.entries(eqn.params as Record<string, unknown>)
      .map(([k, v]) => `${k}=${fmtParam(v)}`)
      .join(' ');
    lines.push(
      `${indent}    ${eqn.outBinders.map(decl).join(' ')} = ${eqn.primitive}${params ? `[${params}]` : ''} ${eqn.inputs
        .map((v) => varName(v, names))
        .join(' ')}`,
    );
  }
  lines.push(`${indent}  in ( ${jaxpr.outs.map((v) => varName(v, names)).join(' ')} ) }`);
  return lines.join('\n');
}
