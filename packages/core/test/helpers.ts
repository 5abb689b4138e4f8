/**
 * Test helpers: tensors from nested arrays without the `np` layer, and closeness checks with
 * messages that show both values.
 */
import { expect } from 'vitest';
import { fromHost } from '../src/internal/core/host.js';
import type { Tensor } from '../src/internal/core/tensor.js';
import type { DType } from '../src/internal/dtype.js';

/** A float32 (or `dtype`) tensor from flat data and a shape. */
export function tensor(
  data: readonly number[],
  shape: readonly number[] = [data.length],
  dtype: DType = 'float32',
): Tensor {
  const ctor = {
    float32: Float32Array,
    int32: Int32Array,
    uint32: Uint32Array,
    bool: Uint8Array,
    float16: Uint16Array,
  }[dtype];
  return fromHost(ctor.from(data), shape, dtype);
}

/** Assert `actual`'s shape and elements are close to `expected` (flat). */
export function expectClose(
  actual: Tensor,
  expected: readonly number[],
  shape?: readonly number[],
  { rtol = 1e-5, atol = 1e-6 } = {},
): void {
  if (shape) expect([...actual.shape]).toEqual([...shape]);
  const got = Array.from(actual.dataSync() as ArrayLike<number>);
  expect(got.length).toBe(expected.length);
  got.forEach((g, i) => {
    const e = expected[i] as number;
    const ok = Number.isNaN(e)
      ? Number.isNaN(g)
      : g === e || Math.abs(g - e) <= atol + rtol * Math.abs(e);
    if (!ok)
      expect.fail(
        `element ${i}: got ${g}, expected ${e} (got [${got.slice(0, 12)}], expected [${expected.slice(0, 12)}])`,
      );
  });
}
