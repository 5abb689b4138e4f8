/**
 * How kernels cut their work for the thread pool: task counts against the thresholds, ranges
 * whose inner boundaries sit on the required multiples, and row chunks that cover a loop exactly
 * once.
 */
import { describe, expect, it } from 'vitest';
import { rowChunks, splitRange, taskCount } from '../src/wasm/work-split.js';

describe('work split', () => {
  it('counts tasks: one per thread or two, never below the minimum work', () => {
    expect(taskCount(1, 1e9, 10)).toBe(1);
    expect(taskCount(2, 1e9, 10)).toBe(4);
    expect(taskCount(4, 35, 10)).toBe(3);
    expect(taskCount(4, 5, 10)).toBe(1);
  });

  it('splits ranges at multiples, covering every index once', () => {
    expect(splitRange(10, 3)).toEqual([0, 3, 6, 10]);
    expect(splitRange(100, 2, 8)).toEqual([0, 48, 100]);
    expect(splitRange(5, 4, 4)).toEqual([0, 4, 5]);
    expect(splitRange(7, 1, 4)).toEqual([0, 7]);
    for (const [n, parts, multiple] of [
      [1031, 4, 8],
      [3, 8, 1],
      [64, 3, 16],
    ]) {
      const bounds = splitRange(n, parts, multiple);
      expect(bounds[0]).toBe(0);
      expect(bounds[bounds.length - 1]).toBe(n);
      bounds.slice(1, -1).forEach((b, i) => {
        expect(b % multiple).toBe(0);
        expect(b).toBeGreaterThan(bounds[i]);
      });
    }
  });

  it('cuts a rows × length loop into whole rows, or row pieces at vector boundaries', () => {
    expect(rowChunks(10, 16, 2)).toEqual([
      { row: 0, rows: 5, start: 0, length: 16 },
      { row: 5, rows: 5, start: 0, length: 16 },
    ]);
    expect(rowChunks(1, 1001, 2)).toEqual([
      { row: 0, rows: 1, start: 0, length: 500 },
      { row: 0, rows: 1, start: 500, length: 501 },
    ]);
    const covered = new Map<string, number>();
    for (const chunk of rowChunks(3, 203, 8)) {
      expect(chunk.start % 4).toBe(0);
      for (let r = chunk.row; r < chunk.row + chunk.rows; r++) {
        for (let i = chunk.start; i < chunk.start + chunk.length; i++) {
          covered.set(`${r},${i}`, (covered.get(`${r},${i}`) ?? 0) + 1);
        }
      }
    }
    expect(covered.size).toBe(3 * 203);
    expect([...covered.values()].every((times) => times === 1)).toBe(true);
  });
});
