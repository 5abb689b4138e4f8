/**
 * Core-level cases of the elementwise primitives (every `UnaryOp` and `BinaryOp`), built from
 * the same reference tables as the direct backend tests: a representative float32 (or int32,
 * for bitwise ops) input through `lax.unary`/`lax.binary`, and second-order `checkGrads` on
 * inputs away from kinks and domain edges for every differentiable op.
 */
import { type BinaryOp, lax, type Tensor, type UnaryOp } from '@tensile/core';
import { hostTensor, inNormalRange, roundTo } from '../host-data.js';
import {
  BINARY_RULES,
  FLOAT_PAIRS,
  INT32_PAIRS,
  UNARY_RULES,
  wrapInteger,
} from '../oracles/elementwise.js';
import type { PrimitiveEntry } from './cases.js';

/** Unary ops whose derivative is zero almost everywhere (or undefined): no gradient check. */
const PIECEWISE_CONSTANT: ReadonlySet<UnaryOp> = new Set(['sign', 'floor', 'ceil', 'round', 'not', 'isFinite']);

/** Inputs where each unary op is smooth, inside its domain and away from kinks. */
function unaryGradInputs(op: UnaryOp): number[] {
  switch (op) {
    case 'log':
    case 'sqrt':
    case 'rsqrt':
    case 'log1p':
      return [0.4, 1.3, 2.5];
    case 'asin':
    case 'acos':
    case 'atanh':
    case 'erfinv':
      return [-0.6, -0.2, 0.3, 0.5];
    case 'acosh':
      return [1.3, 2, 3.5];
    case 'reciprocal':
      return [-1.5, -0.5, 0.7, 2];
    case 'tan':
      return [-0.8, -0.3, 0.3, 0.8];
    default:
      return [-1.2, -0.4, 0.3, 0.9];
  }
}

/** Binary ops with a derivative, and operand pairs where it is smooth. */
const BINARY_GRAD_PAIRS: { readonly [K in BinaryOp]?: readonly (readonly [number, number])[] } = {
  add: [[-1.2, 0.5], [0.3, 2], [2.5, -0.7]],
  sub: [[-1.2, 0.5], [0.3, 2], [2.5, -0.7]],
  mul: [[-1.2, 0.5], [0.3, 2], [2.5, -0.7]],
  div: [[-1.2, 0.7], [0.5, -1.5], [2, 2.2]],
  rem: [[5.3, 2], [-4.1, 1.5], [2.2, -0.7]],
  pow: [[0.5, -1.5], [1.3, 0.7], [2.2, 2.5]],
  max: [[-1, 0.3], [0.5, -0.2], [2, 2.5]],
  min: [[-1, 0.3], [0.5, -0.2], [2, 2.5]],
  atan2: [[1, 0.7], [-0.5, 1.5], [2, -1.2]],
};

function unaryEntry(op: UnaryOp): PrimitiveEntry {
  const rule = UNARY_RULES[op];
  const float = rule.float;
  const forward = float
    ? (() => {
        const xs = float.inputs.map((x) => roundTo('float32', x)).filter((x) => inNormalRange('float32', x) && inNormalRange('float32', float.f(x)));
        const outDtype = rule.output ?? 'float32';
        return {
          title: `lax.unary('${op}') on float32`,
          inputs: [hostTensor('float32', [xs.length], xs)],
          run: (x: Tensor) => [lax.unary(op, x)],
          expected: () => [{ shape: [xs.length], values: xs.map(float.f), dtype: outDtype }],
          kind: float.kind,
        };
      })()
    : (() => {
        const xs = [0, 1, -1, 7, -2147483648, 123456789];
        const integer = rule.integer as NonNullable<typeof rule.integer>;
        return {
          title: `lax.unary('${op}') on int32`,
          inputs: [hostTensor('int32', [xs.length], xs)],
          run: (x: Tensor) => [lax.unary(op, x)],
          expected: () => [{ shape: [xs.length], values: xs.map((x) => wrapInteger('int32', integer(BigInt(x)))) }],
          kind: 'exact' as const,
        };
      })();
  const gradInputs = unaryGradInputs(op);
  return {
    forward: [forward],
    gradients: PIECEWISE_CONSTANT.has(op)
      ? { none: `${op} is piecewise constant (zero derivative)` }
      : [
          {
            title: `second-order derivatives of ${op}`,
            inputs: [hostTensor('float32', [gradInputs.length], gradInputs)],
            run: (x) => [lax.unary(op, x)],
            order: 2,
          },
        ],
  };
}

function binaryEntry(op: BinaryOp): PrimitiveEntry {
  const rule = BINARY_RULES[op];
  const float = rule.float;
  const outDtype = rule.output ?? (float ? 'float32' : 'int32');
  let pairs: readonly (readonly [number, number])[];
  let values: (a: number, b: number) => number;
  let dtype: 'float32' | 'int32';
  if (float) {
    dtype = 'float32';
    pairs = (float.pairs ?? FLOAT_PAIRS)
      .map(([a, b]) => [roundTo('float32', a), roundTo('float32', b)] as const)
      .filter(([a, b]) => (float.domain?.(a, b) ?? true) && [a, b, float.f(a, b)].every((v) => inNormalRange('float32', v)));
    values = float.f;
  } else {
    dtype = 'int32';
    const integer = rule.integer as NonNullable<typeof rule.integer>;
    pairs = integer.pairs?.int32 ?? INT32_PAIRS;
    values = (a, b) => {
      const exact = integer.f(BigInt(a), BigInt(b), 'int32');
      return rule.output === 'bool' ? Number(exact) : wrapInteger('int32', exact);
    };
  }
  const gradPairs = BINARY_GRAD_PAIRS[op];
  const n = pairs.length;
  return {
    forward: [
      {
        title: `lax.binary('${op}') on ${dtype}`,
        inputs: [hostTensor(dtype, [n], pairs.map(([a]) => a)), hostTensor(dtype, [n], pairs.map(([, b]) => b))],
        run: (a, b) => [lax.binary(op, a, b)],
        expected: () => [{ shape: [n], values: pairs.map(([a, b]) => values(a, b)), dtype: outDtype }],
        kind: float?.kind ?? 'exact',
      },
    ],
    gradients: gradPairs
      ? [
          {
            title: `second-order derivatives of ${op} in both operands`,
            inputs: [
              hostTensor('float32', [gradPairs.length], gradPairs.map(([a]) => a)),
              hostTensor('float32', [gradPairs.length], gradPairs.map(([, b]) => b)),
            ],
            run: (a, b) => [lax.binary(op, a, b)],
            order: 2,
          },
        ]
      : { none: `${op} has no derivative (comparison, bitwise or shift)` },
  };
}

/**
 * The entries of every unary and binary primitive.
 *
 * @example
 * elementwiseEntries().exp.forward // one float32 case
 */
export function elementwiseEntries(): { readonly [K in UnaryOp | BinaryOp]: PrimitiveEntry } {
  const unary = Object.fromEntries((Object.keys(UNARY_RULES) as UnaryOp[]).map((op) => [op, unaryEntry(op)]));
  const binary = Object.fromEntries((Object.keys(BINARY_RULES) as BinaryOp[]).map((op) => [op, binaryEntry(op)]));
  return { ...unary, ...binary } as { readonly [K in UnaryOp | BinaryOp]: PrimitiveEntry };
}
