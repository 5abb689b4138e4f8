/**
 * The suite on a CPU backend that only reads asynchronously (no `readSync`, as a GPU backend):
 * tests that need synchronous reads (readSync, checkGrads) must be skipped with the reason,
 * and everything else must still pass through `read()`.
 */
import { createCpuBackend } from '@tensile/backend-cpu';
import type { Backend } from '@tensile/core';
import { describeConformance } from '../src/index.js';

function createAsyncCpuBackend(): Backend {
  const { readSync, ...rest } = createCpuBackend({ name: 'cpu-async' });
  return { ...rest, capabilities: { ...rest.capabilities, syncRead: false } };
}

describeConformance({ name: 'cpu-async', create: createAsyncCpuBackend });
