/**
 * Vitest project of @tensile/core: every test runs on the reference CPU backend and must leave no
 * live tensors behind (checked after each test by the shared `vitest.setup.ts`).
 */
import { defineProject } from 'vitest/config';
import { sharedSetup, sourceConditions } from '../../vitest.config.js';

export default defineProject({
  ...sourceConditions,
  test: {
    name: '@tensile/core',
    include: ['test/**/*.test.ts'],
    setupFiles: [sharedSetup],
  },
});
