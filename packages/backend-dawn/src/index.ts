/**
 * `@tensile/backend-dawn`: Tensile on the GPU in Node. Gets a `GPUDevice` from Dawn (the npm
 * package `webgpu`) and runs `@tensile/backend-webgpu` on it — as a plain async
 * `createDawnBackend()` or as an Effect layer (`dawnLayer`) that releases the device with its
 * scope.
 *
 * @example
 * import { np, registerBackend, setDefaultBackend } from '@tensile/core';
 * import { createDawnBackend } from '@tensile/backend-dawn';
 * const backend = await createDawnBackend({ allowFallback: true });
 * registerBackend(backend);
 * setDefaultBackend(backend.name);
 * console.log(await np.arange(4).mul(2).data());
 */
export { createDawnBackend, type DawnBackendOptions } from './dawn-backend.js';
export { DawnDeviceError, DawnNoAdapterError } from './errors.js';
export { DawnBackend, type DawnLayerOptions, dawnLayer } from './layer.js';
