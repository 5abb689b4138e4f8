/**
 * The blocked GEMM driver shared by `dotGeneral` and `conv` on the Wasm path.
 *
 * It runs the Goto/BLIS loop nest around the Wasm kernels of `gemm-kernels.ts`: over column
 * blocks of up to NC (a kc×nc panel of B, packed once per block, stays in L2), depth blocks of up
 * to KC and row blocks of up to MC (an mc×kc block of A), with the macro-kernel sweeping the
 * micro-tiles of each block; the first depth block writes C and later ones add to it. Blocks are
 * balanced (K = 288 is one block of 288, not 256 + 32). When all of A packed is small — the
 * filter of a convolution, the weights of a layer — it is packed once and shared by every column
 * block instead of repacked per block. Operands and the result are offset tables in Wasm memory
 * (see `gemm-kernels.ts`), which `uploadTables` writes.
 *
 * The loop nest itself is generated Wasm too (`gemm`, added to the kernels' module), computing
 * columns [j0, j1) of one product with one thread's scratch block, so a product is a task of the
 * runtime: `runGemms` cuts each product into column ranges that start at micro-tile boundaries
 * (or keeps products whole when there are enough of them) and the runtime spreads the tasks over
 * its threads. A small A is packed by each task into its own scratch (a small share of its work
 * once it spans enough columns); a large one that several tasks need is packed once, by a first
 * job whose tasks (`packWhole`) pack disjoint blocks of it in parallel, and then read by all.
 * Every element of C sees the same tiles and depth blocks in the same order however the columns
 * are cut, so the result is bit-identical to one thread's.
 */
import type { CpuMemory } from '../memory.js';
import type { FunctionBuilder, ModuleBuilder } from './emitter.js';
import { type GemmKernels, gemmModule, MR, NR, TILE_BYTES } from './gemm-kernels.js';
import type { WasmRuntime } from './runtime.js';
import { splitRange, taskCount } from './work-split.js';

/** Largest depth (K) block: a KC×NR micro-panel of B (16 KiB) stays in L1. */
const KC = 512;
/** Largest row (M) block: an MC×KC block of A (128 KiB) stays in L2. */
const MC = 64;
/** Largest column (N) block: a KC×NC panel of B (1 MiB) stays in L2. */
const NC = 512;
/**
 * All of A is packed once per task, into its scratch, when it takes at most this many bytes;
 * a larger A cut over several tasks is packed once into a shared block instead.
 */
const WHOLE_A_BYTES = 1 << 20;
/** Scratch bytes of one thread: packed A (a block, or all of it), packed B, then the tile. */
const A_BYTES = Math.max(MC * KC * 4, WHOLE_A_BYTES);
const B_BYTES = KC * NC * 4;
const SCRATCH_BYTES = A_BYTES + B_BYTES + TILE_BYTES;
/** Multiply-adds a GEMM task covers at least (about 50 µs on one core). */
const MIN_TASK_MACS = 1 << 19;
/** Columns a GEMM task spans at least; tasks aim for `WIDE_TASK_COLUMNS`, which amortise A. */
const MIN_TASK_COLUMNS = 2 * NR;
const WIDE_TASK_COLUMNS = 128;

/**
 * An operand or the result of a GEMM: element (i, j) is the f32 at byte
 * `base + i32[rows/4 + i] + i32[cols/4 + j]` (`rows` and `cols` point at int32 offset tables).
 *
 * @example
 * // A contiguous 2×3 matrix at byte 4096, with tables uploaded by `uploadTables`:
 * const [rows, cols] = uploadTables(memory, [Int32Array.of(0, 12), Int32Array.of(0, 4, 8)]).addresses;
 * const a: GemmMatrix = { base: 4096, rows, cols };
 */
export interface GemmMatrix {
  readonly base: number;
  readonly rows: number;
  readonly cols: number;
}

/**
 * C (m×n) = A (m×k) · B (k×n), all three as offset tables; k ≥ 1.
 *
 * @example
 * const problem: GemmProblem = { m: 2, n: 2, k: 3, a, b, c };
 */
export interface GemmProblem {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly a: GemmMatrix;
  readonly b: GemmMatrix;
  readonly c: GemmMatrix;
}

/** `n` split into equal blocks of at most `most`, rounded up to a multiple of `multiple`. */
function blockSize(n: number, most: number, multiple: number): number {
  const blocks = Math.ceil(n / most);
  return Math.min(most, Math.ceil(n / blocks / multiple) * multiple);
}

/**
 * The GEMM kernels of `runtime` with the `gemm` loop nest, or `undefined` while they still
 * compile (browser main thread).
 *
 * @example
 * const kernels = gemmKernels(runtime);
 */
export function gemmKernels(runtime: WasmRuntime): GemmKernels | undefined {
  return runtime.exports<GemmKernels>('gemm', gemmDriverModule);
}

/** How a `gemm` task gets packed A. */
const A_BLOCKS = 0;
/** Pack all of A into the task's own scratch first, then reuse it for every column block. */
const A_WHOLE = 1;
/** All of A is already packed at `packedA` (shared by the tasks, read-only). */
const A_SHARED = 2;

/** The GEMM kernels' module plus `packWhole` and `gemm`, the loop nest over them. */
function gemmDriverModule(m: ModuleBuilder, fma: boolean): void {
  gemmModule(m, fma);
  emitPackWhole(m.function('packWhole', new Array(10).fill('i32')), m.indexOf('packA'));
  emitDriver(
    m.function('gemm', new Array(19).fill('i32')),
    m.indexOf('packA'),
    m.indexOf('packB'),
    m.indexOf('macro'),
    m.indexOf('packWhole'),
  );
}

/** Loop helpers over i32 locals of `f`. */
function loops(f: FunctionBuilder) {
  return {
    /** `for (v = from; v < to; v += step) body()`. */
    loop(v: number, from: number, to: number, step: number, body: () => void) {
      f.get(from).set(v);
      f.block().loop();
      f.get(v).get(to).i32GeS().brIf(1);
      body();
      f.get(v).get(step).i32Add().set(v);
      f.br(0);
      f.end().end();
    },
    /** `size = min(most, to - v)`. */
    clamp(size: number, most: number, to: number, v: number) {
      f.get(to).get(v).i32Sub().set(size);
      f.get(size).get(most).i32GtS().if().get(most).set(size).end();
    },
    /** `out = ceil(n / d) · d` for a constant d (`times`: multiply back, else just the quotient). */
    ceilDiv(out: number, n: number, d: number, times: boolean) {
      f.get(n).get(d).i32Const(1).i32Sub().i32Add().get(d).i32DivS();
      if (times) f.get(d).i32Mul();
      f.set(out);
    },
  };
}

/**
 * packWhole(m, k, mcMax, kcMax, aBase, aRows, aCols, dst, b0, b1): pack blocks [b0, b1) of A —
 * block b is (ic, pc) = (b mod icBlocks, b div icBlocks) in units of (mcMax, kcMax) — into the
 * whole packed A at `dst`, block (ic, pc) at `4·(pc·paddedM + ic·kc)`.
 */
function emitPackWhole(f: FunctionBuilder, packA: number): void {
  const [m, k, mcMax, kcMax, aBase, aRows, aCols, dst, b0, b1] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const [b, pc, ic, kc, mc, icBlocks, paddedM, mr, one] = f.locals('i32', 9);
  const { loop, clamp, ceilDiv } = loops(f);
  f.i32Const(MR).set(mr);
  f.i32Const(1).set(one);
  ceilDiv(paddedM, m, mr, true);
  ceilDiv(icBlocks, m, mcMax, false);
  loop(b, b0, b1, one, () => {
    f.get(b).get(icBlocks).i32DivS().get(kcMax).i32Mul().set(pc);
    f.get(b).get(b).get(icBlocks).i32DivS().get(icBlocks).i32Mul().i32Sub();
    f.get(mcMax).i32Mul().set(ic);
    clamp(kc, kcMax, k, pc);
    clamp(mc, mcMax, m, ic);
    f.get(dst).get(pc).get(paddedM).i32Mul().get(ic).get(kc).i32Mul().i32Add();
    f.i32Const(2).i32Shl().i32Add();
    f.get(aBase);
    f.get(aRows).get(ic).i32Const(2).i32Shl().i32Add();
    f.get(aCols).get(pc).i32Const(2).i32Shl().i32Add();
    f.get(mc).get(kc).call(packA);
  });
}

/**
 * gemm(m, k, mcMax, kcMax, ncMax, aMode, packedA, aBase, aRows, aCols, bBase, bRows, bCols,
 * cBase, cRows, cCols, j0, j1, scratch): columns [j0, j1) of C = A·B with the block sizes given,
 * packing into the `SCRATCH_BYTES` block at `scratch`. A is packed per block (`A_BLOCKS`), all of
 * it into the scratch first and reused by every column block (`A_WHOLE`), or taken whole from
 * `packedA` (`A_SHARED`).
 */
function emitDriver(
  f: FunctionBuilder,
  packA: number,
  packB: number,
  macro: number,
  packWhole: number,
): void {
  const [m, k, mcMax, kcMax, ncMax, aMode, packedA, aBase, aRows, aCols] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
  ];
  const [bBase, bRows, bCols, cBase, cRows, cCols, j0, j1, scratch] = [
    10, 11, 12, 13, 14, 15, 16, 17, 18,
  ];
  const [jc, pc, ic, nc, kc, mc, ap, bp, tile, paddedM, whole, blocks, mr, zero] = f.locals(
    'i32',
    14,
  );
  const { loop, clamp, ceilDiv } = loops(f);
  f.get(scratch).i32Const(A_BYTES).i32Add().set(bp);
  f.get(bp).i32Const(B_BYTES).i32Add().set(tile);
  f.i32Const(MR).set(mr);
  ceilDiv(paddedM, m, mr, true);
  f.get(packedA).set(whole);
  f.get(aMode).i32Const(A_WHOLE).i32Eq().if();
  f.get(scratch).set(whole);
  ceilDiv(blocks, m, mcMax, false);
  ceilDiv(pc, k, kcMax, false);
  f.get(blocks).get(pc).i32Mul().set(blocks);
  f.get(m).get(k).get(mcMax).get(kcMax).get(aBase).get(aRows).get(aCols);
  f.get(whole).get(zero).get(blocks).call(packWhole);
  f.end();
  loop(jc, j0, j1, ncMax, () => {
    clamp(nc, ncMax, j1, jc);
    loop(pc, zero, k, kcMax, () => {
      clamp(kc, kcMax, k, pc);
      f.get(bp).get(bBase);
      f.get(bRows).get(pc).i32Const(2).i32Shl().i32Add();
      f.get(bCols).get(jc).i32Const(2).i32Shl().i32Add();
      f.get(kc).get(nc).call(packB);
      loop(ic, zero, m, mcMax, () => {
        clamp(mc, mcMax, m, ic);
        f.get(aMode).i32Const(A_BLOCKS).i32Eq().if();
        f.get(scratch).set(ap);
        f.get(ap).get(aBase);
        f.get(aRows).get(ic).i32Const(2).i32Shl().i32Add();
        f.get(aCols).get(pc).i32Const(2).i32Shl().i32Add();
        f.get(mc).get(kc).call(packA);
        f.else();
        f.get(whole).get(pc).get(paddedM).i32Mul().get(ic).get(kc).i32Mul().i32Add();
        f.i32Const(2).i32Shl().i32Add().set(ap);
        f.end();
        f.get(mc).get(nc).get(kc).get(ap).get(bp);
        f.get(cRows).get(ic).i32Const(2).i32Shl().i32Add();
        f.get(cCols).get(jc).i32Const(2).i32Shl().i32Add();
        f.get(cBase).get(pc).i32Const(0).i32GtS().get(tile).call(macro);
      });
    });
  });
}

/** The block sizes of a problem and the bytes of all of A packed. */
function blocking(problem: GemmProblem) {
  const { m, n, k } = problem;
  return {
    mc: blockSize(m, MC, MR),
    kc: blockSize(k, KC, 1),
    nc: blockSize(n, NC, NR),
    packedBytes: Math.ceil(m / MR) * MR * k * 4,
  };
}

/**
 * Run GEMM problems (a batch, or the groups of a convolution), each in its better orientation,
 * over the runtime's threads; their results must not overlap. The GEMM module must be ready
 * (`gemmKernels` returned it). Allocates scratch (the threads' packing blocks on first use, a
 * shared packed A when one is cut over several tasks): take byte addresses before calling.
 *
 * @example
 * if (gemmKernels(runtime)) runGemms(runtime, [problem]);
 */
export function runGemms(runtime: WasmRuntime, problems: readonly GemmProblem[]): void {
  const oriented = problems.map(orient);
  let macs = 0;
  for (const p of oriented) macs += p.m * p.n * p.k;
  const wanted = taskCount(runtime.threads, macs, MIN_TASK_MACS);
  const packTasks: number[][] = [];
  const tasks: number[][] = [];
  const shared: { offset: number; bytes: number }[] = [];
  for (const p of oriented) {
    // Enough products: one task each. Else cut each product's columns (whole micro-tiles).
    const perProduct = Math.ceil(wanted / oriented.length);
    const parts = Math.max(
      Math.min(perProduct, Math.floor(p.n / WIDE_TASK_COLUMNS)),
      Math.min(runtime.threads, perProduct, Math.floor(p.n / MIN_TASK_COLUMNS)),
    );
    const bounds = splitRange(p.n, parts, NR);
    const { mc, kc, nc, packedBytes } = blocking(p);
    let mode = packedBytes <= WHOLE_A_BYTES ? A_WHOLE : A_BLOCKS;
    let packedA = 0;
    if (mode === A_BLOCKS && bounds.length > 2) {
      // Each task would pack all of A: pack it once, spread over the threads, and share it.
      mode = A_SHARED;
      packedA = runtime.memory.allocScratch(packedBytes);
      shared.push({ offset: packedA, bytes: packedBytes });
      const blocks = splitRange(Math.ceil(p.m / mc) * Math.ceil(p.k / kc), bounds.length - 1);
      for (let i = 1; i < blocks.length; i++) {
        const { a } = p;
        packTasks.push([
          p.m,
          p.k,
          mc,
          kc,
          a.base,
          a.rows,
          a.cols,
          packedA,
          blocks[i - 1],
          blocks[i],
        ]);
      }
    }
    for (let i = 1; i < bounds.length; i++) {
      const { a, b, c } = p;
      tasks.push([
        ...[p.m, p.k, mc, kc, nc, mode, packedA, a.base, a.rows, a.cols],
        ...[b.base, b.rows, b.cols, c.base, c.rows, c.cols, bounds[i - 1], bounds[i]],
      ]);
    }
  }
  if (packTasks.length > 0) runtime.run('gemm', gemmDriverModule, 'packWhole', packTasks);
  runtime.run('gemm', gemmDriverModule, 'gemm', tasks, SCRATCH_BYTES);
  for (const { offset, bytes } of shared) runtime.memory.freeScratch(offset, bytes);
}

/** Cᵀ = Bᵀ·Aᵀ: the same product with the operands' roles swapped (C is then written by column). */
function transposed(p: GemmProblem): GemmProblem {
  return {
    m: p.n,
    n: p.m,
    k: p.k,
    a: { base: p.b.base, rows: p.b.cols, cols: p.b.rows },
    b: { base: p.a.base, rows: p.a.cols, cols: p.a.rows },
    c: { base: p.c.base, rows: p.c.cols, cols: p.c.rows },
  };
}

/**
 * The orientation of `problem` that wastes least of the micro-tiles: a product with few
 * columns (a filter gradient's 3×3 taps, a matrix-vector product) computes Cᵀ instead, so its
 * short side pads to MR rows rather than NR columns. Only worth it when k amortises writing C
 * through the tile buffer.
 *
 * @example
 * orient({ m: 64, n: 9, k: 4096, a, b, c }).m // 9
 */
function orient(problem: GemmProblem): GemmProblem {
  const padded = (m: number, n: number) => Math.ceil(m / MR) * MR * Math.ceil(n / NR) * NR;
  const swap = problem.k >= 32 && padded(problem.n, problem.m) < 0.8 * padded(problem.m, problem.n);
  return swap ? transposed(problem) : problem;
}

/**
 * Byte offsets of every position of `shape` (row-major order) under element `strides`, as an
 * int32 offset table for a GEMM operand.
 *
 * @example
 * offsetTable([2, 3], [1, 2]) // Int32Array [0, 8, 16, 4, 12, 20]: a transposed 3×2 matrix
 */
export function offsetTable(shape: readonly number[], strides: readonly number[]): Int32Array {
  let size = 1;
  for (const n of shape) size *= n;
  const table = new Int32Array(size);
  if (size === 0) return table;
  // Innermost dim first, then each outer dim repeats the block built so far at its stride.
  let block = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    const step = 4 * strides[d];
    for (let index = 1; index < shape[d]; index++) {
      const shift = index * step;
      for (let i = 0, to = index * block; i < block; i++, to++) table[to] = table[i] + shift;
    }
    block *= shape[d];
  }
  return table;
}

/**
 * Copy int32 tables into one scratch block of `memory`; `addresses[i]` is table i's byte address.
 * Call `release` when done.
 *
 * @example
 * const tables = uploadTables(memory, [offsetTable([4], [1])]);
 * tables.release();
 */
export function uploadTables(
  memory: CpuMemory,
  tables: readonly Int32Array[],
): { addresses: number[]; release(): void } {
  let words = 0;
  // Each table starts 16-byte aligned and has a 16-byte tail, so vector reads stay inside.
  const starts = tables.map((t) => {
    const start = words;
    words += Math.ceil((t.length + 4) / 4) * 4;
    return start;
  });
  const bytes = Math.max(16, words * 4);
  const block = memory.allocScratch(bytes);
  const heap = memory.i32();
  tables.forEach((t, i) => {
    heap.set(t, block / 4 + starts[i]);
  });
  return {
    addresses: starts.map((s) => block + 4 * s),
    release: () => memory.freeScratch(block, bytes),
  };
}
