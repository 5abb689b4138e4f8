/**
 * `jit`: stage a function into a jaxpr once per input signature, optimise
 * it, and run it as one program. The cache is keyed by the input tree
 * structure, every leaf's shape/dtype/weak type, the static arguments and the
 * backend. `makeJaxpr` shows the staged program.
 */
import type { ShapedArray } from '../aval.js';
import { DeviceArray } from '../core/device-array.js';
import { Tensor } from '../core/tensor.js';
import { bind, Tracer } from '../core/trace.js';
import { ValueError } from '../errors.js';
import { ClosedJaxpr, type Jaxpr } from '../jaxpr/jaxpr.js';
import { optimize } from '../jaxpr/passes.js';
import { stageFlat } from '../jaxpr/staging.js';
import { closeScope, escapeScopes, openScope } from '../memory.js';
import { releaseExecutables } from '../primitives/control-flow/jit.js';
import { getBackend } from '../registry.js';
import { flatten, type TreeDef, unflatten } from '../tree/pytree.js';
import { flatFunction, flattenTensors } from './flat-args.js';

/** Options of `jit`. */
export interface JitOptions {
  /** Positional arguments that are compile-time constants (part of the cache key, not traced). */
  staticArgnums?: readonly number[];
  /**
   * Positional arguments whose buffers the call may consume (JAX's `donate_argnums`): their
   * tensors are disposed by the call, letting it release or reuse their memory early.
   */
  donateArgnums?: readonly number[];
  /** Name shown in `makeJaxpr` listings and debug messages. */
  name?: string;
  /** Log why each cache miss happened. */
  debug?: boolean;
}

interface CacheEntry {
  key: string;
  parts: string[];
  jaxpr: Jaxpr;
  consts: Tensor[];
  outDef: TreeDef;
}

/** A jitted function: call it like the original. */
export interface JittedFunction<Args extends unknown[], Out> {
  (...args: Args): Out;
  /** The staged (optimised) program for these arguments. */
  lower(...args: Args): ClosedJaxpr;
  /** Number of compiled signatures. */
  readonly cacheSize: number;
  /** Drop every compiled signature (releases captured constants and pooled buffers). */
  clearCache(): void;
  dispose(): void;
  [Symbol.dispose](): void;
}

const globalDebug = { explainCacheMisses: false };

/**
 * Log why `jit` caches miss (for every jitted function).
 *
 * @example
 * setJitDebug(true);
 */
export function setJitDebug(on: boolean): void {
  globalDebug.explainCacheMisses = on;
}

const objectIds = new WeakMap<object, number>();
let nextObjectId = 0;
function staticKey(value: unknown): string {
  if (typeof value === 'function' || (typeof value === 'object' && value !== null)) {
    try {
      if (typeof value !== 'function') return JSON.stringify(value);
    } catch {
      // cyclic: fall back to identity
    }
    let id = objectIds.get(value as object);
    if (id === undefined) {
      id = nextObjectId++;
      objectIds.set(value as object, id);
    }
    return `#${id}`;
  }
  return `${typeof value}:${String(value)}`;
}

function avalKey(a: ShapedArray): string {
  return a.toString();
}

function explainMiss(name: string, parts: string[], entries: CacheEntry[]): void {
  const labels = ['structure', 'shapes/dtypes', 'static args', 'backend'];
  if (entries.length === 0) {
    console.info(`jit(${name}): compiling for the first time (${parts[1]})`);
    return;
  }
  const last = entries[entries.length - 1] as CacheEntry;
  const diffs = parts
    .map((p, i) => (p !== last.parts[i] ? `${labels[i]}: ${last.parts[i]} → ${p}` : undefined))
    .filter(Boolean);
  console.info(`jit(${name}): cache miss, recompiling because ${diffs.join('; ')}`);
}

/**
 * Compile `f` for each new input signature and run it as one staged program.
 *
 * @example
 * const step = jit((params, batch) => {
 *   const [loss, grads] = valueAndGrad(lossFn)(params, batch);
 *   return [loss, tree.map((p, g) => p.sub(g.mul(0.1)), params, [grads])];
 * }, { donateArgnums: [0] });
 */
export function jit<Args extends unknown[] = Tensor[], Out = Tensor>(
  fn: (...args: Args) => Out,
  options: JitOptions = {},
): JittedFunction<Args, Out> {
  const name = options.name ?? (fn.name || 'anonymous');
  const staticSet = new Set(options.staticArgnums ?? []);
  const donateSet = new Set(options.donateArgnums ?? []);
  const cache = new Map<string, CacheEntry>();

  const prepare = (args: Args) => {
    const dynamicIdx = args.map((_, i) => i).filter((i) => !staticSet.has(i));
    for (const i of staticSet) {
      if (i >= args.length)
        throw new ValueError(
          `jit(${name}): staticArgnums ${i} out of range for ${args.length} arguments`,
        );
    }
    const flats = dynamicIdx.map((i) => flattenTensors(`jit(${name})`, args[i]));
    const fromNumber = dynamicIdx.flatMap((i) =>
      flatten(args[i])[0].map((l) => !(l instanceof Tensor)),
    );
    const inDefs = flats.map(([, d]) => d);
    const flatArgs = flats.flatMap(([l]) => l);
    const donated = dynamicIdx.flatMap((i, k) =>
      new Array((inDefs[k] as TreeDef).numLeaves).fill(donateSet.has(i)),
    );
    const backend =
      flatArgs.find((a): a is DeviceArray => a instanceof DeviceArray)?.backend.name ??
      getBackend().name;
    const parts = [
      inDefs.map(String).join('|'),
      flatArgs.map((a) => avalKey(a.aval)).join(','),
      [...staticSet].map((i) => staticKey(args[i])).join(','),
      backend,
    ];
    return { dynamicIdx, inDefs, flatArgs, donated, fromNumber, parts, key: parts.join('§') };
  };

  const compile = (args: Args, p: ReturnType<typeof prepare>): CacheEntry => {
    // Tensors created while tracing are freed afterwards; the cache keeps views of its constants.
    const frame = openScope();
    try {
      return compileInScope(args, p);
    } finally {
      closeScope(frame, []);
    }
  };

  const compileInScope = (args: Args, p: ReturnType<typeof prepare>): CacheEntry => {
    const record: { def?: TreeDef } = {};
    const withStatics = (...dyn: unknown[]) => {
      const full = [...args] as unknown[];
      p.dynamicIdx.forEach((i, k) => {
        full[i] = dyn[k];
      });
      return (fn as (...a: unknown[]) => unknown)(...full);
    };
    const closed = stageFlat(
      flatFunction(`jit(${name})`, withStatics as (...a: never[]) => unknown, p.inDefs, record),
      p.flatArgs.map((a) => a.aval),
    );
    // Constants become leading inputs; the cache owns its own references to concrete ones.
    const consts = closed.consts.map((c) => {
      if (!(c instanceof DeviceArray)) return c;
      const own = DeviceArray.view(c, c.aval, c.strides, c.offset);
      escapeScopes(own);
      return own;
    });
    return {
      key: p.key,
      parts: p.parts,
      jaxpr: optimize(closed.jaxpr, getBackend(p.parts[3])),
      consts,
      outDef: record.def as TreeDef,
    };
  };

  const lookup = (args: Args) => {
    const p = prepare(args);
    let entry = cache.get(p.key);
    if (!entry) {
      if (options.debug || globalDebug.explainCacheMisses)
        explainMiss(name, p.parts, [...cache.values()]);
      entry = compile(args, p);
      // Constants that are tracers of an enclosing transformation are only valid for this call.
      if (!entry.consts.some((c) => c instanceof Tracer)) cache.set(p.key, entry);
    }
    return { p, entry };
  };

  const call = ((...args: Args) => {
    const { p, entry } = lookup(args);
    const donated = [...entry.consts.map(() => false), ...p.donated];
    const outs = bind('jit', [...entry.consts, ...p.flatArgs], {
      jaxpr: entry.jaxpr,
      name,
      donated,
    });
    p.flatArgs.forEach((a, i) => {
      // Donated buffers are consumed; scalars made from JS numbers were temporaries.
      if (p.donated[i] || p.fromNumber[i]) a.dispose();
    });
    return unflatten<Out>(entry.outDef, outs);
  }) as JittedFunction<Args, Out>;

  call.lower = (...args: Args) => {
    const { entry } = lookup(args);
    return new ClosedJaxpr(entry.jaxpr, entry.consts);
  };
  Object.defineProperty(call, 'cacheSize', { get: () => cache.size });
  call.clearCache = () => {
    for (const e of cache.values()) {
      for (const c of e.consts) c.dispose();
      releaseExecutables(e.jaxpr);
    }
    cache.clear();
  };
  call.dispose = call.clearCache;
  call[Symbol.dispose] = call.clearCache;
  return call;
}

/**
 * The staged program of `f` for these arguments, for inspection (`String(jaxpr)` prints it).
 *
 * @example
 * console.log(String(makeJaxpr((x) => x.mul(2).exp())(np.ones([3]))));
 */
export function makeJaxpr<Args extends unknown[] = Tensor[]>(
  fn: (...args: Args) => unknown,
): (...args: Args) => ClosedJaxpr {
  return (...args: Args) => {
    const flats = args.map((a) => flattenTensors('makeJaxpr', a));
    const record: { def?: TreeDef } = {};
    return stageFlat(
      flatFunction(
        'makeJaxpr',
        fn as (...a: never[]) => unknown,
        flats.map(([, d]) => d),
        record,
      ),
      flats.flatMap(([l]) => l.map((x) => x.aval)),
    );
  };
}
