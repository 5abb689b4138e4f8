/**
 * Forward-mode API over pytrees: `jvp` (push tangents forward) and
 * `linearize` (evaluate once, then apply the linear map to many tangents).
 */
import type { Tensor } from '../core/tensor.js';
import { ShapeError } from '../errors.js';
import { closeScope, type Disposable, openScope } from '../memory.js';
import { type TreeDef, unflatten } from '../tree/pytree.js';
import { flatFunction, flattenTensors } from './flat-args.js';
import { jvpFlat } from './jvp.js';
import { applyLinear, linearizeFlat } from './linearize.js';

function flattenPair(op: string, primals: readonly unknown[], tangents: readonly unknown[]) {
  if (primals.length !== tangents.length) {
    throw new ShapeError(`${op}: got ${primals.length} primals but ${tangents.length} tangents`);
  }
  const p = primals.map((x) => flattenTensors(op, x));
  const t = tangents.map((x) => flattenTensors(op, x));
  p.forEach(([pl, pd], i) => {
    const [tl, td] = t[i] as [Tensor[], TreeDef];
    if (!pd.equals(td))
      throw new ShapeError(`${op}: tangent ${i} has structure ${td}, primal has ${pd}`);
    pl.forEach((x, k) => {
      const y = tl[k] as Tensor;
      if (x.shape.join() !== y.shape.join() || x.dtype !== y.dtype) {
        throw new ShapeError(`${op}: tangent ${y.aval} does not match primal ${x.aval}`);
      }
    });
  });
  return {
    inDefs: p.map(([, d]) => d),
    flatP: p.flatMap(([l]) => l),
    flatT: t.flatMap(([l]) => l),
  };
}

/**
 * Jacobian-vector product: returns `[f(...primals), J·tangents]`.
 *
 * @example
 * const [y, dy] = jvp((x) => x.sin(), [x], [np.onesLike(x)]);
 */
export function jvp<Out>(
  fn: (...args: never[]) => Out,
  primals: readonly unknown[],
  tangents: readonly unknown[],
): [Out, Out] {
  const { inDefs, flatP, flatT } = flattenPair('jvp', primals, tangents);
  const record: { def?: TreeDef } = {};
  const frame = openScope();
  const [po, to] = jvpFlat(flatFunction('jvp', fn, inDefs, record), flatP, flatT);
  closeScope(frame, [...po, ...to] as Disposable[]);
  const def = record.def as TreeDef;
  return [unflatten<Out>(def, po), unflatten<Out>(def, to)];
}

/** The linear map returned by `linearize`; dispose it to free its residuals. */
export interface LinearMap<Out> {
  (...tangents: unknown[]): Out;
  dispose(): void;
  [Symbol.dispose](): void;
}

/**
 * Evaluate `f` at `primals` and return its output with the linear map `t ↦ J·t`.
 *
 * @example
 * const [y, fJvp] = linearize((x) => x.exp(), x);
 * const dy = fJvp(np.onesLike(x));
 * fJvp.dispose();
 */
export function linearize<Out>(
  fn: (...args: never[]) => Out,
  ...primals: unknown[]
): [Out, LinearMap<Out>] {
  const p = primals.map((x) => flattenTensors('linearize', x));
  const inDefs = p.map(([, d]) => d);
  const record: { def?: TreeDef } = {};
  const lin = linearizeFlat(
    flatFunction('linearize', fn, inDefs, record),
    p.flatMap(([l]) => l),
  );
  const def = record.def as TreeDef;
  const map = ((...tangents: unknown[]) => {
    const { flatT } = flattenPair('linearize', primals, tangents);
    const withTangent = flatT.filter((_, i) => lin.tangentAvals[i] !== null);
    return unflatten<Out>(def, applyLinear(lin, withTangent));
  }) as LinearMap<Out>;
  map.dispose = () => lin.dispose();
  map[Symbol.dispose] = map.dispose;
  return [unflatten<Out>(def, lin.outs), map];
}
