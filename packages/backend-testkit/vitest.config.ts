/**
 * Vitest project of @tensile/backend-testkit: no shared setup — the conformance suite registers the
 * backend under test itself and runs its own per-backend leak checks.
 */
import { defineProject } from 'vitest/config';
import { sourceConditions } from '../../vitest.config.js';

export default defineProject({
  ...sourceConditions,
  test: {
    name: '@tensile/backend-testkit',
    include: ['test/**/*.test.ts'],
  },
});
