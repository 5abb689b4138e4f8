/**
 * The backend registry: which backends are available, which one new tensors
 * go to by default, and a way to switch for the duration of a callback.
 */
import type { Backend } from './backend.js';
import { BackendError } from './errors.js';

const backends = new Map<string, Backend>();
let defaultName: string | undefined;
const scopedNames: string[] = [];

/**
 * Make a backend available by its `name`. The first one registered becomes the default.
 *
 * @example
 * import { registerBackend } from '@tensile/core';
 * import { createCpuBackend } from '@tensile/backend-cpu';
 * registerBackend(createCpuBackend());
 */
export function registerBackend(backend: Backend, options: { makeDefault?: boolean } = {}): void {
  if (backends.has(backend.name) && backends.get(backend.name) !== backend) {
    throw new BackendError(
      `registerBackend: a different backend named '${backend.name}' is already registered`,
    );
  }
  backends.set(backend.name, backend);
  if (defaultName === undefined || options.makeDefault) defaultName = backend.name;
}

/**
 * Remove a backend from the registry (its tensors must already be disposed).
 *
 * @example
 * unregisterBackend('cpu');
 */
export function unregisterBackend(name: string): void {
  backends.delete(name);
  if (defaultName === name) defaultName = backends.keys().next().value;
}

/**
 * Choose the backend new tensors are created on.
 *
 * @example
 * setDefaultBackend('dawn');
 */
export function setDefaultBackend(name: string): void {
  getBackend(name);
  defaultName = name;
}

/**
 * The backend called `name`, or the current default (innermost `withBackend`, else the default).
 *
 * @example
 * getBackend().name  // 'cpu'
 */
export function getBackend(name?: string): Backend {
  const chosen = name ?? scopedNames[scopedNames.length - 1] ?? defaultName;
  if (chosen === undefined) {
    throw new BackendError(
      'no backend registered: install one (e.g. @tensile/backend-cpu) and call registerBackend(createCpuBackend())',
    );
  }
  const backend = backends.get(chosen);
  if (!backend) {
    throw new BackendError(
      `backend '${chosen}' is not registered (registered: ${[...backends.keys()].join(', ') || 'none'})`,
    );
  }
  return backend;
}

/**
 * Names of all registered backends.
 *
 * @example
 * listBackends()  // ['cpu']
 */
export function listBackends(): string[] {
  return [...backends.keys()];
}

/**
 * Run `fn` with `name` as the default backend for tensors it creates.
 *
 * @example
 * const y = withBackend('cpu', () => np.ones([3]));
 */
export function withBackend<T>(name: string, fn: () => T): T {
  getBackend(name);
  scopedNames.push(name);
  try {
    return fn();
  } finally {
    scopedNames.pop();
  }
}
