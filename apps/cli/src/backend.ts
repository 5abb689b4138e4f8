/**
 * `--backend cpu|dawn|auto`: registers the chosen backend with `@tensile/core` and makes it the
 * default for the command. `auto` takes Dawn (WebGPU in Node) when it finds a real GPU adapter and
 * the CPU backend otherwise — a software adapter (lavapipe, SwiftShader) is slower than the CPU
 * backend's Wasm SIMD kernels, so `auto` does not take it; `--backend dawn` does, with a notice.
 * `@tensile/backend-dawn` (and its native `webgpu` module) is imported only when asked for.
 */
import { type CpuBackend, createCpuBackend } from '@tensile/backend-cpu';
import {
  type Backend,
  getBackend,
  listBackends,
  registerBackend,
  setDefaultBackend,
  unregisterBackend,
} from '@tensile/core';

/** The backend names `--backend` accepts. */
export const BACKEND_CHOICES = ['cpu', 'dawn', 'auto'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

/** A backend in use by a command. */
export interface SelectedBackend {
  /** The registry name (`'cpu'`, `'webgpu'`). */
  readonly name: string;
  /** One line for the log: which backend and why. */
  readonly description: string;
  /** Restore the previous default, and unregister and dispose the backend if this selection created it. */
  release(): Promise<void>;
}

function describeCpu(backend: Backend): string {
  const threads = (backend as Partial<CpuBackend>).threads;
  const plural = threads === 1 ? '' : 's';
  return `cpu (@tensile/backend-cpu${threads === undefined ? '' : `, ${threads} thread${plural}`})`;
}

/** Use the registered `cpu` backend, or create one. */
function selectCpu(reason: string | undefined, previous: string | undefined): SelectedBackend {
  const existing = listBackends().includes('cpu');
  const backend = existing ? getBackend('cpu') : createCpuBackend();
  if (!existing) registerBackend(backend);
  setDefaultBackend('cpu');
  return {
    name: 'cpu',
    description: `${describeCpu(backend)}${reason === undefined ? '' : ` — ${reason}`}`,
    release: async () => {
      restoreDefault(previous, 'cpu');
      if (!existing) {
        unregisterBackend('cpu');
        await (backend as CpuBackend).dispose();
      }
    },
  };
}

function restoreDefault(previous: string | undefined, current: string): void {
  if (previous !== undefined && previous !== current && listBackends().includes(previous)) {
    setDefaultBackend(previous);
  }
}

function currentDefault(): string | undefined {
  try {
    return getBackend().name;
  } catch {
    return undefined;
  }
}

/**
 * Register and select the backend for `--backend`.
 *
 * @example
 * const backend = await selectBackend('auto');
 * try { ... } finally { await backend.release(); }
 */
export async function selectBackend(choice: BackendChoice): Promise<SelectedBackend> {
  const previous = currentDefault();
  if (choice === 'cpu') return selectCpu(undefined, previous);
  let dawn: typeof import('@tensile/backend-dawn');
  try {
    dawn = await import('@tensile/backend-dawn');
  } catch (error) {
    if (choice === 'dawn') throw error;
    return selectCpu(`Dawn unavailable (${(error as Error).message})`, previous);
  }
  let backend: Backend & { dispose?(): void };
  try {
    backend = await dawn.createDawnBackend({
      powerPreference: 'high-performance',
      allowFallback: choice === 'dawn',
    });
  } catch (error) {
    if (choice === 'dawn') throw error;
    const message = (error as Error).message.split('; pass {')[0] ?? '';
    return selectCpu(
      `no GPU adapter for Dawn (${message.replace(/^webgpu \(Dawn\): /, '')})`,
      previous,
    );
  }
  if (listBackends().includes(backend.name)) {
    backend.dispose?.();
    throw new Error(`a backend named '${backend.name}' is already registered`);
  }
  registerBackend(backend);
  setDefaultBackend(backend.name);
  return {
    name: backend.name,
    description: `${backend.name} (@tensile/backend-dawn: WebGPU through Dawn${choice === 'dawn' ? '; --backend dawn also accepts a software adapter' : ''})`,
    release: async () => {
      restoreDefault(previous, backend.name);
      unregisterBackend(backend.name);
      backend.dispose?.();
    },
  };
}
