/**
 * `compile` for `jit`'s fusion pass: a `KernelGraph` of elementwise nodes becomes one map kernel
 * whose body evaluates the DAG per element, reading each input once and writing every output —
 * a chain of elementwise ops costs one dispatch instead of one per op.
 *
 * Node values are exactly what the unfused backend methods would store: the same expressions as
 * `unary`/`binary`/`cast`, f32 and 32-bit integer arithmetic rounding and wrapping per node, and
 * float16 nodes rounded to half precision after each node. Graphs with a `reduce` node, and
 * graphs that would bind more storage buffers than the device allows, are declined (the core
 * then runs them unfused).
 */
import type { CompiledKernel, DType, KernelGraph } from '@tensile/core';
import { collapseDims, contiguousStrides, sizeOf } from '../strided.js';
import { literal } from '../wgsl/dtypes.js';
import { launchMap, mapKernel, stridedOffsets, stridedParams } from '../wgsl/map-kernel.js';
import type { KernelContext } from './context.js';
import { binaryExpression, castExpression, unaryExpression } from './elementwise.js';

/** `code` with its operand placeholders (`x`, or `a`/`b`) replaced by node names. */
function substitute(code: string, names: Record<string, string>): string {
  return code.replace(/\b(x|a|b)\b/g, (name) => names[name] ?? name);
}

/**
 * Compile an elementwise `graph` into a kernel, or `undefined` to decline it.
 *
 * @example
 * const kernel = compile(context, graph);
 * kernel?.([xView], [out]);
 */
export function compile(context: KernelContext, graph: KernelGraph): CompiledKernel | undefined {
  const { shape, inputs, nodes, outputs } = graph;
  const bindings = inputs.length + outputs.length;
  if (bindings > context.queue.device.limits.maxStorageBuffersPerShaderStage) return undefined;
  if (outputs.length === 0) return undefined;
  const dtypes: DType[] = [];
  const uses = new Set<string>(['casts']);
  const lines: string[] = [];
  for (const [k, node] of nodes.entries()) {
    let code: string;
    let dtype: DType;
    switch (node.kind) {
      case 'input': {
        const input = inputs[node.index];
        if (input === undefined) return undefined;
        dtype = input.dtype;
        code = `ld${node.index}(i${node.index})`;
        break;
      }
      case 'const':
        dtype = node.dtype;
        code = literal(dtype, node.value);
        break;
      case 'unary': {
        const argType = dtypes[node.arg] as DType;
        const expression = unaryExpression(node.op, argType);
        if (expression === undefined) return undefined;
        for (const entry of expression.uses ?? []) uses.add(entry);
        dtype = node.dtype;
        code = substitute(expression.code, { x: `n${node.arg}` });
        break;
      }
      case 'binary': {
        const argType = dtypes[node.args[0]] as DType;
        const expression = binaryExpression(node.op, argType);
        if (expression === undefined) return undefined;
        for (const entry of expression.uses ?? []) uses.add(entry);
        dtype = node.dtype;
        code = substitute(expression.code, { a: `n${node.args[0]}`, b: `n${node.args[1]}` });
        break;
      }
      case 'select': {
        const [c, t, f] = node.args;
        dtype = node.dtype;
        const cond = castExpression(dtypes[c] as DType, 'bool', `n${c}`);
        code = `select(${castExpression(dtypes[f] as DType, dtype, `n${f}`)}, ${castExpression(dtypes[t] as DType, dtype, `n${t}`)}, ${cond})`;
        break;
      }
      case 'cast':
        dtype = node.dtype;
        code = castExpression(dtypes[node.arg] as DType, dtype, `n${node.arg}`);
        break;
      default:
        return undefined; // a reduce node: not fused on this backend yet
    }
    if (dtype === 'float16' && node.kind !== 'input') {
      uses.add('f16');
      code = `unpack2x16float(f32_to_f16(${code})).x`;
    }
    dtypes.push(dtype);
    lines.push(`let n${k} = ${code};`);
  }
  const collapsed = collapseDims(shape, [
    ...inputs.map((input) => input.strides),
    contiguousStrides(shape),
  ]);
  const rank = collapsed.shape.length;
  const kernel = mapKernel(`fused:${JSON.stringify(graph)}`, () => ({
    inputs: inputs.map((input) => input.dtype),
    outputs: outputs.map((output) => output.dtype),
    paramWords: rank + inputs.length * (rank + 1),
    uses: [...uses],
    body: [
      stridedOffsets(rank, inputs.length, 4),
      ...lines,
      ...outputs.map((output, j) => `r${j} = n${output.node};`),
    ].join('\n'),
  }));
  const elements = sizeOf(shape);
  return (views, outs) => {
    const buffers = views.map((view) => context.memory.view('compile', view));
    const targets = outs.map((out) => context.memory.output('compile', out));
    const params = stridedParams(
      collapsed.shape,
      views.map((view, k) => ({ offset: view.offset, strides: collapsed.strides[k] as number[] })),
    );
    launchMap(context.queue, kernel, elements, params, buffers, targets);
  };
}
