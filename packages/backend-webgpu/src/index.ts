/// <reference types="@webgpu/types" />
/**
 * `@tensile/backend-webgpu`: Tensile on any WebGPU device — in the browser through
 * `navigator.gpu`, in Node through `@tensile/backend-dawn`.
 *
 * WGSL kernels run directly on strided views (reshape, transpose, broadcast, slice and flip
 * never copy); dispatches are recorded into one compute pass and submitted in batches; buffers
 * come from a size-bucketed pool and return to it only after the GPU is done with them;
 * pipelines and bind groups are cached. No Node APIs are used.
 *
 * @example
 * import { registerBackend, setDefaultBackend } from '@tensile/core';
 * import { createWebGpuBackend } from '@tensile/backend-webgpu';
 * const adapter = await navigator.gpu.requestAdapter();
 * const device = await adapter!.requestDevice();
 * registerBackend(createWebGpuBackend(device));
 * setDefaultBackend('webgpu');
 */
export { WebGpuDeviceLostError, WebGpuKernelError, WebGpuOutOfMemoryError } from './errors.js';
export {
  createWebGpuBackend,
  type WebGpuBackend,
  type WebGpuBackendOptions,
  type WebGpuStats,
} from './webgpu-backend.js';
