/**
 * Running sub-jaxprs on concrete arrays, for the `impl` rules of the
 * higher-order primitives: each evaluation gets its own memory scope (so
 * a loop frees its per-iteration intermediates) and returns outputs the
 * caller owns outright, even when the jaxpr just forwards an input.
 */
import type { ShapedArray } from '../../aval.js';
import type { Backend } from '../../backend.js';
import { DeviceArray } from '../../core/device-array.js';
import { ConcretizationError } from '../../errors.js';
import { evalJaxpr } from '../../jaxpr/eval.js';
import type { Jaxpr } from '../../jaxpr/jaxpr.js';
import * as lax from '../../lax/primitive-ops.js';
import { closeScope, type Disposable, openScope } from '../../memory.js';

/** A new array object over `x`'s storage (so its owner can dispose it independently). */
export function retainView(x: DeviceArray): DeviceArray {
  return DeviceArray.view(x, x.aval, x.strides, x.offset);
}

/**
 * Run `fn` in a fresh memory scope: everything it creates is freed except its result, which
 * moves to the enclosing scope. On error, everything is freed.
 */
export function inScope<T extends DeviceArray[]>(fn: () => T): T {
  const frame = openScope();
  let result: T | undefined;
  try {
    result = fn();
    return result;
  } finally {
    closeScope(frame, (result ?? []) as Disposable[]);
  }
}

/**
 * Evaluate `jaxpr` on concrete `args`, freeing its intermediates. Every output is a distinct array
 * created here (inputs passed through and repeated outputs become new views).
 */
export function evalOwned(jaxpr: Jaxpr, args: readonly DeviceArray[]): DeviceArray[] {
  const frame = openScope();
  let outs: DeviceArray[] = [];
  try {
    const seen = new Set<DeviceArray>();
    outs = (evalJaxpr(jaxpr, args) as DeviceArray[]).map((o) => {
      if (frame.has(o) && !seen.has(o)) {
        seen.add(o);
        return o;
      }
      return retainView(o);
    });
    return outs;
  } finally {
    closeScope(frame, outs);
  }
}

/** `x[i]` along the leading axis, as a zero-copy view. */
export function indexLeading(x: DeviceArray, i: number, aval: ShapedArray): DeviceArray {
  return DeviceArray.view(x, aval, x.strides.slice(1), x.offset + i * (x.strides[0] as number));
}

/** Stack same-shaped arrays along a new leading axis into an array of `aval` (`[n, ...]`). */
export function stackLeading(
  backend: Backend,
  pieces: readonly DeviceArray[],
  aval: ShapedArray,
): DeviceArray {
  if (pieces.length === 0) return DeviceArray.empty(backend, aval);
  const rows = pieces.map((p) =>
    DeviceArray.view(p, aval.with({ shape: [1, ...p.shape] }), [0, ...p.strides], p.offset),
  );
  const out = lax.concatenate(rows, 0) as DeviceArray;
  for (const r of rows) if (r !== out) r.dispose();
  return out;
}

/** The value of a concrete scalar, read synchronously (`what` names it in the error). */
export function readScalar(op: string, what: string, x: DeviceArray): number {
  if (!x.backend.readSync) {
    throw new ConcretizationError(
      `${op}: backend '${x.backend.name}' cannot read the ${what} synchronously, which eager ${op} needs; ` +
        'use a backend with synchronous reads (cpu) or scan/foriLoop with static bounds',
    );
  }
  return Number((x.dataSync() as ArrayLike<number>)[0]);
}
