/**
 * Elementwise primitives: unary math, binary arithmetic and comparisons,
 * `select`, dtype conversion, constants (`fill`, `iota`) and
 * `stopGradient`. Derivatives are written against symbolic-zero tangents;
 * batching moves batch axes to the front and broadcasts unbatched operands.
 */
import { ShapedArray } from '../aval.js';
import type { BinaryOp, UnaryOp } from '../backend.js';
import { DeviceArray } from '../core/device-array.js';
import type { Tensor } from '../core/tensor.js';
import { isFloat, isInteger, itemSize } from '../dtype.js';
import { DTypeError, ShapeError } from '../errors.js';
import * as lax from '../lax/primitive-ops.js';
import { Storage } from '../memory.js';
import { getBackend } from '../registry.js';
import { shapesEqual } from '../shape.js';
import {
  addTangents,
  allocOut,
  backendOf,
  batchAt0,
  scalarLike,
  scaleTangent,
  zerosLike,
} from './helpers.js';
import type { PrimitiveRules, RuleSet } from './rules.js';
import { type JvpRule, UndefinedPrimal } from './spec.js';

type Unary = UnaryOp;
type Binary = BinaryOp;

/** Every elementwise unary primitive. */
export const UNARY_OPS: readonly UnaryOp[] = [
  'neg',
  'abs',
  'sign',
  'floor',
  'ceil',
  'round',
  'exp',
  'exp2',
  'log',
  'log1p',
  'expm1',
  'sqrt',
  'rsqrt',
  'cbrt',
  'sin',
  'cos',
  'tan',
  'asin',
  'acos',
  'atan',
  'sinh',
  'cosh',
  'tanh',
  'asinh',
  'acosh',
  'atanh',
  'logistic',
  'erf',
  'erfinv',
  'not',
  'isFinite',
  'reciprocal',
];
/** Every elementwise binary primitive. */
export const BINARY_OPS: readonly BinaryOp[] = [
  'add',
  'sub',
  'mul',
  'div',
  'rem',
  'pow',
  'max',
  'min',
  'atan2',
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
  'and',
  'or',
  'xor',
  'shiftLeft',
  'shiftRightLogical',
  'shiftRightArithmetic',
];
/** Unary ops defined only on floats (all but the sign/bit manipulations). */
const FLOAT_ONLY_UNARY = new Set<UnaryOp>(
  UNARY_OPS.filter((op) => !['neg', 'abs', 'sign', 'not'].includes(op)),
);
const COMPARISONS = new Set<BinaryOp>(['eq', 'ne', 'lt', 'le', 'gt', 'ge']);
const BITWISE = new Set<BinaryOp>(['and', 'or', 'xor']);
const SHIFTS = new Set<BinaryOp>(['shiftLeft', 'shiftRightLogical', 'shiftRightArithmetic']);
const FLOAT_ONLY_BINARY = new Set<BinaryOp>(['atan2']);

// ---------------------------------------------------------------- shape/dtype rules

function unaryAval(op: UnaryOp, [x]: ShapedArray[]): ShapedArray[] {
  const a = x as ShapedArray;
  if (FLOAT_ONLY_UNARY.has(op) && !isFloat(a.dtype)) {
    throw new DTypeError(`${op}: needs a float tensor, got ${a}`);
  }
  if (op === 'not' && isFloat(a.dtype))
    throw new DTypeError(`not: needs a bool or integer tensor, got ${a}`);
  if (op === 'isFinite') return [new ShapedArray(a.shape, 'bool')];
  return [a];
}

function binaryAval(op: BinaryOp, [x, y]: ShapedArray[]): ShapedArray[] {
  const a = x as ShapedArray;
  const b = y as ShapedArray;
  if (!shapesEqual(a.shape, b.shape))
    throw new ShapeError(`${op}: operand shapes differ: ${a} and ${b}`);
  if (a.dtype !== b.dtype) throw new DTypeError(`${op}: operand dtypes differ: ${a} and ${b}`);
  if (FLOAT_ONLY_BINARY.has(op) && !isFloat(a.dtype))
    throw new DTypeError(`${op}: needs float operands, got ${a}`);
  if (BITWISE.has(op) && isFloat(a.dtype))
    throw new DTypeError(`${op}: needs bool or integer operands, got ${a}`);
  if (SHIFTS.has(op) && !isInteger(a.dtype))
    throw new DTypeError(`${op}: needs integer operands, got ${a}`);
  if (
    a.dtype === 'bool' &&
    !COMPARISONS.has(op) &&
    !BITWISE.has(op) &&
    op !== 'max' &&
    op !== 'min'
  ) {
    throw new DTypeError(`${op}: not defined for bool operands`);
  }
  const weak = a.weakType && b.weakType;
  const comparison = COMPARISONS.has(op);
  return [new ShapedArray(a.shape, comparison ? 'bool' : a.dtype, comparison ? false : weak)];
}

// ---------------------------------------------------------------- derivatives

const half = (x: Tensor) => scalarLike(x, 0.5);
const one = (x: Tensor) => scalarLike(x, 1);
const sq = (x: Tensor) => lax.mul(x, x);

/** Derivative of each unary op given input `x` and output `y`; `null` for piecewise-constant ops. */
const unaryDerivative: { [K in UnaryOp]: ((x: Tensor, y: Tensor) => Tensor) | null } = {
  neg: (x) => scalarLike(x, -1),
  abs: (x) => lax.sign(x),
  sign: null,
  floor: null,
  ceil: null,
  round: null,
  not: null,
  isFinite: null,
  exp: (_x, y) => y,
  exp2: (x, y) => lax.mul(y, scalarLike(x, Math.LN2)),
  log: (x) => lax.reciprocal(x),
  log1p: (x) => lax.reciprocal(lax.add(x, one(x))),
  expm1: (x, y) => lax.add(y, one(x)),
  sqrt: (_x, y) => lax.div(half(y), y),
  rsqrt: (x, y) => lax.mul(scalarLike(x, -0.5), lax.div(y, x)),
  cbrt: (_x, y) => lax.reciprocal(lax.mul(scalarLike(y, 3), sq(y))),
  sin: (x) => lax.cos(x),
  cos: (x) => lax.neg(lax.sin(x)),
  tan: (_x, y) => lax.add(one(y), sq(y)),
  asin: (x) => lax.rsqrt(lax.sub(one(x), sq(x))),
  acos: (x) => lax.neg(lax.rsqrt(lax.sub(one(x), sq(x)))),
  atan: (x) => lax.reciprocal(lax.add(one(x), sq(x))),
  sinh: (x) => lax.unary('cosh', x),
  cosh: (x) => lax.unary('sinh', x),
  tanh: (_x, y) => lax.sub(one(y), sq(y)),
  asinh: (x) => lax.rsqrt(lax.add(sq(x), one(x))),
  acosh: (x) => lax.rsqrt(lax.mul(lax.sub(x, one(x)), lax.add(x, one(x)))),
  atanh: (x) => lax.reciprocal(lax.sub(one(x), sq(x))),
  logistic: (_x, y) => lax.mul(y, lax.sub(one(y), y)),
  erf: (x) => lax.mul(scalarLike(x, 2 / Math.sqrt(Math.PI)), lax.exp(lax.neg(sq(x)))),
  erfinv: (_x, y) => lax.mul(scalarLike(y, Math.sqrt(Math.PI) / 2), lax.exp(sq(y))),
  reciprocal: (_x, y) => lax.neg(sq(y)),
};

function unaryJvp(op: UnaryOp): JvpRule<Unary> {
  return ([x], [t]) => {
    const xv = x as Tensor;
    const y = lax.unary(op, xv);
    const d = unaryDerivative[op];
    if (d === null || t === null || !isFloat(xv.dtype)) return [[y], [null]];
    return [[y], [lax.mul(t as Tensor, d(xv, y))]];
  };
}

/** Weight of `a`'s tangent in max/min: 1 where `a` wins, 0.5 on ties, 0 where `b` wins (as JAX). */
function pickWeight(a: Tensor, b: Tensor, wins: Tensor): Tensor {
  return lax.select(wins, one(a), lax.select(lax.eq(a, b), half(a), scalarLike(a, 0)));
}

function binaryJvp(op: BinaryOp): JvpRule<Binary> {
  return ([a, b], [ta, tb]) => {
    const x = a as Tensor;
    const y = b as Tensor;
    const out = lax.binary(op, x, y);
    if (!isFloat(x.dtype)) return [[out], [null]];
    const tx = ta ?? null;
    const ty = tb ?? null;
    let t: Tensor | null;
    switch (op) {
      case 'add':
        t = addTangents(tx, ty);
        break;
      case 'sub':
        t = addTangents(tx, ty && lax.neg(ty));
        break;
      case 'mul':
        t = addTangents(scaleTangent(tx, y), scaleTangent(ty, x));
        break;
      case 'div':
        t = addTangents(tx && lax.div(tx, y), ty && lax.neg(lax.mul(ty, lax.div(out, y))));
        break;
      case 'rem': {
        const q = lax.div(x, y);
        const trunc = lax.mul(lax.sign(q), lax.unary('floor', lax.abs(q)));
        t = addTangents(tx, ty && lax.neg(lax.mul(ty, trunc)));
        break;
      }
      case 'pow': {
        const zero = scalarLike(x, 0);
        const dx = tx && lax.mul(tx, lax.mul(y, lax.pow(x, lax.sub(y, one(y)))));
        const safeLog = lax.select(lax.eq(x, zero), zero, lax.log(x));
        const dy = ty && lax.mul(ty, lax.mul(out, safeLog));
        t = addTangents(dx, dy);
        break;
      }
      case 'max':
      case 'min': {
        const wins = op === 'max' ? lax.gt(x, y) : lax.lt(x, y);
        const wa = pickWeight(x, y, wins);
        t = addTangents(scaleTangent(tx, wa), scaleTangent(ty, lax.sub(one(wa), wa)));
        break;
      }
      case 'atan2': {
        const denom = lax.add(sq(x), sq(y));
        t = addTangents(
          tx && lax.div(lax.mul(tx, y), denom),
          ty && lax.neg(lax.div(lax.mul(ty, x), denom)),
        );
        break;
      }
      default:
        t = null;
    }
    return [[out], [t]];
  };
}

// ---------------------------------------------------------------- batching

/** Move every batched operand's batch axis to 0 and broadcast the unbatched ones. */
function alignBatch(args: Tensor[], dims: (number | null)[], size: number): Tensor[] {
  return args.map((a, i) => batchAt0(a, dims[i] ?? null, size));
}

function elementwiseVmap<P extends Unary | Binary | 'select'>(op: P) {
  return (
    args: Tensor[],
    dims: (number | null)[],
    _params: unknown,
    size: number,
  ): [Tensor[], number[]] => {
    if (args.length === 1)
      return [[lax.unary(op as UnaryOp, args[0] as Tensor)], [dims[0] as number]];
    const aligned = alignBatch(args, dims, size);
    if (op === 'select')
      return [[lax.select(aligned[0] as Tensor, aligned[1] as Tensor, aligned[2] as Tensor)], [0]];
    return [[lax.binary(op as BinaryOp, aligned[0] as Tensor, aligned[1] as Tensor)], [0]];
  };
}

// ---------------------------------------------------------------- implementations

function unaryImpl(op: UnaryOp) {
  return ([x]: DeviceArray[]) => {
    const xv = x as DeviceArray;
    const backend = backendOf(op, [xv]);
    const [aval] = unaryAval(op, [xv.aval]);
    const out = allocOut(backend, aval as ShapedArray);
    backend.unary(op, xv.view, out.output);
    return [out];
  };
}

function binaryImpl(op: BinaryOp) {
  return ([x, y]: DeviceArray[]) => {
    const a = x as DeviceArray;
    const b = y as DeviceArray;
    const backend = backendOf(op, [a, b]);
    const [aval] = binaryAval(op, [a.aval, b.aval]);
    const out = allocOut(backend, aval as ShapedArray);
    backend.binary(op, a.view, b.view, out.output);
    return [out];
  };
}

// ---------------------------------------------------------------- transposes of linear ops

const linearTranspose = {
  neg: (([ct]) => [ct ? lax.neg(ct) : null]) as PrimitiveRules<'neg'>['transpose'],
  add: (([ct]) => [ct ?? null, ct ?? null]) as PrimitiveRules<'add'>['transpose'],
  sub: (([ct]) => [ct ?? null, ct ? lax.neg(ct) : null]) as PrimitiveRules<'sub'>['transpose'],
  mul: (([ct], [x, y]) => {
    if (!ct) return [null, null];
    // Exactly one operand is linear; the other is a known value.
    return isUndefined(x) ? [lax.mul(ct, y as Tensor), null] : [null, lax.mul(x as Tensor, ct)];
  }) as PrimitiveRules<'mul'>['transpose'],
  div: (([ct], [x, y]) => {
    if (!ct || !isUndefined(x) || isUndefined(y)) {
      if (ct && isUndefined(y)) throw new Error('div: not linear in the divisor');
      return [null, null];
    }
    return [lax.div(ct, y as Tensor), null];
  }) as PrimitiveRules<'div'>['transpose'],
};

function isUndefined(x: unknown): x is UndefinedPrimal {
  return x instanceof UndefinedPrimal;
}

// ---------------------------------------------------------------- the rule set

function buildArithmetic(): RuleSet<Unary | Binary> {
  const out: Record<string, PrimitiveRules<Unary | Binary>> = {};
  for (const op of UNARY_OPS) {
    out[op] = {
      abstractEval: (avals) => unaryAval(op, avals),
      impl: unaryImpl(op),
      jvp: unaryJvp(op) as PrimitiveRules<Unary | Binary>['jvp'],
      vmap: elementwiseVmap(op),
    };
  }
  for (const op of BINARY_OPS) {
    out[op] = {
      abstractEval: (avals) => binaryAval(op, avals),
      impl: binaryImpl(op),
      jvp: binaryJvp(op) as PrimitiveRules<Unary | Binary>['jvp'],
      vmap: elementwiseVmap(op),
    };
  }
  for (const [op, transpose] of Object.entries(linearTranspose)) {
    (out[op] as PrimitiveRules<Unary | Binary>).transpose = transpose as PrimitiveRules<
      Unary | Binary
    >['transpose'];
  }
  return out as RuleSet<Unary | Binary>;
}

// ---------------------------------------------------------------- select, conversions, constants

const selectRules: PrimitiveRules<'select'> = {
  abstractEval: ([c, a, b]) => {
    const [cond, x, y] = [c, a, b] as ShapedArray[];
    if (cond?.dtype !== 'bool') throw new DTypeError(`select: condition must be bool, got ${cond}`);
    if (!shapesEqual(cond.shape, x?.shape ?? []) || !shapesEqual(x?.shape ?? [], y?.shape ?? [])) {
      throw new ShapeError(`select: shapes differ: ${cond}, ${x}, ${y}`);
    }
    if (x?.dtype !== y?.dtype) throw new DTypeError(`select: branch dtypes differ: ${x} and ${y}`);
    return [
      new ShapedArray(
        (x as ShapedArray).shape,
        (x as ShapedArray).dtype,
        !!x?.weakType && !!y?.weakType,
      ),
    ];
  },
  impl: ([c, a, b]) => {
    const args = [c, a, b] as DeviceArray[];
    const backend = backendOf('select', args);
    const [aval] = selectRules.abstractEval(
      args.map((x) => x.aval),
      {},
    );
    const out = allocOut(backend, aval as ShapedArray);
    backend.select(
      (c as DeviceArray).view,
      (a as DeviceArray).view,
      (b as DeviceArray).view,
      out.output,
    );
    return [out];
  },
  jvp: ([c, a, b], [, ta, tb]) => {
    const cond = c as Tensor;
    const out = lax.select(cond, a as Tensor, b as Tensor);
    if (!ta && !tb) return [[out], [null]];
    const tx = ta ?? zerosLike(a as Tensor);
    const ty = tb ?? zerosLike(b as Tensor);
    return [[out], [lax.select(cond, tx, ty)]];
  },
  vmap: elementwiseVmap('select'),
  transpose: ([ct], [c, a, b]) => {
    if (!ct) return [null, null, null];
    const zeros = zerosLike(ct);
    return [
      null,
      isUndefined(a) ? lax.select(c as Tensor, ct, zeros) : null,
      isUndefined(b) ? lax.select(c as Tensor, zeros, ct) : null,
    ];
  },
};

const convertRules: PrimitiveRules<'convertElementType'> = {
  abstractEval: ([x], { dtype, weakType }) => [
    new ShapedArray((x as ShapedArray).shape, dtype, weakType),
  ],
  impl: ([x], { dtype, weakType }) => {
    const xv = x as DeviceArray;
    const aval = new ShapedArray(xv.shape, dtype, weakType);
    if (xv.dtype === dtype) return [DeviceArray.view(xv, aval, xv.strides, xv.offset)];
    const backend = backendOf('convertElementType', [xv]);
    const out = allocOut(backend, aval);
    backend.cast(xv.view, out.output);
    return [out];
  },
  jvp: ([x], [t], params) => {
    const out = lax.convertElementType(x as Tensor, params.dtype, params.weakType);
    if (!t || !isFloat(params.dtype)) return [[out], [null]];
    return [[out], [lax.convertElementType(t, params.dtype, params.weakType)]];
  },
  vmap: ([x], [d], params) => [
    [lax.convertElementType(x as Tensor, params.dtype, params.weakType)],
    [d ?? null],
  ],
  transpose: ([ct], [x]) => {
    if (!ct) return [null];
    const aval = (x as { aval: ShapedArray }).aval;
    return [lax.convertElementType(ct, aval.dtype, aval.weakType)];
  },
};

const bitcastRules: PrimitiveRules<'bitcastConvertType'> = {
  abstractEval: ([x], { dtype }) => {
    const a = x as ShapedArray;
    if (itemSize(a.dtype) !== itemSize(dtype) || dtype === 'bool' || a.dtype === 'bool') {
      throw new DTypeError(
        `bitcastConvertType: cannot reinterpret ${a.dtype} as ${dtype} (item sizes must match)`,
      );
    }
    return [new ShapedArray(a.shape, dtype)];
  },
  impl: ([x], { dtype }) => {
    const xv = x as DeviceArray;
    return [DeviceArray.view(xv, new ShapedArray(xv.shape, dtype), xv.strides, xv.offset)];
  },
  jvp: ([x], _t, params) => [[lax.bitcastConvertType(x as Tensor, params.dtype)], [null]],
  vmap: ([x], [d], params) => [[lax.bitcastConvertType(x as Tensor, params.dtype)], [d ?? null]],
};

const fillRules: PrimitiveRules<'fill'> = {
  abstractEval: (_avals, { shape, dtype, weakType }) => [new ShapedArray(shape, dtype, weakType)],
  impl: (_args, { shape, dtype, weakType, value, backend: name }) => {
    // One element broadcast with zero strides: constants cost no memory.
    const backend = getBackend(name);
    const storage = Storage.alloc(backend, Math.max(itemSize(dtype), 4));
    const scalar = DeviceArray.contiguous(storage, new ShapedArray([], dtype, weakType));
    backend.fill(scalar.output, value);
    if (shape.length === 0) return [scalar];
    const out = DeviceArray.view(
      scalar,
      new ShapedArray(shape, dtype, weakType),
      shape.map(() => 0),
      0,
    );
    scalar.dispose();
    return [out];
  },
  jvp: (_p, _t, params) => [
    [lax.full(params.shape, params.value, params.dtype, params.weakType, params.backend)],
    [],
  ],
  vmap: (_a, _d, params) => [
    [lax.full(params.shape, params.value, params.dtype, params.weakType, params.backend)],
    [null],
  ],
};

const iotaRules: PrimitiveRules<'iota'> = {
  abstractEval: (_avals, { shape, dtype }) => [new ShapedArray(shape, dtype)],
  impl: (_args, { shape, dtype, axis, backend: name }) => {
    const backend = getBackend(name);
    const out = allocOut(backend, new ShapedArray(shape, dtype));
    backend.iota(axis, out.output);
    return [out];
  },
  jvp: (_p, _t, params) => [
    [lax.iota(params.shape, params.dtype, params.axis, params.backend)],
    [],
  ],
  vmap: (_a, _d, params) => [
    [lax.iota(params.shape, params.dtype, params.axis, params.backend)],
    [null],
  ],
};

const stopGradientRules: PrimitiveRules<'stopGradient'> = {
  abstractEval: ([x]) => [x as ShapedArray],
  impl: ([x]) => {
    const xv = x as DeviceArray;
    return [DeviceArray.view(xv, xv.aval, xv.strides, xv.offset)];
  },
  jvp: ([x]) => [[lax.stopGradient(x as Tensor)], [null]],
  vmap: ([x], [d]) => [[lax.stopGradient(x as Tensor)], [d ?? null]],
};

/** Rules of every elementwise primitive. */
export const elementwiseRules: RuleSet<
  | Unary
  | Binary
  | 'select'
  | 'convertElementType'
  | 'bitcastConvertType'
  | 'fill'
  | 'iota'
  | 'stopGradient'
> = {
  ...buildArithmetic(),
  select: selectRules,
  convertElementType: convertRules,
  bitcastConvertType: bitcastRules,
  fill: fillRules,
  iota: iotaRules,
  stopGradient: stopGradientRules,
};
