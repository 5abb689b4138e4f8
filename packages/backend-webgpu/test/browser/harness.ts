/**
 * The page side of the browser test: gets a WebGPU device from `navigator.gpu` (SwiftShader in
 * headless Chromium), registers the conformance suite for `@tensile/backend-webgpu` on it, and
 * runs it (optionally only the tests whose ids start with one of `prefixes`).
 */
import { describeConformance } from '@tensile/backend-testkit';
import { createWebGpuBackend } from '../../src/index.js';
import { type BrowserTestResult, runCollected } from './vitest-shim.js';

/**
 * Run the conformance suite (or the tests whose ids start with one of `prefixes`) on the page's
 * WebGPU device.
 *
 * @example
 * await runConformance(['unary/exp/', 'dotGeneral/matmul/']);
 */
export async function runConformance(prefixes: readonly string[] = ['']): Promise<{
  adapter: string;
  results: BrowserTestResult[];
}> {
  const { gpu } = (globalThis as unknown as { navigator: NavigatorGPU }).navigator;
  const adapter = await gpu.requestAdapter();
  if (adapter === null) throw new Error('navigator.gpu.requestAdapter() returned null');
  const requiredFeatures: GPUFeatureName[] = adapter.features.has('shader-f16')
    ? ['shader-f16']
    : [];
  const device = await adapter.requestDevice({ requiredFeatures });
  const backend = createWebGpuBackend(device, { name: 'webgpu' });
  describeConformance({ name: 'webgpu (browser)', create: () => backend });
  const results = await runCollected((name) => prefixes.some((prefix) => name.startsWith(prefix)));
  device.destroy();
  const { vendor, architecture } = adapter.info;
  return { adapter: `${vendor} ${architecture}`, results };
}
