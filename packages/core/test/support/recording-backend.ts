/**
 * The recording backend (DESIGN.md §10): wraps any backend and counts the calls of each of its
 * methods, plus the launches of the kernels its `compile` returned, so tests can check what the
 * scheduler asks of a backend (how many kernels a jitted program launches, whether a call
 * allocates) without caring how the work is done.
 */
import type { Backend, CompiledKernel } from '../../src/internal/backend.js';

/** Methods that manage memory or submission rather than launch work. */
const NOT_LAUNCHES = new Set([
  'alloc',
  'free',
  'write',
  'read',
  'readSync',
  'flush',
  'sync',
  'dispose',
  'compile',
  'stats',
]);

/**
 * A backend that counts calls: `calls.alloc`, `calls.binary`, … and `calls.kernel` for compiled
 * kernel launches.
 *
 * @example
 * const rec = recordingBackend(createCpuBackend(), 'rec');
 * registerBackend(rec);
 * withBackend('rec', () => jitted(x));
 * rec.launches(); // compute methods + compiled kernels run
 */
export interface RecordingBackend extends Backend {
  /** Calls per method name since the last `reset()`; `kernel` counts compiled-kernel launches. */
  readonly calls: Record<string, number>;
  /** Work launched since the last `reset()`: compute-method calls plus compiled-kernel calls. */
  launches(): number;
  /** Zero every count. */
  reset(): void;
}

/**
 * Wrap `inner` under the registry name `name`, counting every method call. Options override
 * capabilities (e.g. `maxBindings`) or replace `compile` (`null` removes it).
 *
 * @example
 * const declining = recordingBackend(createCpuBackend(), 'no-fuse', { compile: () => undefined });
 */
export function recordingBackend(
  inner: Backend,
  name: string,
  options: {
    maxBindings?: number;
    compile?: Backend['compile'] | null;
  } = {},
): RecordingBackend {
  const calls: Record<string, number> = {};
  const count = (method: string) => {
    calls[method] = (calls[method] ?? 0) + 1;
  };
  const wrapped: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(inner)) {
    if (typeof value !== 'function') continue;
    wrapped[key] = (...args: unknown[]) => {
      count(key);
      return (value as (...a: unknown[]) => unknown).apply(inner, args);
    };
  }
  const compile = options.compile === undefined ? inner.compile?.bind(inner) : options.compile;
  const recording: RecordingBackend = {
    ...(wrapped as unknown as Backend),
    name,
    capabilities: {
      ...inner.capabilities,
      ...(options.maxBindings === undefined ? {} : { maxBindings: options.maxBindings }),
    },
    calls,
    launches: () =>
      Object.entries(calls)
        .filter(([method]) => !NOT_LAUNCHES.has(method))
        .reduce((total, [, n]) => total + n, 0),
    reset: () => {
      for (const key of Object.keys(calls)) delete calls[key];
    },
  };
  if (compile) {
    recording.compile = (graph) => {
      count('compile');
      const kernel = compile(graph);
      if (!kernel) return undefined;
      const launch: CompiledKernel = (inputs, outputs) => {
        count('kernel');
        kernel(inputs, outputs);
      };
      return launch;
    };
  } else {
    delete (recording as { compile?: unknown }).compile;
  }
  return recording;
}
