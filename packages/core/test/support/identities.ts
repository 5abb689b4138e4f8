/**
 * Transform identities used as oracles that do not trust the rule under test: a linear map and
 * its transpose are adjoint (⟨ct, J·t⟩ = ⟨Jᵀ·ct, t⟩), and `vmap(f)` equals `f` applied to each
 * example and stacked.
 */
import { expect } from 'vitest';
import type { Tensor } from '../../src/internal/core/tensor.js';
import { isFloat } from '../../src/internal/dtype.js';
import { applyLinear, linearizeFlat, pullBack } from '../../src/internal/transforms/linearize.js';
import { scope } from '../../src/internal/transforms/scope.js';
import { vmap } from '../../src/internal/transforms/vmap-api.js';
import { expectTensorClose, type Tolerance } from './assertions.js';
import { absInnerProduct, innerProduct, randomTensor, sliceHost } from './tensors.js';

/** Σᵢ ⟨aᵢ, bᵢ⟩ over paired tensors, with Σᵢ Σ|aᵢ·bᵢ| as its rounding scale. */
function pairedProduct(a: readonly Tensor[], b: readonly Tensor[]): [number, number] {
  let value = 0;
  let scale = 0;
  a.forEach((x, i) => {
    value += innerProduct(x, b[i] as Tensor);
    scale += absInnerProduct(x, b[i] as Tensor);
  });
  return [value, scale];
}

/**
 * Assert `⟨cotangents, forward⟩ = ⟨backward, tangents⟩`, where `forward = J·tangents` and
 * `backward = Jᵀ·cotangents` (lists paired by position), to `rtol` of the products' magnitude.
 *
 * @example
 * const [, dy] = jvp(f, [x], [t]);
 * const [y, pullback] = vjp(f, x);
 * expectAdjoint([u], [dy], pullback(u), [t]);
 */
export function expectAdjoint(
  cotangents: readonly Tensor[],
  forward: readonly Tensor[],
  backward: readonly Tensor[],
  tangents: readonly Tensor[],
  rtol = 1e-5,
): void {
  const [lhs, lhsScale] = pairedProduct(cotangents, forward);
  const [rhs, rhsScale] = pairedProduct(backward, tangents);
  expect(Math.abs(lhs - rhs), `⟨ct, J·t⟩ = ${lhs} but ⟨Jᵀ·ct, t⟩ = ${rhs}`).toBeLessThanOrEqual(
    rtol * (lhsScale + rhsScale) + 1e-6,
  );
}

/**
 * The linearization `J` of `fn` at `args` and its transpose agree: ⟨ct, J·t⟩ = ⟨Jᵀ·ct, t⟩ for
 * seeded random `t` (on the float arguments; integer ones get none) and `ct`.
 *
 * @example
 * expectTransposeIdentity((x) => [lax.transpose(x, [1, 0])], [randomTensor([2, 3], 1)]);
 */
export function expectTransposeIdentity(
  fn: (...xs: Tensor[]) => Tensor[],
  args: readonly Tensor[],
  seed = 1,
  rtol = 1e-5,
): void {
  scope(() => {
    const lin = linearizeFlat(fn, args);
    const floats = args.flatMap((a, i) => (isFloat(a.dtype) ? [i] : []));
    const tangents = floats.map((i) => randomTensor((args[i] as Tensor).shape, seed + 10 * i));
    const forward = applyLinear(lin, tangents);
    const cotangents = lin.outs.map((o, i) => randomTensor(o.shape, seed + 100 + i));
    const pulled = pullBack(lin, args, cotangents);
    lin.dispose();
    const backward = floats.map((i) => pulled[i] as Tensor);
    expectAdjoint(cotangents, forward, backward, tangents, rtol);
  });
}

/**
 * `vmap(fn)` over `inAxes` (outputs batched at axis 0) equals stacking `fn` applied to each
 * example; dtypes must match too. Examples are cut on the host, not by the ops under test.
 *
 * @example
 * expectVmapMatchesLoop((a, b) => lax.dot(a, b), [randomTensor([4, 3], 1), b], [0, null]);
 */
export function expectVmapMatchesLoop(
  fn: (...xs: Tensor[]) => Tensor | Tensor[],
  args: readonly Tensor[],
  inAxes: readonly (number | null)[],
  tol: Tolerance = { rtol: 1e-5, atol: 1e-5 },
): void {
  scope(() => {
    const asList = (out: Tensor | Tensor[]) => (Array.isArray(out) ? out : [out]);
    const mapped = inAxes.findIndex((a) => a !== null);
    const size = (args[mapped] as Tensor).shape[inAxes[mapped] as number] as number;
    const batched = asList(vmap(fn, { inAxes: [...inAxes] })(...args));
    for (let b = 0; b < size; b++) {
      const expected = asList(
        fn(...args.map((a, i) => (inAxes[i] === null ? a : sliceHost(a, inAxes[i] as number, b)))),
      );
      expect(batched.length).toBe(expected.length);
      expected.forEach((e, k) => {
        const all = batched[k] as Tensor;
        expect(all.shape[0], 'batch size of the output').toBe(size);
        expectTensorClose(sliceHost(all, 0, b), e, tol);
      });
    }
  });
}
