/**
 * Staging the user's pytree functions (loop bodies, branches, custom
 * derivative functions, checkpointed functions) into the open jaxprs that
 * higher-order primitives hold. Values the function closes over become the
 * jaxpr's leading inputs (`consts`), passed explicitly when binding, so every
 * transformation sees them. Concrete arrays created while tracing (e.g. by
 * `np.array` in the body) are owned here and released after an eager call.
 */
import type { ShapedArray } from '../../aval.js';
import { DeviceArray } from '../../core/device-array.js';
import type { Tensor } from '../../core/tensor.js';
import { isTracing } from '../../core/trace.js';
import type { Jaxpr } from '../../jaxpr/jaxpr.js';
import { stageFlat } from '../../jaxpr/staging.js';
import { closeScope, type Disposable, openScope } from '../../memory.js';
import { flatFunction } from '../../transforms/flat-args.js';
import type { TreeDef } from '../../tree/pytree.js';

/** A pytree function staged on abstract inputs. */
export interface StagedFunction {
  /** Takes `(consts…, input leaves…)`. */
  jaxpr: Jaxpr;
  /** Values the function closed over. */
  consts: Tensor[];
  /** Structure of the function's result. */
  outDef: TreeDef;
  /** Constants created while tracing, to release once the primitive has run eagerly. */
  created: Tensor[];
}

/**
 * Stage `fn` (taking one pytree per `inDefs` entry) on leaves of `inAvals`; `mapOuts` may adjust
 * the flat outputs (e.g. weak types) before they are recorded.
 */
export function stageFunction(
  op: string,
  fn: (...args: never[]) => unknown,
  inDefs: readonly TreeDef[],
  inAvals: readonly ShapedArray[],
  mapOuts: (outs: Tensor[]) => Tensor[] = (outs) => outs,
): StagedFunction {
  const record: { def?: TreeDef } = {};
  const flat = flatFunction(op, fn, inDefs, record);
  const frame = openScope();
  let consts: Tensor[] = [];
  try {
    const closed = stageFlat((...xs) => mapOuts(flat(...xs)), inAvals);
    consts = [...closed.consts];
    const created = consts.filter((c) => frame.has(c as DeviceArray));
    return { jaxpr: closed.jaxpr, consts, outDef: record.def as TreeDef, created };
  } finally {
    closeScope(
      frame,
      consts.filter((c): c is DeviceArray => c instanceof DeviceArray) as Disposable[],
    );
  }
}

/**
 * Dispose concrete tensors made for one call (converted JS numbers, constants created while
 * tracing) once the primitive has run eagerly; under a transformation they may still be
 * referenced by a staged program, so they are left to the enclosing scope.
 */
export function releaseTemporaries(temporaries: readonly Tensor[]): void {
  if (isTracing()) return;
  for (const t of temporaries) t.dispose();
}
