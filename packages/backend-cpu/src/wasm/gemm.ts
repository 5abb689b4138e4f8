/**
 * The blocked GEMM driver shared by `dotGeneral` and `conv` on the Wasm path.
 *
 * It runs the Goto/BLIS loop nest around the Wasm kernels of `gemm-kernels.ts`: over column
 * blocks of up to NC (a kc×nc panel of B, packed once per block, stays in L2), depth blocks of up
 * to KC and row blocks of up to MC (an mc×kc block of A), with the macro-kernel sweeping the
 * micro-tiles of each block; the first depth block writes C and later ones add to it. Blocks are
 * balanced (K = 288 is one block of 288, not 256 + 32). When all of A packed is small — the
 * filter of a convolution, the weights of a layer — it is packed once per product and shared by
 * every column block instead of repacked per block. Operands and the result are offset tables
 * in Wasm memory (see `gemm-kernels.ts`), which `uploadTables` writes. Column blocks are
 * independent, so a worker pool can split `runGemmColumns` over column ranges, each worker with
 * its own `GemmScratch` and all of them reading one `packWholeA`.
 */
import type { CpuMemory } from '../memory.js';
import { type GemmKernels, gemmModule, MR, NR, TILE_BYTES } from './gemm-kernels.js';
import type { WasmRuntime } from './runtime.js';

/** Largest depth (K) block: a KC×NR micro-panel of B (16 KiB) stays in L1. */
const KC = 512;
/** Largest row (M) block: an MC×KC block of A (128 KiB) stays in L2. */
const MC = 64;
/** Largest column (N) block: a KC×NC panel of B (1 MiB) stays in L2. */
const NC = 512;
/** All of A is packed once per product when it takes at most this many bytes. */
const WHOLE_A_BYTES = 1 << 20;

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
 * Packing buffers for one thread of GEMM work (allocated in the backend's Wasm memory).
 *
 * @example
 * const scratch = GemmScratch.allocate(memory);
 * scratch.release(memory);
 */
export class GemmScratch {
  static readonly BYTES = {
    a: Math.max(MC * KC * 4, WHOLE_A_BYTES),
    b: KC * NC * 4,
    tile: TILE_BYTES,
  };
  /** Packed A: one block, or all of it (see `packWholeA`). */
  readonly a: number;
  readonly b: number;
  readonly tile: number;

  private constructor(a: number, b: number, tile: number) {
    this.a = a;
    this.b = b;
    this.tile = tile;
  }

  /** Take packing buffers from `memory` (may grow it: resolve array views afterwards). */
  static allocate(memory: CpuMemory): GemmScratch {
    const { a, b, tile } = GemmScratch.BYTES;
    return new GemmScratch(
      memory.allocScratch(a),
      memory.allocScratch(b),
      memory.allocScratch(tile),
    );
  }

  /** Give the buffers back. */
  release(memory: CpuMemory): void {
    const { a, b, tile } = GemmScratch.BYTES;
    memory.freeScratch(this.a, a);
    memory.freeScratch(this.b, b);
    memory.freeScratch(this.tile, tile);
  }
}

/**
 * The GEMM kernels of `runtime`, or `undefined` while they still compile (browser main thread).
 *
 * @example
 * const kernels = gemmKernels(runtime);
 */
export function gemmKernels(runtime: WasmRuntime): GemmKernels | undefined {
  return runtime.exports<GemmKernels>('gemm', gemmModule);
}

/** The block sizes of a problem and the byte offset of block (ic, pc) in a whole packed A. */
function blocking(problem: GemmProblem) {
  const { m, k } = problem;
  const mc = blockSize(m, MC, MR);
  const kc = blockSize(k, KC, 1);
  const paddedM = Math.ceil(m / MR) * MR;
  return {
    mc,
    kc,
    nc: blockSize(problem.n, NC, NR),
    /** Packed A block (ic, pc): depth blocks one after another, row blocks within them. */
    aOffset: (ic: number, pc: number) => 4 * (pc * paddedM + ic * Math.min(kc, k - pc)),
    wholeA: paddedM * k * 4 <= WHOLE_A_BYTES,
  };
}

/**
 * Pack all of A into `scratch.a` when it is small enough to share across column blocks (and
 * worker threads); returns whether it did. Pass the result to `runGemmColumns`.
 *
 * @example
 * const packed = packWholeA(kernels, problem, scratch);
 * runGemmColumns(kernels, problem, scratch, 0, problem.n, packed);
 */
export function packWholeA(
  kernels: GemmKernels,
  problem: GemmProblem,
  scratch: GemmScratch,
): boolean {
  const { m, k, a } = problem;
  const { mc, kc, aOffset, wholeA } = blocking(problem);
  if (!wholeA) return false;
  for (let pc = 0; pc < k; pc += kc) {
    const depth = Math.min(kc, k - pc);
    for (let ic = 0; ic < m; ic += mc) {
      const rows = Math.min(mc, m - ic);
      kernels.packA(
        scratch.a + aOffset(ic, pc),
        a.base,
        a.rows + 4 * ic,
        a.cols + 4 * pc,
        rows,
        depth,
      );
    }
  }
  return true;
}

/**
 * Compute the columns [j0, j1) of a GEMM problem with one set of packing buffers; `wholeA`
 * says A is already packed in `scratch.a` by `packWholeA`.
 *
 * @example
 * runGemmColumns(kernels, problem, scratch, 0, problem.n, packWholeA(kernels, problem, scratch));
 */
export function runGemmColumns(
  kernels: GemmKernels,
  problem: GemmProblem,
  scratch: GemmScratch,
  j0: number,
  j1: number,
  wholeA: boolean,
): void {
  const { m, k, a, b, c } = problem;
  const { mc: mcMax, kc: kcMax, nc: ncMax, aOffset } = blocking(problem);
  for (let jc = j0; jc < j1; jc += ncMax) {
    const nc = Math.min(ncMax, j1 - jc);
    for (let pc = 0; pc < k; pc += kcMax) {
      const kc = Math.min(kcMax, k - pc);
      kernels.packB(scratch.b, b.base, b.rows + 4 * pc, b.cols + 4 * jc, kc, nc);
      for (let ic = 0; ic < m; ic += mcMax) {
        const mc = Math.min(mcMax, m - ic);
        let ap = scratch.a;
        if (wholeA) ap += aOffset(ic, pc);
        else kernels.packA(ap, a.base, a.rows + 4 * ic, a.cols + 4 * pc, mc, kc);
        kernels.macro(
          mc,
          nc,
          kc,
          ap,
          scratch.b,
          c.rows + 4 * ic,
          c.cols + 4 * jc,
          c.base,
          pc > 0 ? 1 : 0,
          scratch.tile,
        );
      }
    }
  }
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
export function orient(problem: GemmProblem): GemmProblem {
  const padded = (m: number, n: number) => Math.ceil(m / MR) * MR * Math.ceil(n / NR) * NR;
  const swap = problem.k >= 32 && padded(problem.n, problem.m) < 0.8 * padded(problem.m, problem.n);
  return swap ? transposed(problem) : problem;
}

/**
 * Run a whole GEMM problem on one thread, in its better orientation.
 *
 * @example
 * runGemm(kernels, problem, scratch);
 */
export function runGemm(kernels: GemmKernels, problem: GemmProblem, scratch: GemmScratch): void {
  const oriented = orient(problem);
  runGemmColumns(kernels, oriented, scratch, 0, oriented.n, packWholeA(kernels, oriented, scratch));
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
