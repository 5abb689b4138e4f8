/**
 * Concrete elementwise test cases for one op and dtype, drawn from the reference tables:
 * the operands (rounded to the dtype, dropping float cases that would overflow or go
 * subnormal), the expected results and the tolerance kind. Both the direct backend tests and
 * the core-level tests use these, so the two parts of the suite agree on semantics.
 */
import type { BinaryOp, DType, UnaryOp } from '@tensile/core';
import { inNormalRange, isFloatDType, roundTo } from '../host-data.js';
import {
  BINARY_RULES,
  FLOAT_PAIRS,
  INT32_PAIRS,
  type ToleranceKind,
  UINT32_PAIRS,
  UNARY_RULES,
  wrapInteger,
} from './elementwise.js';

/** Operands, expected results, output dtype and tolerance kind of one elementwise case. */
export interface ElementwiseCase {
  /** One array of values per operand (same length). */
  readonly operands: readonly (readonly number[])[];
  readonly expected: readonly number[];
  readonly output: DType;
  readonly kind: ToleranceKind;
}

const BOOL_PAIRS: readonly (readonly [number, number])[] = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
];

/**
 * The case of unary `op` on `dtype`, or `null` when the op does not apply to that dtype.
 *
 * @example
 * unaryCase('not', 'bool') // { operands: [[0, 1, 1, 0]], expected: [1, 0, 0, 1], output: 'bool', kind: 'exact' }
 */
export function unaryCase(op: UnaryOp, dtype: DType): ElementwiseCase | null {
  const rule = UNARY_RULES[op];
  const output: DType = rule.output ?? dtype;
  if (isFloatDType(dtype)) {
    const float = rule.float;
    if (!float) return null;
    const xs = float.inputs
      .map((x) => roundTo(dtype, x))
      .filter((x) => inNormalRange(dtype, x) && inNormalRange(dtype, float.f(x)));
    return { operands: [xs], expected: xs.map(float.f), output, kind: float.kind };
  }
  if (dtype === 'bool') {
    const bool = rule.bool;
    if (!bool) return null;
    const xs = [0, 1, 1, 0];
    return { operands: [xs], expected: xs.map(bool), output, kind: 'exact' };
  }
  const integer = rule.integer;
  if (!integer) return null;
  const xs =
    dtype === 'int32'
      ? [0, 1, -1, 7, -13, 2147483647, -2147483648, 123456789]
      : [0, 1, 7, 2147483647, 2147483648, 3000000000, 4294967295];
  const wrap = dtype as 'int32' | 'uint32';
  return {
    operands: [xs],
    expected: xs.map((x) => wrapInteger(wrap, integer(BigInt(x)))),
    output,
    kind: 'exact',
  };
}

/**
 * The case of binary `op` on `dtype`, or `null` when the op does not apply to that dtype.
 *
 * @example
 * binaryCase('div', 'int32')?.expected[1] // -2 (-7 / 3 truncates toward zero)
 */
export function binaryCase(op: BinaryOp, dtype: DType): ElementwiseCase | null {
  const rule = BINARY_RULES[op];
  const output: DType = rule.output ?? dtype;
  let pairs: readonly (readonly [number, number])[];
  let f: (a: number, b: number) => number;
  let kind: ToleranceKind = 'exact';
  if (isFloatDType(dtype)) {
    const float = rule.float;
    if (!float) return null;
    pairs = (float.pairs ?? FLOAT_PAIRS)
      .map(([a, b]) => [roundTo(dtype, a), roundTo(dtype, b)] as const)
      .filter(
        ([a, b]) =>
          (float.domain?.(a, b) ?? true) &&
          [a, b, float.f(a, b)].every((v) => inNormalRange(dtype, v)),
      );
    f = float.f;
    kind = float.kind;
  } else if (dtype === 'bool') {
    if (!rule.bool) return null;
    pairs = BOOL_PAIRS;
    f = rule.bool;
  } else {
    const integer = rule.integer;
    if (!integer) return null;
    const wrap = dtype as 'int32' | 'uint32';
    pairs = integer.pairs?.[wrap] ?? (wrap === 'int32' ? INT32_PAIRS : UINT32_PAIRS);
    f = (a, b) => {
      const exact = integer.f(BigInt(a), BigInt(b), wrap);
      return rule.output === 'bool' ? Number(exact) : wrapInteger(wrap, exact);
    };
  }
  return {
    operands: [pairs.map(([a]) => a), pairs.map(([, b]) => b)],
    expected: pairs.map(([a, b]) => f(a, b)),
    output,
    kind,
  };
}
