/**
 * Closeness assertions whose failure messages show the offending element and both values: a
 * tensor against expected numbers, and a tensor (or a pytree of them) against another.
 */
import { expect } from 'vitest';
import type { Tensor } from '../../src/internal/core/tensor.js';
import { flatten } from '../../src/internal/tree/pytree.js';
import { hostData } from './tensors.js';

/** Tolerances: `|got - want| <= atol + rtol·|want|`, elements at indices in `skip` unchecked. */
export interface Tolerance {
  rtol?: number;
  atol?: number;
  skip?: readonly number[];
}

/**
 * Assert `actual`'s shape (when given) and its elements, row-major, are close to `expected`.
 * NaN matches NaN; an expected value beyond the float32 range must come out as that infinity.
 *
 * @example
 * expectClose(np.add(a, b), [4, 6], [2]);
 * expectClose(loss, [golden], [], { rtol: 1e-5, atol: 1e-6 });
 */
export function expectClose(
  actual: Tensor,
  expected: readonly number[],
  shape?: readonly number[],
  { rtol = 1e-5, atol = 1e-6, skip = [] }: Tolerance = {},
): void {
  if (shape) expect([...actual.shape]).toEqual([...shape]);
  const got = hostData(actual);
  expect(got.length).toBe(expected.length);
  got.forEach((g, i) => {
    if (skip.includes(i)) return;
    const e = expected[i] as number;
    const f = Math.fround(e);
    const ok = Number.isNaN(e)
      ? Number.isNaN(g)
      : !Number.isFinite(f)
        ? g === f
        : g === e || Math.abs(g - e) <= atol + rtol * Math.abs(e);
    if (!ok)
      expect.fail(
        `element ${i}: got ${g}, expected ${e} (got [${got.slice(0, 12)}], expected [${expected.slice(0, 12)}])`,
      );
  });
}

/**
 * Assert two tensors have the same shape and dtype and close elements.
 *
 * @example
 * expectTensorClose(jit(f)(x), f(x));
 */
export function expectTensorClose(actual: Tensor, expected: Tensor, tol: Tolerance = {}): void {
  expect(actual.dtype, 'dtype').toBe(expected.dtype);
  expectClose(actual, hostData(expected), expected.shape, tol);
}

/**
 * Assert two pytrees have the same structure and that their tensor leaves are close.
 *
 * @example
 * expectTreeClose(grad(f)({ w, b }), { w: dw, b: db });
 */
export function expectTreeClose(actual: unknown, expected: unknown, tol: Tolerance = {}): void {
  const [gotLeaves, gotDef] = flatten<Tensor>(actual);
  const [wantLeaves, wantDef] = flatten<Tensor>(expected);
  expect(String(gotDef), 'pytree structure').toBe(String(wantDef));
  gotLeaves.forEach((g, i) => {
    expectTensorClose(g, wantLeaves[i] as Tensor, tol);
  });
}
