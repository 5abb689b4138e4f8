/**
 * Elementwise float32 `unary` and `binary` on the Wasm path.
 *
 * After merging the dims that are contiguous for every operand (`collapseDims`), a view the
 * kernels take is at most two loops: rows of a contiguous (step 1) or broadcast (step 0) run,
 * with any row stride — a whole contiguous array, a bias broadcast over rows, a scalar, a slice.
 * One small module per op (and per step pattern for binary ops) loops over rows and over each
 * row four lanes at a time with the `vector-math.ts` sequences; the last partial vector is
 * computed whole (reading a few bytes past the row, which the allocator's slack keeps inside the
 * memory) and stored lane by lane. Other dtypes, ops and layouts decline to the TypedArray kernels.
 * Large operands are cut into runs of rows, or pieces of a row starting at a vector boundary,
 * which the runtime's threads compute in parallel (lanes are independent, so bit-identically).
 */
import type { BinaryOp, UnaryOp } from '@tensile/core';
import {
  type ArrayOut,
  type ArrayView,
  collapseDims,
  contiguousStrides,
  sizeOf,
} from '../strided.js';
import type { FunctionBuilder, ModuleBuilder } from './emitter.js';
import type { WasmRuntime } from './runtime.js';
import { VECTOR_BINARY, VECTOR_UNARY } from './vector-math.js';
import { MIN_TASK_ELEMENTS, rowChunks, taskCount } from './work-split.js';

/** A strided operand of the loop: pointer local, row-stride local, and step 0 (splat) or 1. */
interface LoopOperand {
  readonly pointer: number;
  readonly rowStride: number;
  readonly step: 0 | 1;
}

/**
 * The row loop shared by every elementwise kernel: `rows` rows of `length` outputs written
 * contiguously from `dst`; `body` leaves the result vector for the loaded operand vectors.
 */
function emitRows(
  f: FunctionBuilder,
  rows: number,
  length: number,
  dst: number,
  operands: readonly LoopOperand[],
  body: (values: readonly number[]) => void,
): void {
  const row = f.local('i32');
  const i = f.local('i32');
  const out = f.local('i32');
  const result = f.local('v128');
  const at = operands.map(() => f.local('i32'));
  const values = operands.map(() => f.local('v128'));
  const load = () => {
    operands.forEach((o, k) => {
      if (o.step === 1) f.get(at[k]).v128Load().set(values[k]);
    });
  };
  f.get(rows).i32Eqz().if().return().end();
  f.get(dst).set(out);
  f.i32Const(0).set(row);
  f.loop();
  operands.forEach((o, k) => {
    f.get(o.pointer).get(row).get(o.rowStride).i32Mul().i32Add().set(at[k]);
    if (o.step === 0) f.get(at[k]).v128Load32Splat().set(values[k]);
  });
  f.i32Const(0).set(i);
  f.block();
  f.loop();
  f.get(i).i32Const(4).i32Add().get(length).i32GtS().brIf(1);
  load();
  f.get(out);
  body(values);
  f.v128Store();
  f.get(out).i32Const(16).i32Add().set(out);
  operands.forEach((o, k) => {
    if (o.step === 1) f.get(at[k]).i32Const(16).i32Add().set(at[k]);
  });
  f.get(i).i32Const(4).i32Add().set(i);
  f.br(0);
  f.end();
  f.end();
  // The last 1–3 elements: compute a whole vector, store only its first lanes.
  f.get(i).get(length).i32LtS().if();
  load();
  body(values);
  f.set(result);
  for (let lane = 0; lane < 3; lane++) {
    f.get(i).i32Const(lane).i32Add().get(length).i32LtS().if();
    f.get(out)
      .get(result)
      .v128Store32Lane(lane, 4 * lane);
    f.end();
  }
  f.get(out).get(length).get(i).i32Sub().i32Const(2).i32Shl().i32Add().set(out);
  f.end();
  f.get(row).i32Const(1).i32Add().tee(row).get(rows).i32LtS().brIf(0);
  f.end();
}

/** Module for unary `op`: run(rows, length, src, srcRowStride, dst), strides in bytes. */
function unaryModule(op: UnaryOp) {
  return (m: ModuleBuilder) => {
    const f = m.function('run', ['i32', 'i32', 'i32', 'i32', 'i32']);
    const vector = VECTOR_UNARY[op];
    if (vector === undefined) throw new Error(`no vector form of ${op}`);
    emitRows(f, 0, 1, 4, [{ pointer: 2, rowStride: 3, step: 1 }], ([x]) => vector(f, x));
  };
}

/** Module for binary `op` with inner steps `steps`: run(rows, length, a, aRow, b, bRow, dst). */
function binaryModule(op: BinaryOp, steps: readonly [0 | 1, 0 | 1]) {
  return (m: ModuleBuilder) => {
    const f = m.function('run', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
    const vector = VECTOR_BINARY[op];
    if (vector === undefined) throw new Error(`no vector form of ${op}`);
    emitRows(
      f,
      0,
      1,
      6,
      [
        { pointer: 2, rowStride: 3, step: steps[0] },
        { pointer: 4, rowStride: 5, step: steps[1] },
      ],
      ([a, b]) => vector(f, a, b),
    );
  };
}

/**
 * The operands' loop as (rows, length) plus each operand's row stride and inner step in
 * elements, or `undefined` when it needs more than two loops or an inner step other than 0/1.
 */
function rowLoop(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
): { rows: number; length: number; rowStrides: number[]; steps: (0 | 1)[] } | undefined {
  const loop = collapseDims(shape, [...strides, contiguousStrides(shape)]);
  const rank = loop.shape.length;
  if (rank > 2) return undefined;
  const inner = (s: readonly number[]) => (rank === 0 ? 0 : s[rank - 1]);
  const steps = strides.map((_, k) => inner(loop.strides[k]));
  if (steps.some((s) => s !== 0 && s !== 1)) return undefined;
  return {
    rows: rank === 2 ? loop.shape[0] : 1,
    length: rank === 0 ? 1 : loop.shape[rank - 1],
    rowStrides: strides.map((_, k) => (rank === 2 ? loop.strides[k][0] : 0)),
    steps: steps as (0 | 1)[],
  };
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((n, d) => n === b[d]);
}

/**
 * The `run` arguments of each task of a (rows × length) loop — pieces for the runtime's threads
 * when it is large: (rows, length, then byte address and byte row stride of each input at
 * `addresses`, then the contiguous output's address).
 */
function elementwiseTasks(
  runtime: WasmRuntime,
  loop: { rows: number; length: number; rowStrides: readonly number[]; steps: readonly number[] },
  addresses: readonly number[],
  dst: number,
): number[][] {
  const { rows, length } = loop;
  const parts = taskCount(runtime.threads, rows * length, MIN_TASK_ELEMENTS);
  return rowChunks(rows, length, parts).map((chunk) => {
    const args = [chunk.rows, chunk.length];
    addresses.forEach((address, k) => {
      const start = chunk.row * loop.rowStrides[k] + chunk.start * loop.steps[k];
      args.push(address + 4 * start, 4 * loop.rowStrides[k]);
    });
    args.push(dst + 4 * (chunk.row * length + chunk.start));
    return args;
  });
}

/**
 * `out = op(x)` for float32 on the Wasm kernels; false (nothing done) when the op, dtype or
 * layout has no Wasm form.
 *
 * @example
 * if (!wasmUnary(runtime, 'exp', x, out)) unary('exp', x, out);
 */
export function wasmUnary(runtime: WasmRuntime, op: UnaryOp, x: ArrayView, out: ArrayOut): boolean {
  if (x.dtype !== 'float32' || out.dtype !== 'float32' || VECTOR_UNARY[op] === undefined) {
    return false;
  }
  if (!sameShape(x.shape, out.shape)) return false;
  if (sizeOf(x.shape) === 0) return true;
  const loop = rowLoop(x.shape, [x.strides]);
  if (loop === undefined || loop.steps[0] !== 1) return false;
  const key = `unary:${op}`;
  const source = unaryModule(op);
  if (runtime.exports(key, source) === undefined) return false;
  const tasks = elementwiseTasks(
    runtime,
    loop,
    [x.data.byteOffset + 4 * x.offset],
    out.data.byteOffset,
  );
  runtime.run(key, source, 'run', tasks);
  return true;
}

/**
 * `out = a op b` for float32 on the Wasm kernels (broadcasting as zero strides); false (nothing
 * done) when the op, dtype or layout has no Wasm form.
 *
 * @example
 * if (!wasmBinary(runtime, 'add', a, b, out)) binary('add', a, b, out);
 */
export function wasmBinary(
  runtime: WasmRuntime,
  op: BinaryOp,
  a: ArrayView,
  b: ArrayView,
  out: ArrayOut,
): boolean {
  if (
    a.dtype !== 'float32' ||
    b.dtype !== 'float32' ||
    out.dtype !== 'float32' ||
    VECTOR_BINARY[op] === undefined
  ) {
    return false;
  }
  if (!sameShape(a.shape, b.shape) || !sameShape(a.shape, out.shape)) return false;
  if (sizeOf(a.shape) === 0) return true;
  const loop = rowLoop(a.shape, [a.strides, b.strides]);
  if (loop === undefined) return false;
  const [aStep, bStep] = loop.steps;
  const key = `binary:${op}:${aStep}${bStep}`;
  const source = binaryModule(op, [aStep, bStep]);
  if (runtime.exports(key, source) === undefined) return false;
  const tasks = elementwiseTasks(
    runtime,
    loop,
    [a.data.byteOffset + 4 * a.offset, b.data.byteOffset + 4 * b.offset],
    out.data.byteOffset,
  );
  runtime.run(key, source, 'run', tasks);
  return true;
}
