/**
 * Typed errors of acquiring a GPU through Dawn: no adapter (with what to install), or an
 * adapter that would not give a device.
 */
import { BackendError } from '@tensile/core';

/**
 * No WebGPU adapter was found, or only a software (fallback) adapter when it was not allowed.
 * The message says what to install.
 *
 * @example
 * try { await createDawnBackend(); } catch (e) { if (e instanceof DawnNoAdapterError) console.error(e.message); }
 */
export class DawnNoAdapterError extends BackendError {
  override name = 'DawnNoAdapterError';
  readonly _tag = 'DawnNoAdapterError';
}

/**
 * Dawn found an adapter but could not create a device on it (or could not load at all).
 *
 * @example
 * // thrown when requestDevice() rejects, e.g. for limits the adapter lacks
 */
export class DawnDeviceError extends BackendError {
  override name = 'DawnDeviceError';
  readonly _tag = 'DawnDeviceError';
}

/** What to install when no adapter is found, for the error message. */
export const INSTALL_HINT =
  'Install a GPU driver with Vulkan support (NVIDIA, AMD or Intel; Metal on macOS, D3D12 on Windows), ' +
  "or Mesa's software Vulkan driver (lavapipe): on Debian/Ubuntu `apt-get install mesa-vulkan-drivers` " +
  '(Dawn needs Mesa >= 25; on Debian 12 add the bookworm-backports suite and run ' +
  '`apt-get install -t bookworm-backports mesa-vulkan-drivers`). A software adapter is only used ' +
  'with `allowFallback: true`.';
