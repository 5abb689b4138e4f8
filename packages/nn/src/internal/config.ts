/**
 * Validation of layer configurations and inputs, shared by the layers so that every error names
 * the layer, the offending option or shape and what was expected.
 */
import { DTypeError, isFloat, ShapeError, type Tensor, ValueError } from '@tensile/core';

/** A positive integer option (`inFeatures`, `hiddenSize`, …). */
export function positiveInt(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new ValueError(`${op}: ${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

/** A non-negative integer option (padding). */
export function nonNegativeInt(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new ValueError(`${op}: ${name} must be a non-negative integer, got ${String(value)}`);
  }
  return value;
}

/** A number or one per spatial dim (`kernelSize: 3` or `[3, 5]`) as a validated tuple. */
export function tuple(
  op: string,
  name: string,
  value: number | readonly number[],
  n: number,
  check: (op: string, name: string, value: unknown) => number = positiveInt,
): number[] {
  const values = typeof value === 'number' ? new Array<number>(n).fill(value) : [...value];
  if (values.length !== n) {
    throw new ValueError(`${op}: ${name} needs ${n} values, got ${JSON.stringify(value)}`);
  }
  return values.map((v) => check(op, name, v));
}

/** A probability in [0, 1]. */
export function probability(op: string, name: string, value: number): number {
  if (!(value >= 0 && value <= 1)) {
    throw new ValueError(`${op}: ${name} must be in [0, 1], got ${value}`);
  }
  return value;
}

/** Check a float input's rank (`null`: any rank ≥ 1) and (optionally) the size of one axis. */
export function checkInput(
  op: string,
  x: Tensor,
  ranks: readonly number[] | null,
  axis?: { axis: number; size: number; what: string },
): void {
  if (!isFloat(x.dtype)) {
    throw new DTypeError(`${op}: expected a float input, got ${x.dtype}[${x.shape.join(', ')}]`);
  }
  if (ranks ? !ranks.includes(x.ndim) : x.ndim === 0) {
    throw new ShapeError(
      `${op}: expected an input of rank ${ranks ? ranks.join(' or ') : '≥ 1'}, got shape [${x.shape.join(', ')}]`,
    );
  }
  if (axis) {
    const index = axis.axis < 0 ? x.ndim + axis.axis : axis.axis;
    if (x.shape[index] !== axis.size) {
      throw new ShapeError(
        `${op}: expected ${axis.size} ${axis.what} on axis ${index}, got shape [${x.shape.join(', ')}]`,
      );
    }
  }
}
