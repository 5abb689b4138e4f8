/**
 * Comparing what a backend computed with what an oracle expects, under a tolerance, with
 * failure messages a backend author can act on: which elements, at which index, from which
 * inputs, got what, expected what, and how much error was allowed.
 */
import type { DType } from '@tensile/core';
import { formatValue } from './host-data.js';

/** `|actual − expected| ≤ atol + rtol · scale`, where `scale` is `|expected|` unless given. */
export interface Tolerance {
  readonly rtol: number;
  readonly atol: number;
}

/**
 * Bit-exact agreement (integers, bool, and float results with one right answer such as
 * `floor`, `max` or a copy).
 *
 * @example
 * expectValues([1, 2], { what: 'copy', dtype: 'int32', expected: [1, 2], tolerance: EXACT });
 */
export const EXACT: Tolerance = { rtol: 0, atol: 0 };

/** What `expectValues` checks one output against. */
export interface Expectation {
  /** Names the operation and case in the failure message, e.g. `unary exp (float32)`. */
  readonly what: string;
  /** dtype of the output (formats values in messages). */
  readonly dtype: DType;
  /** Shape of the output; failure messages then show multi-indices. */
  readonly shape?: readonly number[];
  readonly expected: readonly number[];
  readonly tolerance: Tolerance;
  /** Per-element magnitude that `rtol` multiplies (default `|expected[i]|`), e.g. `n·Σ|terms|` for sums. */
  readonly scale?: readonly number[];
  /** Describes the inputs that produced element `i`, for the failure message. */
  readonly inputs?: (i: number) => string;
}

const MAX_REPORTED = 8;

function indexOf(i: number, shape: readonly number[] | undefined): string {
  if (!shape || shape.length <= 1) return `[${i}]`;
  const index: number[] = [];
  let rest = i;
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d] as number;
    index.unshift(rest % n);
    rest = Math.floor(rest / n);
  }
  return `[${index.join(', ')}]`;
}

/** Allowed absolute error for element `i`, or `null` when only an exact match will do. */
function allowedError(
  expected: number,
  scale: number | undefined,
  tolerance: Tolerance,
): number | null {
  if (!Number.isFinite(expected)) return null;
  return tolerance.atol + tolerance.rtol * (scale ?? Math.abs(expected));
}

function agrees(actual: number, expected: number, allowed: number | null): boolean {
  if (Number.isNaN(expected)) return Number.isNaN(actual);
  if (allowed === null) return actual === expected;
  return Math.abs(actual - expected) <= allowed;
}

/**
 * Throw unless every element of `actual` agrees with the expectation. NaN must meet NaN and
 * ±Infinity must be matched exactly; `-0` equals `0`.
 *
 * @example
 * expectValues(await device.read(out), {
 *   what: 'unary exp (float32)', dtype: 'float32', expected: [1, Math.E],
 *   tolerance: { rtol: 1e-5, atol: 1e-6 }, inputs: (i) => `x=${xs[i]}`,
 * });
 */
export function expectValues(actual: readonly number[], expectation: Expectation): void {
  const { what, dtype, shape, expected, tolerance, scale, inputs } = expectation;
  if (actual.length !== expected.length) {
    throw new Error(`${what}: got ${actual.length} elements, expected ${expected.length}`);
  }
  const failures: string[] = [];
  let failed = 0;
  expected.forEach((e, i) => {
    const a = actual[i] as number;
    const allowed = allowedError(e, scale?.[i], tolerance);
    if (agrees(a, e, allowed)) return;
    failed++;
    if (failures.length >= MAX_REPORTED) return;
    const from = inputs ? ` (${inputs(i)})` : '';
    const bound =
      allowed === null || allowed === 0 ? 'exact' : `allowed error ${allowed.toExponential(2)}`;
    failures.push(
      `  ${indexOf(i, shape)}${from}: got ${formatValue(dtype, a)}, expected ${formatValue(dtype, e)} (${bound})`,
    );
  });
  if (failed > 0) {
    const tol = tolerance === EXACT ? 'exact' : `rtol ${tolerance.rtol}, atol ${tolerance.atol}`;
    const more = failed > failures.length ? `\n  … and ${failed - failures.length} more` : '';
    throw new Error(
      `${what}: ${failed} of ${expected.length} elements differ (${tol}):\n${failures.join('\n')}${more}`,
    );
  }
}
