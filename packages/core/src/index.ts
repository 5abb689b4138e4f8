/**
 * @tensile/core — JAX for TypeScript: immutable tensors, `np`/`lax`/`nn`/`random`/`tree`
 * namespaces, composable transforms (`grad`, `vjp`, `jvp`, `vmap`, `jit`, …) and the backend
 * plugin contract.
 *
 * @example
 * import { grad, jit, np, registerBackend } from '@tensile/core';
 * import { createCpuBackend } from '@tensile/backend-cpu';
 * registerBackend(createCpuBackend());
 * const df = jit(grad((x) => np.sum(np.sin(x))));
 * df(np.array([0, 1, 2]));  // cos(x)
 *
 * @packageDocumentation
 */
import './internal/core/eval-trace.js';
import { installTensorMethods } from './internal/core/tensor.js';
import * as methods from './internal/methods.js';

installTensorMethods(methods);

export { ShapedArray } from './internal/aval.js';
export type * from './internal/backend.js';
export { DeviceArray } from './internal/core/device-array.js';
export { setDebugNans } from './internal/core/eval-trace.js';
export { fromHost } from './internal/core/host.js';
export {
  type NestedArray,
  type ReduceOptions,
  Tensor,
  type TensorLike,
} from './internal/core/tensor.js';
export {
  DTYPES,
  type DType,
  type HostArray,
  isFloat,
  isInteger,
  itemSize,
  promoteTypes,
} from './internal/dtype.js';
export {
  BackendError,
  ConcretizationError,
  DisposedError,
  DTypeError,
  NanError,
  ShapeError,
  TensileError,
  ValueError,
} from './internal/errors.js';
export { ClosedJaxpr, Jaxpr } from './internal/jaxpr/jaxpr.js';
export { type BackendMemory, memory, setLeakWarnings } from './internal/memory.js';
export type { Primitive } from './internal/primitives/spec.js';
export { listPrimitives } from './internal/primitives/table.js';
export {
  getBackend,
  listBackends,
  registerBackend,
  setDefaultBackend,
  unregisterBackend,
  withBackend,
} from './internal/registry.js';
export {
  type CheckGradsOptions,
  checkGrads,
  checkGradsAsync,
} from './internal/transforms/check-grads.js';
export { checkpoint } from './internal/transforms/checkpoint.js';
export { customJvp, customVjp } from './internal/transforms/custom.js';
export { jvp, type LinearMap, linearize } from './internal/transforms/forward.js';
export {
  type GradOptions,
  grad,
  type Pullback,
  valueAndGrad,
  vjp,
} from './internal/transforms/grad.js';
export { hessian, type JacobianOptions, jacfwd, jacrev } from './internal/transforms/jacobian.js';
export {
  type JitOptions,
  type JittedFunction,
  jit,
  makeJaxpr,
  setJitDebug,
} from './internal/transforms/jit.js';
export { scope } from './internal/transforms/scope.js';
export { type VmapOptions, vmap } from './internal/transforms/vmap-api.js';
export * as lax from './lax.js';
export * as nn from './nn.js';
export * as np from './np.js';
export * as random from './random.js';
export * as tree from './tree.js';
