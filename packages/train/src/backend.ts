/**
 * Backend selection as an Effect service (DESIGN.md §3, §5): `fitEffect` and `evaluateEffect` need a
 * `Backend`, and a Layer decides which one — the CPU (`cpuBackendLayer`), Dawn in Node or WebGPU in a
 * browser (`backendLayer` over the layer those packages provide). The layer registers the backend
 * with `@tensile/core` and makes it the default for the layer's lifetime, so data pipelines upload
 * their batches there too; when the scope closes it restores the previous default and unregisters a
 * backend it registered. Tensor code inside stays plain synchronous TypeScript.
 */
import { type CpuBackendOptions, createCpuBackend } from '@tensile/backend-cpu';
import {
  type Backend as CoreBackend,
  getBackend,
  listBackends,
  registerBackend,
  setDefaultBackend,
  unregisterBackend,
} from '@tensile/core';
import { Context, Effect, Layer, type Scope } from 'effect';

/**
 * The backend the training loop runs on (a `@tensile/core` backend object).
 *
 * @example
 * const program = Effect.gen(function* () {
 *   const backend = yield* Backend;
 *   return backend.name; // 'cpu'
 * });
 * await Effect.runPromise(Effect.provide(program, cpuBackendLayer()));
 */
export class Backend extends Context.Service<Backend, CoreBackend>()('@tensile/train/Backend') {}

/** The current default backend's name, or undefined when none is registered. */
function currentDefaultName(): string | undefined {
  try {
    return getBackend().name;
  } catch {
    return undefined;
  }
}

/**
 * A `Backend` layer from any effect that yields a core backend (it may itself need a `Scope` or
 * other services, e.g. a device layer). The backend is registered if it is not already, made the
 * default while the layer lives, and on release the previous default is restored and a backend this
 * layer registered is unregistered (the acquiring layer, e.g. Dawn's, releases the device itself).
 *
 * @example
 * // Dawn in Node, without @tensile/train depending on it:
 * import { DawnBackend, dawnLayer } from '@tensile/backend-dawn';
 * const gpu = backendLayer(Effect.service(DawnBackend)).pipe(Layer.provide(dawnLayer({ allowFallback: true })));
 * await Effect.runPromise(Effect.provide(fitEffect(options), gpu));
 */
export function backendLayer<E, R>(
  acquire: Effect.Effect<CoreBackend, E, R>,
): Layer.Layer<Backend, E, Exclude<R, Scope.Scope>> {
  return Layer.effect(
    Backend,
    Effect.acquireRelease(
      Effect.flatMap(acquire, (backend) =>
        Effect.sync(() => {
          const registered =
            listBackends().includes(backend.name) && getBackend(backend.name) === backend;
          if (!registered) registerBackend(backend);
          const previousDefault = currentDefaultName();
          setDefaultBackend(backend.name);
          return { backend, registered, previousDefault };
        }),
      ),
      ({ backend, registered, previousDefault }) =>
        Effect.sync(() => {
          if (
            previousDefault !== undefined &&
            previousDefault !== backend.name &&
            listBackends().includes(previousDefault)
          ) {
            setDefaultBackend(previousDefault);
          }
          if (!registered) unregisterBackend(backend.name);
        }),
    ).pipe(Effect.map(({ backend }) => backend)),
  );
}

/**
 * The portable CPU backend as a `Backend` layer. When a backend with that name is already
 * registered it is reused (and left registered); otherwise one is created with `options`,
 * registered for the layer's lifetime and disposed when it closes.
 *
 * @example
 * await Effect.runPromise(Effect.provide(fitEffect(options), cpuBackendLayer()));
 */
export function cpuBackendLayer(options: CpuBackendOptions = {}): Layer.Layer<Backend> {
  const name = options.name ?? 'cpu';
  return backendLayer(
    Effect.acquireRelease(
      Effect.sync(() => {
        const existing = listBackends().includes(name) ? getBackend(name) : undefined;
        return { backend: existing ?? createCpuBackend(options), created: existing === undefined };
      }),
      ({ backend, created }) =>
        Effect.sync(() => {
          if (created) backend.dispose?.();
        }),
    ).pipe(Effect.map(({ backend }) => backend)),
  );
}

/**
 * The backend already registered under `name` (default: the current default backend) as a
 * `Backend` layer; registration is left as it is. The Promise API uses it.
 *
 * @example
 * Effect.provide(fitEffect(options), registeredBackendLayer('cpu'))
 */
export function registeredBackendLayer(name?: string): Layer.Layer<Backend> {
  return Layer.effect(
    Backend,
    Effect.sync(() => getBackend(name)),
  );
}
