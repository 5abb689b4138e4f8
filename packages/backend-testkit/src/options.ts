/**
 * What a backend author passes to `describeConformance`, and the tolerance table every float
 * comparison in the suite reads. Integer and bool results are always compared exactly.
 *
 * Default tolerances (float32 / float16), as `|actual − expected| ≤ atol + rtol·scale` against
 * float64 oracles:
 *
 * | kind           | ops                                                        | float32 rtol, atol | float16 rtol, atol |
 * | -------------- | ---------------------------------------------------------- | ------------------ | ------------------ |
 * | basic          | add sub mul div rem neg abs sqrt rsqrt reciprocal casts     | 1e-6, 1e-30        | 2e-3, 1e-7         |
 * | transcendental | exp exp2 expm1 log log1p trig/hyperbolic erf erfinv logistic cbrt pow atan2 | 1e-5, 1e-30 | 4e-3, 1e-7 |
 * | accumulation   | reduce sum/prod, dotGeneral, conv, reduceWindow sum, cumulative sum/prod, scatterAdd | 2.4e-7, 1e-30 | 2e-3, 1e-7 |
 *
 * For accumulations `scale` is `n · Σ|terms|` (n = number of terms), the classic bound for a
 * sum computed in the dtype in any order, so a backend that accumulates in float32 passes too.
 * Gradients are checked with `checkGrads` (central finite differences, float32) at
 * `rtol 2e-2, atol 2e-3` by default.
 */
import type { Backend } from '@tensile/core';
import type { Tolerance } from './internal/compare.js';

/** Tolerances of one float dtype, by kind of operation (see the table in this file's header). */
export interface FloatTolerances {
  /** IEEE-exact or nearly so: add, sub, mul, div, rem, neg, abs, sign, rounding, sqrt, rsqrt, reciprocal, casts. */
  readonly basic: Tolerance;
  /** exp, exp2, expm1, log, log1p, trig and hyperbolic functions, erf, erfinv, logistic, cbrt, pow, atan2. */
  readonly transcendental: Tolerance;
  /** Sums and products of n terms; `rtol` multiplies `n · Σ|terms|`. */
  readonly accumulation: Tolerance;
}

/** Overrides of one float dtype's tolerances: any kind, any field. */
export type FloatToleranceOverrides = {
  readonly [K in keyof FloatTolerances]?: Partial<Tolerance>;
};

/** Overrides of the default tolerances; anything left out keeps its default. */
export interface ToleranceOptions {
  readonly float32?: FloatToleranceOverrides;
  readonly float16?: FloatToleranceOverrides;
  /** Tolerance of `checkGrads` (finite differences in float32). */
  readonly gradients?: Partial<Tolerance>;
}

/** Options of `describeConformance`. */
export interface ConformanceOptions<B extends Backend = Backend> {
  /** Label of the suite (`describe` title); the backend registers under its own `backend.name`. */
  readonly name: string;
  /** Make a fresh backend (called once, before any test of the suite is collected). */
  readonly create: () => B | Promise<B>;
  /** Release it after the suite (default: `backend.dispose?.()`). */
  readonly dispose?: (backend: B) => void | Promise<void>;
  /** Looser (or tighter) float tolerances; see `DEFAULT_TOLERANCES`. */
  readonly tolerance?: ToleranceOptions;
  /**
   * Test ids to skip, e.g. `'unary/ieee-specials/float32'`, or id prefixes ending in `*`
   * (`'grad/*'`). Every test title starts with its id. An entry that matches no test fails the
   * suite, so stale entries do not hide regressions.
   */
  readonly skip?: readonly string[];
}

/** The complete tolerance table the suite uses. */
export interface ResolvedTolerances {
  readonly float32: FloatTolerances;
  readonly float16: FloatTolerances;
  readonly gradients: Tolerance;
}

/**
 * The default tolerances (the table in this file's header).
 *
 * @example
 * DEFAULT_TOLERANCES.float32.transcendental // { rtol: 1e-5, atol: 1e-30 }
 */
export const DEFAULT_TOLERANCES: ResolvedTolerances = {
  float32: {
    basic: { rtol: 1e-6, atol: 1e-30 },
    transcendental: { rtol: 1e-5, atol: 1e-30 },
    accumulation: { rtol: 2.4e-7, atol: 1e-30 },
  },
  float16: {
    basic: { rtol: 2e-3, atol: 1e-7 },
    transcendental: { rtol: 4e-3, atol: 1e-7 },
    accumulation: { rtol: 2e-3, atol: 1e-7 },
  },
  gradients: { rtol: 2e-2, atol: 2e-3 },
};

function merge(
  base: FloatTolerances,
  override: FloatToleranceOverrides | undefined,
): FloatTolerances {
  return {
    basic: { ...base.basic, ...override?.basic },
    transcendental: { ...base.transcendental, ...override?.transcendental },
    accumulation: { ...base.accumulation, ...override?.accumulation },
  };
}

/**
 * The defaults with a backend's overrides applied.
 *
 * @example
 * resolveTolerances({ float32: { transcendental: { rtol: 5e-4 } } }).float32.transcendental
 * // { rtol: 5e-4, atol: 1e-30 }
 */
export function resolveTolerances(options: ToleranceOptions = {}): ResolvedTolerances {
  return {
    float32: merge(DEFAULT_TOLERANCES.float32, options.float32),
    float16: merge(DEFAULT_TOLERANCES.float16, options.float16),
    gradients: { ...DEFAULT_TOLERANCES.gradients, ...options.gradients },
  };
}
