/**
 * The backend conformance suite on the threaded Wasm path (`threads: 2`): the suite's shapes are
 * mostly below the sizes at which kernels split their work, so this checks that the threaded
 * backend is a complete, correct backend; `threads.test.ts` checks the split kernels bit for bit.
 *
 * @tensile/backend-testkit is resolved through the workspace link rather than a devDependency:
 * the testkit already devDepends on this package, and turbo rejects the cycle.
 */
import { describeConformance } from '@tensile/backend-testkit';
import { createCpuBackend } from '../src/index.js';

describeConformance({
  name: 'cpu-threads',
  create: () => createCpuBackend({ name: 'cpu-threads', kernels: 'wasm', threads: 2 }),
  dispose: (backend) => backend.dispose(),
});
