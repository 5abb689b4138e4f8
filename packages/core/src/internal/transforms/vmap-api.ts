/**
 * The `vmap` API over pytrees, with per-argument `inAxes` and per-output
 * `outAxes` as in JAX (`null` = not mapped).
 */
import type { Tensor } from '../core/tensor.js';
import { ShapeError, ValueError } from '../errors.js';
import { closeScope, type Disposable, openScope } from '../memory.js';
import { normalizeAxis } from '../shape.js';
import { flatten, type TreeDef, unflatten } from '../tree/pytree.js';
import { flatFunction, flattenTensors } from './flat-args.js';
import { vmapFlat } from './vmap.js';

/** Options of `vmap`. */
export interface VmapOptions {
  /** Batch axis of each argument (a number, `null`, or a pytree prefix of the argument). Default 0. */
  inAxes?: number | null | readonly unknown[];
  /** Where the batch axis goes in the outputs (a number, `null`, or a pytree prefix). Default 0. */
  outAxes?: number | null | unknown;
  /** The batch size, needed when no argument is mapped. */
  axisSize?: number;
}

/**
 * Expand an axis spec that is a pytree prefix of the structure `def` to one entry per leaf: a
 * number or `null` covers a whole subtree; arrays and objects descend (a missing key means 0).
 */
function broadcastPrefix(spec: unknown, def: TreeDef, what: string): (number | null)[] {
  if (spec === null || typeof spec === 'number') return new Array(def.numLeaves).fill(spec);
  if (Array.isArray(spec) && def.kind === 'array' && spec.length === def.children.length) {
    return spec.flatMap((s, i) => broadcastPrefix(s, def.children[i] as TreeDef, what));
  }
  if (isPlainObject(spec) && def.kind === 'object') {
    return def.keys.flatMap((k, i) =>
      broadcastPrefix(spec[k] === undefined ? 0 : spec[k], def.children[i] as TreeDef, what),
    );
  }
  const [specLeaves, specDef] = flatten(spec);
  if (specDef.equals(def)) return specLeaves as (number | null)[];
  throw new ValueError(`vmap: ${what} ${JSON.stringify(spec)} does not match the structure ${def}`);
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/**
 * Vectorise `f` over a batch axis of its arguments.
 *
 * @example
 * const batchedDot = vmap((a, b) => np.dot(a, b));      // [B,n],[B,n] → [B]
 * const addRow = vmap((row, v) => row.add(v), { inAxes: [0, null] });
 */
export function vmap<Args extends unknown[] = Tensor[]>(
  fn: (...args: Args) => unknown,
  options: VmapOptions = {},
  // biome-ignore lint/suspicious/noExplicitAny: outputs mirror f's pytree
): (...args: Args) => any {
  return (...args: Args) => {
    const inSpec = options.inAxes === undefined ? 0 : options.inAxes;
    const flats = args.map((a) => flattenTensors('vmap', a));
    const inDefs = flats.map(([, d]) => d);
    const specs = Array.isArray(inSpec) ? inSpec : args.map(() => inSpec);
    if (specs.length !== args.length) {
      throw new ValueError(`vmap: inAxes has ${specs.length} entries for ${args.length} arguments`);
    }
    const flatArgs = flats.flatMap(([l]) => l);
    const dims = args.flatMap((_, i) => broadcastPrefix(specs[i], inDefs[i] as TreeDef, 'inAxes'));
    let axisSize = options.axisSize;
    const normDims = dims.map((d, i) => {
      if (d === null) return null;
      const x = flatArgs[i] as Tensor;
      const nd = normalizeAxis('vmap', d, x.ndim);
      const size = x.shape[nd] as number;
      if (axisSize !== undefined && axisSize !== size) {
        throw new ShapeError(`vmap: mapped axes have different sizes (${axisSize} and ${size})`);
      }
      axisSize = size;
      return nd;
    });
    if (axisSize === undefined) throw new ValueError('vmap: no argument is mapped; pass axisSize');
    const record: { def?: TreeDef } = {};
    const frame = openScope();
    const outSpec = options.outAxes === undefined ? 0 : options.outAxes;
    const outs = vmapFlat(
      flatFunction('vmap', fn, inDefs, record),
      axisSize,
      flatArgs,
      normDims,
      () => broadcastPrefix(outSpec, record.def as TreeDef, 'outAxes'),
    );
    closeScope(frame, outs as Disposable[]);
    return unflatten(record.def as TreeDef, outs);
  };
}
