/**
 * Indexing along one axis: `gather` (`x.take(indices, axis)`) and its transpose `scatterAdd`.
 *
 * Both walk a shape `prefix + indices.shape + suffix` where the operand's strides are zero
 * along the index dims and the indices' strides are zero elsewhere, so one strided-offset
 * computation yields both positions. Indices are clamped into range again on the GPU.
 *
 * `scatterAdd` copies the operand to the output, then one invocation per update adds it at its
 * target with atomics: `atomicAdd` for int32/uint32 (exact, order-free), `atomicOr` on the byte
 * for bool, and a compare-and-swap loop on the containing word for float32 and float16. Float
 * additions into the same element therefore happen in an unspecified order: results can differ
 * in the last bits from run to run (as XLA's GPU scatter), never by more.
 */
import type { OutputSpec, StridedView } from '@tensile/core';
import { collapseDims, contiguousStrides, sizeOf } from '../strided.js';
import type { Kernel } from '../submission-queue.js';
import { valueType } from '../wgsl/dtypes.js';
import {
  HEADER_WORDS,
  kernelPrelude,
  launchMap,
  type MapKernel,
  mapKernel,
  stridedOffsets,
  stridedParams,
} from '../wgsl/map-kernel.js';
import type { KernelContext } from './context.js';
import { copy } from './elementwise.js';

function checkAxis(method: string, shape: readonly number[], axis: number): void {
  if (!(axis >= 0 && axis < shape.length)) {
    throw new Error(`${method}: axis ${axis} is out of range for shape [${shape}]`);
  }
}

function checkShape(
  method: string,
  what: string,
  actual: readonly number[],
  expected: readonly number[],
) {
  if (actual.length !== expected.length || actual.some((n, d) => n !== expected[d])) {
    throw new Error(`${method}: ${what} has shape [${actual}], expected [${expected}]`);
  }
}

/**
 * The walk shared by gather and scatter: the full shape and, per operand, strides over it
 * (`operandStrides` zero along the index dims, the index strides zero elsewhere).
 */
function indexWalk(
  operand: { shape: readonly number[]; strides: readonly number[] },
  indices: StridedView,
  axis: number,
  extra: readonly (readonly number[])[],
) {
  const indexRank = indices.shape.length;
  const shape = [
    ...operand.shape.slice(0, axis),
    ...indices.shape,
    ...operand.shape.slice(axis + 1),
  ];
  const zeros = new Array<number>(indexRank).fill(0);
  const operandStrides = [
    ...operand.strides.slice(0, axis),
    ...zeros,
    ...operand.strides.slice(axis + 1),
  ];
  const indexStrides = [
    ...new Array<number>(axis).fill(0),
    ...indices.strides,
    ...new Array<number>(operand.shape.length - axis - 1).fill(0),
  ];
  return { shape, merged: collapseDims(shape, [operandStrides, indexStrides, ...extra]) };
}

/**
 * `out = x.take(indices, axis)`.
 *
 * @example
 * gather(context, x, indices, 1, out);
 */
export function gather(
  context: KernelContext,
  x: StridedView,
  indices: StridedView,
  axis: number,
  out: OutputSpec,
): void {
  checkAxis('gather', x.shape, axis);
  const length = x.shape[axis] as number;
  const walk = indexWalk(x, indices, axis, []);
  checkShape('gather', 'output', out.shape, walk.shape);
  if (indices.dtype !== 'int32') throw new Error(`gather: indices are ${indices.dtype}, not int32`);
  const buffers = [context.memory.view('gather', x), context.memory.view('gather', indices)];
  const output = context.memory.output('gather', out);
  const elements = sizeOf(walk.shape);
  if (elements === 0) return;
  if (length === 0) throw new Error('gather: cannot index an axis of length 0');
  const { merged } = walk;
  const rank = merged.shape.length;
  const tail = HEADER_WORDS + rank + 2 * (rank + 1);
  const kernel = mapKernel(`gather:${x.dtype}:${rank}`, () => ({
    inputs: [x.dtype, 'int32'],
    outputs: [x.dtype],
    paramWords: tail - HEADER_WORDS + 2,
    body: [
      stridedOffsets(rank, 2, HEADER_WORDS),
      `let index = clamp(ld1(i1), 0, pi(${tail}u) - 1);`,
      `r0 = ld0(i0 + index * pi(${tail + 1}u));`,
    ].join('\n'),
  }));
  const params = [
    ...stridedParams(merged.shape, [
      { offset: x.offset, strides: merged.strides[0] as number[] },
      { offset: indices.offset, strides: merged.strides[1] as number[] },
    ]),
    length,
    (x.strides[axis] as number) >>> 0,
  ];
  launchMap(context.queue, kernel, elements, params, buffers, [output]);
}

/** WGSL adding `v` (of `dtype`) into element `t` of the atomic array `target`. */
function atomicAddition(dtype: OutputSpec['dtype']): string {
  switch (dtype) {
    case 'int32':
    case 'uint32':
      return 'atomicAdd(&dst[t], bitcast<u32>(v));';
    case 'bool':
      return 'if (v) { atomicOr(&dst[t >> 2u], 1u << ((t & 3u) * 8u)); }';
    case 'float32':
      return [
        'var old = atomicLoad(&dst[t]);',
        'loop {',
        '  let swap = atomicCompareExchangeWeak(&dst[t], old, bitcast<u32>(bitcast<f32>(old) + v));',
        '  if (swap.exchanged) { break; }',
        '  old = swap.old_value;',
        '}',
      ].join('\n');
    case 'float16':
      return [
        'let word = t >> 1u;',
        'let shift = (t & 1u) * 16u;',
        'var old = atomicLoad(&dst[word]);',
        'loop {',
        '  let sum = unpack2x16float(old >> shift).x + v;',
        '  let next = (old & ~(0xffffu << shift)) | (f32_to_f16(sum) << shift);',
        '  let swap = atomicCompareExchangeWeak(&dst[word], old, next);',
        '  if (swap.exchanged) { break; }',
        '  old = swap.old_value;',
        '}',
      ].join('\n');
  }
}

const scatterKernels = new Map<string, MapKernel>();

/**
 * `out = operand` with `updates` added at `indices` along `axis` (duplicates accumulate).
 *
 * @example
 * scatterAdd(context, operand, indices, updates, 0, out);
 */
export function scatterAdd(
  context: KernelContext,
  operand: StridedView,
  indices: StridedView,
  updates: StridedView,
  axis: number,
  out: OutputSpec,
): void {
  const { shape } = operand;
  checkAxis('scatterAdd', shape, axis);
  checkShape('scatterAdd', 'output', out.shape, shape);
  if (indices.dtype !== 'int32')
    throw new Error(`scatterAdd: indices are ${indices.dtype}, not int32`);
  const outStrides = contiguousStrides(shape);
  const walk = indexWalk({ shape, strides: outStrides }, indices, axis, [updates.strides]);
  checkShape('scatterAdd', 'updates', updates.shape, walk.shape);
  const buffers = [
    context.memory.view('scatterAdd', updates),
    context.memory.view('scatterAdd', indices),
  ];
  const output = context.memory.output('scatterAdd', out);
  copy(context, operand, out);
  const elements = sizeOf(walk.shape);
  if (elements === 0) return;
  const length = shape[axis] as number;
  if (length === 0) throw new Error('scatterAdd: cannot index an axis of length 0');
  const { merged } = walk;
  const rank = merged.shape.length;
  const tail = HEADER_WORDS + rank + 3 * (rank + 1);
  const key = `scatterAdd:${updates.dtype}:${rank}`;
  let kernel = scatterKernels.get(key);
  if (kernel === undefined) {
    kernel = scatterKernel(updates.dtype, rank, tail);
    scatterKernels.set(key, kernel);
  }
  // Operand order in the walk: target (out), indices, updates.
  const params = [
    ...stridedParams(merged.shape, [
      { offset: 0, strides: merged.strides[0] as number[] },
      { offset: indices.offset, strides: merged.strides[1] as number[] },
      { offset: updates.offset, strides: merged.strides[2] as number[] },
    ]),
    length,
    (outStrides[axis] as number) >>> 0,
  ];
  launchMap(context.queue, kernel, elements, params, buffers, [output]);
}

function scatterKernel(dtype: OutputSpec['dtype'], rank: number, tail: number): MapKernel {
  const paramWords = Math.ceil((tail + 2) / 4) * 4;
  const code = [
    kernelPrelude([dtype, 'int32'], [], paramWords, []),
    '@group(0) @binding(3) var<storage, read_write> dst: array<atomic<u32>>;',
    '@compute @workgroup_size(64)',
    'fn main(@builtin(global_invocation_id) gid: vec3<u32>) {',
    '  let e = gid.x + gid.y * p(1u);',
    '  if (e >= p(0u)) { return; }',
    stridedOffsets(rank, 3, HEADER_WORDS),
    `  let index = clamp(ld1(i1), 0, pi(${tail}u) - 1);`,
    `  let t = u32(i0 + index * pi(${tail + 1}u));`,
    `  let v: ${valueType(dtype)} = ld0(i2);`,
    atomicAddition(dtype),
    '}',
  ].join('\n');
  const kernel: Kernel = { code, inputs: 2, outputs: 1, paramWords };
  return { ...kernel, elementsPerInvocation: 1 };
}
