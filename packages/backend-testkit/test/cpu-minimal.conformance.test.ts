/**
 * The suite on a CPU backend stripped to the required methods (no conv, reduceWindow,
 * cumulative, sort, compile): the direct tests of those methods must be skipped with a note,
 * and the core-level tests must pass through the core's fallbacks.
 */
import { createCpuBackend } from '@tensile/backend-cpu';
import type { Backend } from '@tensile/core';
import { describeConformance } from '../src/index.js';

function createMinimalCpuBackend(): Backend {
  const { conv, reduceWindow, cumulative, sort, compile, ...required } = createCpuBackend({
    name: 'cpu-minimal',
  });
  return required;
}

describeConformance({ name: 'cpu-minimal', create: createMinimalCpuBackend });
