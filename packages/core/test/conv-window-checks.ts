/**
 * Checks shared by the dot, conv and window primitive tests: golden fixtures, seeded random
 * tensors, host-side slicing, vmap-versus-loop, the transpose identity ⟨ct, J·t⟩ = ⟨Jᵀ·ct, t⟩,
 * and a CPU backend without its optional fast paths (to exercise the core's fallbacks).
 */
import { readFileSync } from 'node:fs';
import { createCpuBackend } from '@tensile/backend-cpu';
import { expect } from 'vitest';
import { fromHost } from '../src/internal/core/host.js';
import type { Tensor } from '../src/internal/core/tensor.js';
import { memory } from '../src/internal/memory.js';
import { listBackends, registerBackend, withBackend } from '../src/internal/registry.js';
import { contiguousStrides, sizeOf } from '../src/internal/shape.js';
import { applyLinear, linearizeFlat, pullBack } from '../src/internal/transforms/linearize.js';
import { scope } from '../src/internal/transforms/scope.js';
import { vmap } from '../src/internal/transforms/vmap-api.js';
import { expectClose } from './helpers.js';

/** One array of a golden fixture. */
export interface GoldenArray {
  shape: number[];
  dtype: string;
  data: number[];
}

/** One case of a golden fixture (see scripts/README.md). */
export interface GoldenCase {
  name: string;
  inputs: Record<string, GoldenArray>;
  params: Record<string, unknown>;
  outputs: Record<string, GoldenArray>;
}

/** The cases of `fixtures/golden/<name>.json`. */
export function loadGolden(name: string): GoldenCase[] {
  const url = new URL(`../../../fixtures/golden/${name}.json`, import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { cases: GoldenCase[] }).cases;
}

/** A float32 tensor holding a golden input. */
export function goldenTensor(a: GoldenArray | undefined): Tensor {
  if (!a) throw new Error('golden array missing');
  return fromHost(Float32Array.from(a.data), a.shape, 'float32');
}

/** Assert a tensor matches a golden output (shape and values). */
export function expectGolden(
  actual: Tensor,
  expected: GoldenArray | undefined,
  tol = { rtol: 1e-4, atol: 1e-5 },
): void {
  if (!expected) throw new Error('golden array missing');
  expectClose(actual, expected.data, expected.shape, tol);
}

/** A seeded uniform generator on [-1, 1). */
export function seeded(seed: number): () => number {
  let s = (seed * 2654435761 + 99991) >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  };
}

/** A float32 tensor of `shape` with seeded values in [-1, 1). */
export function randomTensor(shape: readonly number[], seed: number): Tensor {
  const rand = seeded(seed);
  return fromHost(Float32Array.from({ length: sizeOf(shape) }, rand), shape, 'float32');
}

/** A float32 tensor of `shape` whose values are distinct (a seeded shuffle of `0.1·k`), so no window ties. */
export function distinctTensor(shape: readonly number[], seed: number): Tensor {
  const rand = seeded(seed);
  const n = sizeOf(shape);
  const values = Array.from({ length: n }, (_, k) => (k - n / 2) * 0.1);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(((rand() + 1) / 2) * (i + 1));
    [values[i], values[j]] = [values[j] as number, values[i] as number];
  }
  return fromHost(Float32Array.from(values), shape, 'float32');
}

/** The elements of a tensor as numbers. */
export function hostData(x: Tensor): number[] {
  return Array.from(x.dataSync() as ArrayLike<number>);
}

/** Element `index` of `x` along `axis`, computed on the host (an independent slicer). */
export function sliceHost(x: Tensor, axis: number, index: number): Tensor {
  const data = hostData(x);
  const shape = x.shape.filter((_, i) => i !== axis);
  const strides = contiguousStrides(x.shape);
  const outStrides = contiguousStrides(shape);
  const out = Array.from({ length: sizeOf(shape) }, (_, flat) => {
    let src = index * (strides[axis] as number);
    shape.forEach((_, d) => {
      const coord = Math.floor(flat / (outStrides[d] as number)) % (shape[d] as number);
      src += coord * (strides[d < axis ? d : d + 1] as number);
    });
    return data[src] as number;
  });
  return fromHost(Float32Array.from(out), shape, 'float32');
}

/** Σ a·b over all elements, in float64 on the host. */
export function innerProduct(a: Tensor, b: Tensor): number {
  const x = hostData(a);
  const y = hostData(b);
  return x.reduce((s, v, i) => s + v * (y[i] as number), 0);
}

/** Σ |a·b|: the scale against which an inner product's rounding error is judged. */
function productScale(a: Tensor, b: Tensor): number {
  const x = hostData(a);
  const y = hostData(b);
  return x.reduce((s, v, i) => s + Math.abs(v * (y[i] as number)), 0);
}

/** `vmap(fn)` over `inAxes` equals stacking `fn` applied to each slice (output batch axis 0). */
export function expectVmapMatchesLoop(
  fn: (...xs: Tensor[]) => Tensor,
  args: readonly Tensor[],
  inAxes: readonly (number | null)[],
  tol = { rtol: 1e-5, atol: 1e-5 },
): void {
  scope(() => {
    const mapped = args.findIndex((_, i) => inAxes[i] !== null);
    const size = (args[mapped] as Tensor).shape[inAxes[mapped] as number] as number;
    const batched = vmap(fn, { inAxes: [...inAxes] })(...args) as Tensor;
    expect(batched.shape[0]).toBe(size);
    for (let b = 0; b < size; b++) {
      const slices = args.map((a, i) =>
        inAxes[i] === null ? a : sliceHost(a, inAxes[i] as number, b),
      );
      const expected = fn(...slices);
      expectClose(sliceHost(batched, 0, b), hostData(expected), expected.shape, tol);
    }
  });
}

/**
 * The linearization `J` of `fn` at `args` and its transpose agree: ⟨ct, J·t⟩ = ⟨Jᵀ·ct, t⟩ for
 * seeded random `t` and `ct` (every argument must be float).
 */
export function expectTransposeIdentity(
  fn: (...xs: Tensor[]) => Tensor[],
  args: readonly Tensor[],
  seed = 1,
  rtol = 1e-5,
): void {
  scope(() => {
    const lin = linearizeFlat(fn, args);
    const tangents = args.map((a, i) => randomTensor(a.shape, seed + 10 * i));
    const forward = applyLinear(lin, tangents);
    const cotangents = lin.outs.map((o, i) => randomTensor(o.shape, seed + 100 + i));
    const backward = pullBack(lin, args, cotangents);
    lin.dispose();
    let lhs = 0;
    let rhs = 0;
    let scale = 0;
    cotangents.forEach((ct, i) => {
      lhs += innerProduct(ct, forward[i] as Tensor);
      scale += productScale(ct, forward[i] as Tensor);
    });
    tangents.forEach((t, i) => {
      rhs += innerProduct(backward[i] as Tensor, t);
      scale += productScale(backward[i] as Tensor, t);
    });
    expect(Math.abs(lhs - rhs), `⟨ct, J·t⟩ = ${lhs} but ⟨Jᵀ·ct, t⟩ = ${rhs}`).toBeLessThanOrEqual(
      rtol * scale + 1e-6,
    );
  });
}

const MINIMAL = 'cpu-minimal';

/**
 * Run `fn` (in a scope) with a CPU backend lacking every optional method as the default backend,
 * and assert it leaves no live tensors there.
 */
export function onMinimalBackend(fn: () => void): void {
  if (!listBackends().includes(MINIMAL)) {
    // The CPU backend is a plain object of closures, so dropping methods needs no rebinding.
    const {
      conv: _conv,
      reduceWindow: _reduceWindow,
      cumulative: _cumulative,
      sort: _sort,
      compile: _compile,
      ...rest
    } = createCpuBackend({ name: MINIMAL });
    registerBackend({ ...rest, name: MINIMAL });
  }
  const live = () => memory()[MINIMAL]?.tensors ?? 0;
  const before = live();
  withBackend(MINIMAL, () => scope(fn));
  expect(live(), `live tensors left on ${MINIMAL}`).toBe(before);
}
