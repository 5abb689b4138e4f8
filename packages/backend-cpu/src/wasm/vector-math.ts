/**
 * Float32 math on four lanes at once, as Wasm SIMD instruction sequences.
 *
 * Each entry emits code that reads v128 locals and leaves one v128 result on the stack, so the
 * elementwise kernels (and fused kernels) can inline them in their loops. The IEEE-exact ops map
 * to single instructions (`f32x4.sqrt` and `f32x4.div` are correctly rounded, `f32x4.nearest`
 * rounds half to even, `f32x4.min`/`max` propagate NaN as `Math.min`/`max`). `exp`, `log`,
 * `tanh` and `logistic` use Cephes-style range reduction and minimax polynomials, accurate to a
 * few float32 ulps (well inside the 1e-5 relative tolerance of transcendental ops), with the
 * IEEE special values handled explicitly: exp(±∞) = ∞/0, log(0) = −∞, log(x<0) = NaN,
 * tanh(±∞) = ±1, NaN in → NaN out.
 */
import type { BinaryOp, UnaryOp } from '@tensile/core';
import type { FunctionBuilder } from './emitter.js';

/**
 * Emits `op(x)` for the v128 local `x`, leaving the result on the stack.
 *
 * @example
 * const negate: VectorUnary = (f, x) => f.get(x).f32x4Neg();
 */
export type VectorUnary = (f: FunctionBuilder, x: number) => void;
/**
 * Emits `a op b` for the v128 locals `a` and `b`, leaving the result on the stack.
 *
 * @example
 * const add: VectorBinary = (f, a, b) => f.get(a).get(b).f32x4Add();
 */
export type VectorBinary = (f: FunctionBuilder, a: number, b: number) => void;

const SIGN_MASK = -0x80000000;

/** Horner's scheme: `((c0·x + c1)·x + c2)…` for the v128 local `x`, left on the stack. */
function horner(f: FunctionBuilder, x: number, coefficients: readonly number[]): void {
  f.f32x4Const(coefficients[0]);
  for (let i = 1; i < coefficients.length; i++) {
    f.get(x).f32x4Mul().f32x4Const(coefficients[i]).f32x4Add();
  }
}

/** 2^n for an i32x4 local `n` in [-126, 127], as f32 bits: (n + 127) << 23. */
function powerOfTwo(f: FunctionBuilder, n: number): void {
  f.get(n).i32x4Const(127).i32x4Add().i32Const(23).i32x4Shl();
}

/** 1.5·2^23: adding it rounds a float below 2^22 in magnitude to an integer (ties to even). */
const ROUNDER = 12582912;

/**
 * e^x: x = n·ln2 + r with |r| ≤ ln2/2, e^r by a degree-7 polynomial, times 2^n applied as two
 * factors so results down to the subnormals and up to overflow come out right. The input is
 * clamped to [-104, 89] first (beyond both, the result is 0 or ∞ anyway) with `pmax`/`pmin`,
 * which let NaN through. n is rounded by adding 1.5·2^23, which also leaves n as an integer in
 * the float's low bits.
 */
function emitExp(f: FunctionBuilder, x: number): void {
  const t = f.local('v128');
  const n = f.local('v128');
  const r = f.local('v128');
  const ni = f.local('v128');
  const half = f.local('v128');
  f.get(x).f32x4Const(-104).f32x4Pmax().f32x4Const(89).f32x4Pmin().set(t);
  f.get(t).f32x4Const(Math.LOG2E).f32x4Mul().f32x4Const(ROUNDER).f32x4Add().set(ni);
  f.get(ni).f32x4Const(ROUNDER).f32x4Sub().set(n);
  f.get(ni).f32x4Const(ROUNDER).i32x4Sub().set(ni);
  // r = t - n·ln2 in two steps (the high part of ln2 has few bits, so n·high is exact).
  f.get(t).get(n).f32x4Const(0.693359375).f32x4Mul().f32x4Sub();
  f.get(n).f32x4Const(-2.1219444e-4).f32x4Mul().f32x4Sub().set(r);
  // e^r ≈ 1 + r + r²·P(r)
  horner(
    f,
    r,
    [
      1.98756915e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1,
      5.0000001201e-1,
    ],
  );
  f.get(r).get(r).f32x4Mul().f32x4Mul().get(r).f32x4Add().f32x4Const(1).f32x4Add();
  f.get(ni).i32Const(1).i32x4ShrS().set(half);
  powerOfTwo(f, half);
  f.f32x4Mul();
  f.get(ni).get(half).i32x4Sub().set(half);
  powerOfTwo(f, half);
  f.f32x4Mul();
}

/**
 * ln x: x = m·2^e with m in [√½, √2), ln m by a degree-9 polynomial in m - 1. Subnormal inputs
 * are scaled by 2^23 first; 0 → −∞, negative → NaN, +∞ → +∞, NaN → NaN.
 */
function emitLog(f: FunctionBuilder, x: number): void {
  const v = f.local('v128');
  const e = f.local('v128');
  const m = f.local('v128');
  const small = f.local('v128');
  const z = f.local('v128');
  const result = f.local('v128');
  // Subnormals: scale into the normal range and remember the 23 extra powers of two.
  f.get(x).f32x4Const(1.17549435e-38).f32x4Lt().set(small);
  f.get(x).f32x4Const(8388608).f32x4Mul().get(x).get(small).v128Bitselect().set(v);
  // e = exponent - 126 (so that m = mantissa / 2 is in [0.5, 1)), minus 23 for scaled inputs.
  f.get(v).i32Const(23).i32x4ShrS().i32x4Const(126).i32x4Sub();
  f.get(small).i32x4Const(23).v128And().i32x4Sub().set(e);
  f.get(v).i32x4Const(0x007fffff).v128And().i32x4Const(0x3f000000).v128Or().set(m);
  // If m < √½: e -= 1 and m = 2m - 1, else m = m - 1.
  f.get(m).f32x4Const(Math.SQRT1_2).f32x4Lt().set(small);
  f.get(e).get(small).i32x4Add().set(e);
  f.get(m).f32x4Const(1).f32x4Sub().get(m).get(small).v128And().f32x4Add().set(m);
  f.get(m).get(m).f32x4Mul().set(z);
  horner(
    f,
    m,
    [
      7.0376836292e-2, -1.151461031e-1, 1.167699874e-1, -1.2420140846e-1, 1.4249322787e-1,
      -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1,
    ],
  );
  f.get(m).f32x4Mul().get(z).f32x4Mul();
  f.get(e).f32x4ConvertI32x4S().set(v);
  f.get(v).f32x4Const(-2.1219444e-4).f32x4Mul().f32x4Add();
  f.get(z).f32x4Const(0.5).f32x4Mul().f32x4Sub();
  f.get(m).f32x4Add();
  f.get(v).f32x4Const(0.693359375).f32x4Mul().f32x4Add().set(result);
  // Special values.
  f.f32x4Const(Number.NEGATIVE_INFINITY).get(result).get(x).f32x4Const(0).f32x4Eq();
  f.v128Bitselect().set(result);
  f.f32x4Const(Number.POSITIVE_INFINITY).get(result).get(x);
  f.f32x4Const(Number.POSITIVE_INFINITY).f32x4Eq().v128Bitselect().set(result);
  // Negative and NaN inputs: NaN (x < 0 or x ≠ x, i.e. not x ≥ 0).
  f.get(result).f32x4Const(Number.NaN).get(x).f32x4Const(0).f32x4Ge().v128Bitselect();
}

/**
 * tanh x: x + x³·P(x²) for |x| < 0.625, else sign(x)·(1 − 2/(e^{2|x|} + 1)).
 */
function emitTanh(f: FunctionBuilder, x: number): void {
  const ax = f.local('v128');
  const z = f.local('v128');
  const e = f.local('v128');
  const small = f.local('v128');
  f.get(x).f32x4Abs().set(ax);
  f.get(x).get(x).f32x4Mul().set(z);
  horner(
    f,
    z,
    [-5.70498872745e-3, 2.06390887954e-2, -5.37397155531e-2, 1.33314422036e-1, -3.33332819422e-1],
  );
  f.get(z).f32x4Mul().get(x).f32x4Mul().get(x).f32x4Add().set(small);
  f.get(ax).get(ax).f32x4Add().set(z);
  emitExp(f, z);
  f.set(e);
  f.f32x4Const(1).f32x4Const(2).get(e).f32x4Const(1).f32x4Add().f32x4Div().f32x4Sub();
  f.get(x).i32x4Const(SIGN_MASK).v128And().v128Or();
  f.set(e);
  f.get(small).get(e).get(ax).f32x4Const(0.625).f32x4Lt().v128Bitselect();
}

/**
 * logistic x = 1 / (1 + e^{−x}) for x ≥ 0 and e^x / (1 + e^x) below, so e^{−|x|} never overflows
 * and tiny results stay accurate down to the subnormals.
 */
function emitLogistic(f: FunctionBuilder, x: number): void {
  const minus = f.local('v128');
  const e = f.local('v128');
  f.get(x).f32x4Abs().f32x4Neg().set(minus);
  emitExp(f, minus);
  f.set(e);
  f.f32x4Const(1).get(e).get(x).f32x4Const(0).f32x4Ge().v128Bitselect();
  f.get(e).f32x4Const(1).f32x4Add().f32x4Div();
}

/** sign x: ±1 by the sign bit, except ±0 and NaN, which pass through (as `Math.sign`). */
function emitSign(f: FunctionBuilder, x: number): void {
  f.get(x).i32x4Const(SIGN_MASK).v128And().f32x4Const(1).v128Or();
  f.get(x);
  // Lanes that are neither zero nor NaN take the signed one.
  f.get(x).f32x4Const(0).f32x4Ne().get(x).get(x).f32x4Eq().v128And();
  f.v128Bitselect();
}

/**
 * The float32 unary ops with a Wasm SIMD form (the others run the TypedArray kernels).
 *
 * @example
 * VECTOR_UNARY.exp?.(f, x); // leaves exp(x) on the stack
 */
export const VECTOR_UNARY: Partial<Record<UnaryOp, VectorUnary>> = {
  neg: (f, x) => f.get(x).f32x4Neg(),
  abs: (f, x) => f.get(x).f32x4Abs(),
  sign: emitSign,
  floor: (f, x) => f.get(x).f32x4Floor(),
  ceil: (f, x) => f.get(x).f32x4Ceil(),
  round: (f, x) => f.get(x).f32x4Nearest(),
  sqrt: (f, x) => f.get(x).f32x4Sqrt(),
  rsqrt: (f, x) => f.f32x4Const(1).get(x).f32x4Sqrt().f32x4Div(),
  reciprocal: (f, x) => f.f32x4Const(1).get(x).f32x4Div(),
  exp: emitExp,
  log: emitLog,
  tanh: emitTanh,
  logistic: emitLogistic,
};

/**
 * The float32 binary ops with a Wasm SIMD form (the others run the TypedArray kernels).
 *
 * @example
 * VECTOR_BINARY.mul?.(f, a, b); // leaves a·b on the stack
 */
export const VECTOR_BINARY: Partial<Record<BinaryOp, VectorBinary>> = {
  add: (f, a, b) => f.get(a).get(b).f32x4Add(),
  sub: (f, a, b) => f.get(a).get(b).f32x4Sub(),
  mul: (f, a, b) => f.get(a).get(b).f32x4Mul(),
  div: (f, a, b) => f.get(a).get(b).f32x4Div(),
  max: (f, a, b) => f.get(a).get(b).f32x4Max(),
  min: (f, a, b) => f.get(a).get(b).f32x4Min(),
};
