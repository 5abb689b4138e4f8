/**
 * `dotGeneral` as a batched matrix product `[B, M, K] · [B, K, N] → [B, M, N]`.
 *
 * The operands' batch, free and contracting dims are each merged into one dim with one stride
 * when their layout allows (always for contiguous, transposed, broadcast or sliced views of the
 * usual kinds); an operand whose group cannot merge is first copied contiguously in
 * `[batch, free, contracting]` order. The kernel is tiled: a 16×16 workgroup computes a 64×64
 * output tile, 4×4 outputs per invocation, staging 64×16 slices of each operand in workgroup
 * memory. Floats accumulate in f32 (float16 loads widen), integers wrap modulo 2^32, bool is
 * "any of and". float16 and bool results go through a word-sized scratch buffer and a cast.
 */
import type { BufferId, DotDims, DType, OutputSpec, StridedView } from '@tensile/core';
import { ITEM_SIZE } from '../memory.js';
import { collapseDims, contiguousStrides, sizeOf } from '../strided.js';
import type { DeviceBuffer, Kernel } from '../submission-queue.js';
import { storeBits } from '../wgsl/dtypes.js';
import { HEADER_WORDS, kernelPrelude } from '../wgsl/map-kernel.js';
import type { KernelContext } from './context.js';
import { cast, copy } from './elementwise.js';

const TILE = 64;
const TILE_K = 16;

/** The dtype the kernel accumulates and writes for inputs of `dtype`. */
function accumulator(dtype: DType): 'float32' | 'int32' | 'uint32' {
  if (dtype === 'float32' || dtype === 'float16') return 'float32';
  return dtype === 'int32' ? 'int32' : 'uint32';
}

/** One operand reshaped to `[batch, rows, cols]` with one stride per group. */
interface Matrix {
  readonly view: StridedView;
  readonly buffer: DeviceBuffer;
  readonly strides: readonly [number, number, number];
}

/** Merge each group of dims of `view` into one stride, or `undefined` if some group cannot. */
function groupStrides(
  view: StridedView,
  groups: readonly (readonly number[])[],
): [number, number, number] | undefined {
  const strides: number[] = [];
  for (const dims of groups) {
    const merged = collapseDims(
      dims.map((d) => view.shape[d] as number),
      [dims.map((d) => view.strides[d] as number)],
    );
    if (merged.shape.length > 1) return undefined;
    strides.push(merged.shape.length === 0 ? 0 : (merged.strides[0]?.[0] as number));
  }
  return strides as [number, number, number];
}

/**
 * The operand as a `[batch, rows, cols]` matrix; copies it contiguously (into a scratch buffer
 * freed after this call, so after the work that reads it) when `mustCopy` or when a group of its
 * dims has no single stride.
 */
function asMatrix(
  context: KernelContext,
  view: StridedView,
  groups: readonly (readonly number[])[],
  mustCopy: boolean,
  scratch: BufferId[],
): Matrix {
  const strides = mustCopy ? undefined : groupStrides(view, groups);
  if (strides !== undefined) {
    return { view, buffer: context.memory.view('dotGeneral', view), strides };
  }
  const order = groups.flat();
  const shape = order.map((d) => view.shape[d] as number);
  const permuted: StridedView = {
    ...view,
    shape,
    strides: order.map((d) => view.strides[d] as number),
  };
  const id = context.memory.alloc(Math.max(4, sizeOf(shape) * ITEM_SIZE[view.dtype]));
  scratch.push(id);
  copy(context, permuted, { buffer: id, dtype: view.dtype, shape });
  const sizes = groups.map((dims) => sizeOf(dims.map((d) => view.shape[d] as number)));
  return {
    view: { buffer: id, dtype: view.dtype, shape, strides: contiguousStrides(shape), offset: 0 },
    buffer: context.memory.get('dotGeneral', id),
    strides: [(sizes[1] as number) * (sizes[2] as number), sizes[2] as number, 1],
  };
}

const kernels = new Map<string, Kernel>();

/**
 * `lax.dot_general`: output dims are batch, then lhs free, then rhs free.
 *
 * @example
 * dotGeneral(context, a, b, { contracting: [[1], [0]], batch: [[], []] }, out);
 */
export function dotGeneral(
  context: KernelContext,
  a: StridedView,
  b: StridedView,
  dims: DotDims,
  out: OutputSpec,
): void {
  const [contractA, contractB] = dims.contracting;
  const [batchA, batchB] = dims.batch;
  if (a.dtype !== b.dtype) throw new Error(`dotGeneral: operands are ${a.dtype} and ${b.dtype}`);
  if (contractA.length !== contractB.length || batchA.length !== batchB.length) {
    throw new Error(`dotGeneral: dims ${JSON.stringify(dims)} do not pair up`);
  }
  for (const [da, db] of [
    ...contractA.map((d, i) => [d, contractB[i]]),
    ...batchA.map((d, i) => [d, batchB[i]]),
  ]) {
    if (a.shape[da as number] !== b.shape[db as number]) {
      throw new Error(
        `dotGeneral: dims ${JSON.stringify(dims)} pair sizes that differ: [${a.shape}] · [${b.shape}]`,
      );
    }
  }
  const used = (rank: number, taken: readonly number[]) =>
    Array.from({ length: rank }, (_, d) => d).filter((d) => !taken.includes(d));
  const freeA = used(a.shape.length, [...batchA, ...contractA]);
  const freeB = used(b.shape.length, [...batchB, ...contractB]);
  const expected = [
    ...batchA.map((d) => a.shape[d] as number),
    ...freeA.map((d) => a.shape[d] as number),
    ...freeB.map((d) => b.shape[d] as number),
  ];
  if (out.shape.length !== expected.length || out.shape.some((n, d) => n !== expected[d])) {
    throw new Error(`dotGeneral: output has shape [${out.shape}], expected [${expected}]`);
  }
  const output = context.memory.output('dotGeneral', out);
  const size = (view: StridedView, group: readonly number[]) =>
    sizeOf(group.map((d) => view.shape[d] as number));
  const batch = size(a, batchA);
  const m = size(a, freeA);
  const n = size(b, freeB);
  const k = size(a, contractA);
  if (batch * m * n === 0) return;
  const scratch: BufferId[] = [];
  // The contracting group must merge for both operands in the same order, so merge it jointly.
  const jointK = collapseDims(
    contractA.map((d) => a.shape[d] as number),
    [contractA.map((d) => a.strides[d] as number), contractB.map((d) => b.strides[d] as number)],
  );
  const mustCopy = jointK.shape.length > 1;
  const lhs = asMatrix(context, a, [batchA, freeA, contractA], mustCopy, scratch);
  const rhs = asMatrix(context, b, [batchB, contractB, freeB], mustCopy, scratch);
  run(context, lhs, rhs, batch, m, n, k, out, output);
  for (const id of scratch) context.memory.free(id);
}

function run(
  context: KernelContext,
  lhs: Matrix,
  rhs: Matrix,
  batch: number,
  m: number,
  n: number,
  k: number,
  out: OutputSpec,
  output: DeviceBuffer,
): void {
  const dtype = lhs.view.dtype;
  const acc = accumulator(dtype);
  const direct = out.dtype === acc;
  let target = output;
  let scratchId: number | undefined;
  if (!direct) {
    scratchId = context.memory.alloc(batch * m * n * 4);
    target = context.memory.get('dotGeneral', scratchId);
  }
  const key = `dot:${dtype}`;
  let kernel = kernels.get(key);
  if (kernel === undefined) {
    kernel = matmulKernel(dtype, acc);
    kernels.set(key, kernel);
  }
  const maxZ = context.queue.device.limits.maxComputeWorkgroupsPerDimension;
  for (let first = 0; first < batch; first += maxZ) {
    const count = Math.min(maxZ, batch - first);
    const block = new Uint32Array(kernel.paramWords);
    block.set(
      [first, m, n, k, lhs.view.offset, ...lhs.strides, rhs.view.offset, ...rhs.strides].map(
        (w) => w >>> 0,
      ),
      HEADER_WORDS,
    );
    context.queue.dispatch(
      kernel,
      block,
      [lhs.buffer, rhs.buffer],
      [target],
      [Math.ceil(n / TILE), Math.ceil(m / TILE), count],
    );
  }
  if (scratchId !== undefined) {
    const shape = [batch * m * n];
    cast(
      context,
      { buffer: scratchId, dtype: acc, shape, strides: [1], offset: 0 },
      { buffer: out.buffer, dtype: out.dtype, shape },
    );
    context.memory.free(scratchId);
  }
}

/** The tiled matmul kernel for inputs of `dtype`, accumulating in `acc`. */
function matmulKernel(dtype: DType, acc: 'float32' | 'int32' | 'uint32'): Kernel {
  const paramWords = Math.ceil((HEADER_WORDS + 12) / 4) * 4;
  const type = acc === 'float32' ? 'f32' : acc === 'int32' ? 'i32' : 'u32';
  const load = dtype === 'bool' ? (x: string) => `select(0u, 1u, ${x})` : (x: string) => x;
  const w = HEADER_WORDS;
  const code = [
    kernelPrelude([dtype, dtype], [acc], paramWords, []),
    `var<workgroup> tileA: array<${type}, ${TILE * TILE_K}>;`,
    `var<workgroup> tileB: array<${type}, ${TILE * TILE_K}>;`,
    '@compute @workgroup_size(16, 16)',
    'fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(local_invocation_index) li: u32) {',
    `  let batch = wid.z + p(${w}u);`,
    `  let M = p(${w + 1}u); let N = p(${w + 2}u); let K = p(${w + 3}u);`,
    `  let baseA = pi(${w + 4}u) + i32(batch) * pi(${w + 5}u);`,
    `  let strideAm = pi(${w + 6}u); let strideAk = pi(${w + 7}u);`,
    `  let baseB = pi(${w + 8}u) + i32(batch) * pi(${w + 9}u);`,
    `  let strideBk = pi(${w + 10}u); let strideBn = pi(${w + 11}u);`,
    `  let m0 = wid.y * ${TILE}u; let n0 = wid.x * ${TILE}u;`,
    `  var sum = array<${type}, 16>();`,
    `  for (var k0 = 0u; k0 < K; k0 += ${TILE_K}u) {`,
    '    for (var i = 0u; i < 4u; i++) {',
    '      let slot = li + i * 256u;',
    `      let kk = slot / ${TILE}u; let mm = slot % ${TILE}u;`,
    `      var va = ${type}();`,
    '      if (m0 + mm < M && k0 + kk < K) {',
    `        va = ${load('ld0(baseA + i32(m0 + mm) * strideAm + i32(k0 + kk) * strideAk)')};`,
    '      }',
    `      tileA[kk * ${TILE}u + mm] = va;`,
    `      var vb = ${type}();`,
    '      if (n0 + mm < N && k0 + kk < K) {',
    `        vb = ${load('ld1(baseB + i32(k0 + kk) * strideBk + i32(n0 + mm) * strideBn)')};`,
    '      }',
    `      tileB[kk * ${TILE}u + mm] = vb;`,
    '    }',
    '    workgroupBarrier();',
    `    for (var kk = 0u; kk < ${TILE_K}u; kk++) {`,
    `      var ra: array<${type}, 4>; var rb: array<${type}, 4>;`,
    '      for (var i = 0u; i < 4u; i++) {',
    `        ra[i] = tileA[kk * ${TILE}u + lid.y * 4u + i];`,
    `        rb[i] = tileB[kk * ${TILE}u + lid.x * 4u + i];`,
    '      }',
    '      for (var i = 0u; i < 4u; i++) {',
    '        for (var j = 0u; j < 4u; j++) { sum[i * 4u + j] += ra[i] * rb[j]; }',
    '      }',
    '    }',
    '    workgroupBarrier();',
    '  }',
    '  for (var i = 0u; i < 4u; i++) {',
    '    let row = m0 + lid.y * 4u + i;',
    '    if (row >= M) { continue; }',
    '    for (var j = 0u; j < 4u; j++) {',
    '      let col = n0 + lid.x * 4u + j;',
    `      if (col < N) { out0[(batch * M + row) * N + col] = ${storeBits(acc, 'sum[i * 4u + j]')}; }`,
    '    }',
    '  }',
    '}',
  ].join('\n');
  return { code, inputs: 2, outputs: 1, paramWords };
}
