/**
 * Shared Vitest setup for every workspace package: registers the reference CPU backend and fails
 * any test that leaves live tensors behind (DESIGN.md §4: tests assert zero leaks).
 */
import { createCpuBackend } from '@tensile/backend-cpu';
import { listBackends, memory, registerBackend } from '@tensile/core';
import { afterEach, beforeEach, expect } from 'vitest';

if (!listBackends().includes('cpu')) registerBackend(createCpuBackend());

let before = 0;
const live = () => memory().cpu?.tensors ?? 0;

beforeEach(() => {
  before = live();
});

afterEach(() => {
  expect(live(), 'live tensors after the test (leak: dispose them or use scope())').toBe(before);
});
