/**
 * PyTorch golden fixtures (`fixtures/golden/nn_*.json`, schema in scripts/README.md): loading
 * cases, turning stored arrays into tensors and comparing results with tolerances whose failure
 * messages show the offending element.
 */
import { readFileSync } from 'node:fs';
import { np, type Tensor } from '@tensile/core';
import { expect } from 'vitest';

/** One stored array: row-major `data` of `shape`. */
export interface GoldenArray {
  shape: number[];
  dtype: 'float32' | 'int32' | 'float64';
  data: number[];
}

/** One case of a golden fixture. */
export interface GoldenCase {
  name: string;
  inputs: Record<string, GoldenArray>;
  params: Record<string, unknown>;
  outputs: Record<string, GoldenArray>;
}

/** The cases of `fixtures/golden/<name>.json`. */
export function loadGolden(name: string): GoldenCase[] {
  const url = new URL(`../../../../fixtures/golden/${name}.json`, import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { cases: GoldenCase[] }).cases;
}

/** A stored array as a tensor (int32 when stored as int32, float32 otherwise). */
export function goldenTensor(a: GoldenArray | undefined): Tensor {
  if (!a) throw new Error('golden array missing');
  const dtype = a.dtype === 'int32' ? 'int32' : 'float32';
  const data = dtype === 'int32' ? Int32Array.from(a.data) : Float32Array.from(a.data);
  return np.array(data).reshape(a.shape);
}

/** Tolerance `|got − want| ≤ atol + rtol·|want|`. */
export interface Tolerance {
  rtol?: number;
  atol?: number;
}

/** Assert `actual` has `expected`'s shape and close elements. */
export function expectClose(
  actual: Tensor,
  expected: GoldenArray | undefined,
  what: string,
  { rtol = 2e-4, atol = 2e-5 }: Tolerance = {},
): void {
  if (!expected) throw new Error(`${what}: golden array missing`);
  expect([...actual.shape], `${what} shape`).toEqual(expected.shape);
  const got = Array.from(actual.dataSync() as ArrayLike<number>);
  got.forEach((g, i) => {
    const e = expected.data[i] as number;
    if (!(Math.abs(g - e) <= atol + rtol * Math.abs(e))) {
      expect.fail(
        `${what}: element ${i}: got ${g}, expected ${e} (got [${got.slice(0, 8)}…], expected [${expected.data.slice(0, 8)}…])`,
      );
    }
  });
}

/** Assert two tensors have the same shape and close elements. */
export function expectTensorsClose(
  actual: Tensor,
  expected: Tensor,
  what: string,
  tol: Tolerance = {},
): void {
  expectClose(
    actual,
    {
      shape: [...expected.shape],
      dtype: 'float64',
      data: Array.from(expected.dataSync() as ArrayLike<number>),
    },
    what,
    tol,
  );
}
