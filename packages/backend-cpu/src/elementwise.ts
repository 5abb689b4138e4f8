/**
 * Elementwise kernels: copy, unary, binary, select and cast over strided views.
 *
 * Each op has its own inner loop (a `switch` per row picks it), so the per-element work is one
 * JS expression with no call through a table. Values are computed as JS numbers and stored into
 * the output's typed array, which does the dtype's rounding for free: a `Float32Array` store
 * rounds to float32, an `Int32Array`/`Uint32Array` store wraps modulo 2^32. Only the operations
 * whose exact result can leave the 2^53 range of a double (integer `mul`, `pow`) or that need
 * integer semantics (`div`, `rem`, shifts) get integer-specific loops.
 */
import type { BinaryOp, DType, UnaryOp } from '@tensile/core';
import { erf, erfinv } from './special-functions.js';
import {
  type ArrayOut,
  type ArrayView,
  checkShape,
  contiguousStrides,
  forEachRow,
  type NumericArray,
} from './strided.js';

/**
 * Materialise a strided view contiguously (same dtype).
 *
 * @example
 * // x: a 2×3 matrix viewed transposed (strides [1, 3]) → out holds the 3×2 transpose.
 * copy({ data: x, dtype: 'float32', shape: [3, 2], strides: [1, 3], offset: 0 }, out);
 */
export function copy(x: ArrayView, out: ArrayOut): void {
  checkShape('copy', 'output', out.shape, x.shape);
  const source = x.data;
  const target = out.data;
  forEachRow(x.shape, [x.strides, contiguousStrides(x.shape)], [x.offset, 0], (n, at, step) => {
    let xi = at[0];
    const xs = step[0];
    const oi = at[1];
    if (xs === 1) {
      target.set(source.subarray(xi, xi + n), oi);
      return;
    }
    for (let i = 0; i < n; i++, xi += xs) target[oi + i] = source[xi];
  });
}

/**
 * Unary loops: the public ops plus the logical `not` that bool gets.
 *
 * @example
 * const kernel: UnaryKernel = 'logicalNot'; // `not` on bool
 */
export type UnaryKernel = UnaryOp | 'logicalNot';

/** The ops integer inputs accept (bool accepts `not`, `abs` and `sign`). */
const INTEGER_UNARY_OPS: ReadonlySet<UnaryOp> = new Set(['neg', 'abs', 'sign', 'not']);

/**
 * The loop `unary` runs for `op` on `dtype` (throws when the pair is not accepted).
 *
 * @example
 * unaryKernel('not', 'bool') // 'logicalNot'
 */
export function unaryKernel(op: UnaryOp, dtype: DType): UnaryKernel {
  if (dtype === 'float32' && op !== 'not') return op;
  if (dtype === 'bool' && op === 'not') return 'logicalNot';
  if (dtype === 'bool' && (op === 'abs' || op === 'sign')) return op;
  if ((dtype === 'int32' || dtype === 'uint32') && INTEGER_UNARY_OPS.has(op)) return op;
  throw new Error(`unary: op '${op}' does not accept dtype ${dtype}`);
}

/**
 * `out = op(x)` elementwise. Float ops use `Math` in double precision, rounded to float32 on
 * store; `round` is round-half-to-even, `sign(NaN)` is NaN, `logistic` is overflow-free,
 * `isFinite` writes bool. On integers `neg`/`abs` wrap (`abs(INT_MIN) = INT_MIN`), `not` is
 * bitwise; on bool `not` is logical.
 *
 * @example
 * unary('exp', x, out); // out[i] = fround(Math.exp(x[i]))
 */
export function unary(op: UnaryOp, x: ArrayView, out: ArrayOut): void {
  const kernel = unaryKernel(op, x.dtype);
  checkShape('unary', 'output', out.shape, x.shape);
  const source = x.data;
  const target = out.data;
  forEachRow(x.shape, [x.strides, contiguousStrides(x.shape)], [x.offset, 0], (n, at, step) =>
    unaryRow(kernel, n, source, at[0], step[0], target, at[1]),
  );
}

function unaryRow(
  op: UnaryKernel,
  n: number,
  x: NumericArray,
  xi: number,
  xs: number,
  o: NumericArray,
  oi: number,
) {
  const end = oi + n;
  switch (op) {
    case 'neg':
      for (; oi < end; oi++, xi += xs) o[oi] = -x[xi];
      return;
    case 'abs':
      for (; oi < end; oi++, xi += xs) o[oi] = Math.abs(x[xi]);
      return;
    case 'sign':
      for (; oi < end; oi++, xi += xs) o[oi] = Math.sign(x[xi]);
      return;
    case 'floor':
      for (; oi < end; oi++, xi += xs) o[oi] = Math.floor(x[xi]);
      return;
    case 'ceil':
      for (; oi < end; oi++, xi += xs) o[oi] = Math.ceil(x[xi]);
      return;
    case 'round':
      for (; oi < end; oi++, xi += xs) o[oi] = roundHalfEven(x[xi]);
      return;
    case 'exp':
      for (; oi < end; oi++, xi += xs) o[oi] = Math.exp(x[xi]);
      return;
    case 'exp2':
      for (; oi < end; oi++, xi += xs) o[oi] = 2 ** x[xi];
      return;
    case 'log':
      for (; oi < end; oi++, xi += xs) o[oi] = Math.log(x[xi]);
      return;
    case 'log1p':
      for (; oi < end; oi++, xi += xs) o[oi] = Math.log1p(x[xi]);
      return;
    case 'expm1':
      for (; oi < end; oi++, xi += xs) o[oi] = Math.expm1(x[xi]);
      return;
    case 'sqrt':
      for (; oi < end; oi++, xi += xs) o[oi] = Math.sqrt(x[xi]);
      return;
    case 'rsqrt':
      for (; oi < end; oi++, xi += xs) o[oi] = 1 / Math.sqrt(x[xi]);
      return;
    case 'cbrt':
      for (; oi < end; oi++, xi += xs) o[oi] = Math.cbrt(x[xi]);
      return;
    case 'sin':
      for (; oi < end; oi++, xi += xs) o[oi] = Math.sin(x[xi]);
      return;
    case 'cos':
      for (; oi < end; oi++, xi += xs) o[oi] = Math.cos(x[xi]);
      return;
    case 'tan':
      for (; oi < end; oi++, xi += xs) o[oi] = Math.tan(x[xi]);
      return;
    case 'asin':
      for (; oi < end; oi++, xi += xs) o[oi] = Math.asin(x[xi]);
      return;
    case 'acos':
      for (; oi < end; oi++, xi += xs) o[oi] = Math.acos(x[xi]);
      return;
    case 'atan':
      for (; oi < end; oi++, xi += xs) o[oi] = Math.atan(x[xi]);
      return;
    case 'sinh':
      for (; oi < end; oi++, xi += xs) o[oi] = Math.sinh(x[xi]);
      return;
    case 'cosh':
      for (; oi < end; oi++, xi += xs) o[oi] = Math.cosh(x[xi]);
      return;
    case 'tanh':
      for (; oi < end; oi++, xi += xs) o[oi] = Math.tanh(x[xi]);
      return;
    case 'asinh':
      for (; oi < end; oi++, xi += xs) o[oi] = Math.asinh(x[xi]);
      return;
    case 'acosh':
      for (; oi < end; oi++, xi += xs) o[oi] = Math.acosh(x[xi]);
      return;
    case 'atanh':
      for (; oi < end; oi++, xi += xs) o[oi] = Math.atanh(x[xi]);
      return;
    case 'logistic':
      for (; oi < end; oi++, xi += xs) o[oi] = logistic(x[xi]);
      return;
    case 'erf':
      for (; oi < end; oi++, xi += xs) o[oi] = erf(x[xi]);
      return;
    case 'erfinv':
      for (; oi < end; oi++, xi += xs) o[oi] = erfinv(x[xi]);
      return;
    case 'isFinite':
      for (; oi < end; oi++, xi += xs) o[oi] = Number.isFinite(x[xi]) ? 1 : 0;
      return;
    case 'reciprocal':
      for (; oi < end; oi++, xi += xs) o[oi] = 1 / x[xi];
      return;
    case 'not':
      for (; oi < end; oi++, xi += xs) o[oi] = ~x[xi];
      return;
    case 'logicalNot':
      for (; oi < end; oi++, xi += xs) o[oi] = x[xi] === 0 ? 1 : 0;
      return;
  }
}

/**
 * Round to nearest, ties to even (`jnp.round`), keeping the sign of zero.
 *
 * @example
 * roundHalfEven(2.5) // 2
 */
export function roundHalfEven(x: number): number {
  const nearest = Math.round(x); // ties go up
  return nearest - x === 0.5 && nearest % 2 !== 0 ? nearest - 1 : nearest;
}

/**
 * `1 / (1 + e^-x)` without overflow: for x < 0 use `e^x / (1 + e^x)`.
 *
 * @example
 * logistic(0) // 0.5
 */
export function logistic(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/**
 * Binary loops: the public ops plus the integer- and float-specific variants.
 *
 * @example
 * const kernel: BinaryKernel = 'intMul'; // `mul` on int32/uint32
 */
export type BinaryKernel = BinaryOp | 'intMul' | 'intDiv' | 'intRem' | 'intPow' | 'floatPow';

/**
 * The loop that runs each op for float, integer and bool operands; a missing entry rejects the dtype.
 *
 * @example
 * BINARY_KERNELS.div[dtypeKind('int32')] // 'intDiv'
 */
export const BINARY_KERNELS: Record<
  BinaryOp,
  { float?: BinaryKernel; integer?: BinaryKernel; bool?: BinaryKernel }
> = {
  add: { float: 'add', integer: 'add' },
  sub: { float: 'sub', integer: 'sub' },
  mul: { float: 'mul', integer: 'intMul' },
  div: { float: 'div', integer: 'intDiv' },
  rem: { float: 'rem', integer: 'intRem' },
  pow: { float: 'floatPow', integer: 'intPow' },
  max: { float: 'max', integer: 'max', bool: 'max' },
  min: { float: 'min', integer: 'min', bool: 'min' },
  atan2: { float: 'atan2' },
  eq: { float: 'eq', integer: 'eq', bool: 'eq' },
  ne: { float: 'ne', integer: 'ne', bool: 'ne' },
  lt: { float: 'lt', integer: 'lt', bool: 'lt' },
  le: { float: 'le', integer: 'le', bool: 'le' },
  gt: { float: 'gt', integer: 'gt', bool: 'gt' },
  ge: { float: 'ge', integer: 'ge', bool: 'ge' },
  and: { integer: 'and', bool: 'and' },
  or: { integer: 'or', bool: 'or' },
  xor: { integer: 'xor', bool: 'xor' },
  shiftLeft: { integer: 'shiftLeft' },
  shiftRightLogical: { integer: 'shiftRightLogical' },
  shiftRightArithmetic: { integer: 'shiftRightArithmetic' },
};

/**
 * Which column of `BINARY_KERNELS` a dtype reads.
 *
 * @example
 * dtypeKind('uint32') // 'integer'
 */
export function dtypeKind(dtype: DType): 'float' | 'integer' | 'bool' {
  return dtype === 'float32' ? 'float' : dtype === 'bool' ? 'bool' : 'integer';
}

/**
 * `out = a op b` elementwise (broadcasting arrives as zero strides). Comparisons write bool.
 * Integer semantics: `add`/`sub`/`mul` wrap; `div` truncates toward zero and **division by zero
 * gives 0**; `rem` has the sign of the dividend and `rem(x, 0) = x` (so `div(x,y)*y + rem(x,y) = x`
 * always holds); `pow` is exact modulo 2^32 with `pow(x, negative) = 0` except for x = ±1;
 * shift amounts outside [0, 32) give 0 (`shiftLeft`, `shiftRightLogical`) or the sign fill
 * (`shiftRightArithmetic`), as XLA. Float `max`/`min` propagate NaN.
 *
 * @example
 * binary('add', a, b, out); // out[i] = a[i] + b[i]
 */
export function binary(op: BinaryOp, a: ArrayView, b: ArrayView, out: ArrayOut): void {
  const kernel = BINARY_KERNELS[op][dtypeKind(a.dtype)];
  if (kernel === undefined) throw new Error(`binary: op '${op}' does not accept dtype ${a.dtype}`);
  checkShape('binary', 'rhs', b.shape, a.shape);
  checkShape('binary', 'output', out.shape, a.shape);
  const left = a.data;
  const right = b.data;
  const target = out.data;
  forEachRow(
    a.shape,
    [a.strides, b.strides, contiguousStrides(a.shape)],
    [a.offset, b.offset, 0],
    (n, at, step) =>
      binaryRow(kernel, n, left, at[0], step[0], right, at[1], step[1], target, at[2]),
  );
}

function binaryRow(
  op: BinaryKernel,
  n: number,
  a: NumericArray,
  ai: number,
  as: number,
  b: NumericArray,
  bi: number,
  bs: number,
  o: NumericArray,
  oi: number,
): void {
  const end = oi + n;
  switch (op) {
    case 'add':
      for (; oi < end; oi++, ai += as, bi += bs) o[oi] = a[ai] + b[bi];
      return;
    case 'sub':
      for (; oi < end; oi++, ai += as, bi += bs) o[oi] = a[ai] - b[bi];
      return;
    case 'mul':
      for (; oi < end; oi++, ai += as, bi += bs) o[oi] = a[ai] * b[bi];
      return;
    case 'div':
      for (; oi < end; oi++, ai += as, bi += bs) o[oi] = a[ai] / b[bi];
      return;
    case 'rem':
      for (; oi < end; oi++, ai += as, bi += bs) o[oi] = a[ai] % b[bi];
      return;
    case 'floatPow':
      for (; oi < end; oi++, ai += as, bi += bs) o[oi] = floatPow(a[ai], b[bi]);
      return;
    case 'max':
      for (; oi < end; oi++, ai += as, bi += bs) o[oi] = Math.max(a[ai], b[bi]);
      return;
    case 'min':
      for (; oi < end; oi++, ai += as, bi += bs) o[oi] = Math.min(a[ai], b[bi]);
      return;
    case 'atan2':
      for (; oi < end; oi++, ai += as, bi += bs) o[oi] = Math.atan2(a[ai], b[bi]);
      return;
    case 'eq':
      for (; oi < end; oi++, ai += as, bi += bs) o[oi] = a[ai] === b[bi] ? 1 : 0;
      return;
    case 'ne':
      for (; oi < end; oi++, ai += as, bi += bs) o[oi] = a[ai] !== b[bi] ? 1 : 0;
      return;
    case 'lt':
      for (; oi < end; oi++, ai += as, bi += bs) o[oi] = a[ai] < b[bi] ? 1 : 0;
      return;
    case 'le':
      for (; oi < end; oi++, ai += as, bi += bs) o[oi] = a[ai] <= b[bi] ? 1 : 0;
      return;
    case 'gt':
      for (; oi < end; oi++, ai += as, bi += bs) o[oi] = a[ai] > b[bi] ? 1 : 0;
      return;
    case 'ge':
      for (; oi < end; oi++, ai += as, bi += bs) o[oi] = a[ai] >= b[bi] ? 1 : 0;
      return;
    case 'and':
      for (; oi < end; oi++, ai += as, bi += bs) o[oi] = a[ai] & b[bi];
      return;
    case 'or':
      for (; oi < end; oi++, ai += as, bi += bs) o[oi] = a[ai] | b[bi];
      return;
    case 'xor':
      for (; oi < end; oi++, ai += as, bi += bs) o[oi] = a[ai] ^ b[bi];
      return;
    case 'intMul':
      for (; oi < end; oi++, ai += as, bi += bs) o[oi] = Math.imul(a[ai], b[bi]);
      return;
    case 'intDiv':
      for (; oi < end; oi++, ai += as, bi += bs) o[oi] = intDiv(a[ai], b[bi]);
      return;
    case 'intRem':
      for (; oi < end; oi++, ai += as, bi += bs) o[oi] = intRem(a[ai], b[bi]);
      return;
    case 'intPow':
      for (; oi < end; oi++, ai += as, bi += bs) o[oi] = intPow(a[ai], b[bi]);
      return;
    case 'shiftLeft':
      for (; oi < end; oi++, ai += as, bi += bs) o[oi] = b[bi] >>> 0 < 32 ? a[ai] << b[bi] : 0;
      return;
    case 'shiftRightLogical':
      for (; oi < end; oi++, ai += as, bi += bs) o[oi] = b[bi] >>> 0 < 32 ? a[ai] >>> b[bi] : 0;
      return;
    case 'shiftRightArithmetic':
      for (; oi < end; oi++, ai += as, bi += bs)
        o[oi] = (a[ai] | 0) >> (b[bi] >>> 0 < 32 ? b[bi] : 31);
      return;
  }
}

/**
 * C's `pow`: `pow(1, y) = 1` and `pow(-1, ±∞) = 1`, where JS's `**` gives NaN.
 *
 * @example
 * floatPow(1, NaN) // 1
 */
export function floatPow(x: number, y: number): number {
  if (x === 1 || (x === -1 && Math.abs(y) === Number.POSITIVE_INFINITY)) return 1;
  return x ** y;
}

/**
 * Truncating division; exact for 32-bit operands (the double quotient never crosses an integer).
 * Division by zero gives 0.
 *
 * @example
 * intDiv(-7, 2) // -3
 */
export function intDiv(x: number, y: number): number {
  return y === 0 ? 0 : Math.trunc(x / y);
}

/**
 * Remainder with the sign of the dividend; `intRem(x, 0) = x`.
 *
 * @example
 * intRem(-7, 2) // -1
 */
export function intRem(x: number, y: number): number {
  return y === 0 ? x : x % y;
}

/**
 * Exponentiation by squaring modulo 2^32 (`Math.imul` keeps the low 32 bits exact).
 *
 * @example
 * intPow(3, 4) // 81
 */
export function intPow(base: number, exponent: number): number {
  if (exponent < 0) return base === 1 ? 1 : base === -1 ? (exponent & 1 ? -1 : 1) : 0;
  let result = 1;
  for (let e = exponent; e > 0; e = Math.floor(e / 2)) {
    if (e % 2 === 1) result = Math.imul(result, base);
    base = Math.imul(base, base);
  }
  return result;
}

/**
 * `out = cond ? onTrue : onFalse` elementwise; `cond` is bool.
 *
 * @example
 * select(mask, x, zeros, out); // out[i] = mask[i] ? x[i] : 0
 */
export function select(
  cond: ArrayView,
  onTrue: ArrayView,
  onFalse: ArrayView,
  out: ArrayOut,
): void {
  checkShape('select', 'onTrue', onTrue.shape, cond.shape);
  checkShape('select', 'onFalse', onFalse.shape, cond.shape);
  checkShape('select', 'output', out.shape, cond.shape);
  const c = cond.data;
  const t = onTrue.data;
  const f = onFalse.data;
  const o = out.data;
  forEachRow(
    cond.shape,
    [cond.strides, onTrue.strides, onFalse.strides, contiguousStrides(cond.shape)],
    [cond.offset, onTrue.offset, onFalse.offset, 0],
    (n, at, step) => {
      let ci = at[0];
      let ti = at[1];
      let fi = at[2];
      const [cs, ts, fs] = step;
      for (let oi = at[3], end = oi + n; oi < end; oi++, ci += cs, ti += ts, fi += fs)
        o[oi] = c[ci] ? t[ti] : f[fi];
    },
  );
}

/**
 * Convert a JS number to a dtype's value: float → int truncates toward zero, NaN → 0, and
 * out-of-range values saturate; → bool is `x != 0` (NaN → true).
 *
 * @example
 * castValue(-2.7, 'int32')  // -2
 * castValue(1e10, 'int32')  // 2147483647
 * castValue(-1, 'uint32')   // 0
 * castValue(NaN, 'bool')    // 1
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

/**
 * Convert element type. Float → int saturates as `castValue`; → bool is `x != 0`;
 * bool → number is 0/1; int32 ↔ uint32 reinterpret modulo 2^32; → float32 rounds.
 *
 * @example
 * cast(floats, intOut); // [-2.7, 3e9, NaN] → [-2, 2147483647, 0]
 */
export function cast(x: ArrayView, out: ArrayOut): void {
  checkShape('cast', 'output', out.shape, x.shape);
  const source = x.data;
  const target = out.data;
  const dtype = out.dtype;
  // Integer and bool sources, and float32 → float32, convert exactly by storing (ToInt32/ToUint32 wrap).
  const saturate = x.dtype === 'float32' && dtype !== 'float32';
  const toBool = dtype === 'bool';
  forEachRow(x.shape, [x.strides, contiguousStrides(x.shape)], [x.offset, 0], (n, at, step) => {
    let xi = at[0];
    const xs = step[0];
    const end = at[1] + n;
    if (toBool)
      for (let oi = at[1]; oi < end; oi++, xi += xs) target[oi] = source[xi] !== 0 ? 1 : 0;
    else if (saturate)
      for (let oi = at[1]; oi < end; oi++, xi += xs) target[oi] = castValue(source[xi], dtype);
    else for (let oi = at[1]; oi < end; oi++, xi += xs) target[oi] = source[xi];
  });
}
