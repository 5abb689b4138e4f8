/**
 * Threads against one thread on the CPU backend's Wasm kernels, measured interleaved: float32
 * matmul at N = 1024 and the convolutions of the benchmark CNN at batch 64 (forward, input
 * gradient, filter gradient), each run alternately on a one-thread backend and on one with
 * `--threads` threads (default 2), so that load from other processes hits both alike. Prints the
 * median of each, the speedup of the medians, and in how many alternations the threaded run won.
 * `cpu-kernels.ts --threads 1,2` times each configuration in turn instead.
 *
 * Run: npx tsx --conditions=source bench/src/cpu-threads.ts [--threads 2] [--repeats 30]
 */
import { createCpuBackend } from '@tensile/backend-cpu';
import type { Backend, ConvParams, OutputSpec, StridedView } from '@tensile/core';
import { median } from './timing.js';

const argv = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const at = argv.indexOf(name);
  return at >= 0 ? Number.parseInt(argv[at + 1] ?? '', 10) : fallback;
};
const threads = option('--threads', 2);
const repeats = option('--repeats', 30);

const single = createCpuBackend({ name: 'one-thread', threads: 1 });
const threaded = createCpuBackend({ name: 'threaded', threads });

function contiguous(shape: readonly number[]): number[] {
  const strides: number[] = [];
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d];
  }
  return strides;
}

/** The same random float32 tensor uploaded to each backend. */
function tensor(shape: number[]): [StridedView, StridedView] {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = Float32Array.from({ length: size }, () => Math.random() * 2 - 1);
  const upload = (backend: Backend): StridedView => {
    const buffer = backend.alloc(data.byteLength);
    backend.write(buffer, new Uint8Array(data.buffer));
    return { buffer, dtype: 'float32', shape, strides: contiguous(shape), offset: 0 };
  };
  return [upload(single), upload(threaded)];
}

function output(shape: number[]): [OutputSpec, OutputSpec] {
  const bytes = 4 * shape.reduce((a, b) => a * b, 1);
  const make = (backend: Backend): OutputSpec => ({
    buffer: backend.alloc(bytes),
    dtype: 'float32',
    shape,
  });
  return [make(single), make(threaded)];
}

function swap01(x: StridedView): StridedView {
  const [a, b, ...rest] = x.shape;
  const [sa, sb, ...restStrides] = x.strides;
  return { ...x, shape: [b, a, ...rest], strides: [sb, sa, ...restStrides] };
}

function flipSpatial(x: StridedView): StridedView {
  let offset = x.offset;
  const strides = x.strides.map((s, d) => {
    if (d < 2) return s;
    offset += (x.shape[d] - 1) * s;
    return -s;
  });
  return { ...x, strides, offset };
}

const same: ConvParams = {
  windowStrides: [1, 1],
  padding: [
    [1, 1],
    [1, 1],
  ],
  lhsDilation: [1, 1],
  rhsDilation: [1, 1],
  featureGroupCount: 1,
  batchGroupCount: 1,
};

/** Alternate `run` on the two backends; print medians, speedup and wins. */
async function compare(label: string, flops: number, run: (backend: Backend, k: 0 | 1) => void) {
  for (let i = 0; i < 3; i++) {
    run(single, 0);
    run(threaded, 1);
    // Let the worker threads start (and pick up the kernels) before timing.
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const times: [number[], number[]] = [[], []];
  let wins = 0;
  for (let r = 0; r < repeats; r++) {
    const timed = (backend: Backend, k: 0 | 1) => {
      const t0 = performance.now();
      run(backend, k);
      return performance.now() - t0;
    };
    const pair = [timed(single, 0), timed(threaded, 1)];
    times[0].push(pair[0]);
    times[1].push(pair[1]);
    if (pair[1] < pair[0]) wins++;
  }
  const [one, many] = times.map(median);
  const gflops = (ms: number) => (flops / (ms * 1e6)).toFixed(1);
  console.log(
    `  ${label.padEnd(40)} 1 thread ${one.toFixed(2).padStart(7)} ms (${gflops(one)} GFLOP/s)` +
      `  ${threads} threads ${many.toFixed(2).padStart(7)} ms (${gflops(many)} GFLOP/s)` +
      `  ×${(one / many).toFixed(2)}, faster in ${wins}/${repeats}`,
  );
}

console.log(
  `CPU backend, Wasm kernels: 1 thread vs ${threaded.threads} threads, interleaved, medians of ${repeats}:`,
);
{
  const n = 1024;
  const [a, b, c] = [tensor([n, n]), tensor([n, n]), output([n, n])];
  await compare(`matmul ${n}×${n}×${n}`, 2 * n ** 3, (backend, k) =>
    backend.dotGeneral(a[k], b[k], { contracting: [[1], [0]], batch: [[], []] }, c[k]),
  );
}
for (const [channels, features, size] of [
  [1, 32, 28],
  [32, 64, 14],
]) {
  const batch = 64;
  const x = tensor([batch, channels, size, size]);
  const w = tensor([features, channels, 3, 3]);
  const dy = tensor([batch, features, size, size]);
  const y = output([batch, features, size, size]);
  const dx = output([batch, channels, size, size]);
  const dwT = output([channels, features, 3, 3]);
  const flops = 2 * batch * features * channels * 9 * size * size;
  const label = `conv ${channels}→${features} 3×3 on ${size}×${size}`;
  await compare(`${label} forward`, flops, (backend, k) => backend.conv?.(x[k], w[k], same, y[k]));
  await compare(`${label} input grad`, flops, (backend, k) =>
    backend.conv?.(dy[k], flipSpatial(swap01(w[k])), same, dx[k]),
  );
  await compare(`${label} filter grad`, flops, (backend, k) =>
    backend.conv?.(swap01(x[k]), swap01(dy[k]), same, dwT[k]),
  );
}
await Promise.all([single.dispose(), threaded.dispose()]);
