/**
 * Golden fixtures: PyTorch/NumPy float64 references committed under `fixtures/golden/*.json`
 * (schema in scripts/README.md). Loads the cases, turns stored inputs into tensors and compares
 * results with stored outputs.
 */
import { readFileSync } from 'node:fs';
import type { Tensor } from '../../src/internal/core/tensor.js';
import { expectClose, type Tolerance } from './assertions.js';
import { tensor } from './tensors.js';

/** One array of a golden fixture: row-major `data` of `shape`. */
export interface GoldenArray {
  shape: number[];
  dtype: string;
  data: number[];
}

/** One case of a golden fixture. */
export interface GoldenCase {
  name: string;
  inputs: Record<string, GoldenArray>;
  params: Record<string, unknown>;
  outputs: Record<string, GoldenArray>;
}

/**
 * The cases of `fixtures/golden/<name>.json`.
 *
 * @example
 * for (const c of loadGolden('conv')) it(c.name, () => { ... });
 */
export function loadGolden(name: string): GoldenCase[] {
  const url = new URL(`../../../../fixtures/golden/${name}.json`, import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { cases: GoldenCase[] }).cases;
}

/**
 * A golden array as a tensor: int32 when stored as int32, float32 otherwise.
 *
 * @example
 * const labels = goldenTensor(c.inputs.labels);  // int32
 */
export function goldenTensor(a: GoldenArray | undefined): Tensor {
  if (!a) throw new Error('golden array missing');
  return tensor(a.data, a.shape, a.dtype === 'int32' ? 'int32' : 'float32');
}

/**
 * Assert a tensor matches a golden output (shape and values).
 *
 * @example
 * expectGolden(np.matmul(a, b), c.outputs.y);
 */
export function expectGolden(
  actual: Tensor,
  expected: GoldenArray | undefined,
  tol: Tolerance = { rtol: 1e-4, atol: 1e-5 },
): void {
  if (!expected) throw new Error('golden array missing');
  expectClose(actual, expected.data, expected.shape, tol);
}
