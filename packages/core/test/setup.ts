/**
 * Shared test setup for @tensile/core: registers the reference CPU backend and fails any test that
 * leaves live tensors behind (DESIGN.md §4: tests assert zero leaks).
 */
import { createCpuBackend } from '@tensile/backend-cpu';
import { afterEach, beforeEach, expect } from 'vitest';
import '../src/internal/core/eval-trace.js';
import { memory } from '../src/internal/memory.js';
import { listBackends, registerBackend } from '../src/internal/registry.js';

if (!listBackends().includes('cpu')) registerBackend(createCpuBackend());

let before = 0;
const live = () => memory().cpu?.tensors ?? 0;

beforeEach(() => {
  before = live();
});

afterEach(() => {
  expect(live(), 'live tensors after the test (leak: dispose them or use scope())').toBe(before);
});
