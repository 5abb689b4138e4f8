/**
 * The Wasm SIMD code behind matmul and convolution: packing routines, a register-blocked
 * micro-kernel and the loop over micro-tiles (the "macro-kernel" of Goto/BLIS), generated as one
 * module.
 *
 * Operands are described by offset tables rather than strides: element (i, p) of A is the f32 at
 * byte `src + rows[i] + cols[p]`, with `rows`/`cols` int32 tables in Wasm memory. Any strided
 * view (transposed, flipped, broadcast, several dims merged) and the windows of a convolution
 * (im2col rows and columns over a padded input) are all such tables, so one packer serves them
 * all and nothing the size of im2col is ever materialised. The packers copy an mc×kc block of A
 * into MR-row micro-panels and a kc×nc block of B into NR-column micro-panels (zero-filled past
 * the edges, so the micro-kernel never branches on edges); a B panel whose NR columns are
 * adjacent in memory is copied with vector loads.
 *
 * The micro-kernel keeps an MR×NR tile of C in MR·NR/4 v128 locals and, for each of the kc
 * steps, loads NR/4 vectors of B, broadcasts MR values of A and multiply-adds (one fused
 * `f32x4.relaxed_madd` when the engine has relaxed SIMD, else `f32x4.mul` + `f32x4.add`). The
 * tile's rows go to `cRows[i] + cAdd`, so C can be any row-offset table; a tile at the edge of C,
 * or whose columns are not adjacent, goes through a small buffer and `scatter`.
 */
import type { FunctionBuilder, ModuleBuilder } from './emitter.js';

/**
 * Rows of the micro-tile (A is packed in panels of MR rows).
 *
 * @example
 * const panels = Math.ceil(m / MR);
 */
export const MR = 4;
/**
 * Columns of the micro-tile, a multiple of 4 (B is packed in panels of NR columns).
 *
 * @example
 * const panels = Math.ceil(n / NR);
 */
export const NR = 8;

/**
 * The exports of the GEMM module (every pointer and offset is in bytes).
 *
 * @example
 * const gemm = runtime.exports<GemmKernels>('gemm', gemmModule);
 */
export interface GemmKernels {
  /** Pack rows [0, m) × cols [0, kc) of A into ceil(m/MR) micro-panels of kc×MR at `dst`. */
  packA(dst: number, src: number, rows: number, cols: number, m: number, kc: number): void;
  /** Pack rows [0, kc) × cols [0, n) of B into ceil(n/NR) micro-panels of kc×NR at `dst`. */
  packB(dst: number, src: number, rows: number, cols: number, kc: number, n: number): void;
  /**
   * Copy `rows` rows of `length` floats: row r from `src + srcRows[r]` stepping `srcStep` bytes
   * to `dst + dstRows[r]` stepping `dstStep` bytes (how a convolution input is padded/dilated).
   */
  copyRows(
    rows: number,
    length: number,
    src: number,
    srcRows: number,
    srcStep: number,
    dst: number,
    dstRows: number,
    dstStep: number,
  ): void;
  /**
   * C[i, j] (+)= Σ_p Ap[i, p]·Bp[p, j] over an mc×nc block from packed panels; C[i, j] is the f32
   * at `cBase + cRows[i] + cCols[j]`. `tile` is scratch for MR·NR floats plus MR row offsets.
   */
  macro(
    mc: number,
    nc: number,
    kc: number,
    ap: number,
    bp: number,
    cRows: number,
    cCols: number,
    cBase: number,
    accumulate: number,
    tile: number,
  ): void;
}

/**
 * Bytes of the `tile` scratch `macro` needs: an MR×NR tile and its MR row offsets.
 *
 * @example
 * const tile = memory.allocScratch(TILE_BYTES);
 */
export const TILE_BYTES = MR * NR * 4 + MR * 4;

/**
 * Generate the GEMM module into `m` (`fma`: use `f32x4.relaxed_madd`).
 *
 * @example
 * const gemm = runtime.exports<GemmKernels>('gemm', gemmModule);
 */
export function gemmModule(m: ModuleBuilder, fma: boolean): void {
  emitMicro(m.function('micro', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32']), fma);
  emitScatter(m.function('scatter', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32']));
  emitMacro(
    m.function('macro', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32']),
    m.indexOf('micro'),
    m.indexOf('scatter'),
  );
  emitPackA(m.function('packA', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32']));
  emitPackB(m.function('packB', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32']));
  emitCopyRows(m.function('copyRows', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32']));
}

/**
 * micro(kc, a, b, cRows, cAdd, accumulate): one MR×NR tile over kc ≥ 1 steps; row i of the tile
 * is at `i32[cRows + 4i] + cAdd`, loaded first when `accumulate` is non-zero.
 */
function emitMicro(f: FunctionBuilder, fma: boolean): void {
  const [kc, a, b, cRows, cAdd, accumulate] = [0, 1, 2, 3, 4, 5];
  const vectors = NR / 4;
  const acc = Array.from({ length: MR }, () => f.locals('v128', vectors));
  const bv = f.locals('v128', vectors);
  const av = f.local('v128');
  const row = f.locals('i32', MR);
  for (let i = 0; i < MR; i++)
    f.get(cRows)
      .i32Load(4 * i)
      .get(cAdd)
      .i32Add()
      .set(row[i]);
  f.get(accumulate).if();
  for (let i = 0; i < MR; i++)
    for (let j = 0; j < vectors; j++)
      f.get(row[i])
        .v128Load(16 * j)
        .set(acc[i][j]);
  f.else();
  for (let i = 0; i < MR; i++) for (let j = 0; j < vectors; j++) f.f32x4Const(0).set(acc[i][j]);
  f.end();
  f.loop();
  for (let j = 0; j < vectors; j++)
    f.get(b)
      .v128Load(16 * j)
      .set(bv[j]);
  for (let i = 0; i < MR; i++) {
    f.get(a)
      .v128Load32Splat(4 * i)
      .set(av);
    for (let j = 0; j < vectors; j++) {
      if (fma) f.get(av).get(bv[j]).get(acc[i][j]).f32x4RelaxedMadd().set(acc[i][j]);
      else f.get(acc[i][j]).get(av).get(bv[j]).f32x4Mul().f32x4Add().set(acc[i][j]);
    }
  }
  f.get(a)
    .i32Const(MR * 4)
    .i32Add()
    .set(a);
  f.get(b)
    .i32Const(NR * 4)
    .i32Add()
    .set(b);
  f.get(kc).i32Const(1).i32Sub().tee(kc).brIf(0);
  f.end();
  for (let i = 0; i < MR; i++)
    for (let j = 0; j < vectors; j++)
      f.get(row[i])
        .get(acc[i][j])
        .v128Store(16 * j);
}

/**
 * scatter(tile, mr, nr, cRows, cCols, cBase, accumulate): C[i, j] (+)= tile[i, j] for i < mr,
 * j < nr, with C[i, j] at `cBase + cRows[i] + cCols[j]` and the tile row-major with NR columns.
 */
function emitScatter(f: FunctionBuilder): void {
  const [tile, mr, nr, cRows, cCols, cBase, accumulate] = [0, 1, 2, 3, 4, 5, 6];
  const i = f.local('i32');
  const j = f.local('i32');
  const rowAddress = f.local('i32');
  const address = f.local('i32');
  const value = f.local('f32');
  f.i32Const(0).set(i);
  f.loop();
  f.get(cBase).get(cRows).get(i).i32Const(2).i32Shl().i32Add().i32Load().i32Add().set(rowAddress);
  f.i32Const(0).set(j);
  f.loop();
  f.get(rowAddress).get(cCols).get(j).i32Const(2).i32Shl().i32Add().i32Load().i32Add().set(address);
  f.get(tile).get(i).i32Const(NR).i32Mul().get(j).i32Add().i32Const(2).i32Shl().i32Add().f32Load();
  f.set(value);
  f.get(accumulate).if();
  f.get(value).get(address).f32Load().f32Add().set(value);
  f.end();
  f.get(address).get(value).f32Store();
  f.get(j).i32Const(1).i32Add().tee(j).get(nr).i32LtS().brIf(0);
  f.end();
  f.get(i).i32Const(1).i32Add().tee(i).get(mr).i32LtS().brIf(0);
  f.end();
}

/**
 * macro(mc, nc, kc, ap, bp, cRows, cCols, cBase, accumulate, tile): every MR×NR tile of an mc×nc
 * block, column panels outermost so one B micro-panel stays in L1 across the A micro-panels.
 * Full tiles whose NR columns are adjacent store straight into C; the others go through `tile`.
 */
function emitMacro(f: FunctionBuilder, micro: number, scatter: number): void {
  const [mc, nc, kc, ap, bp, cRows, cCols, cBase, accumulate, tile] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
  ];
  const i0 = f.local('i32');
  const j0 = f.local('i32');
  const mr = f.local('i32');
  const nr = f.local('i32');
  const a = f.local('i32');
  const b = f.local('i32');
  const colBase = f.local('i32');
  const adjacent = f.local('i32');
  const tileRows = f.local('i32');
  // The tile's own row table: MR offsets 0, NR·4, 2·NR·4, … after its MR·NR floats.
  f.get(tile)
    .i32Const(MR * NR * 4)
    .i32Add()
    .set(tileRows);
  for (let i = 0; i < MR; i++)
    f.get(tileRows)
      .i32Const(i * NR * 4)
      .i32Store(4 * i);
  f.i32Const(0).set(j0);
  f.get(bp).set(b);
  f.loop();
  f.get(nc).get(j0).i32Sub().set(nr);
  f.get(nr).i32Const(NR).i32GtS().if().i32Const(NR).set(nr).end();
  f.get(cCols).get(j0).i32Const(2).i32Shl().i32Add().set(colBase);
  // adjacent = nr == NR && cCols[j0 + NR - 1] - cCols[j0] == 4·(NR - 1)
  f.get(nr).i32Const(NR).i32Eq();
  f.get(colBase)
    .i32Load(4 * (NR - 1))
    .get(colBase)
    .i32Load()
    .i32Sub()
    .i32Const(4 * (NR - 1))
    .i32Eq();
  f.i32And().set(adjacent);
  f.i32Const(0).set(i0);
  f.get(ap).set(a);
  f.loop();
  f.get(mc).get(i0).i32Sub().set(mr);
  f.get(mr).i32Const(MR).i32GtS().if().i32Const(MR).set(mr).end();
  f.get(adjacent).get(mr).i32Const(MR).i32Eq().i32And().if();
  // Straight into C: rows cRows[i0…], columns from cBase + cCols[j0].
  f.get(kc).get(a).get(b);
  f.get(cRows).get(i0).i32Const(2).i32Shl().i32Add();
  f.get(cBase).get(colBase).i32Load().i32Add();
  f.get(accumulate).call(micro);
  f.else();
  f.get(kc).get(a).get(b).get(tileRows).get(tile).i32Const(0).call(micro);
  f.get(tile).get(mr).get(nr);
  f.get(cRows).get(i0).i32Const(2).i32Shl().i32Add();
  f.get(colBase).get(cBase).get(accumulate).call(scatter);
  f.end();
  f.get(a)
    .get(kc)
    .i32Const(MR * 4)
    .i32Mul()
    .i32Add()
    .set(a);
  f.get(i0).i32Const(MR).i32Add().tee(i0).get(mc).i32LtS().brIf(0);
  f.end();
  f.get(b)
    .get(kc)
    .i32Const(NR * 4)
    .i32Mul()
    .i32Add()
    .set(b);
  f.get(j0).i32Const(NR).i32Add().tee(j0).get(nc).i32LtS().brIf(0);
  f.end();
}

/** Byte shuffles of a 4×4 f32 transpose: interleave pairs, then pick halves. */
const INTERLEAVE_LOW = lanes([0, 4, 1, 5]);
const INTERLEAVE_HIGH = lanes([2, 6, 3, 7]);
const LOW_HALVES = lanes([0, 1, 4, 5]);
const HIGH_HALVES = lanes([2, 3, 6, 7]);

/** The i8x16.shuffle byte indices selecting f32 lanes (0–3 first operand, 4–7 second). */
function lanes(f32Lanes: readonly number[]): number[] {
  return f32Lanes.flatMap((lane) => [4 * lane, 4 * lane + 1, 4 * lane + 2, 4 * lane + 3]);
}

/**
 * Transpose the 4×4 block held by v128 locals `rows` (row r = lanes of `rows[r]`) into `columns`
 * (column q = lane q of every row), using `temps` (4 v128 locals).
 */
function emitTranspose(
  f: FunctionBuilder,
  rows: readonly number[],
  columns: readonly number[],
  temps: readonly number[],
): void {
  f.get(rows[0]).get(rows[1]).i8x16Shuffle(INTERLEAVE_LOW).set(temps[0]);
  f.get(rows[0]).get(rows[1]).i8x16Shuffle(INTERLEAVE_HIGH).set(temps[1]);
  f.get(rows[2]).get(rows[3]).i8x16Shuffle(INTERLEAVE_LOW).set(temps[2]);
  f.get(rows[2]).get(rows[3]).i8x16Shuffle(INTERLEAVE_HIGH).set(temps[3]);
  f.get(temps[0]).get(temps[2]).i8x16Shuffle(LOW_HALVES).set(columns[0]);
  f.get(temps[0]).get(temps[2]).i8x16Shuffle(HIGH_HALVES).set(columns[1]);
  f.get(temps[1]).get(temps[3]).i8x16Shuffle(LOW_HALVES).set(columns[2]);
  f.get(temps[1]).get(temps[3]).i8x16Shuffle(HIGH_HALVES).set(columns[3]);
}

/** Leave `table[index + offset] == table[index + offset - 1] + 4` for offsets 1–3 (an i32 0/1). */
function emitFourAdjacent(f: FunctionBuilder, table: number, index: number): void {
  const entry = (k: number) =>
    f
      .get(table)
      .get(index)
      .i32Const(2)
      .i32Shl()
      .i32Add()
      .i32Load(4 * k);
  for (let k = 1; k < 4; k++) {
    entry(k);
    entry(k - 1);
    f.i32Sub().i32Const(4).i32Eq();
    if (k > 1) f.i32And();
  }
}

/**
 * packA(dst, src, rows, cols, m, kc): for each MR-row panel, for each p < kc, MR floats
 * `src + rows[i] + cols[p]` (0 past row m). Where four consecutive p are adjacent in memory (a
 * row-major A), each row's four floats are one vector load and a 4×4 transpose lays them out.
 */
function emitPackA(f: FunctionBuilder): void {
  if (MR !== 4) throw new Error('packA transposes 4-row panels');
  const [dst, src, rows, cols, m, kc] = [0, 1, 2, 3, 4, 5];
  const i0 = f.local('i32');
  const p = f.local('i32');
  const col = f.local('i32');
  const count = f.local('i32');
  const i = f.local('i32');
  const row = f.locals('i32', MR);
  const loaded = f.locals('v128', 4);
  const transposed = f.locals('v128', 4);
  const temps = f.locals('v128', 4);
  const scalarStep = () => {
    // One p of a full panel: MR scalar copies.
    f.get(cols).get(p).i32Const(2).i32Shl().i32Add().i32Load().set(col);
    for (let r = 0; r < MR; r++)
      f.get(dst)
        .get(row[r])
        .get(col)
        .i32Add()
        .f32Load()
        .f32Store(4 * r);
    f.get(dst)
      .i32Const(MR * 4)
      .i32Add()
      .set(dst);
    f.get(p).i32Const(1).i32Add().set(p);
  };
  f.i32Const(0).set(i0);
  f.loop();
  f.get(m).get(i0).i32Sub().set(count);
  f.get(count).i32Const(MR).i32GeS().if();
  // A full panel: its MR row addresses in locals.
  for (let r = 0; r < MR; r++) {
    f.get(src)
      .get(rows)
      .get(i0)
      .i32Const(2)
      .i32Shl()
      .i32Add()
      .i32Load(4 * r)
      .i32Add()
      .set(row[r]);
  }
  f.i32Const(0).set(p);
  // Four p at a time: transposed vector copies where the four are adjacent.
  f.block().loop();
  f.get(p).i32Const(4).i32Add().get(kc).i32GtS().brIf(1);
  emitFourAdjacent(f, cols, p);
  f.if();
  f.get(cols).get(p).i32Const(2).i32Shl().i32Add().i32Load().set(col);
  for (let r = 0; r < MR; r++) f.get(row[r]).get(col).i32Add().v128Load().set(loaded[r]);
  emitTranspose(f, loaded, transposed, temps);
  for (let q = 0; q < 4; q++)
    f.get(dst)
      .get(transposed[q])
      .v128Store(16 * q);
  f.get(dst).i32Const(64).i32Add().set(dst);
  f.get(p).i32Const(4).i32Add().set(p);
  f.else();
  for (let q = 0; q < 4; q++) scalarStep();
  f.end();
  f.br(0);
  f.end().end();
  f.block().loop();
  f.get(p).get(kc).i32GeS().brIf(1);
  scalarStep();
  f.br(0);
  f.end().end();
  f.else();
  // The last, partial panel: `count` real rows, zeros below.
  f.i32Const(0).set(p);
  f.loop();
  f.get(cols).get(p).i32Const(2).i32Shl().i32Add().i32Load().get(src).i32Add().set(col);
  f.i32Const(0).set(i);
  f.loop();
  f.get(i).get(count).i32LtS().if();
  f.get(dst).get(i).i32Const(2).i32Shl().i32Add();
  f.get(rows).get(i0).get(i).i32Add().i32Const(2).i32Shl().i32Add().i32Load().get(col).i32Add();
  f.f32Load().f32Store();
  f.else();
  f.get(dst).get(i).i32Const(2).i32Shl().i32Add().f32Const(0).f32Store();
  f.end();
  f.get(i).i32Const(1).i32Add().tee(i).i32Const(MR).i32LtS().brIf(0);
  f.end();
  f.get(dst)
    .i32Const(MR * 4)
    .i32Add()
    .set(dst);
  f.get(p).i32Const(1).i32Add().tee(p).get(kc).i32LtS().brIf(0);
  f.end();
  f.end();
  f.get(i0).i32Const(MR).i32Add().tee(i0).get(m).i32LtS().brIf(0);
  f.end();
}

/**
 * packB(dst, src, rows, cols, kc, n): for each NR-column panel, for each p < kc, NR floats
 * `src + rows[p] + cols[j]` (0 past column n). A full panel whose columns are adjacent in memory
 * is copied with vector loads; otherwise, where four consecutive rows are adjacent (a transposed
 * B, or im2col rows along an image row), each column's four floats are one vector load and
 * 4×4 transposes lay them out; elsewhere each group of four adjacent columns is still one vector.
 */
function emitPackB(f: FunctionBuilder): void {
  const [dst, src, rows, cols, kc, n] = [0, 1, 2, 3, 4, 5];
  const j0 = f.local('i32');
  const p = f.local('i32');
  const rowOffset = f.local('i32');
  const count = f.local('i32');
  const j = f.local('i32');
  const colBase = f.local('i32');
  const column = f.locals('i32', NR);
  const loaded = f.locals('v128', 4);
  const transposed = f.locals('v128', 4);
  const temps = f.locals('v128', 4);
  const halfAdjacent = f.locals('i32', NR / 4);
  const scalarStep = () => {
    // One row p of a full panel: a vector copy per group of four adjacent columns, else scalars.
    f.get(rows).get(p).i32Const(2).i32Shl().i32Add().i32Load().set(rowOffset);
    for (let h = 0; h < NR / 4; h++) {
      f.get(halfAdjacent[h]).if();
      f.get(dst)
        .get(column[4 * h])
        .get(rowOffset)
        .i32Add()
        .v128Load()
        .v128Store(16 * h);
      f.else();
      for (let c = 4 * h; c < 4 * h + 4; c++) {
        f.get(dst)
          .get(column[c])
          .get(rowOffset)
          .i32Add()
          .f32Load()
          .f32Store(4 * c);
      }
      f.end();
    }
    f.get(dst)
      .i32Const(NR * 4)
      .i32Add()
      .set(dst);
    f.get(p).i32Const(1).i32Add().set(p);
  };
  f.i32Const(0).set(j0);
  f.loop();
  f.get(n).get(j0).i32Sub().set(count);
  f.get(cols).get(j0).i32Const(2).i32Shl().i32Add().set(colBase);
  f.get(count).i32Const(NR).i32GeS().if();
  for (let c = 0; c < NR; c++)
    f.get(src)
      .get(colBase)
      .i32Load(4 * c)
      .i32Add()
      .set(column[c]);
  for (let h = 0; h < NR / 4; h++) {
    f.i32Const(1);
    for (let c = 1; c < 4; c++) {
      f.get(column[4 * h + c])
        .get(column[4 * h])
        .i32Sub()
        .i32Const(4 * c)
        .i32Eq()
        .i32And();
    }
    f.set(halfAdjacent[h]);
  }
  // Adjacent columns: column[c] == column[0] + 4c for every c.
  f.i32Const(1);
  for (let c = 1; c < NR; c++) {
    f.get(column[c])
      .get(column[0])
      .i32Sub()
      .i32Const(4 * c)
      .i32Eq()
      .i32And();
  }
  f.if();
  f.i32Const(0).set(p);
  f.loop();
  f.get(rows).get(p).i32Const(2).i32Shl().i32Add().i32Load().get(column[0]).i32Add().set(rowOffset);
  for (let v = 0; v < NR / 4; v++)
    f.get(dst)
      .get(rowOffset)
      .v128Load(16 * v)
      .v128Store(16 * v);
  f.get(dst)
    .i32Const(NR * 4)
    .i32Add()
    .set(dst);
  f.get(p).i32Const(1).i32Add().tee(p).get(kc).i32LtS().brIf(0);
  f.end();
  f.else();
  f.i32Const(0).set(p);
  // Four rows at a time: transposed vector copies where the four rows are adjacent.
  f.block().loop();
  f.get(p).i32Const(4).i32Add().get(kc).i32GtS().brIf(1);
  emitFourAdjacent(f, rows, p);
  f.if();
  f.get(rows).get(p).i32Const(2).i32Shl().i32Add().i32Load().set(rowOffset);
  for (let h = 0; h < NR / 4; h++) {
    for (let c = 0; c < 4; c++)
      f.get(column[4 * h + c])
        .get(rowOffset)
        .i32Add()
        .v128Load()
        .set(loaded[c]);
    emitTranspose(f, loaded, transposed, temps);
    for (let q = 0; q < 4; q++)
      f.get(dst)
        .get(transposed[q])
        .v128Store(q * NR * 4 + 16 * h);
  }
  f.get(dst)
    .i32Const(4 * NR * 4)
    .i32Add()
    .set(dst);
  f.get(p).i32Const(4).i32Add().set(p);
  f.else();
  for (let q = 0; q < 4; q++) scalarStep();
  f.end();
  f.br(0);
  f.end().end();
  f.block().loop();
  f.get(p).get(kc).i32GeS().brIf(1);
  scalarStep();
  f.br(0);
  f.end().end();
  f.end();
  f.else();
  // The last, partial panel: `count` real columns, zeros right of them.
  f.i32Const(0).set(p);
  f.loop();
  f.get(rows).get(p).i32Const(2).i32Shl().i32Add().i32Load().get(src).i32Add().set(rowOffset);
  f.i32Const(0).set(j);
  f.loop();
  f.get(j).get(count).i32LtS().if();
  f.get(dst).get(j).i32Const(2).i32Shl().i32Add();
  f.get(colBase).get(j).i32Const(2).i32Shl().i32Add().i32Load().get(rowOffset).i32Add();
  f.f32Load().f32Store();
  f.else();
  f.get(dst).get(j).i32Const(2).i32Shl().i32Add().f32Const(0).f32Store();
  f.end();
  f.get(j).i32Const(1).i32Add().tee(j).i32Const(NR).i32LtS().brIf(0);
  f.end();
  f.get(dst)
    .i32Const(NR * 4)
    .i32Add()
    .set(dst);
  f.get(p).i32Const(1).i32Add().tee(p).get(kc).i32LtS().brIf(0);
  f.end();
  f.end();
  f.get(j0).i32Const(NR).i32Add().tee(j0).get(n).i32LtS().brIf(0);
  f.end();
}

/** copyRows(rows, length, src, srcRows, srcStep, dst, dstRows, dstStep): see `GemmKernels`. */
function emitCopyRows(f: FunctionBuilder): void {
  const [rows, length, src, srcRows, srcStep, dst, dstRows, dstStep] = [0, 1, 2, 3, 4, 5, 6, 7];
  const r = f.local('i32');
  const i = f.local('i32');
  const from = f.local('i32');
  const to = f.local('i32');
  const unit = f.local('i32');
  f.get(srcStep).i32Const(4).i32Eq().get(dstStep).i32Const(4).i32Eq().i32And().set(unit);
  f.i32Const(0).set(r);
  f.block().loop();
  f.get(r).get(rows).i32GeS().brIf(1);
  f.get(src).get(srcRows).get(r).i32Const(2).i32Shl().i32Add().i32Load().i32Add().set(from);
  f.get(dst).get(dstRows).get(r).i32Const(2).i32Shl().i32Add().i32Load().i32Add().set(to);
  f.i32Const(0).set(i);
  f.get(unit).if();
  f.block().loop();
  f.get(i).i32Const(4).i32Add().get(length).i32GtS().brIf(1);
  f.get(to).get(from).v128Load().v128Store();
  f.get(from).i32Const(16).i32Add().set(from);
  f.get(to).i32Const(16).i32Add().set(to);
  f.get(i).i32Const(4).i32Add().set(i);
  f.br(0);
  f.end().end();
  f.end();
  f.block().loop();
  f.get(i).get(length).i32GeS().brIf(1);
  f.get(to).get(from).f32Load().f32Store();
  f.get(from).get(srcStep).i32Add().set(from);
  f.get(to).get(dstStep).i32Add().set(to);
  f.get(i).i32Const(1).i32Add().set(i);
  f.br(0);
  f.end().end();
  f.get(r).i32Const(1).i32Add().set(r);
  f.br(0);
  f.end().end();
}
