/**
 * Checks for the shape and reduction primitive tests: deterministic random tensors, exactness of
 * a linear map's transpose (⟨ct, J t⟩ = ⟨Jᵀ ct, t⟩), and vmap of multi-output functions against
 * a loop over examples.
 */
import { expect } from 'vitest';
import type { Tensor } from '../src/internal/core/tensor.js';
import { isFloat } from '../src/internal/dtype.js';
import * as lax from '../src/internal/lax/primitive-ops.js';
import { applyLinear, linearizeFlat, pullBack } from '../src/internal/transforms/linearize.js';
import { vmapFlat } from '../src/internal/transforms/vmap.js';
import { expectClose, tensor } from './helpers.js';

/** Deterministic uniform floats in [-1, 1) of `shape`. */
export function randomTensor(shape: readonly number[], seed: number): Tensor {
  let s = (seed * 2654435761 + 12345) >>> 0 || 1;
  const size = shape.reduce((a, b) => a * b, 1);
  const data = Array.from({ length: size }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  });
  return tensor(data, shape);
}

function hostOf(x: Tensor): number[] {
  return Array.from(x.dataSync() as ArrayLike<number>);
}

function dot(a: readonly Tensor[], b: readonly Tensor[]): number {
  let total = 0;
  a.forEach((x, i) => {
    const xs = hostOf(x);
    const ys = hostOf(b[i] as Tensor);
    xs.forEach((v, k) => {
      total += v * (ys[k] as number);
    });
  });
  return total;
}

/**
 * Linearize `fn` at `args` and check that the transpose of its tangent map is its adjoint:
 * ⟨ct, J t⟩ = ⟨Jᵀ ct, t⟩ for random `t` and `ct`.
 */
export function expectTransposeIdentity(
  fn: (...args: Tensor[]) => Tensor[],
  args: readonly Tensor[],
  seed = 0,
): void {
  const lin = linearizeFlat(fn, args);
  const floatArgs = args.filter((a) => isFloat(a.dtype));
  const tangents = floatArgs.map((a, i) => randomTensor(a.shape, 1000 + 97 * seed + i));
  const jt = applyLinear(lin, tangents);
  const cts = lin.outs.map((o, i) => randomTensor(o.shape, 2000 + 97 * seed + i));
  const pulled = pullBack(lin, args, cts).filter((_, i) => isFloat((args[i] as Tensor).dtype));
  lin.dispose();
  const lhs = dot(cts, jt);
  const rhs = dot(pulled, tangents);
  expect(Math.abs(lhs - rhs), `⟨ct, J t⟩ = ${lhs} but ⟨Jᵀ ct, t⟩ = ${rhs}`).toBeLessThanOrEqual(
    1e-4 * (1 + Math.abs(lhs)),
  );
}

/** Example `b` of `x` along axis `dim`. */
function example(x: Tensor, dim: number, b: number): Tensor {
  const start = x.shape.map((_, d) => (d === dim ? b : 0));
  const limit = x.shape.map((n, d) => (d === dim ? b + 1 : n));
  return lax.reshape(
    lax.slice(x, start, limit),
    x.shape.filter((_, d) => d !== dim),
  );
}

/** `vmap(fn)` over `inDims` (outputs batched at 0) equals applying `fn` to each example. */
export function expectVmapMatchesLoop(
  fn: (...args: Tensor[]) => Tensor | Tensor[],
  args: readonly Tensor[],
  inDims: readonly (number | null)[],
): void {
  const flat = (...xs: Tensor[]) => {
    const out = fn(...xs);
    return Array.isArray(out) ? out : [out];
  };
  const index = inDims.findIndex((d) => d !== null);
  const size = (args[index] as Tensor).shape[inDims[index] as number] as number;
  const batched = vmapFlat(flat, size, args, inDims, (n) => Array.from({ length: n }, () => 0));
  for (let b = 0; b < size; b++) {
    const outs = flat(
      ...args.map((a, i) => (inDims[i] === null ? a : example(a, inDims[i] as number, b))),
    );
    outs.forEach((o, k) => {
      const got = example(batched[k] as Tensor, 0, b);
      expect(got.dtype).toBe(o.dtype);
      expectClose(got, hostOf(o), o.shape, { rtol: 1e-5, atol: 1e-5 });
    });
  }
}
