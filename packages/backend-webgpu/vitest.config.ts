/**
 * Vitest project of @tensile/backend-webgpu: the browser test drives headless Chromium, so it
 * runs in `forks` with long timeouts and without the shared setup (no CPU backend is needed).
 */
import { defineProject } from 'vitest/config';
import { sourceConditions } from '../../vitest.config.js';

export default defineProject({
  ...sourceConditions,
  test: {
    name: '@tensile/backend-webgpu',
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 240_000,
  },
});
