/**
 * The backend conformance suite on the Wasm SIMD kernels (`kernels: 'wasm'`).
 *
 * @tensile/backend-testkit is resolved through the workspace link rather than a devDependency:
 * the testkit already devDepends on this package, and turbo rejects the cycle.
 */
import { describeConformance } from '@tensile/backend-testkit';
import { createCpuBackend } from '../src/index.js';

describeConformance({
  name: 'cpu-wasm',
  create: () => createCpuBackend({ name: 'cpu-wasm', kernels: 'wasm' }),
});
