/**
 * Float32 `reduceWindow` (max, min and sum pooling) on the Wasm path, for contiguous operands
 * whose window spans only the last two dims (or the last one) without dilation — the pooling
 * layers of a CNN, their sum-pooling gradients aside.
 *
 * Each output row starts at the reduction's identity; every window row that lands inside the
 * input then folds its taps in, four outputs at a time: with stride 1 the four inputs are one
 * vector load, with stride 2 they are the even lanes of two loads (a shuffle); other strides and
 * the borders, where taps fall in the padding, go one float at a time over just the valid
 * outputs. Padding is never materialised. Sums accumulate in float32. Large inputs are cut into
 * runs of planes (images × channels) for the runtime's threads.
 */
import type { WindowParams } from '@tensile/core';
import { type ArrayOut, type ArrayView, contiguousStrides, sizeOf } from '../strided.js';
import { windowOutputSize } from '../window-taps.js';
import type { FunctionBuilder, ModuleBuilder } from './emitter.js';
import type { WasmRuntime } from './runtime.js';
import { MIN_TASK_ELEMENTS, splitRange, taskCount } from './work-split.js';

type PoolOp = 'sum' | 'max' | 'min';

const IDENTITY: Record<PoolOp, number> = {
  sum: 0,
  max: Number.NEGATIVE_INFINITY,
  min: Number.POSITIVE_INFINITY,
};

/** The byte shuffle picking lanes 0 and 2 of each of two vectors. */
const EVEN_LANES = [0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27];

/**
 * run(src, dst, planes, H, W, OH, OW, KH, KW, sh, sw, ph, pw): pool every H×W plane of a
 * contiguous input into an OH×OW plane of the output.
 */
function emitPool(f: FunctionBuilder, op: PoolOp): void {
  const [src, dst, planes, H, W, OH, OW, KH, KW, sh, sw, ph, pw] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
  ];
  const plane = f.local('i32');
  const oh = f.local('i32');
  const kh = f.local('i32');
  const kw = f.local('i32');
  const ih = f.local('i32');
  const ow = f.local('i32');
  const lo = f.local('i32');
  const hi = f.local('i32');
  const num = f.local('i32');
  const orow = f.local('i32');
  const irow = f.local('i32');
  const at = f.local('i32');
  const fold = () => {
    if (op === 'sum') f.f32x4Add();
    else if (op === 'max') f.f32x4Max();
    else f.f32x4Min();
  };
  const foldScalar = () => {
    if (op === 'sum') f.f32Add();
    else if (op === 'max') f.f32Max();
    else f.f32Min();
  };
  f.get(dst).set(orow);
  f.i32Const(0).set(plane);
  f.block();
  f.get(planes).i32Eqz().get(OH).i32Eqz().i32Or().get(OW).i32Eqz().i32Or().brIf(0);
  f.loop(); // planes
  f.i32Const(0).set(oh);
  f.loop(); // output rows
  // The row starts at the identity.
  f.i32Const(0).set(ow);
  f.block().loop();
  f.get(ow).get(OW).i32GeS().brIf(1);
  f.get(orow).get(ow).i32Const(2).i32Shl().i32Add().f32Const(IDENTITY[op]).f32Store();
  f.get(ow).i32Const(1).i32Add().set(ow);
  f.br(0);
  f.end().end();
  f.i32Const(0).set(kh);
  f.block().loop(); // window rows
  f.get(kh).get(KH).i32GeS().brIf(1);
  f.get(oh).get(sh).i32Mul().get(ph).i32Sub().get(kh).i32Add().set(ih);
  // Only window rows inside the input: 0 ≤ ih < H (unsigned compare).
  f.get(ih).get(H).i32LtU().if();
  f.get(src).get(plane).get(H).i32Mul().get(ih).i32Add().get(W).i32Mul().i32Const(2).i32Shl();
  f.i32Add().set(irow);
  f.i32Const(0).set(kw);
  f.block().loop(); // window columns
  f.get(kw).get(KW).i32GeS().brIf(1);
  // Valid outputs: lo = max(0, ceil((pw - kw) / sw)), hi = min(OW, floor((W - 1 + pw - kw) / sw) + 1).
  f.get(pw).get(kw).i32Sub().set(num);
  f.i32Const(0).set(lo);
  f.get(num).i32Const(0).i32GtS().if();
  f.get(num).get(sw).i32Add().i32Const(1).i32Sub().get(sw).i32DivS().set(lo);
  f.end();
  f.get(W).i32Const(1).i32Sub().get(num).i32Add().set(num);
  f.i32Const(0).set(hi);
  f.get(num).i32Const(0).i32GeS().if();
  f.get(num).get(sw).i32DivS().i32Const(1).i32Add().set(hi);
  f.get(hi).get(OW).i32GtS().if().get(OW).set(hi).end();
  f.end();
  f.get(lo).set(ow);
  // at = irow + (ow·sw − pw + kw)·4 for ow = lo
  f.get(irow).get(lo).get(sw).i32Mul().get(pw).i32Sub().get(kw).i32Add().i32Const(2).i32Shl();
  f.i32Add().set(at);
  for (const stride of [1, 2]) {
    f.get(sw).i32Const(stride).i32Eq().if();
    f.block().loop();
    f.get(ow).i32Const(4).i32Add().get(hi).i32GtS().brIf(1);
    f.get(orow).get(ow).i32Const(2).i32Shl().i32Add();
    f.get(orow).get(ow).i32Const(2).i32Shl().i32Add().v128Load();
    if (stride === 1) f.get(at).v128Load();
    else f.get(at).v128Load().get(at).v128Load(16).i8x16Shuffle(EVEN_LANES);
    fold();
    f.v128Store();
    f.get(at)
      .i32Const(16 * stride)
      .i32Add()
      .set(at);
    f.get(ow).i32Const(4).i32Add().set(ow);
    f.br(0);
    f.end().end();
    f.end();
  }
  f.block().loop();
  f.get(ow).get(hi).i32GeS().brIf(1);
  f.get(orow).get(ow).i32Const(2).i32Shl().i32Add();
  f.get(orow).get(ow).i32Const(2).i32Shl().i32Add().f32Load();
  f.get(at).f32Load();
  foldScalar();
  f.f32Store();
  f.get(at).get(sw).i32Const(2).i32Shl().i32Add().set(at);
  f.get(ow).i32Const(1).i32Add().set(ow);
  f.br(0);
  f.end().end();
  f.get(kw).i32Const(1).i32Add().set(kw);
  f.br(0);
  f.end().end(); // window columns
  f.end(); // if inside
  f.get(kh).i32Const(1).i32Add().set(kh);
  f.br(0);
  f.end().end(); // window rows
  f.get(orow).get(OW).i32Const(2).i32Shl().i32Add().set(orow);
  f.get(oh).i32Const(1).i32Add().tee(oh).get(OH).i32LtS().brIf(0);
  f.end(); // output rows
  f.get(plane).i32Const(1).i32Add().tee(plane).get(planes).i32LtS().brIf(0);
  f.end(); // planes
  f.end();
}

function poolModule(op: PoolOp) {
  return (m: ModuleBuilder) => {
    emitPool(m.function('run', new Array(13).fill('i32')), op);
  };
}

/**
 * Pool float32 `x` on the Wasm kernels; false (nothing done) when the dtype, layout or window
 * has no Wasm form (the TypedArray kernel then runs, and reports bad parameters).
 *
 * @example
 * if (!wasmReduceWindow(runtime, 'max', x, params, out)) reduceWindow('max', x, params, out);
 */
export function wasmReduceWindow(
  runtime: WasmRuntime,
  op: PoolOp,
  x: ArrayView,
  params: WindowParams,
  out: ArrayOut,
): boolean {
  if (x.dtype !== 'float32' || out.dtype !== 'float32') return false;
  const rank = x.shape.length;
  const { windowDimensions, windowStrides, padding, baseDilation, windowDilation } = params;
  const lists = [windowDimensions, windowStrides, padding, baseDilation, windowDilation];
  if (rank === 0 || lists.some((l) => l.length !== rank)) return false;
  if (baseDilation.some((d) => d !== 1) || windowDilation.some((d) => d !== 1)) return false;
  const spatial = Math.min(rank, 2);
  for (let d = 0; d < rank - spatial; d++) {
    if (windowDimensions[d] !== 1 || windowStrides[d] !== 1) return false;
    if (padding[d][0] !== 0 || padding[d][1] !== 0) return false;
  }
  const dense = contiguousStrides(x.shape);
  if (x.shape.some((n, d) => n > 1 && x.strides[d] !== dense[d])) return false;
  const outputShape = x.shape.map((n, d) =>
    windowOutputSize(n, windowDimensions[d], windowStrides[d], padding[d][0], padding[d][1], 1, 1),
  );
  if (outputShape.length !== out.shape.length || outputShape.some((n, d) => n !== out.shape[d])) {
    return false;
  }
  if (sizeOf(outputShape) === 0) return true;
  const key = `pool:${op}`;
  const source = poolModule(op);
  if (runtime.exports(key, source) === undefined) return false;
  // The last two dims (a rank-1 operand is one row); the dims before them are planes.
  const h = rank - 2;
  const w = rank - 1;
  const dim = (list: readonly number[], d: number, fallback: number) =>
    d >= 0 ? list[d] : fallback;
  const planes = sizeOf(x.shape.slice(0, rank - spatial));
  const inPlane = dim(x.shape, h, 1) * x.shape[w];
  const outPlane = dim(outputShape, h, 1) * outputShape[w];
  const src = x.data.byteOffset + 4 * x.offset;
  const dst = out.data.byteOffset;
  const bounds = splitRange(planes, taskCount(runtime.threads, sizeOf(x.shape), MIN_TASK_ELEMENTS));
  const tasks = bounds
    .slice(1)
    .map((end, i) => [
      src + 4 * bounds[i] * inPlane,
      dst + 4 * bounds[i] * outPlane,
      end - bounds[i],
      dim(x.shape, h, 1),
      x.shape[w],
      dim(outputShape, h, 1),
      outputShape[w],
      dim(windowDimensions, h, 1),
      windowDimensions[w],
      dim(windowStrides, h, 1),
      windowStrides[w],
      h >= 0 ? padding[h][0] : 0,
      padding[w][0],
    ]);
  runtime.run(key, source, 'run', tasks);
  return true;
}
