/**
 * Part two of the suite: every primitive through `@tensile/core` on the backend under test.
 *
 * The backend is registered under its own name for the duration of the block (and removed
 * afterwards if the suite registered it), each case runs with it as the default backend
 * (`withBackend`), and after every test the backend's live tensors and buffers in `memory()`
 * must be back where they were. Forward results are compared with the testkit's oracles;
 * derivatives with `checkGrads` (finite differences).
 */
import * as core from '@tensile/core';
import {
  type BackendMemory,
  ClosedJaxpr,
  checkGrads,
  checkGradsAsync,
  getBackend,
  Jaxpr,
  listBackends,
  listPrimitives,
  makeJaxpr,
  memory,
  registerBackend,
  scope,
  type Tensor,
  unregisterBackend,
  withBackend,
} from '@tensile/core';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { expectValues } from '../compare.js';
import type { HostTensor } from '../host-data.js';
import { type SuiteContext, toleranceFor } from '../suite-context.js';
import type { ForwardCase, GradCase, PrimitiveEntry } from './cases.js';
import { PRIMITIVES, type PrimitiveName } from './primitive-names.js';
import { primitiveTable } from './primitive-table.js';
import { evaluate, toTensor } from './tensors.js';

/** Why an entry cannot run against this build of `@tensile/core`, if it cannot. */
function missingApi(entry: PrimitiveEntry): string | undefined {
  const missing = (entry.needs ?? []).filter((path) => {
    const value = path
      .split('.')
      .reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], core);
    return typeof value !== 'function';
  });
  return missing.length > 0 ? `@tensile/core does not export ${missing.join(', ')} yet` : undefined;
}

/** Upload host tensors, run `body`, and dispose the uploads. */
function withTensors<T>(
  backend: string,
  hosts: readonly HostTensor[],
  body: (tensors: Tensor[]) => T,
): T {
  const tensors = hosts.map((h) => toTensor(h, backend));
  try {
    return body(tensors);
  } finally {
    for (const t of tensors) t.dispose();
  }
}

async function checkForward(
  suite: SuiteContext,
  primitive: PrimitiveName,
  testCase: ForwardCase,
): Promise<void> {
  const outputs = await evaluate(suite.backend.name, testCase.inputs, testCase.run);
  const expected = testCase.expected();
  const what = `${primitive}: ${testCase.title}`;
  if (outputs.length !== expected.length) {
    throw new Error(`${what}: ${outputs.length} outputs, expected ${expected.length}`);
  }
  outputs.forEach((output, k) => {
    const reference = expected[k] as (typeof expected)[number];
    const label = expected.length > 1 ? `${what} (output ${k})` : what;
    if (output.shape.join() !== reference.shape.join()) {
      throw new Error(`${label}: shape [${output.shape}], expected [${reference.shape}]`);
    }
    if (reference.dtype && output.dtype !== reference.dtype) {
      throw new Error(`${label}: dtype ${output.dtype}, expected ${reference.dtype}`);
    }
    expectValues(output.values, {
      what: label,
      dtype: output.dtype,
      shape: output.shape,
      expected: reference.values,
      scale: reference.scale,
      tolerance: toleranceFor(suite, output.dtype, testCase.kind),
    });
  });
}

async function checkGradients(
  suite: SuiteContext,
  primitive: PrimitiveName,
  testCase: GradCase,
): Promise<void> {
  const name = suite.backend.name;
  const { rtol, atol } = suite.tolerances.gradients;
  const options = {
    order: testCase.order ?? 1,
    modes: testCase.modes ?? ['fwd', 'rev'],
    rtol,
    atol,
  } as const;
  try {
    // Synchronous reads when the backend has them; otherwise the same checks read asynchronously.
    await withTensors(name, testCase.inputs, (args) =>
      withTensors(name, testCase.constants ?? [], (constants) =>
        withBackend(name, () => {
          const fn = (...xs: Tensor[]) => testCase.run(...xs, ...constants);
          if (suite.backend.capabilities.syncRead) return checkGrads(fn, args, options);
          return checkGradsAsync(fn, args, options);
        }),
      ),
    );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${primitive}: ${testCase.title}: ${message}`, { cause: error });
  }
}

/** Every primitive a jaxpr applies, including inside the jaxprs its equations hold. */
function stagedPrimitives(jaxpr: Jaxpr, into: Set<string>): Set<string> {
  const visit = (value: unknown): void => {
    if (value instanceof Jaxpr) stagedPrimitives(value, into);
    else if (value instanceof ClosedJaxpr) stagedPrimitives(value.jaxpr, into);
    else if (Array.isArray(value)) value.forEach(visit);
  };
  for (const eqn of jaxpr.eqns) {
    into.add(eqn.primitive);
    Object.values(eqn.params as Record<string, unknown>).forEach(visit);
  }
  return into;
}

/** The primitives `testCase` stages, on the backend under test. */
function primitivesOf(backend: string, testCase: ForwardCase): Set<string> {
  return withTensors(backend, testCase.inputs, (args) =>
    withBackend(backend, () =>
      scope(() => stagedPrimitives(makeJaxpr(testCase.run)(...args).jaxpr, new Set())),
    ),
  );
}

function liveMemory(backend: string): BackendMemory {
  return memory()[backend] ?? { tensors: 0, buffers: 0, bytes: 0 };
}

/**
 * Register the core-level tests: lifecycle and leak-check hooks, `primitive/<name>` forward
 * tests, `grad/<name>` gradient tests and the `coverage/primitives` test.
 *
 * @example
 * describe('primitives through @tensile/core', () => registerCoreLevelTests(suite));
 */
export function registerCoreLevelTests(suite: SuiteContext): void {
  const { backend, registrar } = suite;
  const name = backend.name;
  const table = primitiveTable(name);
  // The core routes tensors by backend name, so the name must be free or already ours.
  const conflict =
    listBackends().includes(name) && getBackend(name) !== backend
      ? `a different backend named '${name}' is already registered (give the backend under test its own name)`
      : undefined;
  registrar.test(
    'core/registration',
    `the backend registers with @tensile/core as '${name}'`,
    {},
    () => {
      if (conflict) throw new Error(conflict);
    },
  );
  let registeredHere = false;
  beforeAll(() => {
    if (conflict || listBackends().includes(name)) return;
    registerBackend(backend);
    registeredHere = true;
  });
  afterAll(() => {
    if (registeredHere) unregisterBackend(name);
  });

  let before: BackendMemory = liveMemory(name);
  beforeEach(() => {
    before = liveMemory(name);
  });
  afterEach(() => {
    const after = liveMemory(name);
    if (after.tensors !== before.tensors || after.buffers !== before.buffers) {
      throw new Error(
        `leak on backend '${name}': live tensors ${before.tensors} → ${after.tensors}, buffers ${before.buffers} → ${after.buffers}`,
      );
    }
  });

  for (const primitive of PRIMITIVES) {
    const entry = table[primitive];
    const unavailable = conflict ?? missingApi(entry);
    const { forward, gradients } = entry;
    if (Array.isArray(forward)) {
      const cases = forward as readonly ForwardCase[];
      registrar.test(
        `primitive/${primitive}`,
        `${primitive} through @tensile/core vs the oracle (${cases.map((c) => c.title).join('; ')})`,
        { unavailable, syncRead: entry.readsSynchronously },
        async () => {
          for (const testCase of cases) await checkForward(suite, primitive, testCase);
        },
      );
    }
    if (Array.isArray(gradients)) {
      const cases = gradients as readonly GradCase[];
      registrar.test(
        `grad/${primitive}`,
        `checkGrads of ${primitive} (${cases.map((c) => c.title).join('; ')})`,
        { unavailable, syncRead: entry.readsSynchronously },
        async () => {
          for (const testCase of cases) await checkGradients(suite, primitive, testCase);
        },
      );
    }
  }

  registrar.test(
    'coverage/primitives',
    'every core primitive has cases, and each case binds the primitive it names',
    { unavailable: conflict },
    () => {
      const duplicates = PRIMITIVES.filter((p, i) => PRIMITIVES.indexOf(p) !== i);
      if (duplicates.length > 0) throw new Error(`PRIMITIVES lists ${duplicates.join(', ')} twice`);
      const known = new Set<string>(PRIMITIVES);
      const problems: string[] = [];
      // The core's own table is the ground truth: every primitive it has must have cases here.
      const uncovered = listPrimitives().filter((p) => !known.has(p));
      if (uncovered.length > 0)
        problems.push(`core primitives without conformance cases: ${uncovered.join(', ')}`);
      const stale = PRIMITIVES.filter((p) => !listPrimitives().includes(p as never));
      if (stale.length > 0)
        problems.push(`PRIMITIVES lists names the core does not have: ${stale.join(', ')}`);
      const unknown = new Set<string>();
      for (const primitive of PRIMITIVES) {
        const entry = table[primitive];
        if (!Array.isArray(entry.forward)) {
          const { coveredBy } = entry.forward as { coveredBy: PrimitiveName };
          if (!Array.isArray(table[coveredBy].forward))
            problems.push(`${primitive} is covered by ${coveredBy}, which has no cases`);
          continue;
        }
        if (missingApi(entry)) continue;
        const mustStage = entry.notStaged === undefined;
        for (const testCase of entry.forward as readonly ForwardCase[]) {
          const staged = primitivesOf(name, testCase);
          if (mustStage && !staged.has(primitive))
            problems.push(
              `the ${primitive} case '${testCase.title}' stages only ${[...staged].join(', ')}`,
            );
          for (const p of staged) if (!known.has(p)) unknown.add(p);
        }
      }
      if (unknown.size > 0) {
        problems.push(
          `cases stage primitives the testkit does not list (add them to PRIMITIVES with cases): ${[...unknown].join(', ')}`,
        );
      }
      if (problems.length > 0) throw new Error(problems.join('\n'));
    },
  );
}
