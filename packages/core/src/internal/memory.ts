/**
 * Buffer ownership. Tensors are immutable values; their device buffers are
 * reference-counted `Storage`s shared by views. Memory is released by
 * `dispose()`, `using`, or `scope()`, which frees everything created inside
 * it that is not returned. A `FinalizationRegistry` is only a safety net.
 *
 * `jit` executables recycle buffers through a `BufferPool`: while one runs,
 * every allocation on its backend is taken from the pool, and a buffer whose
 * last reference goes away returns to the pool it came from (instead of to
 * the backend) until the pool is disposed. A pooled buffer is not live:
 * `memory()` counts it under `pooledBuffers`/`pooledBytes`, not `buffers`/`bytes`.
 */
import type { Backend, BufferId } from './backend.js';

/** Live-memory statistics of one backend. */
export interface BackendMemory {
  /** Tensors created and not yet disposed. */
  tensors: number;
  /** Device buffers held by those tensors (views share one). */
  buffers: number;
  /** Bytes in those buffers. */
  bytes: number;
  /**
   * Idle buffers kept by `jit` buffer pools for reuse (not live; released when the jitted
   * function is disposed or its cache cleared). Always set by `memory()`.
   */
  pooledBuffers?: number;
  /** Bytes in those idle pooled buffers. Always set by `memory()`. */
  pooledBytes?: number;
}

type Stats = Required<BackendMemory>;

const stats = new Map<string, Stats>();

function statsFor(backend: Backend): Stats {
  let s = stats.get(backend.name);
  if (!s) {
    s = { tensors: 0, buffers: 0, bytes: 0, pooledBuffers: 0, pooledBytes: 0 };
    stats.set(backend.name, s);
  }
  return s;
}

/**
 * Idle device buffers of one backend kept for reuse, bucketed by exact byte length. A `jit`
 * executable owns one: allocations made while it runs (`pool.use(...)`) come from here, and the
 * buffers of those allocations come back here when their last reference is released, so a
 * program that runs again with the same shapes finds every buffer it needs. Reuse relies on the
 * backend running enqueued work in order (a later kernel writing a recycled buffer runs after
 * the earlier ones that read it), as the `Backend` contract requires.
 *
 * @example
 * const pool = new BufferPool(backend);
 * const out = pool.use(() => lax.exp(x)); // allocated from (and later returned to) the pool
 * out.dispose();                          // its buffer is now idle in the pool
 * pool.dispose();                         // frees the idle buffers; later returns go to the backend
 */
export class BufferPool {
  readonly #idle = new Map<number, BufferId[]>();
  /** While measuring: per byte length, buffers taken minus buffers given back, and its peak. */
  #balance: Map<number, number> | undefined;
  readonly #peak = new Map<number, number>();
  #closed = false;

  constructor(readonly backend: Backend) {}

  /** True once disposed: buffers released later go back to the backend. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Run `fn` with this pool serving every allocation on its backend (pools nest). With
   * `reservePeak`, afterwards make sure the pool holds, idle, as many buffers of each size as
   * `fn` had in use at its peak — so running the same program again allocates nothing even if
   * the caller kept the results.
   */
  use<T>(fn: () => T, options: { reservePeak?: boolean } = {}): T {
    const outer = activePool;
    activePool = this;
    if (options.reservePeak) {
      this.#balance = new Map();
      this.#peak.clear();
    }
    try {
      return fn();
    } finally {
      activePool = outer;
      if (options.reservePeak) {
        this.#balance = undefined;
        for (const [byteLength, peak] of this.#peak)
          for (let n = this.#idle.get(byteLength)?.length ?? 0; n < peak; n++)
            this.give(this.backend.alloc(byteLength), byteLength);
      }
    }
  }

  /** An idle buffer of exactly `byteLength` bytes, or a new one from the backend. */
  take(byteLength: number): BufferId {
    if (this.#balance) {
      const inUse = (this.#balance.get(byteLength) ?? 0) + 1;
      this.#balance.set(byteLength, inUse);
      if (inUse > (this.#peak.get(byteLength) ?? 0)) this.#peak.set(byteLength, inUse);
    }
    const bucket = this.#idle.get(byteLength);
    const reused = bucket?.pop();
    if (reused === undefined) return this.backend.alloc(byteLength);
    const s = statsFor(this.backend);
    s.pooledBuffers--;
    s.pooledBytes -= byteLength;
    return reused;
  }

  /** Keep `buffer` for reuse (or free it when the pool is closed). */
  give(buffer: BufferId, byteLength: number): void {
    if (this.#closed) {
      this.backend.free(buffer);
      return;
    }
    if (this.#balance) this.#balance.set(byteLength, (this.#balance.get(byteLength) ?? 0) - 1);
    let bucket = this.#idle.get(byteLength);
    if (!bucket) {
      bucket = [];
      this.#idle.set(byteLength, bucket);
    }
    bucket.push(buffer);
    const s = statsFor(this.backend);
    s.pooledBuffers++;
    s.pooledBytes += byteLength;
  }

  /** Free every idle buffer and close the pool. */
  dispose(): void {
    if (this.#closed) return;
    this.#closed = true;
    const s = statsFor(this.backend);
    for (const [byteLength, bucket] of this.#idle) {
      for (const buffer of bucket) this.backend.free(buffer);
      s.pooledBuffers -= bucket.length;
      s.pooledBytes -= byteLength * bucket.length;
    }
    this.#idle.clear();
  }
}

let activePool: BufferPool | undefined;

/** A reference-counted device buffer. */
export class Storage {
  private refs = 1;

  constructor(
    readonly backend: Backend,
    readonly buffer: BufferId,
    readonly byteLength: number,
    /** Where the buffer goes when the last reference is released (the backend when unset). */
    private pool?: BufferPool,
  ) {
    const s = statsFor(backend);
    s.buffers++;
    s.bytes += byteLength;
  }

  /** Allocate `byteLength` bytes: from the running executable's pool if any, else the backend. */
  static alloc(backend: Backend, byteLength: number): Storage {
    const pool = activePool?.backend === backend ? activePool : undefined;
    if (pool) return new Storage(backend, pool.take(byteLength), byteLength, pool);
    return new Storage(backend, backend.alloc(byteLength), byteLength);
  }

  get alive(): boolean {
    return this.refs > 0;
  }

  retain(): this {
    this.refs++;
    return this;
  }

  /** Send the buffer to `pool` when released, unless it already belongs to one (donation). */
  adopt(pool: BufferPool): void {
    if (this.pool === undefined && pool.backend === this.backend) this.pool = pool;
  }

  release(): void {
    if (--this.refs === 0) {
      if (this.pool) this.pool.give(this.buffer, this.byteLength);
      else this.backend.free(this.buffer);
      const s = statsFor(this.backend);
      s.buffers--;
      s.bytes -= this.byteLength;
    }
  }
}

/** Count a tensor as live on `backend`. */
export function trackTensor(backend: Backend, delta: 1 | -1): void {
  statsFor(backend).tensors += delta;
}

/**
 * Live tensors, buffers and bytes per backend name, and the idle buffers `jit` pools keep.
 *
 * @example
 * const before = memory().cpu?.tensors ?? 0;
 */
export function memory(): Record<string, BackendMemory> {
  const out: Record<string, BackendMemory> = {};
  for (const [name, s] of stats) out[name] = { ...s };
  return out;
}

/** Anything `scope` can free. Tracers list the concrete values they carry in `scopeParts`. */
export interface Disposable {
  dispose(): void;
  scopeParts?(): readonly Disposable[];
}

const frames: Set<Disposable>[] = [];

/** Register a new disposable in the innermost open scope, if any. */
export function registerInScope(x: Disposable): void {
  frames[frames.length - 1]?.add(x);
}

/** Remove `x` from every open scope (its owner now manages it: a returned value, a jit constant). */
export function escapeScopes(x: Disposable): void {
  for (const f of frames) f.delete(x);
}

/** Open a scope frame; close it with `closeScope(frame, keep)`. Used by `scope` and the transforms. */
export function openScope(): Set<Disposable> {
  const frame = new Set<Disposable>();
  frames.push(frame);
  return frame;
}

let tracingProbe: () => boolean = () => false;

/** Called once by the trace module: lets scopes know whether a transformation is active. */
export function setTracingProbe(probe: () => boolean): void {
  tracingProbe = probe;
}

/**
 * Close `frame`, disposing everything in it except `keep` (which moves to the enclosing scope).
 * While a transformation is staging or tracing, nothing is disposed: concrete tensors created
 * here may already be captured as constants by the enclosing trace, so they all move to the
 * enclosing scope, whose owner frees them once no trace needs them.
 */
export function closeScope(frame: Set<Disposable>, keep: Iterable<Disposable>): void {
  if (tracingProbe()) keep = [...frame, ...keep];
  const idx = frames.lastIndexOf(frame);
  // Frames opened above this one and never closed (an exception unwound past them) merge into it.
  if (idx >= 0)
    for (const orphan of frames.splice(idx).slice(1)) for (const x of orphan) frame.add(x);
  const visit = (k: Disposable) => {
    if (frame.delete(k)) registerInScope(k);
    for (const part of k.scopeParts?.() ?? []) visit(part);
  };
  for (const k of keep) visit(k);
  for (const x of frame) x.dispose();
}

const debug = { leaks: false };

/**
 * Turn on warnings for tensors that were garbage-collected without `dispose()`.
 *
 * @example
 * setLeakWarnings(true);
 */
export function setLeakWarnings(on: boolean): void {
  debug.leaks = on;
}

/** Safety net: when a tensor is garbage-collected undisposed, release its buffer reference. */
export const finalizer = new FinalizationRegistry<{
  storage: Storage;
  backend: Backend;
  what: string;
}>((held) => {
  if (debug.leaks) console.warn(`tensile: ${held.what} was garbage-collected without dispose()`);
  trackTensor(held.backend, -1);
  held.storage.release();
});
