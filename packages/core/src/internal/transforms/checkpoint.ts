/**
 * `checkpoint` (JAX's `jax.checkpoint` / `remat`): trade compute for memory
 * in reverse mode. Intermediates of the wrapped function are not kept for
 * the backward pass; only its inputs are, and the backward pass recomputes
 * the rest. Gradients are unchanged.
 */
import { bind } from '../core/trace.js';
import { releaseTemporaries, stageFunction } from '../primitives/control-flow/stage-function.js';
import { flatten, unflatten } from '../tree/pytree.js';
import { leafToTensor } from './flat-args.js';

/**
 * `f` with rematerialisation: under `grad`, its intermediate values are recomputed during the
 * backward pass instead of being stored. Arguments and results are pytrees.
 *
 * @example
 * const block = checkpoint((x: Tensor, w: Tensor) => x.matmul(w).tanh().matmul(w).tanh());
 * const g = grad((w) => block(x, w).sum())(w);  // same gradient, less memory
 */
export function checkpoint<Args extends unknown[], Out>(
  f: (...args: Args) => Out,
): (...args: Args) => Out {
  return (...args: Args) => {
    const [leaves, inDef] = flatten(args);
    const flat = leaves.map((l) => leafToTensor('checkpoint', l));
    const staged = stageFunction(
      'checkpoint',
      ((all: Args) => f(...all)) as (...a: never[]) => unknown,
      [inDef],
      flat.map((t) => t.aval),
    );
    const outs = bind('checkpoint', [...staged.consts, ...flat], { jaxpr: staged.jaxpr });
    releaseTemporaries([...flat.filter((t, i) => t !== leaves[i]), ...staged.created]);
    return unflatten<Out>(staged.outDef, outs);
  };
}
