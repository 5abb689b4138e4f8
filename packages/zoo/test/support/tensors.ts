/**
 * Comparing tensors in tests: host copies, exact (bitwise) equality and closeness with messages
 * that show the offending element.
 */
import type { Tensor } from '@tensile/core';
import { expect } from 'vitest';

/** The elements of `t` as plain numbers. */
export function host(t: Tensor): number[] {
  return Array.from(t.dataSync() as ArrayLike<number>);
}

function bytesOf(t: Tensor): Buffer {
  const data = t.dataSync() as unknown as ArrayBufferView;
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/** Assert same shape, dtype and identical bits. */
export function expectBitwiseEqual(actual: Tensor, expected: Tensor, what: string): void {
  expect([...actual.shape], `${what} shape`).toEqual([...expected.shape]);
  expect(actual.dtype, `${what} dtype`).toBe(expected.dtype);
  expect(bytesOf(actual).equals(bytesOf(expected)), `${what}: bits differ`).toBe(true);
}

/** Assert same shape and `|actual − expected| ≤ atol + rtol·|expected|` elementwise. */
export function expectClose(
  actual: Tensor,
  expected: Tensor,
  what: string,
  { rtol = 1e-5, atol = 1e-6 }: { rtol?: number; atol?: number } = {},
): void {
  expect([...actual.shape], `${what} shape`).toEqual([...expected.shape]);
  const got = host(actual);
  const want = host(expected);
  got.forEach((g, i) => {
    const w = want[i] as number;
    if (!(Math.abs(g - w) <= atol + rtol * Math.abs(w))) {
      expect.fail(`${what}: element ${i}: got ${g}, expected ${w}`);
    }
  });
}
