/**
 * The byte allocator behind the CPU backend's single `WebAssembly.Memory`.
 *
 * Every tensor buffer, and every scratch area the Wasm kernels pack into, is a block of that one
 * linear memory, so kernels (and the worker threads sharing the memory) address everything
 * with plain byte offsets. It is single-owner: only the thread that created the memory
 * allocates, never while workers run. Blocks come in size classes (multiples of 16 bytes up to
 * 256, then four classes per power of two), each with its own free list: a freed block is reused
 * by the next request of its class, which is what a training loop asks for over and over. New
 * blocks are carved from the top of the memory, which grows (by at least half its size, so
 * growth is rare) when they do not fit. Blocks are 16-byte aligned and never split or merged; Wasm memory
 * cannot shrink, so the high-water mark is what the memory keeps.
 *
 * The last `SLACK` bytes of the memory are never handed out, so a kernel may load a whole
 * 16-byte vector at the end of any block without reading past the memory.
 */

import type { WasmMemory } from './wasm/webassembly.js';

/**
 * Alignment of every block, in bytes (one v128).
 *
 * @example
 * allocator.alloc(5) % ALIGNMENT // 0
 */
export const ALIGNMENT = 16;
/** Bytes kept free at the top of the memory for vector over-reads. */
const SLACK = 64;
/** Bytes at address 0 that are never allocated, so 0 is never a valid block. */
const RESERVED = 64;
const PAGE = 65536;

/**
 * The size class a request of `bytes` is rounded up to.
 *
 * @example
 * sizeClass(1)    // 16
 * sizeClass(300)  // 320 (four classes per power of two above 256: 256, 320, 384, 448, 512, …)
 */
export function sizeClass(bytes: number): number {
  if (bytes <= 256) return Math.max(ALIGNMENT, Math.ceil(bytes / ALIGNMENT) * ALIGNMENT);
  const quarter = 2 ** (Math.floor(Math.log2(bytes - 1)) - 2);
  return Math.ceil(bytes / quarter) * quarter;
}

/**
 * Size-class free lists over a growable `WebAssembly.Memory`.
 *
 * @example
 * const allocator = new Allocator(new WebAssembly.Memory({ initial: 1 }));
 * const a = allocator.alloc(100); // a 112-byte block, 16-byte aligned
 * allocator.free(a, 100);
 * allocator.alloc(100) === a;     // true: reused from the free list
 */
export class Allocator {
  readonly memory: WasmMemory;
  readonly #free = new Map<number, number[]>();
  #top = RESERVED;

  constructor(memory: WasmMemory) {
    this.memory = memory;
  }

  /** The byte offset of a fresh block of at least `bytes` bytes (its contents are unspecified). */
  alloc(bytes: number): number {
    const size = sizeClass(bytes);
    const reused = this.#free.get(size)?.pop();
    if (reused !== undefined) return reused;
    const offset = this.#top;
    this.#ensure(offset + size + SLACK);
    this.#top = offset + size;
    return offset;
  }

  /** Return a block obtained from `alloc(bytes)` (with the same `bytes`). */
  free(offset: number, bytes: number): void {
    const size = sizeClass(bytes);
    let list = this.#free.get(size);
    if (list === undefined) {
      list = [];
      this.#free.set(size, list);
    }
    list.push(offset);
  }

  /** Forget every block (the memory keeps its size; its bytes are reused from the bottom). */
  reset(): void {
    this.#free.clear();
    this.#top = RESERVED;
  }

  /** Grow the memory until it holds `end` bytes. */
  #ensure(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const pages = have / PAGE;
    const needed = Math.ceil((end - have) / PAGE);
    const wanted = Math.max(needed, Math.ceil(pages / 2));
    try {
      this.memory.grow(wanted);
    } catch {
      try {
        this.memory.grow(needed);
      } catch {
        throw new RangeError(
          `cpu backend: out of memory growing the Wasm memory from ${have} to ${end} bytes`,
        );
      }
    }
  }
}
