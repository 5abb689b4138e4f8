/**
 * The Dawn device the tests share, or the reason there is none: with `TENSILE_REQUIRE_GPU=1`
 * (set by CI) a missing adapter fails the tests instead of skipping them.
 */
import type { WebGpuBackend } from '@tensile/backend-webgpu';
import { createDawnBackend, type DawnBackendOptions, DawnNoAdapterError } from '../src/index.js';

/** True when tests must fail, not skip, without a GPU adapter. */
export const REQUIRE_GPU = process.env.TENSILE_REQUIRE_GPU === '1';

/**
 * A Dawn backend, or `null` when no adapter exists and GPUs are not required.
 *
 * @example
 * const backend = await tryCreateDawnBackend();
 */
export async function tryCreateDawnBackend(
  options: DawnBackendOptions = {},
): Promise<WebGpuBackend | null> {
  try {
    return await createDawnBackend({ allowFallback: true, ...options });
  } catch (error) {
    if (error instanceof DawnNoAdapterError && !REQUIRE_GPU) {
      console.warn(`skipping Dawn tests: ${error.message}`);
      return null;
    }
    throw error;
  }
}
