/**
 * Reference semantics of the elementwise backend ops — `unary`, `binary`, `cast` — and the
 * inputs that exercise them, per dtype.
 *
 * Floats are computed with JS `Math` in float64 on inputs already rounded to the dtype, then
 * compared under the tolerance kind each op declares. Integers are computed exactly with
 * `BigInt` and wrapped modulo 2^32, which is the contract (as XLA): `add`/`sub`/`mul`/`neg`/`abs`
 * wrap, `div` truncates toward zero (`INT_MIN / -1 = INT_MIN`), `rem` takes the sign of the
 * dividend, shift amounts are read as unsigned and amounts ≥ 32 give 0 (or the sign fill for
 * `shiftRightArithmetic`). Division by zero on integers is left undefined and never tested.
 */
import type { BinaryOp, DType, UnaryOp } from '@tensile/core';
import { erfinvReference, erfReference } from './special-functions.js';

/** Which tolerance a float result is held to (see `FloatTolerances`). */
export type ToleranceKind = 'exact' | 'basic' | 'transcendental';

/** Float semantics of an op and the inputs that exercise it. */
interface FloatRule<F> {
  readonly f: F;
  readonly kind: ToleranceKind;
}

/** Reference semantics of one unary op. */
export interface UnaryRule {
  /** Float64 semantics, tolerance kind and representative finite inputs. */
  readonly float?: FloatRule<(x: number) => number> & { readonly inputs: readonly number[] };
  /** Exact integer semantics (the result is wrapped to the dtype afterwards). */
  readonly integer?: (x: bigint) => bigint;
  /** Bool semantics on 0/1. */
  readonly bool?: (x: number) => number;
  /** The output dtype when it is not the input's. */
  readonly output?: 'bool';
}

const sign = (x: bigint): bigint => (x > 0n ? 1n : x < 0n ? -1n : 0n);

/** `Math.round` rounds ties up; the contract (as `jnp.round`) rounds ties to even. */
function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff < 0.5) return floor;
  if (diff > 0.5) return floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * Every unary op: semantics and inputs. A `Record` over `UnaryOp`, so adding an op to the
 * contract without a reference here is a compile error.
 *
 * @example
 * UNARY_RULES.exp.float?.f(1) // Math.E
 */
export const UNARY_RULES: { readonly [K in UnaryOp]: UnaryRule } = {
  neg: {
    float: { f: (x) => -x, kind: 'exact', inputs: [-3.5, -1, -0.25, 0, 0.5, 2, 1e30, -1e-30] },
    integer: (x) => -x,
  },
  abs: {
    float: { f: Math.abs, kind: 'exact', inputs: [-3.5, -1, -0.25, 0, 0.5, 2, 1e30, -1e-30] },
    integer: (x) => (x < 0n ? -x : x),
  },
  sign: {
    float: { f: Math.sign, kind: 'exact', inputs: [-3.5, -1e-30, 0, 0.5, 2, 1e30] },
    integer: sign,
  },
  floor: {
    float: {
      f: Math.floor,
      kind: 'exact',
      inputs: [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, -1.2, 1.7, 3.49, -7.51, 0, 1e7],
    },
  },
  ceil: {
    float: {
      f: Math.ceil,
      kind: 'exact',
      inputs: [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, -1.2, 1.7, 3.49, -7.51, 0, 1e7],
    },
  },
  round: {
    float: {
      f: roundHalfEven,
      kind: 'exact',
      inputs: [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, -1.2, 1.7, 3.49, -7.51, 0, 1e7],
    },
  },
  exp: {
    float: {
      f: Math.exp,
      kind: 'transcendental',
      inputs: [-20, -3, -1, -0.5, 0, 0.3, 1, 2.5, 10, 50],
    },
  },
  exp2: {
    float: {
      f: (x) => 2 ** x,
      kind: 'transcendental',
      inputs: [-20, -2.5, -1, 0, 0.5, 1, 3, 10.25, 100],
    },
  },
  log: {
    float: {
      f: Math.log,
      kind: 'transcendental',
      inputs: [1e-20, 0.001, 0.5, 0.9, 1, 1.1, 2, 10, 1e6, 3e38],
    },
  },
  log1p: {
    float: {
      f: Math.log1p,
      kind: 'transcendental',
      inputs: [-0.9, -0.5, -1e-6, 0, 1e-8, 1e-4, 0.5, 1, 10, 1e10],
    },
  },
  expm1: {
    float: {
      f: Math.expm1,
      kind: 'transcendental',
      inputs: [-10, -1, -1e-3, -1e-7, 0, 1e-8, 1e-4, 0.5, 1, 10],
    },
  },
  sqrt: { float: { f: Math.sqrt, kind: 'basic', inputs: [0, 1e-20, 0.25, 1, 2, 10, 1e10, 3e38] } },
  rsqrt: {
    float: { f: (x) => 1 / Math.sqrt(x), kind: 'basic', inputs: [1e-20, 0.25, 1, 2, 10, 1e10] },
  },
  cbrt: {
    float: { f: Math.cbrt, kind: 'transcendental', inputs: [-27, -2, -1e-9, 0, 0.001, 1, 8, 1e30] },
  },
  sin: {
    float: {
      f: Math.sin,
      kind: 'transcendental',
      inputs: [-10, -3, -1.5, -0.5, 0, 0.1, 1, 2, 3, 10],
    },
  },
  cos: {
    float: {
      f: Math.cos,
      kind: 'transcendental',
      inputs: [-10, -3, -1.5, -0.5, 0, 0.1, 1, 2, 3, 10],
    },
  },
  tan: {
    float: {
      f: Math.tan,
      kind: 'transcendental',
      inputs: [-10, -3, -1.5, -0.5, 0, 0.1, 1, 1.4, 3, 10],
    },
  },
  asin: {
    float: {
      f: Math.asin,
      kind: 'transcendental',
      inputs: [-1, -0.9, -0.5, -1e-4, 0, 0.3, 0.7, 0.99, 1],
    },
  },
  acos: {
    float: {
      f: Math.acos,
      kind: 'transcendental',
      inputs: [-1, -0.9, -0.5, -1e-4, 0, 0.3, 0.7, 0.99, 1],
    },
  },
  atan: {
    float: {
      f: Math.atan,
      kind: 'transcendental',
      inputs: [-1e6, -10, -1, -0.3, 0, 0.5, 1, 5, 1e10],
    },
  },
  sinh: {
    float: {
      f: Math.sinh,
      kind: 'transcendental',
      inputs: [-10, -2, -0.5, -1e-4, 0, 1e-3, 0.7, 1, 3, 20],
    },
  },
  cosh: {
    float: {
      f: Math.cosh,
      kind: 'transcendental',
      inputs: [-10, -2, -0.5, -1e-4, 0, 1e-3, 0.7, 1, 3, 20],
    },
  },
  tanh: {
    float: {
      f: Math.tanh,
      kind: 'transcendental',
      inputs: [-20, -3, -0.5, -1e-4, 0, 1e-5, 0.25, 1, 5, 20],
    },
  },
  asinh: {
    float: {
      f: Math.asinh,
      kind: 'transcendental',
      inputs: [-1e10, -10, -1, -1e-4, 0, 0.5, 2, 100],
    },
  },
  acosh: { float: { f: Math.acosh, kind: 'transcendental', inputs: [1, 1.05, 1.5, 2, 10, 1e10] } },
  atanh: {
    float: { f: Math.atanh, kind: 'transcendental', inputs: [-0.99, -0.5, -1e-4, 0, 0.3, 0.9] },
  },
  logistic: {
    float: {
      f: (x) => 1 / (1 + Math.exp(-x)),
      kind: 'transcendental',
      inputs: [-50, -20, -5, -1, 0, 0.5, 2, 20, 50],
    },
  },
  erf: {
    float: {
      f: erfReference,
      kind: 'transcendental',
      inputs: [-3, -1, -0.5, -1e-3, 0, 0.1, 0.5, 1, 2, 4],
    },
  },
  erfinv: {
    float: {
      f: erfinvReference,
      kind: 'transcendental',
      inputs: [-0.99, -0.9, -0.5, -1e-3, 0, 0.2, 0.5, 0.9, 0.99],
    },
  },
  not: { integer: (x) => ~x, bool: (x) => (x ? 0 : 1) },
  isFinite: {
    float: {
      f: (x) => (Number.isFinite(x) ? 1 : 0),
      kind: 'exact',
      inputs: [0, 1, -1, 3e38, -1e-30],
    },
    output: 'bool',
  },
  reciprocal: {
    float: { f: (x) => 1 / x, kind: 'basic', inputs: [-4, -0.5, 1e-10, 0.3, 1, 3, 1e20] },
  },
};

/**
 * IEEE special values with one right answer (hand-written), per unary op: `[input, expected]`.
 * Backends whose hardware does not honour IEEE specials can skip `unary/ieee-specials/*`.
 *
 * @example
 * UNARY_SPECIALS.log // [[0, -Infinity], [-1, NaN], [Infinity, Infinity], [NaN, NaN]]
 */
export const UNARY_SPECIALS: { readonly [K in UnaryOp]?: readonly (readonly [number, number])[] } =
  {
    neg: [
      [Number.NaN, Number.NaN],
      [Infinity, -Infinity],
    ],
    abs: [
      [-Infinity, Infinity],
      [Number.NaN, Number.NaN],
    ],
    sign: [
      [Number.NaN, Number.NaN],
      [-Infinity, -1],
    ],
    floor: [
      [Infinity, Infinity],
      [Number.NaN, Number.NaN],
    ],
    round: [
      [-Infinity, -Infinity],
      [Number.NaN, Number.NaN],
    ],
    exp: [
      [-Infinity, 0],
      [Infinity, Infinity],
      [Number.NaN, Number.NaN],
    ],
    exp2: [
      [-Infinity, 0],
      [Infinity, Infinity],
    ],
    expm1: [
      [-Infinity, -1],
      [Infinity, Infinity],
    ],
    log: [
      [0, -Infinity],
      [-1, Number.NaN],
      [Infinity, Infinity],
      [Number.NaN, Number.NaN],
    ],
    log1p: [
      [-1, -Infinity],
      [-2, Number.NaN],
      [Infinity, Infinity],
    ],
    sqrt: [
      [-1, Number.NaN],
      [Infinity, Infinity],
    ],
    rsqrt: [
      [0, Infinity],
      [Infinity, 0],
    ],
    tanh: [
      [Infinity, 1],
      [-Infinity, -1],
    ],
    atan: [
      [Infinity, Math.PI / 2],
      [-Infinity, -Math.PI / 2],
    ],
    logistic: [
      [Infinity, 1],
      [-Infinity, 0],
    ],
    erf: [
      [Infinity, 1],
      [-Infinity, -1],
    ],
    erfinv: [
      [1, Infinity],
      [-1, -Infinity],
    ],
    isFinite: [
      [Infinity, 0],
      [-Infinity, 0],
      [Number.NaN, 0],
    ],
    reciprocal: [
      [0, Infinity],
      [Infinity, 0],
    ],
  };

/** Reference semantics of one binary op. */
export interface BinaryRule {
  readonly float?: FloatRule<(a: number, b: number) => number> & {
    /** Input pairs; the generic float pairs when absent. */
    readonly pairs?: readonly (readonly [number, number])[];
    /** Keeps only the pairs the op is defined on. */
    readonly domain?: (a: number, b: number) => boolean;
  };
  /** Exact integer semantics; `dtype` matters for shifts. The result is wrapped to the dtype. */
  readonly integer?: {
    readonly f: (a: bigint, b: bigint, dtype: 'int32' | 'uint32') => bigint;
    /** Input pairs per dtype; the generic integer pairs when absent. */
    readonly pairs?: { readonly [D in 'int32' | 'uint32']: readonly (readonly [number, number])[] };
  };
  /** Bool semantics on 0/1 (all four input combinations are tested). */
  readonly bool?: (a: number, b: number) => number;
  readonly output?: 'bool';
}

/**
 * Generic float operands: mixed signs and magnitudes, equal pairs, signed zeros.
 *
 * @example
 * FLOAT_PAIRS.map(([a, b]) => a + b)
 */
export const FLOAT_PAIRS: readonly (readonly [number, number])[] = [
  [-3.5, 2.25],
  [0.1, -0.3],
  [1e-3, 1e-3],
  [123.456, 0.5],
  [-7.25, 7.25],
  [1e10, -1e10],
  [2.5e-5, 3e5],
  [0, -1],
  [-0, 0],
  [6.5, 6.5],
  [-2, -2.5],
  [1e-3, 5e-4],
];

/**
 * Generic int32 operands: signs, the extremes, products that overflow.
 *
 * @example
 * INT32_PAIRS.map(([a, b]) => wrapInteger('int32', BigInt(a) * BigInt(b)))
 */
export const INT32_PAIRS: readonly (readonly [number, number])[] = [
  [7, 3],
  [-7, 3],
  [7, -3],
  [-7, -3],
  [0, 5],
  [2147483647, 1],
  [-2147483648, -1],
  [123456, 789],
  [65536, 65536],
  [-2147483648, 2147483647],
];

/**
 * Generic uint32 operands: values ≥ 2^31 catch signed arithmetic or comparisons.
 *
 * @example
 * UINT32_PAIRS.map(([a, b]) => (a < b ? 1 : 0))
 */
export const UINT32_PAIRS: readonly (readonly [number, number])[] = [
  [7, 3],
  [4294967295, 1],
  [2147483648, 2147483648],
  [3000000000, 7],
  [0, 5],
  [65536, 65536],
  [4294967295, 4294967295],
  [123456, 789],
  [1, 4294967295],
];

const toBool = (x: boolean): number => (x ? 1 : 0);
const toBig = (x: boolean): bigint => (x ? 1n : 0n);

/** A shift amount as XLA reads it: unsigned, so negative amounts are huge. */
const amount = (b: bigint): bigint => BigInt.asUintN(32, b);

const comparison = (
  compare: (a: number, b: number) => boolean,
  compareBig: (a: bigint, b: bigint) => boolean,
): BinaryRule => ({
  float: { f: (a, b) => toBool(compare(a, b)), kind: 'exact' },
  integer: { f: (a, b) => toBig(compareBig(a, b)) },
  bool: (a, b) => toBool(compare(a, b)),
  output: 'bool',
});

/**
 * Every binary op: semantics and inputs. A `Record` over `BinaryOp`, so adding an op to the
 * contract without a reference here is a compile error.
 *
 * @example
 * BINARY_RULES.rem.integer?.f(-7n, 3n, 'int32') // -1n
 */
export const BINARY_RULES: { readonly [K in BinaryOp]: BinaryRule } = {
  add: { float: { f: (a, b) => a + b, kind: 'basic' }, integer: { f: (a, b) => a + b } },
  sub: { float: { f: (a, b) => a - b, kind: 'basic' }, integer: { f: (a, b) => a - b } },
  mul: { float: { f: (a, b) => a * b, kind: 'basic' }, integer: { f: (a, b) => a * b } },
  div: {
    float: { f: (a, b) => a / b, kind: 'basic', domain: (_a, b) => b !== 0 },
    integer: { f: (a, b) => a / b },
  },
  rem: {
    float: {
      f: (a, b) => a % b,
      kind: 'basic',
      pairs: [
        [5.5, 2],
        [-5.5, 2],
        [5.5, -2],
        [-5.5, -2],
        [7, 7],
        [0.75, 0.5],
        [3.25, 10],
        [-1, 3],
      ],
    },
    integer: { f: (a, b) => a % b },
  },
  pow: {
    float: {
      f: (a, b) => a ** b,
      kind: 'transcendental',
      pairs: [
        [2, 3],
        [2, 0.5],
        [9, -0.5],
        [0.5, 10],
        [10, -3],
        [-2, 3],
        [-2, 2],
        [1.5, 2.5],
        [0, 2],
        [3, 0],
        [0, 0],
        [7, 1],
      ],
    },
    integer: {
      f: (a, b) => a ** b,
      pairs: {
        int32: [
          [2, 10],
          [3, 20],
          [-3, 3],
          [-2, 31],
          [7, 0],
          [0, 0],
          [1, 1000],
          [-1, 7],
          [5, 13],
        ],
        uint32: [
          [2, 31],
          [3, 20],
          [65535, 2],
          [7, 0],
          [2, 32],
        ],
      },
    },
  },
  max: {
    float: { f: Math.max, kind: 'exact' },
    // biome-ignore lint/complexity/useMathMinMax: operands are bigints, which Math.max rejects
    integer: { f: (a, b) => (a > b ? a : b) },
    bool: Math.max,
  },
  min: {
    float: { f: Math.min, kind: 'exact' },
    // biome-ignore lint/complexity/useMathMinMax: operands are bigints, which Math.min rejects
    integer: { f: (a, b) => (a < b ? a : b) },
    bool: Math.min,
  },
  atan2: {
    float: {
      f: Math.atan2,
      kind: 'transcendental',
      pairs: [
        [1, 1],
        [1, -1],
        [-1, -1],
        [-1, 1],
        [0, 1],
        [0, -1],
        [1, 0],
        [-1, 0],
        [3, 4],
        [1e-3, 10],
        [-5, 1e-2],
      ],
    },
  },
  eq: comparison(
    (a, b) => a === b,
    (a, b) => a === b,
  ),
  ne: comparison(
    (a, b) => a !== b,
    (a, b) => a !== b,
  ),
  lt: comparison(
    (a, b) => a < b,
    (a, b) => a < b,
  ),
  le: comparison(
    (a, b) => a <= b,
    (a, b) => a <= b,
  ),
  gt: comparison(
    (a, b) => a > b,
    (a, b) => a > b,
  ),
  ge: comparison(
    (a, b) => a >= b,
    (a, b) => a >= b,
  ),
  and: { integer: { f: (a, b) => a & b }, bool: (a, b) => a & b },
  or: { integer: { f: (a, b) => a | b }, bool: (a, b) => a | b },
  xor: { integer: { f: (a, b) => a ^ b }, bool: (a, b) => a ^ b },
  shiftLeft: {
    integer: { f: (a, b) => (amount(b) >= 32n ? 0n : a << amount(b)), pairs: shiftPairs() },
  },
  shiftRightLogical: {
    integer: {
      f: (a, b) => (amount(b) >= 32n ? 0n : BigInt.asUintN(32, a) >> amount(b)),
      pairs: shiftPairs(),
    },
  },
  shiftRightArithmetic: {
    integer: {
      f: (a, b) => {
        const signed = BigInt.asIntN(32, a);
        return amount(b) >= 32n ? (signed < 0n ? -1n : 0n) : signed >> amount(b);
      },
      pairs: shiftPairs(),
    },
  },
};

/** Shift operands: amounts 0…31, exactly 32, beyond 32, and (int32) a negative amount. */
function shiftPairs(): {
  readonly [D in 'int32' | 'uint32']: readonly (readonly [number, number])[];
} {
  return {
    int32: [
      [1, 0],
      [1, 5],
      [1, 31],
      [1, 32],
      [1, 33],
      [-8, 1],
      [-8, 31],
      [-8, 32],
      [-8, 100],
      [0x40000000, 1],
      [-1, -1],
      [12345, 3],
    ],
    uint32: [
      [1, 31],
      [0x80000000, 31],
      [0xffffffff, 32],
      [0xffffffff, 4],
      [0x80000000, 1],
      [5, 100],
      [3, 0],
    ],
  };
}

/**
 * Wrap an exact integer to `dtype` (two's complement modulo 2^32).
 *
 * @example
 * wrapInteger('int32', 2n ** 31n) // -2147483648
 */
export function wrapInteger(dtype: 'int32' | 'uint32', x: bigint): number {
  return Number(dtype === 'int32' ? BigInt.asIntN(32, x) : BigInt.asUintN(32, x));
}

/**
 * The value `cast` must produce for `x` in `to`: float → integer truncates toward zero (only
 * in-range inputs are tested), → bool is `x != 0`, int32 ↔ uint32 reinterpret modulo 2^32,
 * → float is `x` itself (compared under the target's `basic` tolerance, which admits the
 * rounding to the target).
 *
 * @example
 * castReference('int32', -2.7)  // -2
 * castReference('uint32', -1)   // 4294967295
 */
export function castReference(to: DType, x: number): number {
  if (to === 'bool') return x !== 0 ? 1 : 0;
  if (to === 'int32' || to === 'uint32') return wrapInteger(to, BigInt(Math.trunc(x)));
  return x;
}

/**
 * Values of each source dtype that `cast` is tested on, for the given target (float → integer
 * inputs stay inside the target's range, where the result is defined).
 *
 * @example
 * castInputs('float32', 'uint32') // [0, 0.9, 3.99, 123456.75, 3000000000, 4294967040]
 */
export function castInputs(from: DType, to: DType): number[] {
  switch (from) {
    case 'float32':
    case 'float16': {
      if (to === 'int32') return [-2.7, -0.5, 0, 0.9, 3.99, 1000.5, -123456.75, 2147483520];
      if (to === 'uint32') return [0, 0.9, 3.99, 123456.75, 3000000000, 4294967040];
      if (to === 'bool') return [0, -0, 0.5, -2, 1e-3, 3e38];
      return [0.1, -2.5, 1000.7, 65504, 1e-3, -0, 3e38];
    }
    case 'int32':
      return [0, 1, -1, 7, 16777217, -16777219, 2147483647, -2147483648, 123456789];
    case 'uint32':
      return [0, 1, 7, 16777217, 2147483647, 2147483648, 3000000001, 4294967295];
    case 'bool':
      return [0, 1, 1, 0];
  }
}
