/**
 * Vitest project of @tensile/core: every test runs on the reference CPU backend and must leave no
 * live tensors behind (checked after each test by `test/setup.ts`).
 */
import { defineProject } from 'vitest/config';
import { sourceConditions } from '../../vitest.config.js';

export default defineProject({
  ...sourceConditions,
  test: {
    name: '@tensile/core',
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
  },
});
