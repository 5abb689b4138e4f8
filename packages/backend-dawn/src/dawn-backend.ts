/**
 * `createDawnBackend`: a `GPUDevice` from Dawn (npm `webgpu`) with `@tensile/backend-webgpu` on
 * top — Tensile on the GPU in Node, on a real GPU through Vulkan/Metal/D3D12 or on a CPU-only
 * machine through Mesa's software Vulkan driver.
 *
 * The device asks for the adapter's own limits where kernels benefit (storage buffer sizes and
 * counts, workgroup memory and size) and for `shader-f16` when the adapter has it (float16).
 * `dispose()` releases the backend and destroys the device.
 */
import {
  createWebGpuBackend,
  type WebGpuBackend,
  type WebGpuBackendOptions,
} from '@tensile/backend-webgpu';
import { create } from 'webgpu';
import { DawnDeviceError, DawnNoAdapterError, INSTALL_HINT } from './errors.js';

/**
 * Options of `createDawnBackend`.
 *
 * @example
 * await createDawnBackend({ powerPreference: 'high-performance', allowFallback: true });
 */
export interface DawnBackendOptions extends WebGpuBackendOptions {
  /** Which GPU to prefer when there are several. */
  readonly powerPreference?: 'low-power' | 'high-performance';
  /** Dawn's adapter name (as Dawn lists it when the name is unknown), e.g. `'NVIDIA H100'`. */
  readonly adapter?: string;
  /** Accept a software (fallback) adapter such as lavapipe or SwiftShader (default false). */
  readonly allowFallback?: boolean;
  /** Extra Dawn options, e.g. `'backend=vulkan'` or `'enable-dawn-features=...'`. */
  readonly dawnOptions?: readonly string[];
}

/** Limits raised to what the adapter supports, when it supports more than the defaults. */
const RAISED_LIMITS = [
  'maxBufferSize',
  'maxStorageBufferBindingSize',
  'maxStorageBuffersPerShaderStage',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
] as const;

/** True when the adapter is a software (fallback) one. */
function isFallback(adapter: GPUAdapter): boolean {
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  return (
    info.isFallbackAdapter === true ||
    (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter === true
  );
}

/**
 * Create a Tensile backend on a Dawn `GPUDevice` (Node only). Rejects with `DawnNoAdapterError`
 * (saying what to install) when no adapter is found — or only a software one and
 * `allowFallback` is not set — and with `DawnDeviceError` when the device cannot be created.
 *
 * @example
 * import { registerBackend, setDefaultBackend } from '@tensile/core';
 * import { createDawnBackend } from '@tensile/backend-dawn';
 * const backend = await createDawnBackend({ allowFallback: true });
 * registerBackend(backend);
 * setDefaultBackend(backend.name);
 * // ... later
 * backend.dispose();
 */
export async function createDawnBackend(options: DawnBackendOptions = {}): Promise<WebGpuBackend> {
  const dawnOptions = [...(options.dawnOptions ?? [])];
  if (options.adapter !== undefined) dawnOptions.push(`adapter=${options.adapter}`);
  let gpu: GPU;
  let adapter: GPUAdapter | null;
  try {
    gpu = create(dawnOptions);
    adapter = await gpu.requestAdapter({ powerPreference: options.powerPreference });
    if (adapter === null && options.allowFallback) {
      adapter = await gpu.requestAdapter({ forceFallbackAdapter: true });
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DawnNoAdapterError(
      `webgpu (Dawn): no usable GPU adapter: ${reason}. ${INSTALL_HINT}`,
    );
  }
  if (adapter === null) {
    throw new DawnNoAdapterError(`webgpu (Dawn): no GPU adapter found. ${INSTALL_HINT}`);
  }
  if (isFallback(adapter) && !options.allowFallback) {
    throw new DawnNoAdapterError(
      `webgpu (Dawn): only a software adapter was found (${adapter.info.description || adapter.info.device}); ` +
        `pass { allowFallback: true } to use it, or install a GPU driver. ${INSTALL_HINT}`,
    );
  }
  const requiredLimits: Record<string, number> = {};
  for (const name of RAISED_LIMITS) requiredLimits[name] = adapter.limits[name];
  const requiredFeatures: GPUFeatureName[] = adapter.features.has('shader-f16')
    ? ['shader-f16']
    : [];
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ requiredFeatures, requiredLimits });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DawnDeviceError(`webgpu (Dawn): the adapter would not create a device: ${reason}`);
  }
  const backend = createWebGpuBackend(device, options);
  const release = backend.dispose;
  let gpuReference: GPU | null = gpu; // Dawn lives as long as this reference (see webgpu's README).
  return Object.assign(backend, {
    dispose: () => {
      if (gpuReference === null) return;
      release?.();
      device.destroy();
      gpuReference = null;
    },
  });
}
