/**
 * `@tensile/backend-cpu`: the reference CPU backend of Tensile.
 *
 * Plain TypeScript kernels over strided views of `ArrayBuffer`s: exact dtype semantics
 * (float32 rounding, int32/uint32 wrapping), NaN handling as JAX, and the optional fast paths
 * (conv, reduceWindow, cumulative, sort). It is the backend every other backend's conformance
 * results are compared with.
 *
 * @example
 * import { registerBackend } from '@tensile/core';
 * import { createCpuBackend } from '@tensile/backend-cpu';
 * registerBackend(createCpuBackend());
 */
export { type CpuBackend, type CpuBackendOptions, createCpuBackend } from './cpu-backend.js';
