/**
 * How the Wasm kernels cut their work into tasks for the thread pool.
 *
 * Splitting pays only when each task outweighs waking a thread and handing it the call (about
 * 5–10 µs in Node): below the thresholds here a kernel runs as one task on the calling thread.
 * Above them, work is cut into somewhat more tasks than threads, so that on a busy machine a
 * thread that falls behind leaves the tail of the work to the others. Every cut is along
 * independent outputs — whole rows, row pieces starting at a vector boundary, column ranges
 * starting at a micro-tile boundary — so each output element is computed by exactly the same
 * instructions in the same order as on one thread, and results are bit-identical.
 */

/**
 * Elements a memory-bound task (elementwise, reduction, pooling) covers at least: about 30–60 µs
 * of work on one core.
 *
 * @example
 * taskCount(threads, size, MIN_TASK_ELEMENTS);
 */
export const MIN_TASK_ELEMENTS = 1 << 16;

/** Tasks per thread when the work is large: more than one, for balance on a shared machine. */
const TASKS_PER_THREAD = 2;

/**
 * How many tasks `work` units are cut into on `threads` threads (the caller's included): at most
 * `perThread` per thread, each at least `minimum` units; 1 when splitting does not pay.
 *
 * @example
 * taskCount(2, 1_000_000, 65536) // 4
 * taskCount(2, 100_000, 65536)   // 1
 * taskCount(1, 1_000_000, 65536) // 1
 */
export function taskCount(
  threads: number,
  work: number,
  minimum: number,
  perThread = TASKS_PER_THREAD,
): number {
  if (threads <= 1) return 1;
  return Math.max(1, Math.min(threads * perThread, Math.floor(work / minimum)));
}

/**
 * The boundaries of `[0, n)` cut into at most `parts` near-equal ranges whose inner boundaries
 * are multiples of `multiple`: strictly increasing, from 0 to n.
 *
 * @example
 * splitRange(10, 3)     // [0, 3, 6, 10]
 * splitRange(100, 2, 8) // [0, 48, 100]
 * splitRange(5, 4, 4)   // [0, 4, 5]
 */
export function splitRange(n: number, parts: number, multiple = 1): number[] {
  const units = Math.ceil(n / multiple);
  const count = Math.max(1, Math.min(parts, units));
  const bounds = [0];
  for (let i = 1; i < count; i++) bounds.push(Math.floor((units * i) / count) * multiple);
  bounds.push(n);
  return bounds;
}

/**
 * A piece of a `rows × length` loop: `rows` whole rows from row `row` (then `start` is 0 and
 * `length` the full row), or elements [start, start + length) of the one row `row`.
 *
 * @example
 * const chunk: RowChunk = { row: 2, rows: 1, start: 512, length: 512 };
 */
export interface RowChunk {
  readonly row: number;
  readonly rows: number;
  readonly start: number;
  readonly length: number;
}

/**
 * Cut a `rows × length` loop into about `parts` pieces: runs of whole rows when there are at
 * least `parts` rows, else each row cut into pieces starting at multiples of `multiple` (a
 * vector of 4 floats, so vector tails stay where they are on one thread).
 *
 * @example
 * rowChunks(1, 1000, 2)  // [{ row: 0, rows: 1, start: 0, length: 500 }, { row: 0, rows: 1, start: 500, length: 500 }]
 * rowChunks(10, 16, 2)   // [{ row: 0, rows: 5, start: 0, length: 16 }, { row: 5, rows: 5, start: 0, length: 16 }]
 */
export function rowChunks(rows: number, length: number, parts: number, multiple = 4): RowChunk[] {
  if (parts <= 1 || rows >= parts) {
    const bounds = splitRange(rows, parts);
    return bounds
      .slice(1)
      .map((end, i) => ({ row: bounds[i], rows: end - bounds[i], start: 0, length }));
  }
  const chunks: RowChunk[] = [];
  const bounds = splitRange(length, Math.ceil(parts / rows), multiple);
  for (let row = 0; row < rows; row++) {
    for (let i = 1; i < bounds.length; i++) {
      chunks.push({ row, rows: 1, start: bounds[i - 1], length: bounds[i] - bounds[i - 1] });
    }
  }
  return chunks;
}
