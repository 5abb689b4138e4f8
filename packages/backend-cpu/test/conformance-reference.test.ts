/**
 * The backend conformance suite on the TypedArray kernels alone (`kernels: 'reference'`), which
 * the Wasm kernels fall back to and are compared with.
 *
 * @tensile/backend-testkit is resolved through the workspace link rather than a devDependency:
 * the testkit already devDepends on this package, and turbo rejects the cycle.
 */
import { describeConformance } from '@tensile/backend-testkit';
import { createCpuBackend } from '../src/index.js';

describeConformance({
  name: 'cpu-reference',
  create: () => createCpuBackend({ name: 'cpu-reference', kernels: 'reference' }),
});
