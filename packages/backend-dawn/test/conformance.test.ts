/**
 * The full backend conformance suite on Dawn (on CI: Mesa's lavapipe software Vulkan driver).
 * Without an adapter the suite is skipped, unless `TENSILE_REQUIRE_GPU=1` makes that a failure.
 */
import { describeConformance } from '@tensile/backend-testkit';
import { describe, it } from 'vitest';
import { tryCreateDawnBackend } from './gpu.js';

const backend = await tryCreateDawnBackend({ name: 'dawn' });

if (backend === null) {
  describe('dawn: backend conformance', () => {
    it.skip('no WebGPU adapter (install mesa-vulkan-drivers from bookworm-backports)', () => {});
  });
} else {
  describeConformance({ name: 'dawn', create: () => backend });
}
