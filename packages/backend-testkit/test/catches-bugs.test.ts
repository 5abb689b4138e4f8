/**
 * The suite must fail on broken backends, not just pass on good ones. Each case here wraps the
 * CPU backend with one deliberate, realistic bug, runs the direct backend-method tests of the
 * suite on it (collected, not registered), and checks that the tests aimed at that bug fail
 * while the rest still pass.
 */
import { type CpuBackend, createCpuBackend } from '@tensile/backend-cpu';
import type { Backend, DType, OutputSpec, StridedView } from '@tensile/core';
import { describe, expect, it } from 'vitest';
import { registerBackendMethodTests } from '../src/internal/backend-methods.js';
import { Registrar, type Requirements, type TestRegistrar } from '../src/internal/registrar.js';
import { resolveTolerances } from '../src/options.js';

/** Collects the runnable tests of a suite instead of registering them with Vitest. */
class CollectingRegistrar implements TestRegistrar {
  readonly tests = new Map<string, () => void | Promise<void>>();
  readonly #skips: Registrar;

  constructor(backend: Backend) {
    this.#skips = new Registrar(backend, []);
  }

  test(
    id: string,
    _title: string,
    requirements: Requirements,
    body: () => void | Promise<void>,
  ): void {
    if (this.#skips.skipReason(id, requirements) === undefined) this.tests.set(id, body);
  }
}

/** Ids of the collected tests that throw on `backend`. */
async function failingTests(backend: Backend): Promise<string[]> {
  const registrar = new CollectingRegistrar(backend);
  registerBackendMethodTests({ backend, registrar, tolerances: resolveTolerances() });
  const failing: string[] = [];
  for (const [id, body] of registrar.tests) {
    try {
      await body();
    } catch {
      failing.push(id);
    }
  }
  return failing;
}

const contiguous = (out: OutputSpec): StridedView => {
  const strides = out.shape.map((_, d) => out.shape.slice(d + 1).reduce((n, s) => n * s, 1));
  return { ...out, strides, offset: 0 };
};

/** A scratch output on `cpu` (freed by the caller). */
function scratch(cpu: CpuBackend, dtype: DType, shape: readonly number[]): OutputSpec {
  const size = shape.reduce((n, d) => n * d, 1);
  return { buffer: cpu.alloc(Math.max(size * 4, 4)), dtype, shape };
}

/** The CPU backend with one method replaced by a buggy version built from the real kernels. */
type Mutation = (cpu: CpuBackend) => Partial<Backend>;

const MUTANTS: readonly (readonly [string, Mutation, readonly string[]])[] = [
  [
    'uint32 lt compared as signed int32',
    (cpu) => ({
      binary: (op, a, b, out) =>
        op === 'lt' && a.dtype === 'uint32'
          ? cpu.binary(op, { ...a, dtype: 'int32' }, { ...b, dtype: 'int32' }, out)
          : cpu.binary(op, a, b, out),
    }),
    ['binary/lt/uint32'],
  ],
  [
    'shiftLeft takes the amount modulo 32 (JS semantics)',
    (cpu) => ({
      binary: (op, a, b, out) => {
        if (op !== 'shiftLeft') return cpu.binary(op, a, b, out);
        const mask = scratch(cpu, b.dtype, []);
        const masked = scratch(cpu, b.dtype, b.shape);
        cpu.fill(mask, 31);
        cpu.binary(
          'and',
          b,
          { ...mask, shape: b.shape, strides: b.shape.map(() => 0), offset: 0 },
          masked,
        );
        cpu.binary(op, a, contiguous(masked), out);
        cpu.free(mask.buffer);
        cpu.free(masked.buffer);
      },
    }),
    ['binary/shiftLeft/int32', 'binary/shiftLeft/uint32'],
  ],
  [
    'exp 30 ppm too large',
    (cpu) => ({
      unary: (op, x, out) => {
        if (op !== 'exp') return cpu.unary(op, x, out);
        const exact = scratch(cpu, out.dtype, out.shape);
        const factor = scratch(cpu, out.dtype, []);
        cpu.unary(op, x, exact);
        cpu.fill(factor, 1 + 3e-5);
        cpu.binary(
          'mul',
          contiguous(exact),
          { ...factor, shape: out.shape, strides: out.shape.map(() => 0), offset: 0 },
          out,
        );
        cpu.free(exact.buffer);
        cpu.free(factor.buffer);
      },
    }),
    ['unary/exp/float32', 'unary/strided-operands'],
  ],
  [
    'cast float32 → int32 rounds instead of truncating',
    (cpu) => ({
      cast: (x, out) => {
        if (x.dtype !== 'float32' || out.dtype !== 'int32') return cpu.cast(x, out);
        const rounded = scratch(cpu, 'float32', x.shape);
        cpu.unary('round', x, rounded);
        cpu.cast(contiguous(rounded), out);
        cpu.free(rounded.buffer);
      },
    }),
    ['cast/float32-to-int32', 'cast/strided-input'],
  ],
  [
    'copy ignores the view offset',
    (cpu) => ({ copy: (x, out) => cpu.copy({ ...x, offset: 0 }, out) }),
    ['copy/reversed/float32', 'copy/sliced/int32', 'copy/views/bool'],
  ],
  [
    'dotGeneral reads the lhs as if contiguous',
    (cpu) => ({
      dotGeneral: (a, b, dims, out) => {
        const strides = a.shape.map((_, d) => a.shape.slice(d + 1).reduce((n, s) => n * s, 1));
        cpu.dotGeneral({ ...a, strides, offset: 0 }, b, dims, out);
      },
    }),
    ['dotGeneral/transposed-views/float32', 'dotGeneral/int32'],
  ],
  [
    'threefry2x32 flips the lowest bit of out1',
    (cpu) => ({
      threefry2x32: (k0, k1, x0, x1, out0, out1) => {
        const raw = scratch(cpu, 'uint32', out1.shape);
        const one = scratch(cpu, 'uint32', []);
        cpu.threefry2x32(k0, k1, x0, x1, out0, raw);
        cpu.fill(one, 1);
        cpu.binary(
          'xor',
          contiguous(raw),
          { ...one, shape: out1.shape, strides: out1.shape.map(() => 0), offset: 0 },
          out1,
        );
        cpu.free(raw.buffer);
        cpu.free(one.buffer);
      },
    }),
    ['threefry2x32/known-vectors', 'threefry2x32/strided-views'],
  ],
];

describe('the suite catches broken backends', () => {
  it('a correct CPU backend fails no backend-method test', async () => {
    expect(await failingTests(createCpuBackend())).toEqual([]);
  });

  for (const [bug, mutation, expected] of MUTANTS) {
    it(`fails the targeted tests, and no unrelated ones, when ${bug}`, async () => {
      const cpu = createCpuBackend({ name: 'mutant' });
      const failing = await failingTests({ ...cpu, ...mutation(cpu) });
      for (const id of expected) expect(failing, `${id} should fail`).toContain(id);
      // A bug in one method may surface in other tests that use it, but never in unrelated ones.
      const family = new Set(expected.map((id) => id.split('/')[0]));
      const unrelated = failing.filter(
        (id) => !family.has(id.split('/')[0] as string) && !id.startsWith('memory/'),
      );
      expect(unrelated).toEqual([]);
    });
  }
});
