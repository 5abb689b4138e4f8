/**
 * Micro-benchmarks of @tensile/backend-cpu's kernels, called through the Backend API directly
 * (no tracing, no tensors): float32 matmul GFLOP/s at N = 256, 512, 1024; the convolutions of
 * the benchmark CNN at batch 64 — forward, input gradient and filter gradient, with exactly the
 * operands the core passes (transposed and flipped views); and elementwise, reduction and
 * pooling kernels on its first activation (1.6M floats). Prints one table per kernel path and
 * thread count.
 *
 * Run: npx tsx --conditions=source bench/src/cpu-kernels.ts [--reference] [--relaxed]
 * [--threads 1,2] (`--reference` adds the TypedArray kernels, `--relaxed` uses relaxed-SIMD FMA,
 * which Node 20 only validates under `node --experimental-wasm-relaxed-simd`, `--threads` lists
 * the thread counts to run the Wasm kernels with, default 1). With more than one thread the CPU
 * time is summed over all of them, so wall time is the number that counts; on a machine whose
 * cores are busy with other work, threads help less than they would on an idle one.
 */
import { createCpuBackend } from '@tensile/backend-cpu';
import type { Backend, ConvParams, OutputSpec, StridedView, WindowParams } from '@tensile/core';
import { median } from './timing.js';

const argv = process.argv.slice(2);
const args = new Set(argv);
const threadsAt = argv.indexOf('--threads');
const threadCounts =
  threadsAt >= 0 ? (argv[threadsAt + 1] ?? '1').split(',').map((t) => Number.parseInt(t, 10)) : [1];
if (threadCounts.some((t) => !(t >= 1))) throw new Error('--threads takes counts like 1,2');
/** The runs: each thread count on the Wasm kernels, then the TypedArray kernels if asked. */
const runs: { kernels: 'wasm' | 'reference'; threads: number }[] = [
  ...threadCounts.map((threads) => ({ kernels: 'wasm' as const, threads })),
  ...(args.has('--reference') ? [{ kernels: 'reference' as const, threads: 1 }] : []),
];

/**
 * Median wall and CPU milliseconds of `fn` after two warm-up calls, over at least `repeats` runs
 * and about `budgetMs`. On one thread and an idle machine the two agree; when other processes
 * compete for the cores, CPU time still measures the kernel itself. With worker threads CPU time
 * sums all of them.
 */
function time(fn: () => void, repeats: number, budgetMs = 2000): { wall: number; cpu: number } {
  fn();
  fn();
  const walls: number[] = [];
  const cpus: number[] = [];
  const start = performance.now();
  while (walls.length < repeats || (performance.now() - start < budgetMs && walls.length < 200)) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    walls.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpus.push((c.user + c.system) / 1000);
  }
  return { wall: median(walls), cpu: median(cpus) };
}

function contiguous(shape: readonly number[]): number[] {
  const strides: number[] = [];
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d];
  }
  return strides;
}

/** A random float32 tensor on `backend`, viewed contiguously. */
function tensor(backend: Backend, shape: number[]): StridedView {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = Float32Array.from({ length: size }, () => Math.random() * 2 - 1);
  const buffer = backend.alloc(data.byteLength);
  backend.write(buffer, new Uint8Array(data.buffer));
  return { buffer, dtype: 'float32', shape, strides: contiguous(shape), offset: 0 };
}

function output(backend: Backend, shape: number[]): OutputSpec {
  return { buffer: backend.alloc(4 * shape.reduce((a, b) => a * b, 1)), dtype: 'float32', shape };
}

/** `x` with axes 0 and 1 swapped (a view, as `lax.transpose` gives the backend). */
function swap01(x: StridedView): StridedView {
  const [a, b, ...rest] = x.shape;
  const [sa, sb, ...restStrides] = x.strides;
  return { ...x, shape: [b, a, ...rest], strides: [sb, sa, ...restStrides] };
}

/** `x` reversed along its spatial axes (negative strides, as `lax.rev`). */
function flipSpatial(x: StridedView): StridedView {
  let offset = x.offset;
  const strides = x.strides.map((s, d) => {
    if (d < 2) return s;
    offset += (x.shape[d] - 1) * s;
    return -s;
  });
  return { ...x, strides, offset };
}

const same = (pad: number): ConvParams => ({
  windowStrides: [1, 1],
  padding: [
    [pad, pad],
    [pad, pad],
  ],
  lhsDilation: [1, 1],
  rhsDilation: [1, 1],
  featureGroupCount: 1,
  batchGroupCount: 1,
});

for (const { kernels, threads } of runs) {
  const backend = createCpuBackend({
    kernels,
    threads,
    ...(kernels === 'wasm' && args.has('--relaxed') ? { relaxedSimd: true } : {}),
  });
  const rows: [string, string][] = [];
  for (const n of [256, 512, 1024]) {
    if (kernels === 'reference' && n > 512) continue;
    const a = tensor(backend, [n, n]);
    const b = tensor(backend, [n, n]);
    const c = output(backend, [n, n]);
    const t = time(
      () => backend.dotGeneral(a, b, { contracting: [[1], [0]], batch: [[], []] }, c),
      n > 512 ? 5 : 10,
    );
    const gflops = (ms: number) => ((2 * n ** 3) / (ms * 1e6)).toFixed(1);
    rows.push([`matmul ${n}×${n}×${n}`, `${gflops(t.wall)} GFLOP/s (cpu time: ${gflops(t.cpu)})`]);
    for (const id of [a.buffer, b.buffer, c.buffer]) backend.free(id);
  }
  // The two conv layers of the benchmark CNN (SAME padding), batch 64.
  for (const [channels, features, size] of [
    [1, 32, 28],
    [32, 64, 14],
  ]) {
    const batch = 64;
    const x = tensor(backend, [batch, channels, size, size]);
    const w = tensor(backend, [features, channels, 3, 3]);
    const dy = tensor(backend, [batch, features, size, size]);
    const y = output(backend, [batch, features, size, size]);
    const dx = output(backend, [batch, channels, size, size]);
    const dwT = output(backend, [channels, features, 3, 3]);
    const flops = 2 * batch * features * channels * 9 * size * size;
    const label = `conv ${channels}→${features} 3×3 on ${size}×${size}`;
    const report = (what: string, fn: () => void) => {
      const t = time(fn, 5);
      const gflops = (ms: number) => (flops / (ms * 1e6)).toFixed(1);
      rows.push([
        `${label} ${what}`,
        `${t.wall.toFixed(2)} ms, ${gflops(t.wall)} GFLOP/s (cpu time: ${t.cpu.toFixed(2)} ms, ${gflops(t.cpu)})`,
      ]);
    };
    report('forward', () => backend.conv?.(x, w, same(1), y));
    // Input gradient: dy ⋆ (w with in/out swapped and flipped), as the core's transposeLhs.
    report('input grad', () => backend.conv?.(dy, flipSpatial(swap01(w)), same(1), dx));
    // Filter gradient: x with batch/channels swapped ⋆ dy swapped, as the core's transposeRhs.
    report('filter grad', () => backend.conv?.(swap01(x), swap01(dy), same(1), dwT));
    for (const id of [x.buffer, w.buffer, dy.buffer, y.buffer, dx.buffer, dwT.buffer]) {
      backend.free(id);
    }
  }
  // Memory-bound kernels: elementwise, reductions and pooling on a CNN activation.
  {
    const shape = [64, 32, 28, 28];
    const x = tensor(backend, shape);
    const y = tensor(backend, shape);
    const out = output(backend, shape);
    const rowsOut = output(backend, [64 * 32 * 28]);
    const columnsOut = output(backend, [32 * 28 * 28]);
    const pooled = output(backend, [64, 32, 14, 14]);
    const reshaped = (v: StridedView, to: number[]) => ({
      ...v,
      shape: to,
      strides: contiguous(to),
    });
    const label = `${((64 * 32 * 28 * 28) / 1e6).toFixed(1)}M floats`;
    const report = (what: string, fn: () => void) => {
      const t = time(fn, 10);
      rows.push([
        `${what}, ${label}`,
        `${t.wall.toFixed(2)} ms (cpu time: ${t.cpu.toFixed(2)} ms)`,
      ]);
    };
    report('add', () => backend.binary('add', x, y, out));
    report('tanh', () => backend.unary('tanh', x, out));
    report('exp', () => backend.unary('exp', x, out));
    report('sum over the last axis', () =>
      backend.reduce('sum', reshaped(x, [64 * 32 * 28, 28]), [1], rowsOut),
    );
    report('sum over the batch axis', () =>
      backend.reduce('sum', reshaped(x, [64, 32 * 28 * 28]), [0], columnsOut),
    );
    const pool2x2: WindowParams = {
      windowDimensions: [1, 1, 2, 2],
      windowStrides: [1, 1, 2, 2],
      padding: [
        [0, 0],
        [0, 0],
        [0, 0],
        [0, 0],
      ],
      baseDilation: [1, 1, 1, 1],
      windowDilation: [1, 1, 1, 1],
    };
    report('max pool 2×2 stride 2', () => backend.reduceWindow?.('max', x, pool2x2, pooled));
    for (const v of [x, y, out, rowsOut, columnsOut, pooled]) backend.free(v.buffer);
  }
  await backend.dispose();
  const relaxed = kernels === 'wasm' && args.has('--relaxed') ? ', relaxed-SIMD FMA' : '';
  console.log(
    `\n${kernels} kernels (${backend.threads} thread${backend.threads > 1 ? 's' : ''}${relaxed}):`,
  );
  for (const [what, value] of rows) console.log(`  ${what.padEnd(44)} ${value}`);
}
