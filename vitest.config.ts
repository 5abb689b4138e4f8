/**
 * Root Vitest config: one project per workspace package/app that has a `test/` folder.
 *
 * Workspace packages resolve through the custom `source` export condition, so tests run against
 * `src/` directly with no build step. A package may bring its own `vitest.config.ts` (use
 * `defineProject` and spread `sourceConditions` from this file), which is then used instead of the
 * generated inline project, e.g. to run in `forks` instead of `threads`.
 *
 * The last line printed is `Tests: N passed, N failed, N skipped` (the plain summary CI reads).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultClientConditions, defaultServerConditions } from 'vite';
import type { TestProjectInlineConfiguration } from 'vitest/config';
import { defineConfig } from 'vitest/config';
import type { Reporter, TestModule } from 'vitest/node';

const workspaceRoot = import.meta.dirname;
/** Registers the CPU backend and checks every test for leaked tensors (see vitest.setup.ts). */
export const sharedSetup = join(workspaceRoot, 'vitest.setup.ts');
// bench/ is deliberately absent: benchmarks are never part of `npm test`.
const workspaceGroups = ['packages', 'apps'];

/** Lists the workspace package folders (relative paths) that hold tests. */
function packagesWithTests(): Array<{ dir: string; name: string }> {
  const found: Array<{ dir: string; name: string }> = [];
  for (const group of workspaceGroups) {
    const groupPath = join(workspaceRoot, group);
    if (!existsSync(groupPath)) continue;
    const candidates = readdirSync(groupPath, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => join(group, entry.name));
    for (const dir of candidates) {
      const manifest = join(workspaceRoot, dir, 'package.json');
      if (!existsSync(manifest) || !existsSync(join(workspaceRoot, dir, 'test'))) continue;
      const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name: string };
      found.push({ dir, name });
    }
  }
  return found;
}

function projectFor({
  dir,
  name,
}: {
  dir: string;
  name: string;
}): string | TestProjectInlineConfiguration {
  const ownConfig = join(dir, 'vitest.config.ts');
  if (existsSync(join(workspaceRoot, ownConfig))) return ownConfig;
  return {
    extends: true,
    test: {
      name,
      root: join(workspaceRoot, dir),
      include: ['test/**/*.test.ts'],
      setupFiles: [sharedSetup],
    },
  };
}

/** Prints one plain closing line: `Tests: N passed, N failed, N skipped`. */
class SummaryLineReporter implements Reporter {
  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<unknown>,
  ): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const testModule of testModules) {
      let failedInModule = 0;
      for (const testCase of testModule.children.allTests()) {
        const state = testCase.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failedInModule++;
        else skipped++;
      }
      failed += failedInModule;
      // A file that failed to load, or whose hooks threw while its tests were skipped, counts as
      // one failure — so the closing line never reads "0 failed" for a failed file.
      if (testModule.state() === 'failed' && failedInModule === 0) failed++;
    }
    failed += unhandledErrors.length;
    process.stdout.write(`\nTests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}

/**
 * Resolve workspace packages through their `source` export condition (`src/index.ts`), so tests
 * need no build. Inline projects inherit this; a package's own `vitest.config.ts` must spread it:
 * `defineProject({ ...sourceConditions, test: { ... } })`.
 */
export const sourceConditions = {
  resolve: {
    conditions: ['source', ...defaultClientConditions],
  },
  ssr: {
    resolve: {
      conditions: ['source', ...defaultServerConditions],
    },
  },
};

export default defineConfig({
  ...sourceConditions,
  test: {
    projects: packagesWithTests().map(projectFor),
    pool: 'threads',
    reporters: ['default', new SummaryLineReporter()],
    passWithNoTests: false,
  },
});
