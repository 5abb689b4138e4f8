/**
 * The backends the models are tested on: the CPU backend, and `cpu-minimal`, a second CPU backend
 * instance without the optional methods (conv, reduceWindow, cumulative, sort, compile), so every
 * model is shown to run on the core fallbacks that any third-party backend gets. Runners assert a
 * test leaves no live tensors on the backend it ran on (the shared setup only watches `cpu`).
 */
import { createCpuBackend } from '@tensile/backend-cpu';
import { listBackends, memory, registerBackend, scope, withBackend } from '@tensile/core';
import { expect } from 'vitest';

/** Name of the CPU backend without optional methods. */
export const MINIMAL = 'cpu-minimal';

/** Every backend the forward tests run on. */
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
 * Run `fn` in a scope with `backend` as the default and assert it leaves no live tensors there.
 *
 * @example
 * for (const b of BACKENDS) it(`runs on ${b}`, () => onBackend(b, () => { ... }));
 */
export function onBackend(backend: string, fn: () => void): void {
  if (backend === MINIMAL) ensureMinimal();
  const live = () => memory()[backend]?.tensors ?? 0;
  const before = live();
  withBackend(backend, () => scope(fn));
  expect(live(), `live tensors left on ${backend}`).toBe(before);
}
