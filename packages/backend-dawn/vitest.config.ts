/**
 * Vitest project of @tensile/backend-dawn: runs in `forks` (Dawn's native addon is happier in
 * its own process than in a worker thread) and without the shared setup, which registers the
 * CPU backend — the conformance suite registers the backend under test itself.
 */
import { defineProject } from 'vitest/config';
import { sourceConditions } from '../../vitest.config.js';

export default defineProject({
  ...sourceConditions,
  test: {
    name: '@tensile/backend-dawn',
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
