/**
 * Core-level cases of the elementwise primitives (every `UnaryOp` and `BinaryOp`), built from
 * the same cases as the direct backend tests (`oracles/elementwise-cases.ts`): a representative float32 (or int32,
 * for bitwise ops) input through `lax.unary`/`lax.binary`, and second-order `checkGrads` on
 * inputs away from kinks and domain edges for every differentiable op.
 */
import { type BinaryOp, type DType, lax, type Tensor, type UnaryOp } from '@tensile/core';
import { hostTensor } from '../host-data.js';
import { BINARY_RULES, UNARY_RULES } from '../oracles/elementwise.js';
import { binaryCase, type ElementwiseCase, unaryCase } from '../oracles/elementwise-cases.js';
import type { ForwardCase, PrimitiveEntry } from './cases.js';

/** Unary ops whose derivative is zero almost everywhere (or undefined): no gradient check. */
const PIECEWISE_CONSTANT: ReadonlySet<UnaryOp> = new Set([
  'sign',
  'floor',
  'ceil',
  'round',
  'not',
  'isFinite',
]);

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
  add: [
    [-1.2, 0.5],
    [0.3, 2],
    [2.5, -0.7],
  ],
  sub: [
    [-1.2, 0.5],
    [0.3, 2],
    [2.5, -0.7],
  ],
  mul: [
    [-1.2, 0.5],
    [0.3, 2],
    [2.5, -0.7],
  ],
  div: [
    [-1.2, 0.7],
    [0.5, -1.5],
    [2, 2.2],
  ],
  rem: [
    [5.3, 2],
    [-4.1, 1.5],
    [2.2, -0.7],
  ],
  pow: [
    [0.5, -1.5],
    [1.3, 0.7],
    [2.2, 2.5],
  ],
  max: [
    [-1, 0.3],
    [0.5, -0.2],
    [2, 2.5],
  ],
  min: [
    [-1, 0.3],
    [0.5, -0.2],
    [2, 2.5],
  ],
  atan2: [
    [1, 0.7],
    [-0.5, 1.5],
    [2, -1.2],
  ],
};

/** A forward case from the shared elementwise case: float32 when the op takes floats, else int32. */
function forwardCase(kind: 'unary' | 'binary', op: UnaryOp | BinaryOp): ForwardCase {
  const caseFor = (dtype: DType) =>
    kind === 'unary' ? unaryCase(op as UnaryOp, dtype) : binaryCase(op as BinaryOp, dtype);
  const dtype: DType = caseFor('float32') ? 'float32' : 'int32';
  const { operands, expected, output, kind: tolerance } = caseFor(dtype) as ElementwiseCase;
  const n = expected.length;
  return {
    title: `lax.${kind}('${op}') on ${dtype}`,
    inputs: operands.map((values) => hostTensor(dtype, [n], values)),
    run: (...args) => [
      kind === 'unary'
        ? lax.unary(op as UnaryOp, args[0] as Tensor)
        : lax.binary(op as BinaryOp, args[0] as Tensor, args[1] as Tensor),
    ],
    expected: () => [{ shape: [n], dtype: output, values: expected }],
    kind: tolerance,
  };
}

function unaryEntry(op: UnaryOp): PrimitiveEntry {
  const gradInputs = unaryGradInputs(op);
  return {
    forward: [forwardCase('unary', op)],
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
  const gradPairs = BINARY_GRAD_PAIRS[op];
  return {
    forward: [forwardCase('binary', op)],
    gradients: gradPairs
      ? [
          {
            title: `second-order derivatives of ${op} in both operands`,
            inputs: [
              hostTensor(
                'float32',
                [gradPairs.length],
                gradPairs.map(([a]) => a),
              ),
              hostTensor(
                'float32',
                [gradPairs.length],
                gradPairs.map(([, b]) => b),
              ),
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
  const unary = Object.fromEntries(
    (Object.keys(UNARY_RULES) as UnaryOp[]).map((op) => [op, unaryEntry(op)]),
  );
  const binary = Object.fromEntries(
    (Object.keys(BINARY_RULES) as BinaryOp[]).map((op) => [op, binaryEntry(op)]),
  );
  return { ...unary, ...binary } as { readonly [K in UnaryOp | BinaryOp]: PrimitiveEntry };
}
