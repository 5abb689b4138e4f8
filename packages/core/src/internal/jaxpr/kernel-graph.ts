/**
 * Lowering a fusion group to the `KernelGraph` a backend compiles: one node
 * per member equation (`stopGradient` and same-dtype conversions are free:
 * they reuse their operand's node, as they are views when run unfused),
 * one `input` node per value read from outside, and a `const` node per scalar
 * constant. The graph depends on the strides of the group's inputs at run
 * time, so it is built when a call first sees them; its JSON is the key of a
 * per-backend cache of compiled kernels, shared by every executable.
 */
import type { Backend, CompiledKernel, KernelGraph, KernelNode } from '../backend.js';
import type { FusedConstant, FusionGroup } from './fusion.js';
import type { JaxprEqn, Var } from './jaxpr.js';

/**
 * The kernel graph of `group` when its inputs have `strides` (one list per `group.inputs`).
 *
 * @example
 * const graph = kernelGraphOf(group, partition.constants, [[1], [0]]);
 * graph.nodes.filter((n) => n.kind === 'const').length; // constants folded into the kernel
 */
export function kernelGraphOf(
  group: FusionGroup,
  constants: ReadonlyMap<Var, FusedConstant>,
  strides: readonly (readonly number[])[],
): KernelGraph {
  const nodes: KernelNode[] = [];
  const nodeOf = new Map<Var, number>();
  const constNodes = new Map<string, number>();
  const add = (node: KernelNode) => nodes.push(node) - 1;
  group.inputs.forEach((v, index) => {
    nodeOf.set(v, add({ kind: 'input', index }));
  });
  const arg = (v: Var): number => {
    const known = nodeOf.get(v);
    if (known !== undefined) return known;
    const c = constants.get(v);
    if (!c) throw new Error(`internal: fused value ${v.id} has no producer`);
    const key = `${c.dtype}:${Object.is(c.value, -0) ? '-0' : c.value}`;
    let node = constNodes.get(key);
    if (node === undefined) {
      node = add({ kind: 'const', value: c.value, dtype: c.dtype });
      constNodes.set(key, node);
    }
    return node;
  };
  for (const eqn of group.eqns) nodeOf.set(eqn.outBinders[0] as Var, nodeFor(eqn, arg, add));
  return {
    shape: group.shape,
    inputs: group.inputs.map((v, i) => ({
      dtype: v.aval.dtype,
      shape: v.aval.shape,
      strides: strides[i] as readonly number[],
    })),
    nodes,
    outputs: group.outputs.map((v) => ({
      node: nodeOf.get(v) as number,
      dtype: v.aval.dtype,
      shape: v.aval.shape,
    })),
  };
}

function nodeFor(
  eqn: JaxprEqn,
  arg: (v: Var) => number,
  add: (node: KernelNode) => number,
): number {
  const dtype = (eqn.outBinders[0] as Var).aval.dtype;
  const [a, b, c] = eqn.inputs as Var[];
  switch (eqn.primitive) {
    case 'stopGradient':
      return arg(a as Var);
    case 'select':
      return add({ kind: 'select', args: [arg(a as Var), arg(b as Var), arg(c as Var)], dtype });
    case 'convertElementType':
      // A conversion to the same dtype is a view unfused: keep reading the operand itself.
      if ((a as Var).aval.dtype === dtype) return arg(a as Var);
      return add({ kind: 'cast', arg: arg(a as Var), dtype });
    case 'reduce':
      return add({
        kind: 'reduce',
        op: eqn.params.op,
        arg: arg(a as Var),
        axes: eqn.params.axes,
        dtype,
      });
    default:
      if (eqn.inputs.length === 1)
        return add({ kind: 'unary', op: eqn.primitive as never, arg: arg(a as Var), dtype });
      return add({
        kind: 'binary',
        op: eqn.primitive as never,
        args: [arg(a as Var), arg(b as Var)],
        dtype,
      });
  }
}

/**
 * A string naming `graph` exactly (JSON, with the numbers JSON cannot spell — NaN, ±Infinity,
 * -0 — written out).
 *
 * @example
 * graphKey(graph) === graphKey(structuredClone(graph)); // true
 */
export function graphKey(graph: KernelGraph): string {
  return JSON.stringify(graph, (_k, v) =>
    typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0))
      ? `#${Object.is(v, -0) ? '-0' : v}`
      : v,
  );
}

const compiled = new WeakMap<Backend, Map<string, CompiledKernel | null>>();

/**
 * The backend's kernel for `graph`, compiled on first request; `undefined` when the backend has
 * no `compile` or declines the graph (remembered, so it is asked once per graph).
 *
 * @example
 * const kernel = compileCached(backend, graph);
 * if (kernel) kernel(inputViews, outputSpecs);
 */
export function compileCached(backend: Backend, graph: KernelGraph): CompiledKernel | undefined {
  if (!backend.compile) return undefined;
  let cache = compiled.get(backend);
  if (!cache) {
    cache = new Map();
    compiled.set(backend, cache);
  }
  const key = graphKey(graph);
  let kernel = cache.get(key);
  if (kernel === undefined) {
    kernel = backend.compile(graph) ?? null;
    cache.set(key, kernel);
  }
  return kernel ?? undefined;
}
