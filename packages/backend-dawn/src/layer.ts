/**
 * The Effect edge of backend-dawn: a `DawnBackend` service whose layer acquires a Dawn device,
 * registers the backend with `@tensile/core` for the layer's lifetime, and releases both when
 * the scope closes. Tensor code inside stays plain synchronous TypeScript.
 */
import type { WebGpuBackend } from '@tensile/backend-webgpu';
import { registerBackend, unregisterBackend } from '@tensile/core';
import { Context, Effect, Layer } from 'effect';
import { createDawnBackend, type DawnBackendOptions } from './dawn-backend.js';
import { DawnDeviceError, DawnNoAdapterError } from './errors.js';

/**
 * The Dawn-backed WebGPU backend as an Effect service.
 *
 * @example
 * import { Effect } from 'effect';
 * import { DawnBackend, dawnLayer } from '@tensile/backend-dawn';
 * const program = Effect.gen(function* () {
 *   const backend = yield* DawnBackend;
 *   return backend.name;
 * });
 * await Effect.runPromise(Effect.provide(program, dawnLayer({ allowFallback: true })));
 */
export class DawnBackend extends Context.Service<DawnBackend, WebGpuBackend>()(
  '@tensile/backend-dawn/DawnBackend',
) {}

/**
 * Options of `dawnLayer`: those of `createDawnBackend`, and whether to register the backend
 * with `@tensile/core` while the layer lives (default true).
 *
 * @example
 * dawnLayer({ allowFallback: true, register: false })
 */
export interface DawnLayerOptions extends DawnBackendOptions {
  readonly register?: boolean;
}

/**
 * A layer providing `DawnBackend`: acquires the device (failing with `DawnNoAdapterError` or
 * `DawnDeviceError`), registers the backend under its name, and on scope close unregisters it,
 * disposes the backend and destroys the device.
 *
 * @example
 * Effect.runPromise(Effect.provide(train, dawnLayer({ powerPreference: 'high-performance' })));
 */
export function dawnLayer(
  options: DawnLayerOptions = {},
): Layer.Layer<DawnBackend, DawnNoAdapterError | DawnDeviceError> {
  const register = options.register ?? true;
  return Layer.effect(
    DawnBackend,
    Effect.acquireRelease(
      Effect.tryPromise({
        try: async () => {
          const backend = await createDawnBackend(options);
          if (register) registerBackend(backend);
          return backend;
        },
        catch: (error) =>
          error instanceof DawnNoAdapterError || error instanceof DawnDeviceError
            ? error
            : new DawnDeviceError(
                `webgpu (Dawn): ${error instanceof Error ? error.message : String(error)}`,
              ),
      }),
      (backend) =>
        Effect.sync(() => {
          if (register) unregisterBackend(backend.name);
          backend.dispose?.();
        }),
    ),
  );
}
