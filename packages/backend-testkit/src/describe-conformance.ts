/**
 * `describeConformance`: the one call a backend plugin makes to run the conformance suite.
 *
 * It creates the backend once (at collection, so capability-aware skips can name what they
 * skip), registers part one — every Backend method called directly against the testkit's
 * oracles — and part two — every primitive through `@tensile/core`, forward and gradients,
 * with leak checks — then disposes the backend after the last test.
 */
import type { Backend } from '@tensile/core';
import { afterAll, describe } from 'vitest';
import { registerBackendMethodTests } from './internal/backend-methods.js';
import { registerCoreLevelTests } from './internal/core-level/register.js';
import { Registrar } from './internal/registrar.js';
import type { SuiteContext } from './internal/suite-context.js';
import { type ConformanceOptions, resolveTolerances } from './options.js';

/**
 * Register the Tensile backend conformance suite (Vitest `describe`/`it` blocks) for a backend.
 * Call it at the top level of a test file.
 *
 * @example
 * import { describeConformance } from '@tensile/backend-testkit';
 * import { createMyBackend } from '../src/index.js';
 *
 * describeConformance({
 *   name: 'my-gpu',
 *   create: async () => createMyBackend(await requestDevice()),
 *   dispose: (backend) => backend.dispose?.(),
 *   tolerance: { float32: { transcendental: { rtol: 5e-4, atol: 1e-6 } } },
 *   skip: ['unary/ieee-specials/*'],
 * });
 */
export function describeConformance<B extends Backend>(options: ConformanceOptions<B>): void {
  if (typeof options.name !== 'string' || options.name === '') {
    throw new TypeError('describeConformance: options.name must be a non-empty string');
  }
  if (typeof options.create !== 'function') {
    throw new TypeError(
      'describeConformance: options.create must be a function returning the backend',
    );
  }
  const tolerances = resolveTolerances(options.tolerance);
  describe(`${options.name}: backend conformance`, async () => {
    const backend = await options.create();
    const registrar = new Registrar(backend, options.skip ?? []);
    const suite: SuiteContext = { backend, tolerances, registrar };
    afterAll(async () => {
      if (options.dispose) await options.dispose(backend);
      else backend.dispose?.();
    });
    describe('backend methods', () => registerBackendMethodTests(suite));
    describe('primitives through @tensile/core', () => registerCoreLevelTests(suite));
    registrar.finish();
  });
}
