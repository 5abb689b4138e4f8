/**
 * Elementwise kernels over strided views — `copy`, `unary`, `binary`, `select`, `cast` — plus the
 * input-free `fill` and `iota`. Each op is a WGSL expression in a table (per dtype kind), so the
 * semantics read as one list; the strided indexing and word packing come from the map-kernel
 * generator. Dims that every operand walks contiguously are merged first, so most calls run at
 * rank 1 and share one compiled pipeline per op and dtype.
 */
import type { BinaryOp, DType, OutputSpec, StridedView, UnaryOp } from '@tensile/core';
import { collapseDims, contiguousStrides, sizeOf } from '../strided.js';
import type { DeviceBuffer } from '../submission-queue.js';
import { valueType } from '../wgsl/dtypes.js';
import { launchMap, mapKernel, stridedOffsets, stridedParams } from '../wgsl/map-kernel.js';
import type { KernelContext } from './context.js';

/** A WGSL expression and the library entries it calls. */
interface Expression {
  readonly code: string;
  readonly uses?: readonly string[];
}

const HYPERBOLIC = ['hyperbolic'];

/** Unary ops on floats (float32, and float16 computed in f32), in `x`. */
const FLOAT_UNARY: { readonly [K in UnaryOp]?: Expression } = {
  neg: { code: '-x' },
  abs: { code: 'abs(x)' },
  sign: { code: 'sign_f(x)', uses: ['sign_f'] },
  floor: { code: 'floor(x)' },
  ceil: { code: 'ceil(x)' },
  round: { code: 'round(x)' },
  exp: { code: 'exp_f(x)', uses: ['exp_f'] },
  exp2: { code: 'exp2_f(x)', uses: ['exp_f'] },
  log: { code: 'log_f(x)', uses: ['log_f'] },
  log1p: { code: 'log1p_f(x)', uses: ['log_f'] },
  expm1: { code: 'expm1_f(x)', uses: ['expm1_f'] },
  sqrt: { code: 'sqrt(x)' },
  rsqrt: { code: '1.0 / sqrt(x)' },
  cbrt: { code: 'cbrt_f(x)', uses: ['cbrt_f'] },
  sin: { code: 'sin_f(x)', uses: ['trig_f'] },
  cos: { code: 'cos_f(x)', uses: ['trig_f'] },
  tan: { code: 'tan_f(x)', uses: ['trig_f'] },
  asin: { code: 'asin_f(x)', uses: ['atan_f'] },
  acos: { code: 'acos_f(x)', uses: ['atan_f'] },
  atan: { code: 'atan_f(x)', uses: ['atan_f'] },
  sinh: { code: 'sinh_f(x)', uses: HYPERBOLIC },
  cosh: { code: 'cosh_f(x)', uses: HYPERBOLIC },
  tanh: { code: 'tanh_f(x)', uses: HYPERBOLIC },
  asinh: { code: 'asinh_f(x)', uses: HYPERBOLIC },
  acosh: { code: 'acosh_f(x)', uses: HYPERBOLIC },
  atanh: { code: 'atanh_f(x)', uses: HYPERBOLIC },
  logistic: { code: 'logistic_f(x)', uses: HYPERBOLIC },
  erf: { code: 'erf_f(x)', uses: ['erf_f'] },
  erfinv: { code: 'erfinv_f(x)', uses: ['erfinv_f'] },
  isFinite: { code: '(bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u' },
  reciprocal: { code: '1.0 / x' },
};

/** Unary ops on int32, uint32 and bool. */
const INTEGER_UNARY: {
  readonly [K in 'int32' | 'uint32' | 'bool']: { readonly [O in UnaryOp]?: Expression };
} = {
  int32: {
    neg: { code: '-x' },
    abs: { code: 'abs(x)' },
    sign: { code: 'sign(x)' },
    not: { code: '~x' },
  },
  uint32: {
    neg: { code: '0u - x' },
    abs: { code: 'x' },
    sign: { code: 'select(0u, 1u, x != 0u)' },
    not: { code: '~x' },
  },
  bool: { not: { code: '!x' }, abs: { code: 'x' }, sign: { code: 'x' } },
};

/** Binary ops per dtype kind, in `a` and `b`. */
const BINARY: {
  readonly [K in 'float' | 'int32' | 'uint32' | 'bool']: { readonly [O in BinaryOp]?: Expression };
} = {
  float: {
    add: { code: 'a + b' },
    sub: { code: 'a - b' },
    mul: { code: 'a * b' },
    div: { code: 'a / b' },
    rem: { code: 'fmod_f(a, b)', uses: ['fmod_f'] },
    pow: { code: 'pow_f(a, b)', uses: ['pow_f'] },
    max: { code: 'fmax_nan(a, b)', uses: ['fmax_nan'] },
    min: { code: 'fmin_nan(a, b)', uses: ['fmax_nan'] },
    atan2: { code: 'atan2_f(a, b)', uses: ['atan_f'] },
    // NaN is tested by bit pattern: shader compilers may assume comparisons never see NaN.
    eq: { code: '(a == b && !is_nan(a))' },
    ne: { code: '(a != b || is_nan(a) || is_nan(b))' },
    lt: { code: '(a < b && !is_nan(a) && !is_nan(b))' },
    le: { code: '(a <= b && !is_nan(a) && !is_nan(b))' },
    gt: { code: '(a > b && !is_nan(a) && !is_nan(b))' },
    ge: { code: '(a >= b && !is_nan(a) && !is_nan(b))' },
  },
  int32: {
    add: { code: 'a + b' },
    sub: { code: 'a - b' },
    mul: { code: 'a * b' },
    div: { code: 'idiv_i32(a, b)', uses: ['int_ops'] },
    rem: { code: 'irem_i32(a, b)', uses: ['int_ops'] },
    pow: { code: 'ipow_i32(a, b)', uses: ['int_ops'] },
    max: { code: 'max(a, b)' },
    min: { code: 'min(a, b)' },
    eq: { code: 'a == b' },
    ne: { code: 'a != b' },
    lt: { code: 'a < b' },
    le: { code: 'a <= b' },
    gt: { code: 'a > b' },
    ge: { code: 'a >= b' },
    and: { code: 'a & b' },
    or: { code: 'a | b' },
    xor: { code: 'a ^ b' },
    shiftLeft: { code: 'select(a << (bitcast<u32>(b) & 31u), 0, bitcast<u32>(b) >= 32u)' },
    shiftRightLogical: {
      code: 'select(bitcast<i32>(bitcast<u32>(a) >> (bitcast<u32>(b) & 31u)), 0, bitcast<u32>(b) >= 32u)',
    },
    shiftRightArithmetic: { code: 'a >> min(bitcast<u32>(b), 31u)' },
  },
  uint32: {
    add: { code: 'a + b' },
    sub: { code: 'a - b' },
    mul: { code: 'a * b' },
    div: { code: 'idiv_u32(a, b)', uses: ['int_ops'] },
    rem: { code: 'irem_u32(a, b)', uses: ['int_ops'] },
    pow: { code: 'ipow_u32(a, b)', uses: ['int_ops'] },
    max: { code: 'max(a, b)' },
    min: { code: 'min(a, b)' },
    eq: { code: 'a == b' },
    ne: { code: 'a != b' },
    lt: { code: 'a < b' },
    le: { code: 'a <= b' },
    gt: { code: 'a > b' },
    ge: { code: 'a >= b' },
    and: { code: 'a & b' },
    or: { code: 'a | b' },
    xor: { code: 'a ^ b' },
    shiftLeft: { code: 'select(a << (b & 31u), 0u, b >= 32u)' },
    shiftRightLogical: { code: 'select(a >> (b & 31u), 0u, b >= 32u)' },
    shiftRightArithmetic: { code: 'bitcast<u32>(bitcast<i32>(a) >> min(b, 31u))' },
  },
  bool: {
    max: { code: 'a || b' },
    min: { code: 'a && b' },
    eq: { code: 'a == b' },
    ne: { code: 'a != b' },
    lt: { code: 'u32(a) < u32(b)' },
    le: { code: 'u32(a) <= u32(b)' },
    gt: { code: 'u32(a) > u32(b)' },
    ge: { code: 'u32(a) >= u32(b)' },
    and: { code: 'a && b' },
    or: { code: 'a || b' },
    xor: { code: 'a != b' },
  },
};

/** Comparisons write bool whatever their operands are. */
const COMPARISONS: ReadonlySet<BinaryOp> = new Set(['eq', 'ne', 'lt', 'le', 'gt', 'ge']);

/**
 * The unary expression of `op` on `dtype`, or undefined when the pair makes no sense.
 *
 * @example
 * unaryExpression('exp', 'float32')?.code // 'exp_f(x)'
 */
export function unaryExpression(op: UnaryOp, dtype: DType): Expression | undefined {
  return dtype === 'float32' || dtype === 'float16' ? FLOAT_UNARY[op] : INTEGER_UNARY[dtype][op];
}

/**
 * The binary expression of `op` on `dtype`, or undefined when the pair makes no sense.
 *
 * @example
 * binaryExpression('div', 'int32')?.code // 'idiv_i32(a, b)'
 */
export function binaryExpression(op: BinaryOp, dtype: DType): Expression | undefined {
  const kind = dtype === 'float32' || dtype === 'float16' ? 'float' : dtype;
  return BINARY[kind][op];
}

/**
 * A WGSL expression converting `x` (a value of `from`) to a value of `to`, as the contract's
 * `cast`: float → int truncates and saturates (NaN → 0), → bool is `x != 0`, int32 ↔ uint32
 * reinterpret the bits.
 *
 * @example
 * castExpression('float32', 'int32', 'x') // 'f32_to_i32(x)'
 */
export function castExpression(from: DType, to: DType, x: string): string {
  const source = valueType(from);
  const target = valueType(to);
  if (source === target) return x;
  switch (target) {
    case 'f32':
      return source === 'bool' ? `select(0.0, 1.0, ${x})` : `f32(${x})`;
    case 'i32':
      if (source === 'f32') return `f32_to_i32(${x})`;
      return source === 'bool' ? `select(0, 1, ${x})` : `bitcast<i32>(${x})`;
    case 'u32':
      if (source === 'f32') return `f32_to_u32(${x})`;
      return source === 'bool' ? `select(0u, 1u, ${x})` : `bitcast<u32>(${x})`;
    case 'bool':
      return source === 'f32' ? `f32_to_bool(${x})` : `${x} != ${source === 'i32' ? '0' : '0u'}`;
  }
}

/**
 * Run an elementwise expression over same-shape strided inputs into a contiguous output: the
 * body sees the loaded inputs as `x` (one input) or `a`, `b`, `c` and assigns `r0`.
 */
function elementwise(
  context: KernelContext,
  name: string,
  inputs: readonly { view: StridedView; buffer: DeviceBuffer }[],
  out: OutputSpec,
  outBuffer: DeviceBuffer,
  expression: Expression,
): void {
  const { shape } = out;
  const elements = sizeOf(shape);
  if (elements === 0) return;
  const collapsed = collapseDims(shape, [
    ...inputs.map((input) => input.view.strides),
    contiguousStrides(shape),
  ]);
  const rank = collapsed.shape.length;
  const names = inputs.length === 1 ? ['x'] : ['a', 'b', 'c'];
  const dtypes = inputs.map((input) => input.view.dtype);
  const key = `ew:${name}:${dtypes.join(',')}>${out.dtype}:r${rank}`;
  const kernel = mapKernel(key, () => ({
    inputs: dtypes,
    outputs: [out.dtype],
    paramWords: rank + inputs.length * (rank + 1),
    uses: expression.uses,
    body: [
      stridedOffsets(rank, inputs.length, 4),
      ...inputs.map((_, k) => `let ${names[k]} = ld${k}(i${k});`),
      `r0 = ${expression.code};`,
    ].join('\n'),
  }));
  const params = stridedParams(
    collapsed.shape,
    inputs.map((input, k) => ({
      offset: input.view.offset,
      strides: collapsed.strides[k] as number[],
    })),
  );
  launchMap(
    context.queue,
    kernel,
    elements,
    params,
    inputs.map((input) => input.buffer),
    [outBuffer],
  );
}

function checkSameShape(
  method: string,
  what: string,
  actual: readonly number[],
  expected: readonly number[],
): void {
  if (actual.length !== expected.length || actual.some((n, d) => n !== expected[d])) {
    throw new Error(`${method}: ${what} has shape [${actual}], expected [${expected}]`);
  }
}

/**
 * Materialise a strided view contiguously.
 *
 * @example
 * copy(context, transposedView, out);
 */
export function copy(context: KernelContext, x: StridedView, out: OutputSpec): void {
  checkSameShape('copy', 'output', out.shape, x.shape);
  if (x.dtype !== out.dtype)
    throw new Error(`copy: input is ${x.dtype} but output is ${out.dtype}`);
  const input = { view: x, buffer: context.memory.view('copy', x) };
  elementwise(context, 'copy', [input], out, context.memory.output('copy', out), { code: 'x' });
}

/**
 * `out = op(x)` elementwise.
 *
 * @example
 * unary(context, 'exp', x, out);
 */
export function unary(context: KernelContext, op: UnaryOp, x: StridedView, out: OutputSpec): void {
  const expression = unaryExpression(op, x.dtype);
  if (expression === undefined)
    throw new Error(`unary: op '${op}' does not accept dtype ${x.dtype}`);
  checkSameShape('unary', 'output', out.shape, x.shape);
  const input = { view: x, buffer: context.memory.view('unary', x) };
  elementwise(context, `u.${op}`, [input], out, context.memory.output('unary', out), expression);
}

/**
 * `out = a op b` elementwise (broadcasting arrives as zero strides).
 *
 * @example
 * binary(context, 'add', a, b, out);
 */
export function binary(
  context: KernelContext,
  op: BinaryOp,
  a: StridedView,
  b: StridedView,
  out: OutputSpec,
): void {
  const expression = binaryExpression(op, a.dtype);
  if (expression === undefined)
    throw new Error(`binary: op '${op}' does not accept dtype ${a.dtype}`);
  checkSameShape('binary', 'rhs', b.shape, a.shape);
  checkSameShape('binary', 'output', out.shape, a.shape);
  const expected = COMPARISONS.has(op) ? 'bool' : a.dtype;
  if (out.dtype !== expected) throw new Error(`binary: ${op} writes ${expected}, not ${out.dtype}`);
  const inputs = [
    { view: a, buffer: context.memory.view('binary', a) },
    { view: b, buffer: context.memory.view('binary', b) },
  ];
  elementwise(context, `b.${op}`, inputs, out, context.memory.output('binary', out), expression);
}

/**
 * `out = cond ? onTrue : onFalse` elementwise.
 *
 * @example
 * select(context, mask, x, y, out);
 */
export function select(
  context: KernelContext,
  cond: StridedView,
  onTrue: StridedView,
  onFalse: StridedView,
  out: OutputSpec,
): void {
  checkSameShape('select', 'onTrue', onTrue.shape, cond.shape);
  checkSameShape('select', 'onFalse', onFalse.shape, cond.shape);
  checkSameShape('select', 'output', out.shape, cond.shape);
  const inputs = [cond, onTrue, onFalse].map((view) => ({
    view,
    buffer: context.memory.view('select', view),
  }));
  const condition = castExpression(cond.dtype, 'bool', 'a');
  elementwise(context, 'select', inputs, out, context.memory.output('select', out), {
    code: `select(${castExpression(onFalse.dtype, out.dtype, 'c')}, ${castExpression(onTrue.dtype, out.dtype, 'b')}, ${condition})`,
    uses: ['casts'],
  });
}

/**
 * Convert element type.
 *
 * @example
 * cast(context, floats, intOut);
 */
export function cast(context: KernelContext, x: StridedView, out: OutputSpec): void {
  checkSameShape('cast', 'output', out.shape, x.shape);
  const input = { view: x, buffer: context.memory.view('cast', x) };
  elementwise(context, 'cast', [input], out, context.memory.output('cast', out), {
    code: castExpression(x.dtype, out.dtype, 'x'),
    uses: ['casts'],
  });
}

/**
 * The value `fill` stores for a JS number in `dtype`: float → int truncates toward zero, NaN → 0,
 * out-of-range values saturate; → bool is `x != 0`.
 *
 * @example
 * castValue(-2.7, 'int32') // -2
 */
export function castValue(value: number, dtype: DType): number {
  switch (dtype) {
    case 'bool':
      return value !== 0 ? 1 : 0;
    case 'int32':
      return Number.isNaN(value)
        ? 0
        : Math.trunc(Math.min(Math.max(value, -2147483648), 2147483647));
    case 'uint32':
      return Number.isNaN(value) ? 0 : Math.trunc(Math.min(Math.max(value, 0), 4294967295));
    default:
      return value;
  }
}

/** The 32 parameter bits of a fill value of `dtype` (f32 bits for the float dtypes). */
function valueBits(value: number, dtype: DType): number {
  const v = castValue(value, dtype);
  if (dtype === 'float32' || dtype === 'float16')
    return new Uint32Array(new Float32Array([v]).buffer)[0] as number;
  return v >>> 0;
}

/**
 * Write `value` (cast to `out.dtype`) everywhere.
 *
 * @example
 * fill(context, out, 0);
 */
export function fill(context: KernelContext, out: OutputSpec, value: number): void {
  const target = context.memory.output('fill', out);
  const type = valueType(out.dtype);
  const kernel = mapKernel(`fill:${out.dtype}`, () => ({
    inputs: [],
    outputs: [out.dtype],
    paramWords: 1,
    body: type === 'bool' ? 'r0 = p(4u) != 0u;' : `r0 = bitcast<${type}>(p(4u));`,
  }));
  launchMap(context.queue, kernel, sizeOf(out.shape), [valueBits(value, out.dtype)], [], [target]);
}

/**
 * `out[..., i, ...] = i` along `axis`.
 *
 * @example
 * iota(context, 1, out);
 */
export function iota(context: KernelContext, axis: number, out: OutputSpec): void {
  const { shape } = out;
  if (!(axis >= 0 && axis < shape.length)) {
    throw new Error(`iota: axis ${axis} is out of range for shape [${shape}]`);
  }
  const target = context.memory.output('iota', out);
  const kernel = mapKernel(`iota:${out.dtype}`, () => ({
    inputs: [],
    outputs: [out.dtype],
    paramWords: 2,
    uses: ['casts'],
    body: `r0 = ${castExpression('uint32', out.dtype, '((e / p(4u)) % p(5u))')};`,
  }));
  const inner = sizeOf(shape.slice(axis + 1));
  launchMap(context.queue, kernel, sizeOf(shape), [inner, shape[axis] as number], [], [target]);
}
