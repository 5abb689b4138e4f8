/**
 * Constant folding for `jit`: an elementwise equation whose inputs are all
 * constants (`fill` results, possibly reshaped or broadcast) is evaluated once
 * at compile time on the target backend — so the folded value is exactly what
 * the backend would compute — and replaced by a `fill` of the result.
 */

import { ShapedArray } from '../aval.js';
import type { Backend } from '../backend.js';
import { DeviceArray } from '../core/device-array.js';
import { BINARY_OPS, UNARY_OPS } from '../primitives/elementwise.js';
import type { Primitive } from '../primitives/spec.js';
import { implRules } from '../primitives/table.js';
import { Jaxpr, type JaxprEqn, type Var } from './jaxpr.js';

/** Elementwise primitives whose scalar result stands for the whole broadcast output. */
const FOLDABLE = new Set<Primitive>([...UNARY_OPS, ...BINARY_OPS, 'select', 'convertElementType']);

/** Layout-only primitives: a constant stays the same constant. */
const RESHAPING = new Set<Primitive>([
  'broadcastInDim',
  'reshape',
  'transpose',
  'rev',
  'stopGradient',
]);

function fillEqn(out: Var, value: number, backend: string): JaxprEqn {
  const { shape, dtype, weakType } = out.aval;
  return {
    primitive: 'fill',
    inputs: [],
    params: { shape, dtype, weakType, value, backend },
    outBinders: [out],
  };
}

/** Evaluate one elementwise primitive on scalar constants with the backend and read the result. */
function evaluateScalar(backend: Backend, eqn: JaxprEqn, values: number[]): number {
  const args = eqn.inputs.map((v, i) => {
    const aval = new ShapedArray([], v.aval.dtype, v.aval.weakType);
    const x = DeviceArray.empty(backend, aval);
    backend.fill(x.output, values[i] as number);
    return x;
  });
  const impl = implRules[eqn.primitive] as (a: DeviceArray[], p: unknown) => DeviceArray[];
  const [out] = impl(args, eqn.params);
  const value = Number((out as DeviceArray).dataSync()[0]);
  for (const a of [...args, out as DeviceArray]) a.dispose();
  return value;
}

/**
 * Fold constant elementwise computations (only on backends with synchronous reads; others are
 * returned unchanged).
 *
 * @example
 * const folded = foldConstants(jaxpr, getBackend());
 */
export function foldConstants(jaxpr: Jaxpr, backend: Backend): Jaxpr {
  if (!backend.readSync) return jaxpr;
  const constant = new Map<Var, number>();
  let changed = false;
  const eqns = jaxpr.eqns.map((eqn) => {
    if (eqn.primitive === 'fill') {
      constant.set(eqn.outBinders[0] as Var, eqn.params.value as number);
      return eqn;
    }
    const values = eqn.inputs.map((v) => constant.get(v));
    if (eqn.inputs.length === 0 || values.some((v) => v === undefined)) return eqn;
    const out = eqn.outBinders[0] as Var;
    let value: number;
    if (RESHAPING.has(eqn.primitive)) value = values[0] as number;
    else if (FOLDABLE.has(eqn.primitive)) value = evaluateScalar(backend, eqn, values as number[]);
    else return eqn;
    constant.set(out, value);
    changed = true;
    return fillEqn(out, value, backend.name);
  });
  return changed ? new Jaxpr(jaxpr.inBinders, eqns, jaxpr.outs) : jaxpr;
}
