/**
 * Time one prepared workload: the check value from the first (compiling) call, a few more
 * untimed warm-up calls, then the median of timed calls within a wall-clock budget, so that a
 * peer taking seconds per step still finishes in reasonable time: a first call slower than the
 * budget is followed by a single timed call, and one slower than `FIRST_ONLY_MS` is the result
 * unless it included compilation.
 */
import { median } from '../timing.js';
import type { PreparedWorkload } from './peer.js';
import type { WorkloadInfo } from './spec.js';

/** The outcome of measuring one workload on one peer. */
export interface Measurement {
  /** Median milliseconds per step. */
  readonly ms: number;
  /** How many timed steps the median is over; 0 when `ms` is the first (compiling) call. */
  readonly samples: number;
  /** The loss at the initial parameters, or an output checksum. */
  readonly check: number;
}

/** Fewest timed steps taken when a step fits the budget. */
const MIN_SAMPLES = 3;

/** A first call slower than this skips the remaining warm-up calls. */
const SLOW_STEP_MS = 2000;

/** A first call slower than this is not repeated (unless it compiled): its time is the result. */
const FIRST_ONLY_MS = 15_000;

/**
 * Measure `workload` per `info`'s warm-up count, sample cap and budget.
 *
 * @example
 * const { ms, samples, check } = await measure(prepared, WORKLOAD_INFO.mlp);
 */
export async function measure(
  workload: PreparedWorkload,
  info: Pick<WorkloadInfo, 'warmup' | 'maxSamples' | 'budgetMs'>,
): Promise<Measurement> {
  const t0 = performance.now();
  const check = await workload.first();
  const firstMs = performance.now() - t0;
  if (firstMs > FIRST_ONLY_MS && !workload.compiles) return { ms: firstMs, samples: 0, check };
  const warmup = firstMs > SLOW_STEP_MS ? 0 : info.warmup - 1;
  for (let i = 0; i < warmup; i++) await workload.step();
  const minSamples = firstMs > info.budgetMs ? 1 : MIN_SAMPLES;
  const samples: number[] = [];
  const start = performance.now();
  while (
    samples.length < minSamples ||
    (samples.length < info.maxSamples && performance.now() - start < info.budgetMs)
  ) {
    const t = performance.now();
    await workload.step();
    samples.push(performance.now() - t);
  }
  return { ms: median(samples), samples: samples.length, check };
}
