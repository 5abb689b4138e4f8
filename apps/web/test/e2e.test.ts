/**
 * End to end: the demo page built with Vite, served by `vite preview` on 127.0.0.1 (a free port),
 * driven in headless Chromium (Debian's `/usr/bin/chromium` through playwright-core, WebGPU via
 * SwiftShader with `--enable-unsafe-webgpu`; no browser download). Training is started with the
 * page's own buttons; the test reads the page's `data-*` attributes (losses, backend, live tensor
 * counts) and checks that the loss falls, that WebGPU is used when the browser offers an adapter,
 * that the CPU fallback works, and that nothing was logged as an error. Screenshots go to
 * `$TMPDIR/tensile-web-*.png`.
 * Without Chromium the test is skipped, unless `TENSILE_REQUIRE_GPU=1` (CI) makes it a failure.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { build, type PreviewServer, preview } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
const REQUIRE = process.env.TENSILE_REQUIRE_GPU === '1';
const CONFIG = fileURLToPath(new URL('../vite.config.ts', import.meta.url));
/**
 * Classifier steps: enough for the loss to fall clearly, few enough for SwiftShader (about 1.3 s a
 * step for the page's default small CNN at batch 16 on a 2-core machine).
 */
const STEPS = 15;
/** GAN steps: about 3 s each on SwiftShader at the page's software-adapter size (width 4, batch 8). */
const GAN_STEPS = 2;
/** Test images for the accuracy read-out (one jitted batch). */
const EVAL = 100;

const available = existsSync(CHROMIUM);
if (!available && REQUIRE) throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

interface OpenedPage {
  page: Page;
  /** Console errors and uncaught exceptions seen so far. */
  errors: string[];
}

describe.skipIf(!available)('apps/web in headless Chromium', () => {
  let outDir = '';
  let server: PreviewServer | undefined;
  let browser: Browser | undefined;
  let origin = '';

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'tensile-web-dist-'));
    await build({
      configFile: CONFIG,
      logLevel: 'silent',
      build: { outDir, emptyOutDir: true },
    });
    server = await preview({
      configFile: CONFIG,
      logLevel: 'silent',
      build: { outDir },
      preview: { host: '127.0.0.1', port: 0, open: false },
    });
    const address = server.httpServer.address() as AddressInfo;
    origin = `http://127.0.0.1:${address.port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--enable-unsafe-webgpu'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (outDir !== '') rmSync(outDir, { recursive: true, force: true });
  });

  async function open(query: string): Promise<OpenedPage> {
    const page = await (browser as Browser).newPage({ viewport: { width: 800, height: 1200 } });
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(`${error.name}: ${error.message}`));
    await page.goto(`${origin}/?${query}`);
    await page.waitForSelector('#app:not([data-ready="false"])', { timeout: 20_000 });
    expect(await page.getAttribute('#app', 'data-ready'), errors.join('\n')).toBe('true');
    return { page, errors };
  }

  /** Click a button and wait until `data-<state>` on #app is `done` or `error`. */
  async function runToEnd(page: Page, button: string, state: string, timeout: number) {
    await page.click(button);
    await page.waitForSelector(`#app[data-${state}="done"], #app[data-${state}="error"]`, {
      timeout,
    });
    return page.getAttribute('#app', `data-${state}`);
  }

  const json = async (page: Page, attribute: string): Promise<unknown> =>
    JSON.parse((await page.getAttribute('#app', attribute)) ?? 'null');

  it(`trains the CNN ${STEPS} steps on WebGPU (when offered): the loss falls; the GAN draws`, async () => {
    const { page, errors } = await open(`steps=${STEPS}&eval=${EVAL}&gan-steps=${GAN_STEPS}`);
    try {
      const webgpuOffered = (await page.evaluate(
        'navigator.gpu ? navigator.gpu.requestAdapter().then((a) => a !== null) : false',
      )) as boolean;
      // CI (TENSILE_REQUIRE_GPU=1) must exercise WebGPU, not just the fallback.
      if (REQUIRE) expect(webgpuOffered, 'navigator.gpu offers no adapter').toBe(true);
      const backend = await page.getAttribute('#app', 'data-backend');
      expect(backend).toBe(webgpuOffered ? 'webgpu' : 'cpu');

      const state = await runToEnd(page, '#train', 'state', 120_000);
      expect(state, `${await page.getAttribute('#app', 'data-error')}`).toBe('done');
      const losses = (await json(page, 'data-losses')) as number[];
      expect(losses).toHaveLength(STEPS);
      for (const loss of losses) expect(Number.isFinite(loss)).toBe(true);
      const first = mean(losses.slice(0, 5));
      const last = mean(losses.slice(-5));
      expect(last, `losses ${losses.map((l) => l.toFixed(3)).join(' ')}`).toBeLessThan(first);
      // No tensor leaks per step: the live count is the same after every step once warm.
      const live = (await json(page, 'data-live-tensors')) as number[];
      expect(new Set(live.slice(2)).size, `live tensors per step ${live}`).toBe(1);
      const accuracy = Number(await page.getAttribute('#app', 'data-accuracy'));
      expect(accuracy).toBeGreaterThan(0.1);

      const ganState = await runToEnd(page, '#train-gan', 'gan-state', 90_000);
      expect(ganState, `${await page.getAttribute('#app', 'data-error')}`).toBe('done');
      const ganLosses = (await json(page, 'data-gan-losses')) as number[][];
      expect(ganLosses).toHaveLength(GAN_STEPS);
      for (const value of ganLosses.flat()) expect(Number.isFinite(value)).toBe(true);
      expect(await page.getAttribute('#app', 'data-gan-samples-step')).toBe(String(GAN_STEPS));

      await page.screenshot({ path: join(tmpdir(), `tensile-web-${backend}.png`), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('falls back to the CPU backend (?backend=cpu) and trains there', async () => {
    // The CPU backend gets the full-size defaults: LeNet-5, batch 32.
    const { page, errors } = await open('backend=cpu&steps=12&eval=100');
    try {
      expect(await page.getAttribute('#app', 'data-backend')).toBe('cpu');
      expect(await page.textContent('#backend')).toMatch(/^CPU/);
      expect(await page.inputValue('#model')).toBe('lenet5');
      const state = await runToEnd(page, '#train', 'state', 30_000);
      expect(state, `${await page.getAttribute('#app', 'data-error')}`).toBe('done');
      const losses = (await json(page, 'data-losses')) as number[];
      expect(losses).toHaveLength(12);
      expect(mean(losses.slice(-3))).toBeLessThan(mean(losses.slice(0, 3)));
      await page.screenshot({ path: join(tmpdir(), 'tensile-web-cpu.png'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
