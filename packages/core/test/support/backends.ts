/**
 * A second CPU backend, `cpu-minimal`, without any optional method (conv, reduceWindow,
 * cumulative, sort, compile), so tests exercise the core's fallbacks; and runners that check a
 * test leaves no live tensors on the backend it ran on (`setup.ts` only watches `cpu`).
 */
import { createCpuBackend } from '@tensile/backend-cpu';
import { expect } from 'vitest';
import { memory } from '../../src/internal/memory.js';
import { listBackends, registerBackend, withBackend } from '../../src/internal/registry.js';
import { scope } from '../../src/internal/transforms/scope.js';

/** Name of the CPU backend without optional methods. */
export const MINIMAL = 'cpu-minimal';

/** The backends every fallback-sensitive test runs on. */
export const BACKENDS = ['cpu', MINIMAL] as const;

function ensureMinimal(): void {
  if (listBackends().includes(MINIMAL)) return;
  // The CPU backend is a plain object of closures, so dropping methods needs no rebinding.
  const {
    conv: _conv,
    reduceWindow: _reduceWindow,
    cumulative: _cumulative,
    sort: _sort,
    compile: _compile,
    ...rest
  } = createCpuBackend({ name: MINIMAL });
  registerBackend({ ...rest, name: MINIMAL });
}

/**
 * Run `fn` in a scope with `backend` (registered on first use when it is `cpu-minimal`) as the
 * default, and assert it leaves no live tensors there.
 *
 * @example
 * for (const b of BACKENDS) it(`sorts on ${b}`, () => onBackend(b, () => { ... }));
 */
export function onBackend(backend: string, fn: () => void): void {
  if (backend === MINIMAL) ensureMinimal();
  const live = () => memory()[backend]?.tensors ?? 0;
  const before = live();
  withBackend(backend, () => scope(fn));
  expect(live(), `live tensors left on ${backend}`).toBe(before);
}

/**
 * Run `fn` on every backend of `BACKENDS`: the backend's fast paths, then the core fallbacks.
 *
 * @example
 * it('pools', () => onEveryBackend(() => expectClose(lax.reduceWindow('max', x, w), want)));
 */
export function onEveryBackend(fn: () => void): void {
  for (const backend of BACKENDS) onBackend(backend, fn);
}
