/**
 * `@tensile/backend-testkit`: the conformance suite every Tensile backend plugin runs.
 *
 * One call registers Vitest tests that exercise every `Backend` method directly and every
 * primitive through `@tensile/core` (forward results and gradients), against independent
 * oracles, with per-dtype tolerances, leak checks and capability-aware skips.
 *
 * @example
 * // test/conformance.test.ts of a backend package
 * import { describeConformance } from '@tensile/backend-testkit';
 * import { createMyBackend } from '../src/index.js';
 *
 * describeConformance({ name: 'mine', create: () => createMyBackend() });
 *
 * @packageDocumentation
 */
export { describeConformance } from './describe-conformance.js';
/** `|actual − expected| ≤ atol + rtol · scale` (see `DEFAULT_TOLERANCES`). */
export type { Tolerance } from './internal/compare.js';
export {
  type ConformanceOptions,
  DEFAULT_TOLERANCES,
  type FloatToleranceOverrides,
  type FloatTolerances,
  type ResolvedTolerances,
  resolveTolerances,
  type ToleranceOptions,
} from './options.js';
