/**
 * Part one of the suite: every Backend method called directly with hand-built `StridedView`s
 * and `OutputSpec`s, below the core, against the testkit's own oracles.
 */
import { registerBinaryTests } from './sections/binary.js';
import { registerCastTests } from './sections/cast.js';
import { registerDotTests } from './sections/dot.js';
import { registerFillCopyTests } from './sections/fill-copy.js';
import { registerIndexingTests } from './sections/indexing.js';
import { registerMemoryTests } from './sections/memory.js';
import { registerOptionalOpTests } from './sections/optional-ops.js';
import { registerReduceTests } from './sections/reduce.js';
import { registerThreefryTests } from './sections/threefry.js';
import { registerUnaryTests } from './sections/unary.js';
import type { SuiteContext } from './suite-context.js';

/**
 * Register every direct backend-method test of the suite.
 *
 * @example
 * describe('backend methods', () => registerBackendMethodTests(suite));
 */
export function registerBackendMethodTests(suite: SuiteContext): void {
  registerMemoryTests(suite);
  registerFillCopyTests(suite);
  registerUnaryTests(suite);
  registerBinaryTests(suite);
  registerCastTests(suite);
  registerReduceTests(suite);
  registerDotTests(suite);
  registerIndexingTests(suite);
  registerThreefryTests(suite);
  registerOptionalOpTests(suite);
}
