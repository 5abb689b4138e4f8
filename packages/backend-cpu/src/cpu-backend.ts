/**
 * The CPU backend object: wires `CpuMemory` to the kernels behind the core's `Backend` contract.
 *
 * Every compute method runs at once (there is nothing to batch), so `flush` does nothing and
 * `sync` resolves immediately. Methods resolve their `StridedView`/`OutputSpec` handles through
 * the memory (checking dtypes and bounds) and hand typed arrays to the kernels. With
 * `kernels: 'wasm'` (the default where the engine has Wasm SIMD) the heavy float32 ops first try
 * the generated Wasm SIMD kernels, which decline what they do not cover; everything else, and
 * every op under `kernels: 'reference'`, runs the TypedArray kernels.
 *
 * With `threads` > 1 (the default where the memory can be shared) the Wasm kernels split large
 * matmuls, convolutions, elementwise ops, reductions and pooling over worker threads that share
 * the memory; each method still returns only once its result is complete, and results are
 * bit-identical to one thread's. `dispose` stops the threads.
 */
import type { Backend, BackendCapabilities } from '@tensile/core';
import { compileKernel } from './compile.js';
import { compileOnWasmPath } from './compile-wasm.js';
import { conv } from './conv.js';
import { cumulative } from './cumulative.js';
import { dotGeneral } from './dot.js';
import { binary, cast, copy, select, unary } from './elementwise.js';
import { fill, iota } from './fill.js';
import { gather, scatterAdd } from './gather.js';
import { CpuMemory } from './memory.js';
import { argReduce, reduce } from './reduce.js';
import { sort } from './sort.js';
import { threefry2x32 } from './threefry.js';
import { wasmConv } from './wasm/conv.js';
import { wasmDotGeneral } from './wasm/dot.js';
import { wasmBinary, wasmUnary } from './wasm/elementwise.js';
import { wasmReduce } from './wasm/reduce.js';
import { detectWasmFeatures, WasmRuntime } from './wasm/runtime.js';
import { wasmReduceWindow } from './wasm/window.js';
import { canStartWorkers, hardwareConcurrency } from './wasm/workers.js';
import { reduceWindow } from './window.js';

/**
 * The CPU backend: a `Backend` whose memory the host reads synchronously, plus buffer
 * accounting for leak checks.
 *
 * @example
 * const backend = createCpuBackend();
 * const id = backend.alloc(16);
 * backend.free(id);
 * backend.stats(); // { buffers: 0, bytes: 0 }
 */
export interface CpuBackend extends Backend {
  readonly capabilities: CpuCapabilities;
  /** Threads the kernels use, the calling one included (1: single-threaded). */
  readonly threads: number;
  /** Live buffers and their total bytes. */
  stats(): { buffers: number; bytes: number };
  /**
   * Free every buffer and stop the worker threads; resolves once the threads have exited. The
   * backend stays usable (with fresh buffers; a later large op starts new threads).
   */
  dispose(): Promise<void>;
}

/**
 * What a CPU backend can do: the core's capabilities plus the threads its kernels use.
 *
 * @example
 * createCpuBackend({ threads: 4 }).capabilities.threads; // 4 in Node; 1 on a page that is not cross-origin isolated
 */
export interface CpuCapabilities extends BackendCapabilities {
  /** Threads the kernels use, the calling one included (1: single-threaded). */
  readonly threads: number;
}

/**
 * Options of `createCpuBackend`.
 *
 * @example
 * const reference = createCpuBackend({ name: 'cpu-reference', kernels: 'reference' });
 */
export interface CpuBackendOptions {
  /** Registry name; defaults to `'cpu'` (give a second instance another name). */
  readonly name?: string;
  /**
   * Which kernels run: `'wasm'` uses the generated Wasm SIMD kernels for the ops they cover
   * (float32 matmul, convolution, pooling, reductions, elementwise) and the TypedArray kernels for
   * the rest; `'reference'` forces the TypedArray kernels everywhere. Defaults to `'wasm'` where
   * the engine validates Wasm SIMD, else `'reference'`; asking for `'wasm'` without it throws.
   */
  readonly kernels?: 'wasm' | 'reference';
  /**
   * Use relaxed SIMD's fused multiply-add in matmul and convolution. Defaults to whether the
   * engine validates `f32x4.relaxed_madd` (Node 20 needs `--experimental-wasm-relaxed-simd`);
   * asking for it without engine support throws.
   */
  readonly relaxedSimd?: boolean;
  /**
   * Create the Wasm memory `shared` (backed by a `SharedArrayBuffer`, so worker threads can use
   * it). Defaults to whether the engine allows it: always in Node, in browsers only on
   * cross-origin-isolated pages.
   */
  readonly sharedMemory?: boolean;
  /**
   * Threads the Wasm kernels may split large work over, the calling thread included (1: no
   * worker threads). Defaults to the host's logical cores (`os.availableParallelism()` in Node,
   * `navigator.hardwareConcurrency` in browsers). Threads need a shared memory and Wasm kernels:
   * without them (a page that is not cross-origin isolated, `sharedMemory: false`,
   * `kernels: 'reference'`) the backend runs on one thread, as its `threads` reports. Worker
   * threads start on the first large op; `dispose` stops them.
   */
  readonly threads?: number;
}

/**
 * Create a CPU backend with its own memory. Dtypes: float32, int32, uint32, bool.
 *
 * @example
 * import { registerBackend } from '@tensile/core';
 * import { createCpuBackend } from '@tensile/backend-cpu';
 * registerBackend(createCpuBackend());
 */
export function createCpuBackend(options: CpuBackendOptions = {}): CpuBackend {
  const memory = new CpuMemory({ shared: options.sharedMemory });
  const wasm = createRuntime(memory, options);
  const threads = wasm?.threads ?? 1;
  return {
    name: options.name ?? 'cpu',
    capabilities: { dtypes: ['float32', 'int32', 'uint32', 'bool'], syncRead: true, threads },
    threads,

    alloc: (byteLength) => memory.alloc(byteLength),
    free: (buffer) => memory.free(buffer),
    write: (buffer, data, byteOffset) => memory.write(buffer, data, byteOffset),
    read: async (buffer, byteOffset, byteLength) => memory.readSync(buffer, byteOffset, byteLength),
    readSync: (buffer, byteOffset, byteLength) => memory.readSync(buffer, byteOffset, byteLength),
    flush: () => {},
    sync: async () => {},
    dispose: async () => {
      const stopped = wasm?.dispose();
      memory.clear();
      await stopped;
    },
    stats: () => memory.stats(),

    fill: (out, value) => fill(memory.output('fill', out), value),
    copy: (x, out) => copy(memory.view('copy', x), memory.output('copy', out)),
    unary: (op, x, out) => {
      const input = memory.view('unary', x);
      const result = memory.output('unary', out);
      if (!wasm || !wasmUnary(wasm, op, input, result)) unary(op, input, result);
    },
    binary: (op, a, b, out) => {
      const lhs = memory.view('binary', a);
      const rhs = memory.view('binary', b);
      const result = memory.output('binary', out);
      if (!wasm || !wasmBinary(wasm, op, lhs, rhs, result)) binary(op, lhs, rhs, result);
    },
    select: (cond, onTrue, onFalse, out) =>
      select(
        memory.view('select', cond),
        memory.view('select', onTrue),
        memory.view('select', onFalse),
        memory.output('select', out),
      ),
    cast: (x, out) => cast(memory.view('cast', x), memory.output('cast', out)),
    reduce: (op, x, axes, out) => {
      const input = memory.view('reduce', x);
      const result = memory.output('reduce', out);
      if (!wasm || !wasmReduce(wasm, op, input, axes, result)) reduce(op, input, axes, result);
    },
    argReduce: (op, x, axis, out) =>
      argReduce(op, memory.view('argReduce', x), axis, memory.output('argReduce', out)),
    dotGeneral: (a, b, dims, out) => {
      const lhs = memory.view('dotGeneral', a);
      const rhs = memory.view('dotGeneral', b);
      const result = memory.output('dotGeneral', out);
      if (!wasm || !wasmDotGeneral(wasm, lhs, rhs, dims, result))
        dotGeneral(lhs, rhs, dims, result);
    },
    iota: (axis, out) => iota(axis, memory.output('iota', out)),
    gather: (x, indices, axis, out) =>
      gather(
        memory.view('gather', x),
        memory.view('gather', indices),
        axis,
        memory.output('gather', out),
      ),
    scatterAdd: (operand, indices, updates, axis, out) =>
      scatterAdd(
        memory.view('scatterAdd', operand),
        memory.view('scatterAdd', indices),
        memory.view('scatterAdd', updates),
        axis,
        memory.output('scatterAdd', out),
      ),
    threefry2x32: (key0, key1, x0, x1, out0, out1) =>
      threefry2x32(
        memory.view('threefry2x32', key0),
        memory.view('threefry2x32', key1),
        memory.view('threefry2x32', x0),
        memory.view('threefry2x32', x1),
        memory.output('threefry2x32', out0),
        memory.output('threefry2x32', out1),
      ),

    conv: (lhs, rhs, params, out) => {
      const x = memory.view('conv', lhs);
      const w = memory.view('conv', rhs);
      const result = memory.output('conv', out);
      if (!wasm || !wasmConv(wasm, x, w, params, result)) conv(x, w, params, result);
    },
    reduceWindow: (op, x, params, out) => {
      const input = memory.view('reduceWindow', x);
      const result = memory.output('reduceWindow', out);
      if (!wasm || !wasmReduceWindow(wasm, op, input, params, result)) {
        reduceWindow(op, input, params, result);
      }
    },
    cumulative: (op, x, axis, reverse, out) =>
      cumulative(op, memory.view('cumulative', x), axis, reverse, memory.output('cumulative', out)),
    sort: (operands, axis, numKeys, outs) =>
      sort(
        operands.map((x) => memory.view('sort', x)),
        axis,
        numKeys,
        outs.map((out) => memory.output('sort', out)),
      ),
    compile: (graph) =>
      wasm ? compileOnWasmPath(graph, memory, wasm) : compileKernel(graph, memory),
  };
}

/** The Wasm kernels the options ask for, or `undefined` for the TypedArray kernels only. */
function createRuntime(memory: CpuMemory, options: CpuBackendOptions): WasmRuntime | undefined {
  const requested = options.threads ?? hardwareConcurrency();
  if (!Number.isInteger(requested) || requested < 1) {
    throw new Error(`createCpuBackend: threads must be a positive integer, got ${requested}`);
  }
  const features = detectWasmFeatures();
  const kernels = options.kernels ?? (features.simd ? 'wasm' : 'reference');
  if (kernels === 'reference') return undefined;
  if (!features.simd) {
    throw new Error(
      "createCpuBackend: kernels 'wasm' needs WebAssembly SIMD, which this engine lacks",
    );
  }
  if (options.relaxedSimd && !features.relaxedSimd) {
    throw new Error(
      'createCpuBackend: relaxedSimd needs WebAssembly relaxed SIMD, which this engine lacks',
    );
  }
  const threads = memory.shared && canStartWorkers() ? requested : 1;
  return new WasmRuntime(memory, options.relaxedSimd ?? features.relaxedSimd, threads);
}
