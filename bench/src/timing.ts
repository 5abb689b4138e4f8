/**
 * Timing helpers for benchmarks: warm up, then take the median of repeated runs so one slow
 * iteration (GC, JIT tier-up) does not skew the result.
 */

/** Median of a list of numbers. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/**
 * Median milliseconds per call of `fn` over `repeats` timed batches of `inner` calls each,
 * after `warmup` untimed calls.
 *
 * @example
 * const ms = timeMs(() => step(), { warmup: 3, repeats: 10 });
 */
export function timeMs(fn: () => void, { warmup = 3, repeats = 10, inner = 1 } = {}): number {
  for (let i = 0; i < warmup; i++) fn();
  const samples: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    for (let i = 0; i < inner; i++) fn();
    samples.push((performance.now() - t0) / inner);
  }
  return median(samples);
}
