/**
 * Reductions: `reduce` over any set of axes and `argReduce` along one axis.
 *
 * The input's dims split into kept dims (which index the output) and reduced dims (which a
 * reduction walks); each group is merged separately, so any layout reduces without a copy.
 * Two shapes of kernel: with long reductions and word-sized outputs, one 64-invocation
 * workgroup per output element strides over the reduced elements and combines the partials in
 * shared memory (a tree, so float sums are pairwise-accurate); otherwise one invocation per
 * output element loops (this also serves bool and float16 outputs, packed by words).
 */
import type { ArgReduceOp, DType, OutputSpec, ReduceOp, StridedView } from '@tensile/core';
import { collapseDims, contiguousStrides, sizeOf } from '../strided.js';
import type { Kernel } from '../submission-queue.js';
import { literal, storeBits, valueType } from '../wgsl/dtypes.js';
import { HEADER_WORDS, kernelPrelude, launchMap, mapKernel } from '../wgsl/map-kernel.js';
import type { KernelContext } from './context.js';

/** Reductions at least this long get a workgroup per output element. */
const WORKGROUP_REDUCTION_MIN = 64;
const WORKGROUP_SIZE = 64;

const isFloat = (dtype: DType): boolean => dtype === 'float32' || dtype === 'float16';

/**
 * The WGSL expression combining accumulator `a` with value `b` for `op` on `dtype`, or
 * undefined when the pair makes no sense (as the CPU reference: no float and/or, no bool sum).
 *
 * @example
 * combineExpression('max', 'float32') // 'fmax_nan(a, b)'
 */
export function combineExpression(op: ReduceOp, dtype: DType): string | undefined {
  const type = valueType(dtype);
  switch (op) {
    case 'sum':
      return type === 'bool' ? undefined : 'a + b';
    case 'prod':
      return type === 'bool' ? 'a && b' : 'a * b';
    case 'max':
      return type === 'bool' ? 'a || b' : type === 'f32' ? 'fmax_nan(a, b)' : 'max(a, b)';
    case 'min':
      return type === 'bool' ? 'a && b' : type === 'f32' ? 'fmin_nan(a, b)' : 'min(a, b)';
    case 'and':
      return type === 'f32' ? undefined : type === 'bool' ? 'a && b' : 'a & b';
    case 'or':
      return type === 'f32' ? undefined : type === 'bool' ? 'a || b' : 'a | b';
  }
}

/**
 * The value an empty reduction gives.
 *
 * @example
 * identityValue('min', 'int32') // 2147483647
 */
export function identityValue(op: ReduceOp, dtype: DType): number {
  switch (op) {
    case 'sum':
    case 'or':
      return 0;
    case 'prod':
      return 1;
    case 'and':
      return dtype === 'bool' ? 1 : dtype === 'int32' ? -1 : 4294967295;
    case 'max':
      return isFloat(dtype) ? Number.NEGATIVE_INFINITY : dtype === 'int32' ? -2147483648 : 0;
    case 'min':
      return isFloat(dtype)
        ? Number.POSITIVE_INFINITY
        : dtype === 'int32'
          ? 2147483647
          : dtype === 'uint32'
            ? 4294967295
            : 1;
  }
}

/** WGSL computing `base` (offset of the first reduced element) from the output index `o`. */
function keptOffset(keptRank: number): string {
  const lines = ['var rem = o;'];
  for (let d = keptRank - 1; d >= 1; d--) {
    lines.push(
      `let c${d} = rem % p(${HEADER_WORDS + 1 + d}u); rem = rem / p(${HEADER_WORDS + 1 + d}u);`,
    );
  }
  if (keptRank >= 1) lines.push('let c0 = rem;');
  let base = `pi(${HEADER_WORDS}u)`;
  for (let d = 0; d < keptRank; d++)
    base += ` + i32(c${d}) * pi(${HEADER_WORDS + 1 + keptRank + d}u)`;
  lines.push(`let base = ${base};`);
  return lines.join('\n');
}

/** WGSL: the offset of reduced element `r` relative to `base`, as `at`. */
function reducedOffset(keptRank: number, reducedRank: number): string {
  const start = HEADER_WORDS + 1 + 2 * keptRank + 1; // after the count word
  const lines = ['var rr = r;', 'var at = base;'];
  for (let d = reducedRank - 1; d >= 0; d--) {
    const n = `p(${start + d}u)`;
    const stride = `pi(${start + reducedRank + d}u)`;
    if (d > 0) lines.push(`at = at + i32(rr % ${n}) * ${stride}; rr = rr / ${n};`);
    else lines.push(`at = at + i32(rr) * ${stride};`);
  }
  return lines.join('\n');
}

/**
 * Reduce `axes` away (the output shape is `x.shape` without them).
 *
 * @example
 * reduce(context, 'sum', x, [1], out);
 */
export function reduce(
  context: KernelContext,
  op: ReduceOp,
  x: StridedView,
  axes: readonly number[],
  out: OutputSpec,
): void {
  const combine = combineExpression(op, x.dtype);
  if (combine === undefined) throw new Error(`reduce: op '${op}' does not accept dtype ${x.dtype}`);
  const rank = x.shape.length;
  const reduced = new Set(axes);
  if (reduced.size !== axes.length || axes.some((a) => !(a >= 0 && a < rank))) {
    throw new Error(`reduce: axes [${axes}] are not distinct axes of shape [${x.shape}]`);
  }
  const keptDims = x.shape.map((_, d) => d).filter((d) => !reduced.has(d));
  const keptShape = keptDims.map((d) => x.shape[d] as number);
  if (out.shape.length !== keptShape.length || out.shape.some((n, d) => n !== keptShape[d])) {
    throw new Error(`reduce: output has shape [${out.shape}], expected [${keptShape}]`);
  }
  if (out.dtype !== x.dtype) throw new Error(`reduce: output is ${out.dtype}, input ${x.dtype}`);
  const input = context.memory.view('reduce', x);
  const output = context.memory.output('reduce', out);
  const outputs = sizeOf(keptShape);
  if (outputs === 0) return;
  const kept = collapseDims(keptShape, [
    keptDims.map((d) => x.strides[d] as number),
    contiguousStrides(keptShape),
  ]);
  const reducedDims = [...axes].sort((a, b) => a - b);
  const red = collapseDims(
    reducedDims.map((d) => x.shape[d] as number),
    [reducedDims.map((d) => x.strides[d] as number)],
  );
  const count = sizeOf(red.shape);
  const keptRank = kept.shape.length;
  const reducedRank = red.shape.length;
  const params = [
    x.offset,
    ...kept.shape,
    ...(kept.strides[0] as number[]),
    count,
    ...red.shape,
    ...(red.strides[0] as number[]),
  ].map((w) => w >>> 0);
  const type = valueType(x.dtype);
  const identity = literal(x.dtype, identityValue(op, x.dtype));
  const uses = ['fmax_nan'];
  const combineFunction = `fn combine(a: ${type}, b: ${type}) -> ${type} { return ${combine}; }`;
  const shape = `${keptRank}.${reducedRank}`;
  if (count >= WORKGROUP_REDUCTION_MIN && valueType(x.dtype) !== 'bool' && x.dtype !== 'float16') {
    const key = `reduce-wg:${op}:${x.dtype}:${shape}`;
    let kernel = workgroupKernels.get(key);
    if (kernel === undefined) {
      kernel = workgroupReduceKernel(
        x.dtype,
        params.length,
        combineFunction,
        identity,
        keptRank,
        reducedRank,
      );
      workgroupKernels.set(key, kernel);
    }
    const maxPerDimension = context.queue.device.limits.maxComputeWorkgroupsPerDimension;
    const gx = Math.min(outputs, maxPerDimension);
    const gy = Math.ceil(outputs / gx);
    const block = new Uint32Array(kernel.paramWords);
    block[0] = outputs;
    block[1] = gx;
    block.set(params, HEADER_WORDS);
    context.queue.dispatch(kernel, block, [input], [output], [gx, gy, 1]);
    return;
  }
  const kernel = mapKernel(`reduce:${op}:${x.dtype}:${shape}`, () => ({
    inputs: [x.dtype],
    outputs: [x.dtype],
    paramWords: params.length,
    uses,
    preamble: combineFunction,
    body: [
      'let o = e;',
      keptOffset(keptRank),
      `var acc: ${type} = ${identity};`,
      `for (var r = 0u; r < p(${HEADER_WORDS + 1 + 2 * keptRank}u); r++) {`,
      reducedOffset(keptRank, reducedRank),
      '  acc = combine(acc, ld0(at));',
      '}',
      'r0 = acc;',
    ].join('\n'),
  }));
  launchMap(context.queue, kernel, outputs, params, [input], [output]);
}

const workgroupKernels = new Map<string, Kernel>();

/** One workgroup per output element: strided partial folds, then a shared-memory tree. */
function workgroupReduceKernel(
  dtype: DType,
  words: number,
  combineFunction: string,
  identity: string,
  keptRank: number,
  reducedRank: number,
): Kernel {
  const paramWords = Math.ceil((HEADER_WORDS + words) / 4) * 4;
  const type = valueType(dtype);
  const code = [
    kernelPrelude([dtype], [dtype], paramWords, ['fmax_nan']),
    combineFunction,
    `var<workgroup> partial: array<${type}, ${WORKGROUP_SIZE}>;`,
    `@compute @workgroup_size(${WORKGROUP_SIZE})`,
    'fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {',
    '  let o = wid.x + wid.y * p(1u);',
    '  let inRange = o < p(0u);',
    `  var acc: ${type} = ${identity};`,
    '  if (inRange) {',
    keptOffset(keptRank),
    `    for (var r = lid; r < p(${HEADER_WORDS + 1 + 2 * keptRank}u); r += ${WORKGROUP_SIZE}u) {`,
    reducedOffset(keptRank, reducedRank),
    '      acc = combine(acc, ld0(at));',
    '    }',
    '  }',
    '  partial[lid] = acc;',
    '  workgroupBarrier();',
    `  for (var step = ${WORKGROUP_SIZE / 2}u; step > 0u; step = step >> 1u) {`,
    '    if (lid < step) { partial[lid] = combine(partial[lid], partial[lid + step]); }',
    '    workgroupBarrier();',
    '  }',
    `  if (inRange && lid == 0u) { out0[o] = ${storeBits(dtype, 'partial[0]')}; }`,
    '}',
  ].join('\n');
  return { code, inputs: 1, outputs: 1, paramWords };
}

/**
 * Index of the max (min) along `axis` into an int32 output; first occurrence wins ties, and for
 * floats the first NaN wins.
 *
 * @example
 * argReduce(context, 'argmax', x, 1, out);
 */
export function argReduce(
  context: KernelContext,
  op: ArgReduceOp,
  x: StridedView,
  axis: number,
  out: OutputSpec,
): void {
  if (!(axis >= 0 && axis < x.shape.length)) {
    throw new Error(`argReduce: axis ${axis} is out of range for shape [${x.shape}]`);
  }
  const keptDims = x.shape.map((_, d) => d).filter((d) => d !== axis);
  const keptShape = keptDims.map((d) => x.shape[d] as number);
  if (out.shape.length !== keptShape.length || out.shape.some((n, d) => n !== keptShape[d])) {
    throw new Error(`argReduce: output has shape [${out.shape}], expected [${keptShape}]`);
  }
  const length = x.shape[axis] as number;
  const outputs = sizeOf(keptShape);
  if (length === 0 && outputs > 0) {
    throw new Error(`argReduce: ${op} of an empty axis (shape [${x.shape}], axis ${axis})`);
  }
  const input = context.memory.view('argReduce', x);
  const output = context.memory.output('argReduce', out);
  if (outputs === 0) return;
  const kept = collapseDims(keptShape, [
    keptDims.map((d) => x.strides[d] as number),
    contiguousStrides(keptShape),
  ]);
  const keptRank = kept.shape.length;
  const params = [
    x.offset,
    ...kept.shape,
    ...(kept.strides[0] as number[]),
    length,
    x.strides[axis] as number,
  ].map((w) => w >>> 0);
  const float = isFloat(x.dtype);
  const better = op === 'argmax' ? '>' : '<';
  const value = (v: string) => (valueType(x.dtype) === 'bool' ? `u32(${v})` : v);
  const lengthWord = HEADER_WORDS + 1 + 2 * keptRank;
  const kernel = mapKernel(`argReduce:${op}:${x.dtype}:${keptRank}`, () => ({
    inputs: [x.dtype],
    outputs: ['int32'],
    paramWords: params.length,
    body: [
      'let o = e;',
      keptOffset(keptRank),
      `var best = ${value('ld0(base)')};`,
      'var index = 0i;',
      float ? 'if (!is_nan(best)) {' : '{',
      `  for (var j = 1u; j < p(${lengthWord}u); j++) {`,
      `    let v = ${value(`ld0(base + i32(j) * pi(${lengthWord + 1}u))`)};`,
      float ? '    if (is_nan(v)) { index = i32(j); break; }' : '',
      `    if (v ${better} best) { best = v; index = i32(j); }`,
      '  }',
      '}',
      'r0 = index;',
    ].join('\n'),
  }));
  launchMap(context.queue, kernel, outputs, params, [input], [output]);
}
