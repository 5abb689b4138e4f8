/**
 * Backend choice: WebGPU through `navigator.gpu` when the browser exposes an adapter, else the
 * CPU backend. `?backend=cpu` (or `webgpu`) in the URL forces one; a forced WebGPU without an
 * adapter is an error rather than a silent fallback.
 */
import { createCpuBackend } from '@tensile/backend-cpu';
import { createWebGpuBackend } from '@tensile/backend-webgpu';
import { registerBackend, setDefaultBackend } from '@tensile/core';

/** The backend the page runs on, and a human-readable description of it. */
export interface ActiveBackend {
  readonly name: 'webgpu' | 'cpu';
  /** Adapter vendor/architecture for WebGPU, or why the CPU was chosen. */
  readonly detail: string;
  /** WebGPU on a software adapter (SwiftShader): the page picks smaller default workloads. */
  readonly softwareGpu: boolean;
}

/** Which backend the URL asks for. */
export type BackendPreference = 'auto' | 'webgpu' | 'cpu';

async function webGpuDevice(): Promise<
  { device: GPUDevice; detail: string; software: boolean } | string
> {
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  if (gpu === undefined) return 'navigator.gpu is missing (no WebGPU in this browser)';
  const adapter = await gpu.requestAdapter();
  if (adapter === null) return 'navigator.gpu.requestAdapter() returned no adapter';
  const requiredFeatures: GPUFeatureName[] = adapter.features.has('shader-f16')
    ? ['shader-f16']
    : [];
  const device = await adapter.requestDevice({ requiredFeatures });
  // `isFallbackAdapter` moved from the adapter to its info in newer WebGPU versions.
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const fallback =
    info.isFallbackAdapter ??
    (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter;
  const name = [info.vendor, info.architecture].filter((s) => s !== '').join(' ') || 'adapter';
  const software = fallback === true || /swiftshader/i.test(name);
  return { device, detail: `${name}${software ? ', software adapter' : ''}`, software };
}

/**
 * Register and select the backend the page trains on.
 *
 * @example
 * const active = await selectBackend('auto'); // { name: 'webgpu', detail: 'google swiftshader, …' }
 */
export async function selectBackend(preference: BackendPreference): Promise<ActiveBackend> {
  let reason = 'forced by ?backend=cpu';
  if (preference !== 'cpu') {
    const found = await webGpuDevice();
    if (typeof found !== 'string') {
      found.device.lost.then((lost) => {
        if (lost.reason !== 'destroyed') console.error(`WebGPU device lost: ${lost.message}`);
      });
      registerBackend(createWebGpuBackend(found.device, { name: 'webgpu' }));
      setDefaultBackend('webgpu');
      return { name: 'webgpu', detail: found.detail, softwareGpu: found.software };
    }
    if (preference === 'webgpu') throw new Error(`WebGPU was requested but ${found}`);
    reason = found;
  }
  registerBackend(createCpuBackend());
  setDefaultBackend('cpu');
  return { name: 'cpu', detail: reason, softwareGpu: false };
}
