/**
 * Argument checks for hyperparameters, so a bad value fails at construction with a message that
 * names the optimizer, the argument and the value (as torch.optim does), not later as NaNs.
 */
import { ValueError } from '@tensile/core';
import type { LearningRate } from '../types.js';

/**
 * Throw unless `value` is a finite number in the range (`min` ≤ value, value < or ≤ `max`).
 *
 * @example
 * checkRange('adam', 'b1', 0.9, 0, 1, { maxExclusive: true });
 */
export function checkRange(
  op: string,
  name: string,
  value: number,
  min: number,
  max = Number.POSITIVE_INFINITY,
  { maxExclusive = false }: { maxExclusive?: boolean } = {},
): void {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= min &&
    (maxExclusive ? value < max : value <= max);
  if (!ok) {
    const upper = max === Number.POSITIVE_INFINITY ? '' : `, ${max}${maxExclusive ? ')' : ']'}`;
    const range = upper ? `[${min}${upper}` : `>= ${min}`;
    throw new ValueError(`${op}: ${name} must be a finite number in ${range}, got ${value}`);
  }
}

/**
 * Throw unless `lr` is a schedule function or a finite number ≥ 0.
 *
 * @example
 * checkLearningRate('sgd', 0.1);
 */
export function checkLearningRate(op: string, lr: LearningRate): void {
  if (typeof lr === 'function') return;
  checkRange(op, 'learning rate', lr, 0);
}

/**
 * Throw unless `value` is an integer ≥ `min`.
 *
 * @example
 * checkInteger('oneCycle', 'totalSteps', 100, 1);
 */
export function checkInteger(op: string, name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new ValueError(`${op}: ${name} must be an integer >= ${min}, got ${value}`);
  }
}
