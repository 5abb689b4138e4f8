/**
 * A minimal stand-in for the parts of Vitest's API the conformance suite registers tests with
 * (`describe`, `it`, `it.skip`, the four hooks), so `describeConformance` runs unchanged inside a
 * browser page. The browser bundle aliases `vitest` to this file; `runCollected` then runs the
 * collected tests whose names match a filter and returns one result per test.
 */

type Body = () => unknown;

interface Suite {
  readonly name: string;
  readonly parent: Suite | undefined;
  readonly tests: { name: string; body: Body | undefined }[];
  readonly children: Suite[];
  readonly beforeAll: Body[];
  readonly afterAll: Body[];
  readonly beforeEach: Body[];
  readonly afterEach: Body[];
}

/** The outcome of one test in the page. */
export interface BrowserTestResult {
  readonly name: string;
  readonly state: 'passed' | 'failed' | 'skipped';
  readonly error?: string;
  readonly ms: number;
}

const newSuite = (name: string, parent: Suite | undefined): Suite => ({
  name,
  parent,
  tests: [],
  children: [],
  beforeAll: [],
  afterAll: [],
  beforeEach: [],
  afterEach: [],
});

const root = newSuite('', undefined);
let current = root;
const collecting: Promise<unknown>[] = [];

export function describe(name: string, body: Body): void {
  const suite = newSuite(name, current);
  current.children.push(suite);
  const parent = current;
  current = suite;
  const result = body();
  if (result instanceof Promise) {
    collecting.push(
      result.finally(() => {
        current = parent;
      }),
    );
  } else current = parent;
}

export function it(name: string, body: Body): void {
  current.tests.push({ name, body });
}
it.skip = (name: string, _body?: Body): void => {
  current.tests.push({ name, body: undefined });
};
export const test = it;

export const beforeAll = (hook: Body): void => void current.beforeAll.push(hook);
export const afterAll = (hook: Body): void => void current.afterAll.push(hook);
export const beforeEach = (hook: Body): void => void current.beforeEach.push(hook);
export const afterEach = (hook: Body): void => void current.afterEach.push(hook);

/** Every `beforeEach`/`afterEach` hook that applies inside `suite`, outermost first. */
function hooksOf(suite: Suite, kind: 'beforeEach' | 'afterEach'): Body[] {
  const chain: Suite[] = [];
  for (let s: Suite | undefined = suite; s !== undefined; s = s.parent) chain.unshift(s);
  return chain.flatMap((s) => s[kind]);
}

async function runSuite(
  suite: Suite,
  selected: (name: string) => boolean,
  results: BrowserTestResult[],
): Promise<void> {
  for (const hook of suite.beforeAll) await hook();
  for (const { name, body } of suite.tests) {
    if (!selected(name)) continue;
    if (body === undefined) {
      results.push({ name, state: 'skipped', ms: 0 });
      continue;
    }
    const start = performance.now();
    try {
      for (const hook of hooksOf(suite, 'beforeEach')) await hook();
      await body();
      for (const hook of hooksOf(suite, 'afterEach')) await hook();
      results.push({ name, state: 'passed', ms: performance.now() - start });
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      results.push({ name, state: 'failed', error: message, ms: performance.now() - start });
    }
  }
  for (const child of suite.children) await runSuite(child, selected, results);
  for (const hook of suite.afterAll) await hook();
}

/**
 * Wait for every (async) `describe` to finish collecting, then run the tests `selected` picks.
 *
 * @example
 * const results = await runCollected((name) => name.startsWith('unary/'));
 */
export async function runCollected(
  selected: (name: string) => boolean,
): Promise<BrowserTestResult[]> {
  while (collecting.length > 0) await collecting.shift();
  const results: BrowserTestResult[] = [];
  await runSuite(root, selected, results);
  return results;
}
