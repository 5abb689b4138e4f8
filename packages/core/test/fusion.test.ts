/**
 * jit fusion and the static memory plan, observed through a recording backend (a CPU backend
 * on its reference kernels whose calls are counted): elementwise chains and reductions run as
 * single compiled kernels, results equal the unfused program bit for bit, groups respect
 * `maxBindings`, never form cycles and fall back when `compile` declines, and a jitted training
 * step allocates nothing after its first call while `dispose()` gives the pooled buffers back.
 */
import { createCpuBackend } from '@tensile/backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DType,
  jit,
  lax,
  memory,
  nn,
  np,
  random,
  registerBackend,
  scope,
  type Tensor,
  tree,
  unregisterBackend,
  valueAndGrad,
  withBackend,
} from '../src/index.js';
import type { KernelGraph } from '../src/internal/backend.js';
import { partitionFusionGroups } from '../src/internal/jaxpr/fusion.js';
import { type RecordingBackend, recordingBackend } from './support/recording-backend.js';
import { randomTensor, tensor } from './support/tensors.js';

const reference = () => createCpuBackend({ name: 'fusion-inner', kernels: 'reference' });

/** Fuses (the CPU backend's `compile`). */
const fused = recordingBackend(reference(), 'fusion-fused');
/** Never fuses: the same kernels one op at a time. */
const unfused = recordingBackend(reference(), 'fusion-unfused', { compile: null });
/** Fuses, but no kernel may bind more than 3 buffers. */
const narrow = recordingBackend(reference(), 'fusion-narrow', { maxBindings: 3 });
/** Has `compile` but declines every graph. */
const declining = recordingBackend(reference(), 'fusion-declining', { compile: () => undefined });
/** The default CPU configuration (Wasm SIMD kernels), fusing and not. */
const wasmFused = recordingBackend(
  createCpuBackend({ name: 'wasm-inner', kernels: 'wasm' }),
  'fusion-wasm',
);
const wasmUnfused = recordingBackend(
  createCpuBackend({ name: 'wasm-inner', kernels: 'wasm' }),
  'fusion-wasm-unfused',
  { compile: null },
);
const ALL = [fused, unfused, narrow, declining, wasmFused, wasmUnfused];

beforeAll(() => {
  for (const b of ALL) registerBackend(b);
});
afterAll(() => {
  for (const b of ALL) unregisterBackend(b.name);
});

/** Run `fn` in a scope on `backend`, checking it leaves no live tensors there. */
function on<T>(backend: RecordingBackend, fn: () => T): T {
  const live = () => memory()[backend.name]?.tensors ?? 0;
  const before = live();
  const result = withBackend(backend.name, () => scope(fn));
  expect(live(), `live tensors left on ${backend.name}`).toBe(before);
  return result;
}

/** Host values of `fn(...inputs)` jitted on `backend`, with the calls the second run made. */
function runJitted(
  backend: RecordingBackend,
  fn: (...xs: Tensor[]) => Tensor,
  inputs: () => Tensor[],
): { values: number[]; second: Record<string, number>; launches: number } {
  return on(backend, () => {
    const jf = jit(fn);
    const xs = inputs();
    jf(...xs).dispose();
    backend.reset();
    const y = jf(...xs);
    const second = { ...backend.calls };
    const launches = backend.launches();
    const values = Array.from(y.dataSync() as ArrayLike<number>);
    jf.dispose();
    return { values, second, launches };
  });
}

/** Bit-identical arrays (NaN equals NaN, -0 differs from 0). */
function expectIdentical(actual: readonly number[], expected: readonly number[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((v, i) => {
    if (!Object.is(v, expected[i])) throw new Error(`element ${i}: ${v}, expected ${expected[i]}`);
  });
}

describe('elementwise fusion', () => {
  const inputs = () => [randomTensor([3, 50], 1)];

  it('a chain of six elementwise ops runs as one compiled kernel, identical to unfused', () => {
    const chain = (x: Tensor) => np.abs(np.exp(x.mul(2).add(1).neg()).sub(x));
    const a = runJitted(fused, chain, inputs);
    const b = runJitted(unfused, chain, inputs);
    expect(a.second).toEqual({ kernel: 1, flush: 1 });
    expect(b.launches).toBe(8); // the six ops and the two constants' fills
    expectIdentical(a.values, b.values);
  });

  it('tanh(x*2+1)*sigmoid(x) is one kernel', () => {
    const f = (x: Tensor) => np.tanh(x.mul(2).add(1)).mul(nn.sigmoid(x));
    const a = runJitted(fused, f, inputs);
    expect(a.launches).toBe(1);
    expect(a.second.compile).toBeUndefined();
    expectIdentical(a.values, runJitted(unfused, f, inputs).values);
  });

  it('on the Wasm kernels too: one kernel, identical to the unfused Wasm kernels', () => {
    const big = () => [randomTensor([3, 333], 13).mul(4)];
    for (const f of [
      (x: Tensor) => np.tanh(x.mul(2).add(1)).mul(nn.sigmoid(x)),
      (x: Tensor) => np.abs(np.exp(x.mul(2).add(1).neg()).sub(x)),
    ]) {
      const a = runJitted(wasmFused, f, big);
      expect(a.launches).toBe(1);
      expectIdentical(a.values, runJitted(wasmUnfused, f, big).values);
    }
  });

  it('integer, bool and mixed-dtype chains fuse and stay exact (wrapping, casts, select)', () => {
    const ints = () => [tensor([2147483647, -5, 7, 0, -2147483648, 123456], [6], 'int32')];
    const f = (x: Tensor) => {
      const wrapped = x.mul(3).add(x); // wraps modulo 2^32
      const positive = np.greater(wrapped, 0);
      return np.where(
        positive,
        wrapped.astype('float32').mul(0.1),
        np.floorDivide(x, 7).astype('float32'),
      );
    };
    const a = runJitted(fused, f, ints);
    expect(a.launches).toBe(1);
    expectIdentical(a.values, runJitted(unfused, f, ints).values);
  });

  it('inputs read through broadcasts and transposes stay strided loads of one kernel', () => {
    const two = () => [randomTensor([4, 5], 2), randomTensor([5], 3)];
    const f = (m: Tensor, v: Tensor) => np.exp(m.add(v)).mul(m.T.T).sub(v);
    const a = runJitted(fused, f, two);
    expect(a.launches).toBe(1);
    expectIdentical(a.values, runJitted(unfused, f, two).values);
  });

  it('a kernel is recompiled when the same signature arrives with other strides', () => {
    on(fused, () => {
      const jf = jit((x: Tensor) => x.mul(x).add(1).sqrt());
      const base = randomTensor([6, 4], 4);
      const contiguous = base.T.add(0);
      const transposed = base.T; // same shape and dtype, other strides
      const a = Array.from(jf(contiguous).dataSync());
      fused.reset();
      const b = Array.from(jf(transposed).dataSync());
      expect(fused.calls.compile).toBe(1);
      expectIdentical(b, a);
      jf.dispose();
    });
  });
});

describe('reduction fusion', () => {
  it('a reduction with its prologue and epilogue is one kernel', () => {
    const inputs = () => [randomTensor([16, 33], 5)];
    const f = (x: Tensor) => np.sqrt(np.sum(x.sub(0.25).mul(x.sub(0.25)), { axis: 1 }).mul(0.5));
    const a = runJitted(fused, f, inputs);
    expect(a.launches).toBe(1);
    expectIdentical(a.values, runJitted(unfused, f, inputs).values);
  });

  it('softmax is at most 3 kernels and identical to unfused', () => {
    const inputs = () => [randomTensor([8, 10], 6).mul(30)];
    for (const axis of [-1, 0]) {
      const f = (x: Tensor) => nn.softmax(x, { axis });
      const a = runJitted(fused, f, inputs);
      expect(a.launches).toBeLessThanOrEqual(3);
      expectIdentical(a.values, runJitted(unfused, f, inputs).values);
    }
  });

  it('logSoftmax and a column sum over a transposed input are exact', () => {
    const inputs = () => [randomTensor([12, 7], 7).mul(1e4)];
    for (const f of [
      (x: Tensor) => nn.logSoftmax(x),
      (x: Tensor) => np.sum(x.T.mul(3), { axis: 1 }),
      (x: Tensor) => np.max(np.exp(x.mul(1e-4)), { axis: [0, 1] }),
    ]) {
      const a = runJitted(fused, f, inputs);
      expectIdentical(a.values, runJitted(unfused, f, inputs).values);
    }
  });
});

describe('fusion groups', () => {
  it('never form a cycle through an op outside the group', () => {
    // exp(x) feeds both a matmul and the product with its result: they cannot share a kernel.
    const two = () => [randomTensor([5, 5], 8), randomTensor([5, 5], 9)];
    const f = (x: Tensor, w: Tensor) => {
      const e = np.exp(x.mul(0.5));
      return e.mul(e.matmul(w)).add(1);
    };
    on(fused, () => {
      const [x, w] = two();
      const jf = jit(f);
      const { groups } = partitionFusionGroups(jf.lower(x as Tensor, w as Tensor).jaxpr);
      jf.dispose();
      expect(groups.map((g) => g.eqns.map((e) => e.primitive))).toEqual([
        ['mul', 'exp'],
        ['mul', 'add'],
      ]);
    });
    expectIdentical(runJitted(fused, f, two).values, runJitted(unfused, f, two).values);
  });

  it('respect maxBindings by fusing less', () => {
    const four = () => [1, 2, 3, 4].map((s) => randomTensor([9], s));
    const f = (a: Tensor, b: Tensor, c: Tensor, d: Tensor) =>
      np.tanh(
        a
          .mul(b)
          .add(c.mul(d))
          .sub(a.mul(d))
          .add(b.div(c.add(2))),
      );
    const graphs: KernelGraph[] = [];
    const compile = narrow.compile;
    narrow.compile = (graph) => {
      graphs.push(graph);
      return compile?.(graph);
    };
    const a = runJitted(narrow, f, four);
    narrow.compile = compile;
    expect(graphs.length).toBeGreaterThan(1);
    for (const g of graphs) expect(g.inputs.length + g.outputs.length).toBeLessThanOrEqual(3);
    expect(a.launches).toBeLessThan(9);
    expectIdentical(a.values, runJitted(unfused, f, four).values);
  });

  it('run op by op when the backend declines, constants included', () => {
    const inputs = () => [randomTensor([7], 10)];
    const f = (x: Tensor) => np.sum(np.exp(x.mul(2).add(1)), { axis: 0 }).add(3);
    const a = runJitted(declining, f, inputs);
    expect(a.second.kernel).toBeUndefined();
    expectIdentical(a.values, runJitted(unfused, f, inputs).values);
  });
});

describe('static memory plan', () => {
  type Dense = { w: Tensor; b: Tensor };
  const sizes = [20, 16, 12, 5];

  function trainMlp(backend: RecordingBackend, steps: number) {
    return on(backend, () => {
      const keys = random.split(random.key(0), 4);
      let params: Dense[] = sizes.slice(1).map((out, i) => ({
        w: random.normal(np.take(keys, i, { axis: 0 }), [sizes[i] as number, out]).mul(0.3),
        b: np.zeros([out]), // a broadcast scalar: its buffer is too small to recycle
      }));
      const x = random.normal(np.take(keys, 3, { axis: 0 }), [8, 20]);
      const y = np.arange(8).mod(5);
      const loss = (p: Dense[], xb: Tensor, yb: Tensor) => {
        let h = xb;
        p.forEach(({ w, b }, i) => {
          h = h.matmul(w).add(b);
          if (i < p.length - 1) h = nn.relu(h);
        });
        return np.mean(np.sum(nn.logSoftmax(h).mul(nn.oneHot(yb, 5)), { axis: -1 })).neg();
      };
      const step = jit(
        (p: Dense[], xb: Tensor, yb: Tensor): [Tensor, Dense[]] => {
          const [l, g] = valueAndGrad(loss)(p, xb, yb);
          return [l, tree.map((w: Tensor, gw: Tensor) => w.sub(gw.mul(0.1)), p, [g])];
        },
        { donateArgnums: [0] },
      );
      const losses: number[] = [];
      const allocs: number[] = [];
      const launches: number[] = [];
      for (let s = 0; s < steps; s++) {
        backend.reset();
        const [l, next] = step(params, x, y);
        params = next;
        allocs.push(backend.calls.alloc ?? 0);
        launches.push(backend.launches());
        losses.push(l.item() as number);
        l.dispose();
      }
      const pooled = memory()[backend.name]?.pooledBuffers ?? 0;
      const finalParams = params.flatMap((p) => [...p.w.dataSync(), ...p.b.dataSync()]);
      tree.dispose(params);
      step.dispose();
      return { losses, allocs, launches, pooled, finalParams };
    });
  }

  it('a jitted MLP step (valueAndGrad + SGD) allocates nothing after its first call', () => {
    const run = trainMlp(fused, 4);
    expect(run.allocs[0]).toBeGreaterThan(0);
    expect(run.allocs.slice(1)).toEqual([0, 0, 0]);
    // 8 matmuls (forward and backward), the one-hot iota and ~13 fused kernels (the first call
    // also folds constants while compiling).
    for (const n of run.launches.slice(1)) expect(n).toBeLessThanOrEqual(24);
    expect(run.pooled).toBeGreaterThan(0);
    const plain = trainMlp(unfused, 4);
    expect(plain.launches[0]).toBeGreaterThan(60);
    expect(plain.allocs.slice(1)).toEqual([0, 0, 0]);
    expectIdentical(run.losses, plain.losses);
    expectIdentical(run.finalParams, plain.finalParams);
    expect(run.losses[3]).toBeLessThan(run.losses[0] as number);
  });

  it('on the Wasm kernels the step is identical to unfused and allocation-free after its first call', () => {
    const run = trainMlp(wasmFused, 3);
    const plain = trainMlp(wasmUnfused, 3);
    expect(run.allocs.slice(1)).toEqual([0, 0]);
    expect(run.launches[2]).toBeLessThan(plain.launches[2] as number);
    expectIdentical(run.losses, plain.losses);
    expectIdentical(run.finalParams, plain.finalParams);
  });

  it('pooled buffers are reported apart from live ones and released by dispose()', () => {
    const stats = () => (fused as unknown as { stats(): { buffers: number } }).stats().buffers;
    const before = stats();
    on(fused, () => {
      const jf = jit((x: Tensor) => np.exp(x.matmul(x)).sum());
      const x = randomTensor([6, 6], 11);
      const live = memory()['fusion-fused']?.buffers ?? 0;
      jf(x).dispose();
      jf(x).dispose();
      const after = memory()['fusion-fused'];
      expect(after?.buffers).toBe(live);
      expect(after?.pooledBuffers).toBeGreaterThan(0);
      expect(after?.pooledBytes).toBeGreaterThan(0);
      jf.dispose();
      expect(memory()['fusion-fused']?.pooledBuffers).toBe(0);
      expect(memory()['fusion-fused']?.pooledBytes).toBe(0);
    });
    expect(stats()).toBe(before);
  });

  it('results the caller keeps stay valid, and a donated input is recycled', () => {
    on(fused, () => {
      const step = jit((x: Tensor) => lax.add(x, x), { donateArgnums: [0] });
      let x = tensor([1, 2, 3]);
      const kept: Tensor[] = [];
      for (let i = 0; i < 3; i++) {
        fused.reset();
        x = step(x);
        if (i > 0) expect(fused.calls.alloc).toBeUndefined();
        kept.push(lax.neg(lax.neg(x))); // a copy the caller keeps
      }
      expect(kept.map((k) => Array.from(k.dataSync()))).toEqual([
        [2, 4, 6],
        [4, 8, 12],
        [8, 16, 24],
      ]);
      step.dispose();
    });
  });

  it('dtype-preserving conversions and stopGradient are free inside a kernel', () => {
    const inputs = () => [randomTensor([10], 12)];
    const f = (x: Tensor) =>
      lax
        .stopGradient(x.mul(2))
        .astype('float32' as DType)
        .add(1)
        .exp();
    const a = runJitted(fused, f, inputs);
    expect(a.launches).toBe(1);
    expectIdentical(a.values, runJitted(unfused, f, inputs).values);
  });
});
