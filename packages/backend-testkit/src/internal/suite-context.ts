/**
 * What every section of the conformance suite shares: the backend under test, the resolved
 * tolerance table and the registrar, plus the lookup from (dtype, kind of op) to a tolerance.
 */
import type { Backend, DType } from '@tensile/core';
import type { ResolvedTolerances } from '../options.js';
import { EXACT, type Tolerance } from './compare.js';
import type { ToleranceKind } from './oracles/elementwise.js';
import type { TestRegistrar } from './registrar.js';

/** Shared state of one `describeConformance` suite. */
export interface SuiteContext {
  readonly backend: Backend;
  readonly tolerances: ResolvedTolerances;
  readonly registrar: TestRegistrar;
}

/**
 * Every dtype of the contract, in a fixed order; tests for dtypes a backend lacks are skipped.
 *
 * @example
 * for (const dtype of ALL_DTYPES) registrar.test(`fill/${dtype}`, …, { dtypes: [dtype] }, …);
 */
export const ALL_DTYPES: readonly DType[] = ['float32', 'float16', 'int32', 'uint32', 'bool'];

/**
 * The float dtypes of the contract.
 *
 * @example
 * FLOAT_DTYPES.includes('float16') // true
 */
export const FLOAT_DTYPES: readonly DType[] = ['float32', 'float16'];

/**
 * The tolerance for a result of `dtype` computed by an op of `kind`: exact for integers and
 * bool and for `exact` ops, otherwise the float dtype's entry in the table.
 *
 * @example
 * toleranceFor(suite, 'float32', 'transcendental') // { rtol: 1e-5, atol: 1e-30 } by default
 */
export function toleranceFor(
  suite: SuiteContext,
  dtype: DType,
  kind: ToleranceKind | 'accumulation',
): Tolerance {
  if (kind === 'exact' || (dtype !== 'float32' && dtype !== 'float16')) return EXACT;
  return suite.tolerances[dtype][kind];
}
