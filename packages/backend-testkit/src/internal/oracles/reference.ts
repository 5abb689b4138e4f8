/**
 * What every oracle returns: the expected output, and for accumulating ops the error scale
 * (`n · Σ|terms|`) that the accumulation tolerance multiplies.
 */
import type { DType } from '@tensile/core';

/** Expected output of an op, row-major. */
export interface Reference {
  readonly shape: readonly number[];
  /** The output dtype, when the check should also verify it. */
  readonly dtype?: DType;
  readonly values: readonly number[];
  /** Per-element magnitude for the relative tolerance (absent: `|value|`). */
  readonly scale?: readonly number[];
}
