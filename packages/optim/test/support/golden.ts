/**
 * Reads fixtures/golden/optim.json (written by scripts/golden/optim.py; schema in
 * scripts/README.md) and compares tensors with its float64 references.
 */
import { readFileSync } from 'node:fs';
import { np, type Tensor } from '@tensile/core';
import { expect } from 'vitest';

/** One array of the fixture: row-major `data` of `shape`. */
export interface GoldenArray {
  shape: number[];
  dtype: string;
  data: number[];
}

/** One case of the fixture. */
export interface GoldenCase {
  name: string;
  inputs: Record<string, GoldenArray>;
  params: Record<string, unknown>;
  outputs: Record<string, GoldenArray>;
}

/**
 * The cases of fixtures/golden/optim.json.
 *
 * @example
 * const cases = loadOptimGolden().filter((c) => c.name.startsWith('schedule_'));
 */
export function loadOptimGolden(): GoldenCase[] {
  const url = new URL('../../../../fixtures/golden/optim.json', import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { cases: GoldenCase[] }).cases;
}

/**
 * A stored input as a float32 tensor.
 *
 * @example
 * const X = goldenTensor(c.inputs.X);
 */
export function goldenTensor(a: GoldenArray | undefined): Tensor {
  if (!a) throw new Error('golden array missing');
  return np.array(a.data, { dtype: 'float32' }).reshape(a.shape);
}

/**
 * Assert `actual` has `shape` and its elements are within `atol + rtol * |want|` of `expected`,
 * naming `what` and the first offending element on failure.
 *
 * @example
 * expectNear(lr, golden.data, [30], 'lr', { rtol: 1e-6, atol: 1e-9 });
 */
export function expectNear(
  actual: Tensor,
  expected: readonly number[],
  shape: readonly number[],
  what: string,
  { rtol, atol }: { rtol: number; atol: number },
): void {
  expect([...actual.shape], `${what}: shape`).toEqual([...shape]);
  const got = Array.from(actual.ravel().toArraySync() as number[]);
  expect(got.length).toBe(expected.length);
  got.forEach((g, i) => {
    const e = expected[i] as number;
    if (!(Math.abs(g - e) <= atol + rtol * Math.abs(e))) {
      expect.fail(`${what}: element ${i}: got ${g}, expected ${e} (|diff| ${Math.abs(g - e)})`);
    }
  });
}
