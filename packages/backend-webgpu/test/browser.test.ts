/**
 * @tensile/backend-webgpu in a real browser: headless Chromium (Debian's `/usr/bin/chromium`,
 * driven by playwright-core — no browser download) exposes WebGPU through SwiftShader with
 * `--enable-unsafe-webgpu`. The page runs the whole conformance suite (about 20 s on
 * SwiftShader; it has no `shader-f16`, so float16 is checked under Dawn only): the harness and
 * the testkit are bundled with Vite, `vitest` aliased to a small in-page runner, and each
 * in-page result becomes one Vitest test here.
 * Without Chromium the test is skipped, unless `TENSILE_REQUIRE_GPU=1` (CI) makes it a failure.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { describe, expect, it } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
const REQUIRE = process.env.TENSILE_REQUIRE_GPU === '1';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** The harness and everything it imports as one ES module, `vitest` replaced by the shim. */
async function bundleHarness(): Promise<string> {
  const output = await build({
    configFile: false,
    logLevel: 'silent',
    resolve: {
      conditions: ['source', 'browser', 'import', 'module', 'default'],
      alias: { vitest: here('./browser/vitest-shim.ts') },
    },
    build: {
      write: false,
      minify: false,
      lib: { entry: here('./browser/harness.ts'), formats: ['es'], fileName: 'harness' },
    },
  });
  const outputs = Array.isArray(output) ? output : [output];
  for (const result of outputs) {
    if ('output' in result) {
      const chunk = result.output.find((item) => item.type === 'chunk');
      if (chunk !== undefined && chunk.type === 'chunk') return chunk.code;
    }
  }
  throw new Error('bundling the browser harness produced no chunk');
}

interface PageResult {
  adapter: string;
  results: { name: string; state: 'passed' | 'failed' | 'skipped'; error?: string; ms: number }[];
}

async function runInChromium(): Promise<PageResult> {
  const code = await bundleHarness();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--enable-unsafe-webgpu'],
  });
  try {
    const page = await browser.newPage();
    // An https origin is a secure context (WebGPU requires one); nothing leaves the machine.
    await page.route('https://tensile.test/**', (route) => {
      const url = route.request().url();
      if (url.endsWith('/harness.js'))
        return route.fulfill({ contentType: 'text/javascript', body: code });
      return route.fulfill({
        contentType: 'text/html',
        body: '<!doctype html><title>tensile</title>',
      });
    });
    await page.goto('https://tensile.test/');
    // A string, not a function: Vitest rewrites `import()` inside functions it transforms.
    const script =
      "import('https://tensile.test/harness.js').then((harness) => harness.runConformance())";
    return (await page.evaluate(script)) as PageResult;
  } finally {
    await browser.close();
  }
}

const available = existsSync(CHROMIUM);
if (!available && REQUIRE) throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);

describe.skipIf(!available)('webgpu in headless Chromium (SwiftShader)', async () => {
  const { adapter, results } = available ? await runInChromium() : { adapter: '', results: [] };

  it(`ran the conformance suite on ${adapter}`, () => {
    expect(results.filter((r) => r.state === 'passed').length).toBeGreaterThan(300);
  });

  for (const result of results) {
    it.skipIf(result.state === 'skipped')(result.name, () => {
      if (result.state === 'failed') throw new Error(result.error);
    });
  }
});
