/**
 * Core benchmarks on the reference CPU backend, printed as one JSON object: eager dispatch
 * overhead, jit call overhead, matmul GFLOP/s and one MLP training step. Run with `npm run bench`.
 * The comparison against TensorFlow.js and jax-js is `peers/` (`npm run bench:peers`).
 */
import { createCpuBackend } from '@tensile/backend-cpu';
import {
  jit,
  nn,
  np,
  random,
  registerBackend,
  scope,
  type Tensor,
  tree,
  valueAndGrad,
} from '@tensile/core';
import { timeMs } from './timing.js';

registerBackend(createCpuBackend());

const results: Record<string, number> = {};

// Eager op overhead: a tiny add, result read synchronously so the work is really done.
scope(() => {
  const a = np.ones([4]);
  const b = np.ones([4]);
  results.eagerAddMicroseconds =
    1000 * timeMs(() => np.add(a, b).dispose(), { warmup: 20000, repeats: 20, inner: 2000 });
});

// jit call overhead: a jitted function of one small op.
scope(() => {
  const f = jit((x: Tensor) => x.add(1));
  const x = np.ones([4]);
  results.jitCallMicroseconds =
    1000 * timeMs(() => f(x).dispose(), { warmup: 20000, repeats: 20, inner: 2000 });
  f.dispose();
});

// fp32 matmul throughput.
for (const n of [256, 1024]) {
  scope(() => {
    const [k1, k2] = random.split(random.key(n));
    const a = random.normal(k1, [n, n]);
    const b = random.normal(k2, [n, n]);
    const ms = timeMs(() => np.matmul(a, b).dispose(), { warmup: 1, repeats: n > 512 ? 3 : 10 });
    results[`matmulGflops${n}`] = (2 * n ** 3) / (ms * 1e6);
  });
}

// One MLP 784-512-256-10 training step (batch 128, SGD), jitted, parameters donated.
scope(() => {
  const sizes = [784, 512, 256, 10];
  const keys = random.split(random.key(0), 4);
  let params = sizes.slice(1).map((out, i) => ({
    w: random
      .normal(np.take(keys, i, { axis: 0 }), [sizes[i] as number, out])
      .mul(1 / Math.sqrt(sizes[i] as number)),
    b: np.zeros([out]),
  }));
  const x = random.normal(np.take(keys, 3, { axis: 0 }), [128, 784]);
  const y = np.arange(128).mod(10);
  type P = typeof params;
  const loss = (p: P) => {
    let h: Tensor = x;
    p.forEach(({ w, b }, i) => {
      h = h.matmul(w).add(b);
      if (i < p.length - 1) h = nn.relu(h);
    });
    return np.mean(np.sum(nn.logSoftmax(h).mul(nn.oneHot(y, 10)), { axis: -1 })).neg();
  };
  const step = jit(
    (p: P) => {
      const [, g] = valueAndGrad(loss)(p);
      return tree.map((w: Tensor, gw: Tensor) => w.sub(gw.mul(0.01)), p, [g]);
    },
    { donateArgnums: [0] },
  );
  results.mlpStepMs = timeMs(
    () => {
      params = step(params);
    },
    { warmup: 2, repeats: 5 },
  );
  tree.dispose(params);
  step.dispose();
});

console.log(
  JSON.stringify(
    { backend: 'cpu', ...results },
    (_k, v) => (typeof v === 'number' ? Number(v.toPrecision(4)) : v),
    2,
  ),
);
