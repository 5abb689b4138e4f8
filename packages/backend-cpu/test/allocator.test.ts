/**
 * The Wasm-memory allocator and the CPU memory on top of it: size classes, 16-byte alignment,
 * reuse through free lists, growth (which replaces the memory's buffer, and detaches the old
 * one when not shared) and accounting back to zero.
 */
import { describe, expect, it } from 'vitest';
import { ALIGNMENT, Allocator, sizeClass } from '../src/allocator.js';
import { CpuMemory } from '../src/memory.js';
import { requireWebAssembly } from '../src/wasm/webassembly.js';

const wasm = requireWebAssembly();

describe('allocator', () => {
  it('rounds requests up to size classes', () => {
    expect([0, 1, 16, 17, 256].map(sizeClass)).toEqual([16, 16, 16, 32, 256]);
    expect([257, 320, 321, 512, 513, 1000, 4097].map(sizeClass)).toEqual([
      320, 320, 384, 512, 640, 1024, 5120,
    ]);
    // Never more than a quarter wasted above 256 bytes.
    for (let bytes = 257; bytes < 100000; bytes += 997) {
      expect(sizeClass(bytes)).toBeGreaterThanOrEqual(bytes);
      expect(sizeClass(bytes)).toBeLessThanOrEqual(bytes * 1.25);
      expect(sizeClass(bytes) % ALIGNMENT).toBe(0);
    }
  });

  it('hands out aligned, disjoint blocks and reuses freed ones of the same class', () => {
    const allocator = new Allocator(new wasm.Memory({ initial: 1 }));
    const sizes = [4, 100, 3000, 17, 70000];
    const blocks = sizes.map((bytes) => ({ offset: allocator.alloc(bytes), bytes }));
    for (const { offset } of blocks) expect(offset % ALIGNMENT).toBe(0);
    const sorted = [...blocks].sort((a, b) => a.offset - b.offset);
    for (let i = 1; i < sorted.length; i++) {
      expect(sorted[i].offset).toBeGreaterThanOrEqual(sorted[i - 1].offset + sorted[i - 1].bytes);
    }
    allocator.free(blocks[1].offset, 100);
    expect(allocator.alloc(110)).toBe(blocks[1].offset); // same class (112)
    expect(allocator.alloc(100)).not.toBe(blocks[1].offset);
  });

  it('grows the memory on demand, keeping earlier blocks', () => {
    const memory = new wasm.Memory({ initial: 1 });
    const allocator = new Allocator(memory);
    const first = allocator.alloc(16);
    new Uint8Array(memory.buffer).set([1, 2, 3], first);
    const big = allocator.alloc(5 << 20);
    expect(memory.buffer.byteLength).toBeGreaterThanOrEqual(big + (5 << 20));
    expect([...new Uint8Array(memory.buffer, first, 3)]).toEqual([1, 2, 3]);
  });
});

describe('cpu memory over a Wasm memory', () => {
  for (const shared of [true, false]) {
    it(`keeps buffers readable and views fresh across growth (shared: ${shared})`, () => {
      const memory = new CpuMemory({ shared });
      expect(memory.shared).toBe(shared);
      const a = memory.alloc(8);
      memory.write(a, new Uint8Array([5, 6, 7, 8]), 4);
      const before = memory.f32();
      const big = memory.alloc(3 << 20);
      expect(memory.f32() === before).toBe(false);
      // Growing detaches a non-shared memory's old buffer (and its views); a shared one stays.
      expect(before.length === 0).toBe(!shared);
      expect(memory.f32().length * 4).toBe(memory.memory.buffer.byteLength);
      expect([...memory.readSync(a, 4, 4)]).toEqual([5, 6, 7, 8]);
      const view = memory.view('test', {
        buffer: a,
        dtype: 'int32',
        shape: [2],
        strides: [1],
        offset: 0,
      });
      expect(view.data.length).toBe(2);
      expect(view.data[1]).toBe(new Int32Array(new Uint8Array([5, 6, 7, 8]).buffer)[0]);
      memory.free(a);
      memory.free(big);
      expect(memory.stats()).toEqual({ buffers: 0, bytes: 0 });
    });
  }

  it('reads return plain (unshared) copies', () => {
    const memory = new CpuMemory({ shared: true });
    const a = memory.alloc(4);
    const copy = memory.readSync(a, 0, 4);
    expect(copy.buffer).toBeInstanceOf(ArrayBuffer);
    memory.free(a);
  });

  it('scratch blocks are not counted as buffers', () => {
    const memory = new CpuMemory();
    const scratch = memory.allocScratch(1000);
    expect(memory.stats()).toEqual({ buffers: 0, bytes: 0 });
    memory.freeScratch(scratch, 1000);
  });
});
