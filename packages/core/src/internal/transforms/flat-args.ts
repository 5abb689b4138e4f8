/**
 * Turning pytree arguments of transformed functions into flat tensor lists
 * and back. JS numbers and booleans among the leaves become weakly typed
 * scalars, as Python scalars do in JAX.
 */
import { Tensor } from '../core/tensor.js';
import { dtypeOfScalar } from '../dtype.js';
import { ValueError } from '../errors.js';
import * as lax from '../lax/primitive-ops.js';
import { getBackend } from '../registry.js';
import { flatten, type TreeDef, unflatten } from '../tree/pytree.js';

/** A leaf as a tensor: tensors as they are, numbers/booleans as weak scalars. */
export function leafToTensor(op: string, x: unknown): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x === 'number' || typeof x === 'boolean') {
    const dtype = dtypeOfScalar(x);
    return lax.full([], Number(x), dtype, dtype !== 'bool', getBackend().name);
  }
  throw new ValueError(
    `${op}: expected tensors (or numbers) as leaves, got ${typeof x === 'object' ? x?.constructor?.name : typeof x}`,
  );
}

/** Flatten a pytree into tensors. */
export function flattenTensors(op: string, tree: unknown): [Tensor[], TreeDef] {
  const [leaves, def] = flatten(tree);
  return [leaves.map((l) => leafToTensor(op, l)), def];
}

/**
 * Wrap a pytree function as a flat one: `(...flatArgs) => flatOuts`, recording the output
 * structure in `out.def` after each call.
 */
export function flatFunction(
  op: string,
  fn: (...args: never[]) => unknown,
  inDefs: readonly TreeDef[],
  out: { def?: TreeDef },
): (...flat: Tensor[]) => Tensor[] {
  return (...flat: Tensor[]) => {
    let k = 0;
    const args = inDefs.map((d) => {
      const n = d.numLeaves;
      const part = flat.slice(k, k + n);
      k += n;
      return unflatten(d, part);
    });
    const result = (fn as (...a: unknown[]) => unknown)(...args);
    const [outs, def] = flattenTensors(op, result);
    out.def = def;
    return outs;
  };
}
