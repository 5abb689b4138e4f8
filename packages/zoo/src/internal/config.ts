/**
 * Validation of model configurations, shared by the constructors so that every error names the
 * model, the offending option and what was expected (`resnet.init: depth must be 6n + 2, got 21`).
 */
import { ValueError } from '@tensile/core';

/** A positive integer option (`numClasses`, `hiddenSize`, …). */
export function positiveInt(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new ValueError(`${op}: ${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

/** A non-empty list of positive integers (`widths`, `sizes`). */
export function positiveInts(op: string, name: string, value: unknown, minLength = 1): number[] {
  if (!Array.isArray(value) || value.length < minLength) {
    throw new ValueError(
      `${op}: ${name} must be an array of at least ${minLength} positive integer(s), got ${JSON.stringify(value)}`,
    );
  }
  return value.map((v, i) => positiveInt(op, `${name}[${i}]`, v));
}

/** A probability in [0, 1). */
export function dropoutRate(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) {
    throw new ValueError(`${op}: ${name} must be in [0, 1), got ${String(value)}`);
  }
  return value;
}

/** One of a fixed set of string options. */
export function oneOf<T extends string>(
  op: string,
  name: string,
  value: unknown,
  allowed: readonly T[],
): T {
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    throw new ValueError(
      `${op}: ${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(value)}`,
    );
  }
  return value as T;
}
