/**
 * Test registration with stable ids and capability-aware skips.
 *
 * Every conformance test has an id (`unary/exp/float32`, `grad/conv`, …) that starts its
 * title, so a backend author can name it in `skip`. A test whose requirements the backend does
 * not meet (a dtype, synchronous reads, an optional method) is registered with `it.skip` and
 * the reason in its title, so the report says what was not checked and why.
 */
import type { Backend, DType } from '@tensile/core';
import { it } from 'vitest';

/** The optional fast paths of the Backend contract that have core fallbacks. */
export type OptionalMethod = 'conv' | 'reduceWindow' | 'cumulative' | 'sort';

/** What a test needs from the backend and the environment. */
export interface Requirements {
  /** Every dtype the test stores or computes with. */
  readonly dtypes?: readonly DType[];
  /** The test reads synchronously (`readSync`, `dataSync`, `checkGrads`). */
  readonly syncRead?: boolean;
  /** The optional backend method the test exercises directly. */
  readonly method?: OptionalMethod;
  /** Why the test cannot run in this environment (e.g. a core API not exported yet), if so. */
  readonly unavailable?: string | undefined;
}

/** Where the suite's sections register their tests (the `Registrar`, or a collector in self-tests). */
export interface TestRegistrar {
  /** Register one test with a stable `id` (the first word of its title). */
  test(
    id: string,
    title: string,
    requirements: Requirements,
    body: () => void | Promise<void>,
  ): void;
}

/** Matches a test id against a skip entry: exact, or a prefix when the entry ends in `*`. */
function matches(pattern: string, id: string): boolean {
  return pattern.endsWith('*') ? id.startsWith(pattern.slice(0, -1)) : id === pattern;
}

/**
 * Registers conformance tests for one backend.
 *
 * @example
 * const registrar = new Registrar(backend, ['unary/erfinv/*']);
 * registrar.test('unary/exp/float32', 'exp vs Math.exp', { dtypes: ['float32'] }, async () => { … });
 * registrar.finish();
 */
export class Registrar implements TestRegistrar {
  readonly #backend: Backend;
  readonly #ids = new Set<string>();
  readonly #skipUses: Map<string, number>;

  constructor(backend: Backend, skip: readonly string[]) {
    this.#backend = backend;
    this.#skipUses = new Map(skip.map((pattern) => [pattern, 0]));
  }

  /** Why `id` does not run on this backend, or `undefined` when it runs. */
  skipReason(id: string, requirements: Requirements): string | undefined {
    const skipped = [...this.#skipUses.keys()].filter((pattern) => matches(pattern, id));
    for (const pattern of skipped)
      this.#skipUses.set(pattern, (this.#skipUses.get(pattern) ?? 0) + 1);
    if (skipped.length > 0) return `listed in options.skip (${skipped.join(', ')})`;
    if (requirements.unavailable) return requirements.unavailable;
    const { capabilities } = this.#backend;
    const missing = (requirements.dtypes ?? []).filter((d) => !capabilities.dtypes.includes(d));
    if (missing.length > 0)
      return `backend does not report dtype ${[...new Set(missing)].join(', ')}`;
    if (requirements.syncRead && !capabilities.syncRead) {
      return 'backend has no synchronous reads (capabilities.syncRead is false)';
    }
    const method = requirements.method;
    if (method && typeof this.#backend[method] !== 'function') {
      return `backend has no optional ${method}() (fine: the core falls back to required methods)`;
    }
    return undefined;
  }

  /** Register one test; it is skipped, with the reason in its title, when it cannot run. */
  test(
    id: string,
    title: string,
    requirements: Requirements,
    body: () => void | Promise<void>,
  ): void {
    if (this.#ids.has(id)) throw new Error(`testkit: duplicate test id '${id}'`);
    this.#ids.add(id);
    const name = `${id} — ${title}`;
    const reason = this.skipReason(id, requirements);
    if (reason === undefined) it(name, body);
    else it.skip(`${name} [skipped: ${reason}]`, () => {});
  }

  /** Register the final check that every `skip` entry named at least one test. */
  finish(): void {
    const unused = () =>
      [...this.#skipUses].filter(([, uses]) => uses === 0).map(([pattern]) => pattern);
    it('testkit/skip-list — every options.skip entry names a test', () => {
      const stale = unused();
      if (stale.length > 0) {
        throw new Error(
          `options.skip lists ids that match no test: ${stale.join(', ')} (ids are the first word of each test title)`,
        );
      }
    });
  }
}
