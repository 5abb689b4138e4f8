/**
 * The threaded Wasm path: every kernel that splits its work over worker threads — matmul (one
 * product, batches, many small batches, matrix-vector), convolution (forward, strided, dilated,
 * grouped, and both gradients), pooling, elementwise ops (one long row, broadcast rows, strided
 * rows), reductions over rows and columns, and fused jit kernels — must give the single-thread
 * result bit for bit on odd shapes. Each comparison is made on a run the worker thread took part
 * in (the runtime counts the tasks its workers ran), so it really checks the split. Also: worker
 * failures surface, `dispose` stops the threads, and backends that cannot share their memory run
 * on one thread.
 */
import type {
  ConvParams,
  DotDims,
  KernelGraph,
  OutputSpec,
  StridedView,
  WindowParams,
} from '@tensile/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { compileOnWasmPath } from '../src/compile-wasm.js';
import { createCpuBackend } from '../src/index.js';
import { CpuMemory } from '../src/memory.js';
import { wasmConv } from '../src/wasm/conv.js';
import { wasmDotGeneral } from '../src/wasm/dot.js';
import { wasmBinary, wasmUnary } from '../src/wasm/elementwise.js';
import { wasmReduce } from '../src/wasm/reduce.js';
import { WasmRuntime } from '../src/wasm/runtime.js';
import { wasmReduceWindow } from '../src/wasm/window.js';
import { contiguous, range } from './helpers.js';

/** A memory and a Wasm runtime with `threads` threads, plus upload/output/read helpers. */
function harness(threads: number) {
  const memory = new CpuMemory({ shared: true });
  const runtime = new WasmRuntime(memory, false, threads);
  return {
    memory,
    runtime,
    /** Upload `values` and view them with `shape` (contiguous unless strides/offset are given). */
    view(values: Float32Array, shape: number[], strides = contiguous(shape), offset = 0) {
      const buffer = memory.alloc(values.byteLength);
      memory.write(buffer, new Uint8Array(values.buffer));
      return { buffer, dtype: 'float32', shape, strides, offset } satisfies StridedView;
    },
    output(shape: number[]): OutputSpec {
      return {
        buffer: memory.alloc(4 * shape.reduce((a, b) => a * b, 1)),
        dtype: 'float32',
        shape,
      };
    },
    /** The output's bits. */
    read(out: OutputSpec): Uint32Array {
      const size = out.shape.reduce((a, b) => a * b, 1);
      return new Uint32Array(memory.readSync(out.buffer, 0, 4 * size).buffer);
    },
  };
}

type Harness = ReturnType<typeof harness>;

/** Deterministic floats in [-2, 2). */
function randoms(n: number, seed: number): Float32Array {
  let state = seed * 7919 + 11;
  return Float32Array.from({ length: n }, () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return (state / 2 ** 32) * 4 - 2;
  });
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * Build a case with `build` on a one-thread and a two-thread runtime; run it on two threads until
 * the worker took part in a run (waiting for it to start and install the kernel), then expect
 * that run's outputs to equal the one-thread outputs bit for bit.
 */
async function expectSameBits(build: (h: Harness) => () => OutputSpec[]): Promise<void> {
  const single = harness(1);
  const expected = build(single)().map(single.read);
  const threaded = harness(2);
  const run = build(threaded);
  try {
    for (let attempt = 0; ; attempt++) {
      const before = threaded.runtime.workerTasks;
      const outs = run();
      if (threaded.runtime.workerTasks > before) {
        outs.forEach((out, k) => {
          const actual = threaded.read(out);
          const first = actual.findIndex((bits, i) => bits !== expected[k][i]);
          expect(first, `output ${k}: first element that differs`).toBe(-1);
        });
        return;
      }
      if (attempt > 2000) throw new Error('the worker thread never took part');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } finally {
    await threaded.runtime.dispose();
  }
}

/** A dot product case: operands of `aShape`/`bShape` (optionally strided) into `outShape`. */
function dotCase(
  aShape: number[],
  bShape: number[],
  dims: DotDims,
  outShape: number[],
  aStrides?: number[],
) {
  return (h: Harness) => {
    const a = h.view(randoms(size(aShape), 1), aShape, aStrides);
    const b = h.view(randoms(size(bShape), 2), bShape);
    const out = h.output(outShape);
    return () => {
      const done = wasmDotGeneral(
        h.runtime,
        h.memory.view('dot', a),
        h.memory.view('dot', b),
        dims,
        h.memory.output('dot', out),
      );
      expect(done).toBe(true);
      return [out];
    };
  };
}

const matmul: DotDims = {
  contracting: [[1], [0]],
  batch: [[], []],
};
const batched: DotDims = {
  contracting: [[2], [1]],
  batch: [[0], [0]],
};

/** Output spatial size of a convolution along one dim. */
function convSize(
  n: number,
  k: number,
  stride: number,
  [low, high]: readonly [number, number],
  lhsDilation: number,
  rhsDilation: number,
) {
  const dilated = (n - 1) * lhsDilation + 1 + low + high;
  return Math.floor((dilated - ((k - 1) * rhsDilation + 1)) / stride) + 1;
}

function params(partial: Partial<ConvParams>): ConvParams {
  return {
    windowStrides: [1, 1],
    padding: [
      [1, 1],
      [1, 1],
    ],
    lhsDilation: [1, 1],
    rhsDilation: [1, 1],
    featureGroupCount: 1,
    batchGroupCount: 1,
    ...partial,
  };
}

/** A convolution case, with optional views of the operands (`lhsView`/`rhsView` reshape them). */
function convCase(
  lhsShape: number[],
  rhsShape: number[],
  p: ConvParams,
  views: {
    lhs?: (v: StridedView) => StridedView;
    rhs?: (v: StridedView) => StridedView;
  } = {},
) {
  return (h: Harness) => {
    const lhsStored = h.view(randoms(size(lhsShape), 3), lhsShape);
    const rhsStored = h.view(randoms(size(rhsShape), 4), rhsShape);
    const lhs = views.lhs?.(lhsStored) ?? lhsStored;
    const rhs = views.rhs?.(rhsStored) ?? rhsStored;
    const batch = lhs.shape[0] / p.batchGroupCount;
    const outShape = [
      batch,
      rhs.shape[0],
      ...lhs.shape
        .slice(2)
        .map((n, d) =>
          convSize(
            n,
            rhs.shape[2 + d],
            p.windowStrides[d],
            p.padding[d],
            p.lhsDilation[d],
            p.rhsDilation[d],
          ),
        ),
    ];
    const out = h.output(outShape);
    return () => {
      const done = wasmConv(
        h.runtime,
        h.memory.view('conv', lhs),
        h.memory.view('conv', rhs),
        p,
        h.memory.output('conv', out),
      );
      expect(done).toBe(true);
      return [out];
    };
  };
}

/** `x` with axes 0 and 1 swapped (as `lax.transpose` hands it to the backend). */
function swap01(x: StridedView): StridedView {
  const [a, b, ...rest] = x.shape;
  const [sa, sb, ...restStrides] = x.strides;
  return { ...x, shape: [b, a, ...rest], strides: [sb, sa, ...restStrides] };
}

/** `x` reversed along its spatial axes (negative strides, as `lax.rev`). */
function flipSpatial(x: StridedView): StridedView {
  let offset = x.offset;
  const strides = x.strides.map((s, d) => {
    if (d < 2) return s;
    offset += (x.shape[d] - 1) * s;
    return -s;
  });
  return { ...x, strides, offset };
}

// A busy machine may take a while to start the worker thread and schedule it.
describe('threaded Wasm kernels are bit-identical to one thread', { timeout: 60_000 }, () => {
  it('matmul with odd sizes', async () => {
    await expectSameBits(dotCase([131, 257], [257, 301], matmul, [131, 301]));
  });

  it('matmul of a transposed operand, and a matrix-vector product', async () => {
    await expectSameBits(
      dotCase([257, 131], [257, 301], { ...matmul, contracting: [[0], [0]] }, [131, 301]),
    );
    await expectSameBits(
      dotCase([1100, 1031], [1031], { ...matmul, contracting: [[1], [0]] }, [1100]),
    );
  });

  it('batched matmul: a few large products, and many small ones', async () => {
    await expectSameBits(dotCase([3, 67, 129], [3, 129, 93], batched, [3, 67, 93]));
    await expectSameBits(dotCase([40, 33, 47], [40, 47, 29], batched, [40, 33, 29]));
  });

  it('matmul whose A is packed once and shared by the tasks', async () => {
    await expectSameBits(dotCase([300, 1100], [1100, 70], matmul, [300, 70]));
  });

  it('convolution forward, strided, dilated and grouped', async () => {
    await expectSameBits(convCase([5, 3, 37, 41], [7, 3, 3, 3], params({})));
    await expectSameBits(
      convCase(
        [4, 6, 29, 31],
        [9, 2, 3, 3],
        params({
          windowStrides: [2, 1],
          rhsDilation: [1, 2],
          padding: [
            [1, 2],
            [0, 1],
          ],
          featureGroupCount: 3,
        }),
      ),
    );
  });

  it('convolution input and filter gradients, as the core derives them', async () => {
    // Input gradient: dy ⋆ (w with in/out swapped and flipped); stride 2 forward → lhs dilation.
    await expectSameBits(
      convCase([6, 11, 13, 15], [11, 5, 3, 3], params({ lhsDilation: [2, 2] }), {
        rhs: (w) => flipSpatial(swap01(w)),
      }),
    );
    // Filter gradients: x with batch/channels swapped ⋆ dy swapped (the first one long and
    // narrow, its A packed once and shared).
    await expectSameBits(
      convCase([40, 1, 28, 28], [40, 32, 28, 28], params({}), { lhs: swap01, rhs: swap01 }),
    );
    await expectSameBits(
      convCase([9, 5, 23, 21], [9, 7, 23, 21], params({}), {
        lhs: swap01,
        rhs: swap01,
      }),
    );
  });

  it('max and sum pooling split over planes', async () => {
    for (const op of ['max', 'sum'] as const) {
      await expectSameBits((h) => {
        const shape = [4, 9, 61, 67];
        const x = h.view(randoms(size(shape), 5), shape);
        const window: WindowParams = {
          windowDimensions: [1, 1, 3, 3],
          windowStrides: [1, 1, 2, 2],
          padding: [
            [0, 0],
            [0, 0],
            [1, 1],
            [1, 0],
          ],
          baseDilation: [1, 1, 1, 1],
          windowDilation: [1, 1, 1, 1],
        };
        const out = h.output([4, 9, 31, 33]);
        return () => {
          const input = h.memory.view('pool', x);
          expect(wasmReduceWindow(h.runtime, op, input, window, h.memory.output('pool', out))).toBe(
            true,
          );
          return [out];
        };
      });
    }
  });

  it('elementwise over one long row, broadcast rows and strided rows', async () => {
    // One contiguous row of odd length: cut into pieces at vector boundaries.
    await expectSameBits((h) => {
      const x = h.view(randoms(300_001, 6), [300_001]);
      const out = h.output([300_001]);
      return () => {
        const input = h.memory.view('unary', x);
        expect(wasmUnary(h.runtime, 'exp', input, h.memory.output('unary', out))).toBe(true);
        return [out];
      };
    });
    // A bias broadcast over rows; then a slice (rows with a gap) times a scalar.
    await expectSameBits((h) => {
      const a = h.view(randoms(517 * 611, 7), [517, 611]);
      const bias = h.view(randoms(611, 8), [517, 611], [0, 1]);
      const sliced = h.view(randoms(401 * 700, 9), [401, 613], [700, 1], 5);
      const scalar = h.view(Float32Array.of(1.5), [401, 613], [0, 0]);
      const sum = h.output([517, 611]);
      const product = h.output([401, 613]);
      return () => {
        const view = (v: StridedView) => h.memory.view('binary', v);
        const add = wasmBinary(h.runtime, 'add', view(a), view(bias), h.memory.output('b', sum));
        const mul = wasmBinary(
          h.runtime,
          'mul',
          view(sliced),
          view(scalar),
          h.memory.output('b', product),
        );
        expect([add, mul]).toEqual([true, true]);
        return [sum, product];
      };
    });
  });

  it('reductions over rows and over columns', async () => {
    await expectSameBits((h) => {
      const x = h.view(randoms(613 * 419, 10), [613, 419]);
      const rows = h.output([613]);
      const columns = h.output([419]);
      const maxColumns = h.output([419]);
      return () => {
        const input = h.memory.view('reduce', x);
        const done = [
          wasmReduce(h.runtime, 'sum', input, [1], h.memory.output('r', rows)),
          wasmReduce(h.runtime, 'sum', input, [0], h.memory.output('r', columns)),
          wasmReduce(h.runtime, 'max', input, [0], h.memory.output('r', maxColumns)),
        ];
        expect(done).toEqual([true, true, true]);
        return [rows, columns, maxColumns];
      };
    });
  });

  it('fused elementwise kernels (jit)', async () => {
    // tanh(x · 2 + bias) · logistic(x), over rows with a broadcast bias.
    const graph: KernelGraph = {
      shape: [301, 997],
      inputs: [
        { dtype: 'float32', shape: [301, 997], strides: [997, 1] },
        { dtype: 'float32', shape: [301, 997], strides: [0, 1] },
      ],
      nodes: [
        { kind: 'input', index: 0 },
        { kind: 'input', index: 1 },
        { kind: 'const', value: 2, dtype: 'float32' },
        { kind: 'binary', op: 'mul', args: [0, 2], dtype: 'float32' },
        { kind: 'binary', op: 'add', args: [3, 1], dtype: 'float32' },
        { kind: 'unary', op: 'tanh', arg: 4, dtype: 'float32' },
        { kind: 'unary', op: 'logistic', arg: 0, dtype: 'float32' },
        { kind: 'binary', op: 'mul', args: [5, 6], dtype: 'float32' },
      ],
      outputs: [
        { node: 7, dtype: 'float32', shape: [301, 997] },
        { node: 4, dtype: 'float32', shape: [301, 997] },
      ],
    };
    await expectSameBits((h) => {
      const x = h.view(randoms(301 * 997, 11), [301, 997]);
      const bias = h.view(randoms(997, 12), [301, 997], [0, 1]);
      const outs = [h.output([301, 997]), h.output([301, 997])];
      const kernel = compileOnWasmPath(graph, h.memory, h.runtime);
      expect(kernel).toBeDefined();
      return () => {
        kernel?.([x, bias], outs);
        return outs;
      };
    });
  });
});

describe('the thread pool', () => {
  it('works on memory grown after the worker threads started', { timeout: 60_000 }, async () => {
    const h = harness(2);
    const n = 1 << 18;
    const exp = (x: StridedView, out: OutputSpec) =>
      wasmUnary(h.runtime, 'exp', h.memory.view('u', x), h.memory.output('u', out));
    exp(h.view(randoms(n, 16), [n]), h.output([n]));
    const before = h.memory.bytes().byteLength;
    // Buffers past the memory's size when the workers started: it grows (several times).
    for (let round = 0; round < 3; round++) {
      const x = h.view(randoms(8 * n, 17 + round), [8 * n]);
      const out = h.output([8 * n]);
      const tasks = h.runtime.workerTasks;
      for (let attempt = 0; h.runtime.workerTasks === tasks; attempt++) {
        expect(attempt).toBeLessThan(2000);
        exp(x, out);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const expected = randoms(8 * n, 17 + round).map(Math.exp);
      const actual = new Float32Array(h.memory.readSync(out.buffer, 0, 32 * n).buffer);
      const worst = actual.reduce((w, v, i) => Math.max(w, Math.abs(v / expected[i] - 1)), 0);
      expect(worst).toBeLessThan(1e-5);
    }
    expect(h.memory.bytes().byteLength).toBeGreaterThan(before + 64 * n);
    await h.runtime.dispose();
  });

  it('rethrows a kernel trap from any thread and stays usable', async () => {
    const h = harness(2);
    const n = 1 << 18;
    const x = h.view(randoms(n, 13), [n]);
    const out = h.output([n]);
    const run = () => wasmUnary(h.runtime, 'exp', h.memory.view('u', x), h.memory.output('u', out));
    run();
    // Tasks that read past the end of the memory trap wherever they run.
    const outside = h.memory.bytes().byteLength + (1 << 20);
    const trapping = range(8).map(() => [1, 1024, outside, 0, outside]);
    for (let i = 0; i < 20; i++) {
      expect(() => h.runtime.run('unary:exp', () => {}, 'run', trapping)).toThrow();
    }
    expect(run()).toBe(true);
    await h.runtime.dispose();
  });
});

describe('threads on the CPU backend', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('reports the threads it uses', async () => {
    const backend = createCpuBackend({ threads: 3 });
    expect(backend.threads).toBe(3);
    expect(backend.capabilities.threads).toBe(3);
    expect(createCpuBackend({ threads: 1 }).threads).toBe(1);
    await backend.dispose();
  });

  it('rejects a thread count that is not a positive integer', () => {
    expect(() => createCpuBackend({ threads: 0 })).toThrow(/positive integer/);
    expect(() => createCpuBackend({ threads: 1.5 })).toThrow(/positive integer/);
  });

  it('falls back to one thread when the memory cannot be shared', () => {
    const unshared = createCpuBackend({ threads: 4, sharedMemory: false });
    expect(unshared.threads).toBe(1);
    expect(unshared.capabilities.threads).toBe(1);
    // A page that is not cross-origin isolated, and an engine without SharedArrayBuffer.
    vi.stubGlobal('crossOriginIsolated', false);
    expect(createCpuBackend({ threads: 4 }).threads).toBe(1);
    vi.unstubAllGlobals();
    vi.stubGlobal('SharedArrayBuffer', undefined);
    const noShared = createCpuBackend({ threads: 4 });
    expect(noShared.threads).toBe(1);
    // It still computes (on one thread).
    const n = 200_000;
    const data = randoms(n, 14);
    const x = noShared.alloc(4 * n);
    const y = noShared.alloc(4 * n);
    noShared.write(x, new Uint8Array(data.buffer));
    noShared.unary(
      'neg',
      { buffer: x, dtype: 'float32', shape: [n], strides: [1], offset: 0 },
      { buffer: y, dtype: 'float32', shape: [n] },
    );
    const result = new Float32Array(noShared.readSync?.(y, 0, 4 * n).buffer ?? new ArrayBuffer(0));
    expect(result[n - 1]).toBe(-data[n - 1]);
  });

  it('runs the reference kernels on one thread', () => {
    expect(createCpuBackend({ kernels: 'reference', threads: 4 }).threads).toBe(1);
  });

  it('dispose stops the worker threads; the backend stays usable', async () => {
    const backend = createCpuBackend({ threads: 2 });
    const n = 256;
    const data = randoms(n * n, 15);
    const matrix = () => {
      const id = backend.alloc(4 * n * n);
      backend.write(id, new Uint8Array(data.buffer));
      return { buffer: id, dtype: 'float32', shape: [n, n], strides: [n, 1], offset: 0 } as const;
    };
    const product = () => {
      const out = { buffer: backend.alloc(4 * n * n), dtype: 'float32', shape: [n, n] } as const;
      backend.dotGeneral(matrix(), matrix(), matmul, out);
      const bytes = backend.readSync?.(out.buffer, 0, 4 * n * n) ?? new Uint8Array();
      return Array.from(new Float32Array(bytes.buffer));
    };
    const first = product(); // starts the worker threads
    await backend.dispose(); // resolves once they have exited
    expect(backend.stats()).toEqual({ buffers: 0, bytes: 0 });
    expect(product()).toEqual(first); // new threads
    await backend.dispose();
    await backend.dispose();
  });
});
