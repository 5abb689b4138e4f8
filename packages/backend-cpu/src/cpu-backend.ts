/**
 * The CPU backend object: wires `CpuMemory` to the kernels behind the core's `Backend` contract.
 *
 * Every compute method runs at once (there is nothing to batch), so `flush` does nothing and
 * `sync` resolves immediately. Methods resolve their `StridedView`/`OutputSpec` handles through
 * the memory (checking dtypes and bounds) and hand typed arrays to the kernel files.
 */
import type { Backend } from '@tensile/core';
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
import { reduceWindow } from './window.js';

/**
 * The reference CPU backend: a `Backend` whose memory the host reads synchronously, plus buffer
 * accounting for leak checks.
 *
 * @example
 * const backend = createCpuBackend();
 * const id = backend.alloc(16);
 * backend.free(id);
 * backend.stats(); // { buffers: 0, bytes: 0 }
 */
export interface CpuBackend extends Backend {
  /** Live buffers and their total bytes. */
  stats(): { buffers: number; bytes: number };
}

/**
 * Options of `createCpuBackend`.
 *
 * @example
 * const reference = createCpuBackend({ name: 'cpu-reference' });
 */
export interface CpuBackendOptions {
  /** Registry name; defaults to `'cpu'` (give a second instance another name). */
  readonly name?: string;
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
  const memory = new CpuMemory();
  return {
    name: options.name ?? 'cpu',
    capabilities: { dtypes: ['float32', 'int32', 'uint32', 'bool'], syncRead: true },

    alloc: (byteLength) => memory.alloc(byteLength),
    free: (buffer) => memory.free(buffer),
    write: (buffer, data, byteOffset) => memory.write(buffer, data, byteOffset),
    read: async (buffer, byteOffset, byteLength) => memory.readSync(buffer, byteOffset, byteLength),
    readSync: (buffer, byteOffset, byteLength) => memory.readSync(buffer, byteOffset, byteLength),
    flush: () => {},
    sync: async () => {},
    dispose: () => memory.clear(),
    stats: () => memory.stats(),

    fill: (out, value) => fill(memory.output('fill', out), value),
    copy: (x, out) => copy(memory.view('copy', x), memory.output('copy', out)),
    unary: (op, x, out) => unary(op, memory.view('unary', x), memory.output('unary', out)),
    binary: (op, a, b, out) =>
      binary(op, memory.view('binary', a), memory.view('binary', b), memory.output('binary', out)),
    select: (cond, onTrue, onFalse, out) =>
      select(
        memory.view('select', cond),
        memory.view('select', onTrue),
        memory.view('select', onFalse),
        memory.output('select', out),
      ),
    cast: (x, out) => cast(memory.view('cast', x), memory.output('cast', out)),
    reduce: (op, x, axes, out) =>
      reduce(op, memory.view('reduce', x), axes, memory.output('reduce', out)),
    argReduce: (op, x, axis, out) =>
      argReduce(op, memory.view('argReduce', x), axis, memory.output('argReduce', out)),
    dotGeneral: (a, b, dims, out) =>
      dotGeneral(
        memory.view('dotGeneral', a),
        memory.view('dotGeneral', b),
        dims,
        memory.output('dotGeneral', out),
      ),
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

    conv: (lhs, rhs, params, out) =>
      conv(memory.view('conv', lhs), memory.view('conv', rhs), params, memory.output('conv', out)),
    reduceWindow: (op, x, params, out) =>
      reduceWindow(op, memory.view('reduceWindow', x), params, memory.output('reduceWindow', out)),
    cumulative: (op, x, axis, reverse, out) =>
      cumulative(op, memory.view('cumulative', x), axis, reverse, memory.output('cumulative', out)),
    sort: (operands, axis, numKeys, outs) =>
      sort(
        operands.map((x) => memory.view('sort', x)),
        axis,
        numKeys,
        outs.map((out) => memory.output('sort', out)),
      ),
  };
}
