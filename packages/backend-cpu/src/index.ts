/**
 * `@tensile/backend-cpu`: the CPU backend of Tensile, for browsers and Node.
 *
 * All buffers live in one WebAssembly memory. Float32 matmul, convolution (and its gradients),
 * pooling, reductions and elementwise ops run Wasm SIMD kernels generated at run time; every op
 * also has a plain TypeScript kernel over strided typed-array views — exact dtype semantics
 * (float32 rounding, int32/uint32 wrapping), NaN handling as JAX, and the optional fast paths
 * (conv, reduceWindow, cumulative, sort) — which runs what the Wasm kernels do not cover, or
 * everything with `kernels: 'reference'`. With a shared memory (Node, cross-origin-isolated
 * pages) the Wasm kernels split large work over worker threads (`threads`, default: the core
 * count), bit-identically to one thread. The TypedArray kernels are what every other backend's
 * conformance results are compared with.
 *
 * @example
 * import { registerBackend } from '@tensile/core';
 * import { createCpuBackend } from '@tensile/backend-cpu';
 * registerBackend(createCpuBackend());
 */
export {
  type CpuBackend,
  type CpuBackendOptions,
  type CpuCapabilities,
  createCpuBackend,
} from './cpu-backend.js';
