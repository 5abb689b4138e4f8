/**
 * Test helpers: run the CLI in-process with a collecting context (the shared Vitest setup has
 * registered the CPU backend and checks that no tensor leaks), in a fresh temporary directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../src/cli.js';
import { type CollectingContext, collectingContext } from '../src/context.js';

/** A temporary directory, removed by the returned cleanup. */
export function tempDir(prefix = 'tensile-cli-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Run `tensile …args` in-process; resolves to the exit status and everything printed. */
export async function run(
  ...args: string[]
): Promise<{ status: number; ctx: CollectingContext; out: string; all: string }> {
  const ctx = collectingContext({ echo: process.env.TENSILE_TEST_ECHO === '1' });
  const status = await runCli(args, ctx);
  return { status, ctx, out: ctx.lines.join('\n'), all: ctx.text() };
}
