/**
 * `compile` on the CPU backend's Wasm path: which fused kernels may run, and the Wasm SIMD code
 * generator for float32 elementwise graphs.
 *
 * On this path a jitted program run op by op uses the Wasm SIMD kernels for the float32 ops
 * they cover, whose transcendental functions are polynomial approximations rather than the
 * reference's `Math` calls. A fused kernel must compute exactly what the ops would unfused, so:
 * - a float32 elementwise graph whose every op has a Wasm vector form (and would take the Wasm
 *   kernel unfused) becomes one generated Wasm module: the same `vector-math.ts` sequences,
 *   inlined in one loop over the output, four lanes at a time (bit-identical to the unfused
 *   Wasm kernels, with one pass over memory instead of one per op), cut into pieces for the
 *   runtime's threads when large, as the unfused elementwise kernels are;
 * - otherwise, a graph in which no op would be computed differently by a Wasm kernel (integer
 *   and bool ops, comparisons, selects, casts, and the correctly rounded float32 arithmetic that
 *   both paths compute alike) compiles to JavaScript as on the reference path (`compile.ts`);
 * - anything else is declined and runs unfused.
 * `PATH_INDEPENDENT` and the Wasm coverage checks below mirror `wasm/elementwise.ts` and
 * `wasm/reduce.ts`; keep them in step when those kernels cover more.
 */
import type {
  BinaryOp,
  CompiledKernel,
  KernelGraph,
  KernelNode,
  ReduceOp,
  UnaryOp,
} from '@tensile/core';
import { compileKernel, type KernelMemory } from './compile.js';
import { collapseDims, contiguousStrides } from './strided.js';
import type { ModuleBuilder } from './wasm/emitter.js';
import type { WasmRuntime } from './wasm/runtime.js';
import { VECTOR_BINARY, VECTOR_UNARY } from './wasm/vector-math.js';
import { MIN_TASK_ELEMENTS, rowChunks, taskCount } from './wasm/work-split.js';

/** Float32 ops whose Wasm kernels give the reference's results bit for bit (IEEE-exact ops). */
const PATH_INDEPENDENT = new Set<UnaryOp | BinaryOp>([
  'neg',
  'abs',
  'floor',
  'ceil',
  'sqrt',
  'reciprocal',
  'add',
  'sub',
  'mul',
  'div',
  'max',
  'min',
]);

/** Float32 reductions the Wasm kernels run with a different summation order. */
const WASM_REDUCTIONS = new Set<ReduceOp>(['sum']);

/**
 * The fused kernel for `graph` on a backend running the Wasm kernels: generated Wasm SIMD when
 * the whole graph has a vector form, JavaScript when no op would differ between the paths, else
 * `undefined` (run unfused).
 *
 * @example
 * const kernel = compileOnWasmPath(graph, memory, runtime);
 */
export function compileOnWasmPath(
  graph: KernelGraph,
  memory: KernelMemory,
  runtime: WasmRuntime,
): CompiledKernel | undefined {
  const vectorized = compileWasmKernel(graph, memory, runtime);
  if (vectorized) return vectorized;
  return graph.nodes.some((node) => differsOnWasm(graph, node))
    ? undefined
    : compileKernel(graph, memory);
}

/** Would this node, run unfused on the Wasm path, give other bits than the reference kernel? */
function differsOnWasm(graph: KernelGraph, node: KernelNode): boolean {
  const dtypeOf = (k: number) => {
    const n = graph.nodes[k] as KernelNode;
    return n.kind === 'input' ? graph.inputs[n.index]?.dtype : n.dtype;
  };
  switch (node.kind) {
    case 'unary':
      return (
        node.dtype === 'float32' &&
        dtypeOf(node.arg) === 'float32' &&
        VECTOR_UNARY[node.op] !== undefined &&
        !PATH_INDEPENDENT.has(node.op)
      );
    case 'binary':
      return (
        node.dtype === 'float32' &&
        VECTOR_BINARY[node.op] !== undefined &&
        !PATH_INDEPENDENT.has(node.op)
      );
    case 'reduce':
      return node.dtype === 'float32' && WASM_REDUCTIONS.has(node.op);
    default:
      return false;
  }
}

/** How each input is walked by the two-level loop: its row stride and inner step (elements). */
interface RowLayout {
  readonly rows: number;
  readonly length: number;
  readonly rowStrides: readonly number[];
  readonly steps: readonly (0 | 1)[];
}

/**
 * The loop `strides` (one list per operand, all over `shape`) collapse to when it is at most two
 * dims deep with inner steps of 0 or 1 (what the Wasm kernels take), else `undefined`.
 */
function rowLayout(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
): RowLayout | undefined {
  const loop = collapseDims(shape, [...strides, contiguousStrides(shape)]);
  const rank = loop.shape.length;
  if (rank > 2) return undefined;
  const steps = strides.map((_, k) => (rank === 0 ? 0 : (loop.strides[k]?.[rank - 1] as number)));
  if (steps.some((s) => s !== 0 && s !== 1)) return undefined;
  return {
    rows: rank === 2 ? (loop.shape[0] as number) : 1,
    length: rank === 0 ? 1 : (loop.shape[rank - 1] as number),
    rowStrides: strides.map((_, k) => (rank === 2 ? (loop.strides[k]?.[0] as number) : 0)),
    steps: steps as (0 | 1)[],
  };
}

/**
 * Whether every node would take its Wasm kernel unfused: float32 ops with a vector form, each
 * over operand layouts the Wasm kernels accept (an input as given, a constant broadcast, an
 * intermediate contiguous).
 */
function vectorizable(graph: KernelGraph): boolean {
  const { shape, inputs, nodes } = graph;
  const stridesOf = (k: number): readonly number[] => {
    const n = nodes[k] as KernelNode;
    if (n.kind === 'input') return inputs[n.index]?.strides ?? [];
    if (n.kind === 'const') return shape.map(() => 0);
    return contiguousStrides(shape);
  };
  const float = (k: number) => {
    const n = nodes[k] as KernelNode;
    return (n.kind === 'input' ? inputs[n.index]?.dtype : n.dtype) === 'float32';
  };
  return nodes.every((node, k) => {
    switch (node.kind) {
      case 'input':
        return float(k) && inputs[node.index]?.shape.length === shape.length;
      case 'const':
        return node.dtype === 'float32';
      case 'unary':
        return (
          VECTOR_UNARY[node.op] !== undefined &&
          float(k) &&
          float(node.arg) &&
          rowLayout(shape, [stridesOf(node.arg)])?.steps[0] === 1
        );
      case 'binary':
        return (
          VECTOR_BINARY[node.op] !== undefined &&
          float(k) &&
          float(node.args[0]) &&
          float(node.args[1]) &&
          rowLayout(shape, [stridesOf(node.args[0]), stridesOf(node.args[1])]) !== undefined
        );
      default:
        return false;
    }
  });
}

/**
 * One Wasm SIMD module computing a float32 elementwise `graph`, or `undefined` when the graph
 * is not fully vectorizable (see `vectorizable`) or its layout needs more than two loops.
 *
 * @example
 * const kernel = compileWasmKernel(graph, memory, runtime); // tanh(x*2+1)*sigmoid(x): one pass
 */
export function compileWasmKernel(
  graph: KernelGraph,
  memory: KernelMemory,
  runtime: WasmRuntime,
): CompiledKernel | undefined {
  if (graph.outputs.some((o) => o.dtype !== 'float32') || !vectorizable(graph)) return undefined;
  const layout = rowLayout(
    graph.shape,
    graph.inputs.map((input) => input.strides),
  );
  if (layout === undefined) return undefined;
  const empty = graph.shape.some((n) => n === 0);
  const key = `fused:${JSON.stringify(graph, (_k, v) =>
    typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0))
      ? `#${Object.is(v, -0) ? '-0' : v}`
      : v,
  )}`;
  const source = (m: ModuleBuilder) => emitModule(m, graph, layout);
  if (!empty && runtime.exports(key, source) === undefined) return undefined;
  const inputCount = graph.inputs.length;
  const outputCount = graph.outputs.length;
  const expected = graph.inputs.map((input) => input.strides);
  return (inputs, outputs) => {
    if (inputs.length !== inputCount || outputs.length !== outputCount) {
      throw new Error(
        `fused kernel: expected ${inputCount} inputs and ${outputCount} outputs, got ${inputs.length} and ${outputs.length}`,
      );
    }
    const bases = inputs.map((view, i) => {
      const want = expected[i] as readonly number[];
      if (view.strides.length !== want.length || view.strides.some((s, d) => s !== want[d]))
        throw new Error(`fused kernel: input ${i} does not have the strides it was compiled for`);
      const x = memory.view('fused', view);
      return x.data.byteOffset + 4 * x.offset;
    });
    const outs = outputs.map((out) => memory.output('fused', out).data.byteOffset);
    if (empty) return;
    const { rows, length, rowStrides, steps } = layout;
    const parts = taskCount(runtime.threads, rows * length, MIN_TASK_ELEMENTS);
    const tasks = rowChunks(rows, length, parts).map((chunk) => [
      ...bases.map(
        (base, k) =>
          base + 4 * (chunk.row * (rowStrides[k] as number) + chunk.start * (steps[k] as number)),
      ),
      ...outs.map((base) => base + 4 * (chunk.row * length + chunk.start)),
      chunk.rows,
      chunk.length,
    ]);
    runtime.run(key, source, 'run', tasks);
  };
}

/**
 * `run(input pointers…, output pointers…, rows, length)` (byte addresses): for each of `rows`
 * rows (inputs `layout.rowStrides` apart, outputs contiguous), the nodes four lanes at a time
 * over `length` elements, the last partial vector computed whole and stored lane by lane (its
 * loads may read a few bytes past the row: the allocator's slack keeps them inside the memory,
 * and those lanes are never stored). A task is a run of whole rows or a piece of one row.
 */
function emitModule(m: ModuleBuilder, graph: KernelGraph, layout: RowLayout): void {
  const inputCount = graph.inputs.length;
  const f = m.function('run', [
    ...graph.inputs.map(() => 'i32' as const),
    ...graph.outputs.map(() => 'i32' as const),
    'i32',
    'i32',
  ]);
  const base = graph.inputs.map((_, i) => i);
  const out = graph.outputs.map((_, j) => inputCount + j);
  const rows = inputCount + graph.outputs.length;
  const length = rows + 1;
  const at = graph.inputs.map(() => f.local('i32'));
  const row = f.local('i32');
  const i = f.local('i32');
  const splats = graph.inputs.map((_, k) => (layout.steps[k] === 0 ? f.local('v128') : -1));
  const constants = new Map<number, number>();
  graph.nodes.forEach((node, k) => {
    if (node.kind !== 'const') return;
    const local = f.local('v128');
    f.f32x4Const(Math.fround(node.value)).set(local);
    constants.set(k, local);
  });

  /** Emit the nodes for the current vector; returns each node's v128 local. */
  const body = (): number[] => {
    const locals: number[] = [];
    graph.nodes.forEach((node, k) => {
      switch (node.kind) {
        case 'input': {
          const splat = splats[node.index] as number;
          if (splat >= 0) {
            locals[k] = splat;
          } else {
            locals[k] = f.local('v128');
            f.get(at[node.index] as number)
              .v128Load()
              .set(locals[k] as number);
          }
          return;
        }
        case 'const':
          locals[k] = constants.get(k) as number;
          return;
        case 'unary':
          VECTOR_UNARY[node.op]?.(f, locals[node.arg] as number);
          break;
        case 'binary':
          VECTOR_BINARY[node.op]?.(
            f,
            locals[node.args[0]] as number,
            locals[node.args[1]] as number,
          );
          break;
        default:
          throw new Error(`internal: no vector form of a ${node.kind} node`);
      }
      locals[k] = f.local('v128');
      f.set(locals[k] as number);
    });
    return locals;
  };
  const advance = (bytes: (k: number) => number) => {
    graph.inputs.forEach((_, k) => {
      if (layout.steps[k] === 1)
        f.get(at[k] as number)
          .i32Const(bytes(k))
          .i32Add()
          .set(at[k] as number);
    });
  };

  f.i32Const(0).set(row);
  f.loop();
  graph.inputs.forEach((_, k) => {
    f.get(base[k] as number)
      .get(row)
      .i32Const(4 * (layout.rowStrides[k] as number))
      .i32Mul()
      .i32Add()
      .set(at[k] as number);
    if (layout.steps[k] === 0)
      f.get(at[k] as number)
        .v128Load32Splat()
        .set(splats[k] as number);
  });
  // Whole vectors.
  f.i32Const(0).set(i);
  f.block();
  f.loop();
  f.get(i).i32Const(4).i32Add().get(length).i32GtS().brIf(1);
  const locals = body();
  graph.outputs.forEach((o, j) => {
    f.get(out[j] as number)
      .get(locals[o.node] as number)
      .v128Store();
    f.get(out[j] as number)
      .i32Const(16)
      .i32Add()
      .set(out[j] as number);
  });
  advance(() => 16);
  f.get(i).i32Const(4).i32Add().set(i);
  f.br(0);
  f.end();
  f.end();
  // The last 1–3 elements of the row.
  f.get(i).get(length).i32LtS().if();
  const tail = body();
  graph.outputs.forEach((o, j) => {
    for (let lane = 0; lane < 3; lane++) {
      f.get(i).i32Const(lane).i32Add().get(length).i32LtS().if();
      f.get(out[j] as number)
        .get(tail[o.node] as number)
        .v128Store32Lane(lane, 4 * lane);
      f.end();
    }
    f.get(out[j] as number)
      .get(length)
      .get(i)
      .i32Sub()
      .i32Const(2)
      .i32Shl()
      .i32Add()
      .set(out[j] as number);
  });
  f.end();
  f.get(row).i32Const(1).i32Add().tee(row).get(rows).i32LtS().brIf(0);
  f.end();
}
