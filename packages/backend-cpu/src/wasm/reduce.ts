/**
 * Float32 `reduce` (sum, max, min) on the Wasm path, for contiguous operands whose reduced axes
 * are all trailing ("rows": sum over the last axis, a softmax denominator, a loss) or all
 * leading ("columns": sum over the batch axis, a bias gradient).
 *
 * Rows are folded four lanes at a time into four independent vector accumulators (so the adds
 * pipeline), then across lanes; columns are folded row by row into the output, four columns at a
 * time. Sums accumulate in float32 (within the n·ε·Σ|x| bound of any float32 summation order);
 * max and min propagate NaN as `Math.max`/`min`. Everything else declines to the TypedArray
 * kernels. Large reductions are cut for the runtime's threads along what they keep — runs of
 * rows, or ranges of columns — never along what they fold, so every sum is added up in the same
 * order as on one thread.
 */
import type { ReduceOp } from '@tensile/core';
import { type ArrayOut, type ArrayView, contiguousStrides, sizeOf } from '../strided.js';
import type { FunctionBuilder, ModuleBuilder } from './emitter.js';
import type { WasmRuntime } from './runtime.js';
import { MIN_TASK_ELEMENTS, splitRange, taskCount } from './work-split.js';

type FoldOp = 'sum' | 'max' | 'min';

/** Append the vector fold of two v128 values on the stack. */
function vectorFold(f: FunctionBuilder, op: FoldOp): void {
  if (op === 'sum') f.f32x4Add();
  else if (op === 'max') f.f32x4Max();
  else f.f32x4Min();
}

/** Append the scalar fold of two f32 values on the stack. */
function scalarFold(f: FunctionBuilder, op: FoldOp): void {
  if (op === 'sum') f.f32Add();
  else if (op === 'max') f.f32Max();
  else f.f32Min();
}

const IDENTITY: Record<FoldOp, number> = {
  sum: 0,
  max: Number.NEGATIVE_INFINITY,
  min: Number.POSITIVE_INFINITY,
};

/** rows(rows, length, src, dst): dst[r] = fold of the `length` floats of row r (length ≥ 1). */
function emitRows(f: FunctionBuilder, op: FoldOp): void {
  const [rows, length, src, dst] = [0, 1, 2, 3];
  const row = f.local('i32');
  const i = f.local('i32');
  const acc = f.locals('v128', 4);
  const total = f.local('f32');
  f.i32Const(0).set(row);
  f.block();
  f.get(rows).i32Eqz().brIf(0);
  f.loop();
  for (const a of acc) f.f32x4Const(IDENTITY[op]).set(a);
  f.i32Const(0).set(i);
  // Sixteen floats per step into four accumulators.
  f.block().loop();
  f.get(i).i32Const(16).i32Add().get(length).i32GtS().brIf(1);
  acc.forEach((a, k) => {
    f.get(a)
      .get(src)
      .v128Load(16 * k);
    vectorFold(f, op);
    f.set(a);
  });
  f.get(src).i32Const(64).i32Add().set(src);
  f.get(i).i32Const(16).i32Add().set(i);
  f.br(0);
  f.end().end();
  // Then four at a time, then one at a time.
  f.block().loop();
  f.get(i).i32Const(4).i32Add().get(length).i32GtS().brIf(1);
  f.get(acc[0]).get(src).v128Load();
  vectorFold(f, op);
  f.set(acc[0]);
  f.get(src).i32Const(16).i32Add().set(src);
  f.get(i).i32Const(4).i32Add().set(i);
  f.br(0);
  f.end().end();
  f.get(acc[0]).get(acc[1]);
  vectorFold(f, op);
  f.get(acc[2]).get(acc[3]);
  vectorFold(f, op);
  vectorFold(f, op);
  f.set(acc[0]);
  f.get(acc[0]).f32x4ExtractLane(0);
  for (let lane = 1; lane < 4; lane++) {
    f.get(acc[0]).f32x4ExtractLane(lane);
    scalarFold(f, op);
  }
  f.set(total);
  f.block().loop();
  f.get(i).get(length).i32GeS().brIf(1);
  f.get(total).get(src).f32Load();
  scalarFold(f, op);
  f.set(total);
  f.get(src).i32Const(4).i32Add().set(src);
  f.get(i).i32Const(1).i32Add().set(i);
  f.br(0);
  f.end().end();
  f.get(dst).get(total).f32Store();
  f.get(dst).i32Const(4).i32Add().set(dst);
  f.get(row).i32Const(1).i32Add().tee(row).get(rows).i32LtS().brIf(0);
  f.end();
  f.end();
}

/**
 * columns(rows, length, src, dst, stride): dst[j] = fold over r of the float at byte
 * `src + r·stride + 4j` (rows ≥ 1).
 */
function emitColumns(f: FunctionBuilder, op: FoldOp): void {
  const [rows, length, src, dst, stride] = [0, 1, 2, 3, 4];
  const row = f.local('i32');
  const j = f.local('i32');
  const from = f.local('i32');
  const to = f.local('i32');
  // dst = row 0 (a contiguous copy, whole vectors then single floats).
  f.i32Const(0).set(j);
  f.block().loop();
  f.get(j).i32Const(4).i32Add().get(length).i32GtS().brIf(1);
  f.get(dst).get(j).i32Const(2).i32Shl().i32Add();
  f.get(src).get(j).i32Const(2).i32Shl().i32Add().v128Load().v128Store();
  f.get(j).i32Const(4).i32Add().set(j);
  f.br(0);
  f.end().end();
  f.block().loop();
  f.get(j).get(length).i32GeS().brIf(1);
  f.get(dst).get(j).i32Const(2).i32Shl().i32Add();
  f.get(src).get(j).i32Const(2).i32Shl().i32Add().f32Load().f32Store();
  f.get(j).i32Const(1).i32Add().set(j);
  f.br(0);
  f.end().end();
  // Fold in rows 1 … rows-1.
  f.i32Const(1).set(row);
  f.block().loop();
  f.get(row).get(rows).i32GeS().brIf(1);
  f.get(src).get(row).get(stride).i32Mul().i32Add().set(from);
  f.get(dst).set(to);
  f.i32Const(0).set(j);
  f.block().loop();
  f.get(j).i32Const(4).i32Add().get(length).i32GtS().brIf(1);
  f.get(to).get(to).v128Load().get(from).v128Load();
  vectorFold(f, op);
  f.v128Store();
  f.get(to).i32Const(16).i32Add().set(to);
  f.get(from).i32Const(16).i32Add().set(from);
  f.get(j).i32Const(4).i32Add().set(j);
  f.br(0);
  f.end().end();
  f.block().loop();
  f.get(j).get(length).i32GeS().brIf(1);
  f.get(to).get(to).f32Load().get(from).f32Load();
  scalarFold(f, op);
  f.f32Store();
  f.get(to).i32Const(4).i32Add().set(to);
  f.get(from).i32Const(4).i32Add().set(from);
  f.get(j).i32Const(1).i32Add().set(j);
  f.br(0);
  f.end().end();
  f.get(row).i32Const(1).i32Add().set(row);
  f.br(0);
  f.end().end();
}

function reduceModule(op: FoldOp) {
  return (m: ModuleBuilder) => {
    emitRows(m.function('rows', ['i32', 'i32', 'i32', 'i32']), op);
    emitColumns(m.function('columns', ['i32', 'i32', 'i32', 'i32', 'i32']), op);
  };
}

/**
 * Reduce float32 `axes` away on the Wasm kernels; false (nothing done) when the op, dtype or
 * layout has no Wasm form (including bad axes, which the TypedArray kernel reports).
 *
 * @example
 * if (!wasmReduce(runtime, 'sum', x, [1], out)) reduce('sum', x, [1], out);
 */
export function wasmReduce(
  runtime: WasmRuntime,
  op: ReduceOp,
  x: ArrayView,
  axes: readonly number[],
  out: ArrayOut,
): boolean {
  if (x.dtype !== 'float32' || out.dtype !== 'float32') return false;
  if (op !== 'sum' && op !== 'max' && op !== 'min') return false;
  const rank = x.shape.length;
  const reduced = new Set(axes);
  if (reduced.size !== axes.length || axes.some((a) => !(a >= 0 && a < rank))) return false;
  const kept = x.shape.filter((_, d) => !reduced.has(d));
  if (kept.length !== out.shape.length || kept.some((n, d) => n !== out.shape[d])) return false;
  const dense = contiguousStrides(x.shape);
  if (x.shape.some((n, d) => n > 1 && x.strides[d] !== dense[d])) return false;
  // Runs of reduced / kept dims (size-1 dims do not count).
  const runs: { reduced: boolean; size: number }[] = [];
  x.shape.forEach((n, d) => {
    if (n === 1) return;
    const last = runs[runs.length - 1];
    if (last !== undefined && last.reduced === reduced.has(d)) last.size *= n;
    else runs.push({ reduced: reduced.has(d), size: n });
  });
  if (sizeOf(x.shape) === 0 || runs.length === 0 || runs.length > 2) return false;
  if (runs.length === 1 && !runs[0].reduced) return false;
  const key = `reduce:${op}`;
  const source = reduceModule(op);
  if (runtime.exports(key, source) === undefined) return false;
  const src = x.data.byteOffset + 4 * x.offset;
  const dst = out.data.byteOffset;
  const parts = taskCount(runtime.threads, sizeOf(x.shape), MIN_TASK_ELEMENTS);
  const last = runs[runs.length - 1];
  if (last.reduced) {
    // Runs of whole rows.
    const rows = runs.length === 2 ? runs[0].size : 1;
    const bounds = splitRange(rows, parts);
    const tasks = bounds
      .slice(1)
      .map((end, i) => [
        end - bounds[i],
        last.size,
        src + 4 * bounds[i] * last.size,
        dst + 4 * bounds[i],
      ]);
    runtime.run(key, source, 'rows', tasks);
  } else {
    // Ranges of columns (starting at a vector boundary).
    const [rows, length] = [runs[0].size, last.size];
    const bounds = splitRange(length, parts, 4);
    const tasks = bounds
      .slice(1)
      .map((end, i) => [
        rows,
        end - bounds[i],
        src + 4 * bounds[i],
        dst + 4 * bounds[i],
        4 * length,
      ]);
    runtime.run(key, source, 'columns', tasks);
  }
  return true;
}
