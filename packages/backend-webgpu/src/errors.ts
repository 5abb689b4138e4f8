/**
 * Typed errors of the WebGPU backend. GPU failures arrive asynchronously (a lost device, an
 * allocation the driver could not satisfy, a shader the driver rejected), so the backend records
 * the first one and throws it from the next call — a read, `sync`, or any enqueue — instead of
 * letting a read hang or return garbage.
 */
import { BackendError } from '@tensile/core';

/**
 * The GPU device was lost (driver reset, `device.destroy()`, the browser reclaimed it). Every
 * later call on the backend throws this error; create a new device and backend to continue.
 *
 * @example
 * try { await backend.sync(); } catch (e) { if (e instanceof WebGpuDeviceLostError) recreate(); }
 */
export class WebGpuDeviceLostError extends BackendError {
  override name = 'WebGpuDeviceLostError';
  /** `'destroyed'` when the device was destroyed on purpose, `'unknown'` otherwise. */
  readonly reason: string;

  constructor(reason: string, message: string) {
    super(`webgpu: the GPU device was lost (${reason})${message ? `: ${message}` : ''}`);
    this.reason = reason;
  }
}

/**
 * The device ran out of memory, or a buffer larger than the device allows was requested.
 *
 * @example
 * try { await tensor.data(); } catch (e) { if (e instanceof WebGpuOutOfMemoryError) shrinkBatch(); }
 */
export class WebGpuOutOfMemoryError extends BackendError {
  override name = 'WebGpuOutOfMemoryError';
}

/**
 * The device reported a validation or internal error (a bug in a kernel, or a device limit the
 * backend did not respect). The message is the device's.
 *
 * @example
 * // thrown by the next read after a kernel failed to compile on this driver
 */
export class WebGpuKernelError extends BackendError {
  override name = 'WebGpuKernelError';
}
