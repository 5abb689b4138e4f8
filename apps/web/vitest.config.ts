/**
 * Vitest project of @tensile/web: the end-to-end test builds the page with Vite, serves it and
 * drives it in headless Chromium, so it runs in `forks` with long timeouts and without the shared
 * setup (the page registers its own backend, in the browser).
 */
import { defineProject } from 'vitest/config';
import { sourceConditions } from '../../vitest.config.js';

export default defineProject({
  ...sourceConditions,
  test: {
    name: '@tensile/web',
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 180_000,
    hookTimeout: 120_000,
  },
});
