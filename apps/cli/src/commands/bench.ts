/**
 * `tensile bench`: quick timings on the chosen backend — fp32 matmul GFLOP/s and ms per jitted
 * training step (forward + backward + Adam) of DESIGN §8's MLP (784-512-256-10, batch 128) and
 * small CNN (conv32-pool-conv64-pool-fc128-fc10, batch 64) — each the median of timed runs after
 * warm-up, every result read back so the work is done. `--full` runs the repository's benchmark
 * suite instead (`npm run bench`, the `@tensile/bench` workspace, CPU only).
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jit, np, random, scope, type Tensor, tree, valueAndGrad } from '@tensile/core';
import * as nn from '@tensile/nn';
import { adam, applyUpdates } from '@tensile/optim';
import { mlp, vggSmall } from '@tensile/zoo';
import { choiceOption, flag, intOption, type OptionValues } from '../args.js';
import { BACKEND_CHOICES, type BackendChoice, selectBackend } from '../backend.js';
import type { CliContext } from '../context.js';

export const options = {
  backend: { type: 'string', default: 'auto' },
  repeats: { type: 'string', default: '5' },
  size: { type: 'string', default: '1024' },
  quick: { type: 'boolean' },
  full: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const usage = `tensile bench [options]

Time fp32 matmul and one training step (forward + backward + Adam) of an MLP and a small CNN.

  --backend cpu|dawn|auto  (default auto)
  --size N                 matmul size N×N·N×N (default 1024)
  --repeats R              timed runs per benchmark; the median is reported (default 5)
  --quick                  small sizes and one repeat (a smoke test)
  --full                   run the repository's benchmark suite (npm run bench) instead`;

export interface BenchOptions {
  readonly backend: BackendChoice;
  readonly repeats: number;
  readonly size: number;
  readonly quick: boolean;
  readonly full: boolean;
}

export function parse(values: OptionValues): BenchOptions {
  return {
    backend: choiceOption(values, 'backend', BACKEND_CHOICES),
    repeats: intOption(values, 'repeats', { min: 1 }) ?? 5,
    size: intOption(values, 'size', { min: 1 }) ?? 1024,
    quick: flag(values, 'quick'),
    full: flag(values, 'full'),
  };
}

/** Median ms of `run` (which must finish its work, e.g. by reading the result) after one warm-up. */
async function medianMs(run: () => Promise<void>, repeats: number): Promise<number> {
  await run();
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] as number;
}

/** Milliseconds per training step of `model` on random inputs `[batch, ...shape]`. */
async function stepMs(
  model: nn.Sequential,
  inputShape: number[],
  batch: number,
  repeats: number,
): Promise<number> {
  const optimizer = adam(1e-3);
  let params = model;
  let optState = optimizer.init(params);
  const [x, y] = scope(() => {
    const k = random.key(1);
    return [
      random.uniform(k, [batch, ...inputShape]),
      random.randint(random.foldIn(k, 1), [batch], 0, 10),
    ];
  });
  const step = jit(
    (p: nn.Sequential, s: unknown, xs: Tensor, ys: Tensor) => {
      const [loss, grads] = valueAndGrad((m: nn.Sequential) =>
        nn.softmaxCrossEntropy(nn.sequential.apply(m, xs), ys),
      )(p);
      const [updates, next] = optimizer.update(grads, s as never, p);
      return [loss, applyUpdates(p, updates), next] as const;
    },
    { donateArgnums: [0, 1] },
  );
  try {
    return await medianMs(async () => {
      const [loss, p, s] = step(params, optState, x, y);
      params = p as nn.Sequential;
      optState = s;
      await loss.data();
      loss.dispose();
    }, repeats);
  } finally {
    step.dispose();
    tree.dispose([params, optState, x, y]);
  }
}

/** What the quick benchmark measured. */
export interface BenchResult {
  readonly backend: string;
  readonly matmulGflops: number;
  readonly mlpStepMs: number;
  readonly cnnStepMs: number;
}

/**
 * Run the command.
 *
 * @example
 * const r = await runBench({ backend: 'cpu', repeats: 1, size: 128, quick: true, full: false }, ctx);
 */
export async function runBench(
  opts: BenchOptions,
  ctx: CliContext,
): Promise<BenchResult | undefined> {
  if (opts.full) {
    const root = join(dirname(fileURLToPath(import.meta.url)), '../../../..');
    ctx.out(`running the repository's benchmarks: npm run bench (in ${root})`);
    const status = await new Promise<number>((resolve, reject) => {
      const child = spawn('npm', ['run', 'bench'], { cwd: root, stdio: 'inherit' });
      child.on('error', reject);
      child.on('exit', (code) => resolve(code ?? 1));
    });
    if (status !== 0) throw new Error(`npm run bench exited with status ${status}`);
    return undefined;
  }
  const backend = await selectBackend(opts.backend);
  try {
    ctx.out(`backend: ${backend.description}`);
    const repeats = opts.quick ? 1 : opts.repeats;
    const n = opts.quick ? Math.min(opts.size, 128) : opts.size;
    const [a, b] = scope(() => {
      const k = random.key(0);
      return [random.normal(k, [n, n]), random.normal(random.foldIn(k, 1), [n, n])];
    });
    const matmul = jit((x: Tensor, w: Tensor) => np.matmul(x, w));
    let matmulMs: number;
    try {
      matmulMs = await medianMs(async () => {
        using c = matmul(a, b);
        await c.data();
      }, repeats);
    } finally {
      matmul.dispose();
      tree.dispose([a, b]);
    }
    const matmulGflops = (2 * n ** 3) / (matmulMs * 1e6);
    ctx.out(
      `matmul ${n}×${n} @ ${n}×${n} fp32: ${matmulMs.toFixed(2)} ms = ${matmulGflops.toFixed(1)} GFLOP/s (median of ${repeats})`,
    );
    const mlpBatch = opts.quick ? 16 : 128;
    const mlpModel = scope(() => mlp.init(random.key(2), { sizes: [784, 512, 256, 10] }));
    const mlpStepMs = await stepMs(mlpModel, [784], mlpBatch, repeats);
    ctx.out(
      `MLP 784-512-256-10 training step (batch ${mlpBatch}, forward + backward + Adam): ${mlpStepMs.toFixed(2)} ms`,
    );
    const cnnBatch = opts.quick ? 8 : 64;
    const cnnModel = scope(() =>
      vggSmall.init(random.key(3), {
        widths: [32, 64],
        convsPerBlock: 1,
        batchNorm: false,
        hidden: 128,
      }),
    );
    const cnnStepMs = await stepMs(cnnModel, [1, 28, 28], cnnBatch, repeats);
    ctx.out(
      `CNN conv32-pool-conv64-pool-fc128-fc10 training step (batch ${cnnBatch}): ${cnnStepMs.toFixed(2)} ms = ${Math.round((cnnBatch * 1000) / cnnStepMs).toLocaleString('en-US')} images/s`,
    );
    return { backend: backend.name, matmulGflops, mlpStepMs, cnnStepMs };
  } finally {
    await backend.release();
  }
}
