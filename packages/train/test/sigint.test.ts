/**
 * Ctrl-C in a real process: the Node `fit` turns SIGINT into a fiber interruption, the finalizer
 * writes a checkpoint of the last completed step, and the process exits with status 130.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tree } from '@tensile/core';
import { loadCheckpoint } from '@tensile/io/node';
import { expect, it } from 'vitest';
import { initParams, optimizer } from './support/logistic.js';

const child = join(import.meta.dirname, 'fixtures', 'sigint-child.ts');

it('SIGINT writes a checkpoint of the last step and exits with 130', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tensile-sigint-'));
  try {
    const proc = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', child, dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let signalled = false;
    proc.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const exit = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    proc.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (!signalled && /STEP 3\n/.test(stdout)) {
        signalled = true;
        proc.kill('SIGINT');
      }
    });
    const code = await exit;
    expect(code, stderr).toBe(130);
    expect(stdout).not.toContain('DONE');
    const lastStep = Math.max(...[...stdout.matchAll(/STEP (\d+)/g)].map((m) => Number(m[1])));
    expect(lastStep).toBeGreaterThanOrEqual(3);
    expect(stderr).toContain('SIGINT: stopping after the current step');
    // The step printed last, or one more if the signal landed while a step was running (steps are
    // never cut in half: the checkpoint is of a completed step either way).
    const files = await readdir(dir);
    expect(files).toHaveLength(1);
    const saved = Number(/^ckpt-(\d+)\.safetensors$/.exec(files[0] as string)?.[1]);
    expect([lastStep, lastStep + 1]).toContain(saved);
    expect(stderr).toContain(`interrupted after step ${saved}; saved`);

    const params = initParams();
    const optState = optimizer().init(params);
    const loaded = await loadCheckpoint(join(dir, `ckpt-${saved}.safetensors`), {
      params,
      optState,
    });
    expect(loaded.step).toBe(saved);
    expect(loaded.metadata).toMatchObject({ fit: { epoch: 0, index: saved, step: saved } });
    tree.dispose([params, optState, loaded.params, loaded.optState]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 30_000);
