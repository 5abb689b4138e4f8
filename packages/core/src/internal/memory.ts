/**
 * Buffer ownership. Tensors are immutable values; their device buffers are
 * reference-counted `Storage`s shared by views. Memory is released by
 * `dispose()`, `using`, or `scope()`, which frees everything created inside
 * it that is not returned. A `FinalizationRegistry` is only a safety net.
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
}

const stats = new Map<string, BackendMemory>();

function statsFor(backend: Backend): BackendMemory {
  let s = stats.get(backend.name);
  if (!s) {
    s = { tensors: 0, buffers: 0, bytes: 0 };
    stats.set(backend.name, s);
  }
  return s;
}

/** A reference-counted device buffer. */
export class Storage {
  private refs = 1;

  constructor(
    readonly backend: Backend,
    readonly buffer: BufferId,
    readonly byteLength: number,
  ) {
    const s = statsFor(backend);
    s.buffers++;
    s.bytes += byteLength;
  }

  /** Allocate a fresh buffer of `byteLength` bytes. */
  static alloc(backend: Backend, byteLength: number): Storage {
    return new Storage(backend, backend.alloc(byteLength), byteLength);
  }

  get alive(): boolean {
    return this.refs > 0;
  }

  retain(): this {
    this.refs++;
    return this;
  }

  release(): void {
    if (--this.refs === 0) {
      this.backend.free(this.buffer);
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
 * Live tensors, buffers and bytes per backend name.
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
