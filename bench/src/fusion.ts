/**
 * Fusion benchmark, printed as one JSON object of median milliseconds per call, on each kernel
 * path of the CPU backend (`wasm`: Wasm SIMD kernels, the default; `reference`: TypedArray
 * kernels):
 * - the elementwise workload `tanh(x * 2 + 1) * sigmoid(x)` on 1M float32 values —
 *   eager (one kernel and one new buffer per op), jitted without fusion (the backend's `compile`
 *   removed, so jit runs the ops one by one on recycled buffers) and jitted with fusion (one
 *   generated kernel, one pass over memory);
 * - one jitted SGD training step of the MLP 784-512-256-10 (batch 128, parameters donated),
 *   without and with fusion.
 * Run with `npx tsx --conditions=source bench/src/fusion.ts`.
 */
import { createCpuBackend } from '@tensile/backend-cpu';
import {
  fromHost,
  jit,
  nn,
  np,
  random,
  registerBackend,
  scope,
  type Tensor,
  tree,
  valueAndGrad,
  withBackend,
} from '@tensile/core';
import { timeMs } from './timing.js';

const SIZE = 1 << 20;

const PATHS = ['wasm', 'reference'] as const;
for (const kernels of PATHS) {
  registerBackend(createCpuBackend({ name: `${kernels}-fused`, kernels }));
  const { compile: _compile, ...withoutCompile } = createCpuBackend({ kernels });
  registerBackend({ ...withoutCompile, name: `${kernels}-unfused` });
}

const workload = (x: Tensor): Tensor => np.tanh(x.mul(2).add(1)).mul(nn.sigmoid(x));

/** Seeded inputs in [-3, 3) so both tanh and the sigmoid leave their flat tails. */
function input(): Tensor {
  let s = 12345;
  const data = Float32Array.from({ length: SIZE }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 6 - 3;
  });
  return fromHost(data, [SIZE], 'float32');
}

function elementwise(backend: string, jitted: boolean): number {
  return withBackend(backend, () =>
    scope(() => {
      const x = input();
      const f = jitted ? jit(workload) : workload;
      const ms = timeMs(() => f(x).dispose(), { warmup: 3, repeats: 21 });
      if (jitted) (f as ReturnType<typeof jit>).dispose();
      return ms;
    }),
  );
}

function mlpStep(backend: string): number {
  return withBackend(backend, () =>
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
      const labels = nn.oneHot(np.arange(128).mod(10), 10);
      type P = typeof params;
      const loss = (p: P) => {
        let h: Tensor = x;
        p.forEach(({ w, b }, i) => {
          h = h.matmul(w).add(b);
          if (i < p.length - 1) h = nn.relu(h);
        });
        return np.mean(np.sum(nn.logSoftmax(h).mul(labels), { axis: -1 })).neg();
      };
      const step = jit(
        (p: P) => {
          const [value, g] = valueAndGrad(loss)(p);
          return [value, tree.map((w: Tensor, gw: Tensor) => w.sub(gw.mul(0.01)), p, [g])];
        },
        { donateArgnums: [0] },
      );
      const ms = timeMs(
        () => {
          const [value, next] = step(params) as [Tensor, P];
          value.dispose();
          params = next;
        },
        { warmup: 3, repeats: 11 },
      );
      tree.dispose(params);
      step.dispose();
      return ms;
    }),
  );
}

const results: Record<string, string | number> = {
  elementwise: 'tanh(x*2+1)*sigmoid(x), 1M float32',
  mlp: 'SGD step, MLP 784-512-256-10, batch 128',
};
for (const kernels of PATHS) {
  results[`${kernels}.elementwise.eagerMs`] = elementwise(`${kernels}-unfused`, false);
  results[`${kernels}.elementwise.jitUnfusedMs`] = elementwise(`${kernels}-unfused`, true);
  results[`${kernels}.elementwise.jitFusedMs`] = elementwise(`${kernels}-fused`, true);
  results[`${kernels}.mlp.jitUnfusedMs`] = mlpStep(`${kernels}-unfused`);
  results[`${kernels}.mlp.jitFusedMs`] = mlpStep(`${kernels}-fused`);
}

console.log(
  JSON.stringify(results, (_k, v) => (typeof v === 'number' ? Number(v.toPrecision(4)) : v), 2),
);
