import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../src/backend.js';
import { run } from './support.js';

const repoRoot = join(import.meta.dirname, '../../..');

describe('tensile command line', () => {
  it('prints the help with --help and exits 0', async () => {
    const { status, out } = await run('--help');
    expect(status).toBe(0);
    expect(out).toMatch(/tensile train fashion-mnist --model cnn\|mlp\|resnet20/);
    expect(out).toMatch(/tensile train sunspots/);
  });

  it('prints a command usage with --help', async () => {
    const { status, out } = await run('train', 'spam', '--help');
    expect(status).toBe(0);
    expect(out).toMatch(/--model lstm\|gru/);
  });

  it('rejects unknown commands, unknown options and bad values with status 2', async () => {
    expect((await run('fly')).status).toBe(2);
    const unknownTask = await run('train', 'cifar');
    expect(unknownTask.status).toBe(2);
    expect(unknownTask.all).toMatch(/unknown training task 'cifar'/);
    const badOption = await run('train', 'fashion-mnist', '--epoch', '2');
    expect(badOption.status).toBe(2);
    expect(badOption.all).toMatch(/Unknown option '--epoch'/);
    const badValue = await run('train', 'fashion-mnist', '--epochs', '0');
    expect(badValue.status).toBe(2);
    expect(badValue.all).toMatch(/--epochs must be an integer ≥ 1, got '0'/);
    const badModel = await run('train', 'fashion-mnist', '--model', 'vgg');
    expect(badModel.all).toMatch(/--model must be one of cnn, mlp, resnet20, got 'vgg'/);
    const missing = await run('eval');
    expect(missing.status).toBe(2);
    expect(missing.all).toMatch(/--checkpoint PATH is required/);
  });

  it('reports a missing checkpoint file with status 2', async () => {
    const { status, all } = await run('eval', '--checkpoint', '/nonexistent/model.safetensors');
    expect(status).toBe(2);
    expect(all).toMatch(/cannot read checkpoint \/nonexistent\/model\.safetensors/);
  });

  it('--backend auto picks Dawn on a real GPU, else the CPU with the reason', async () => {
    const backend = await selectBackend('auto');
    try {
      expect(['cpu', 'webgpu']).toContain(backend.name);
      if (backend.name === 'cpu')
        expect(backend.description).toMatch(/^cpu \(.* — (no GPU adapter|Dawn unavailable)/);
    } finally {
      await backend.release();
    }
  }, 30_000);

  it('runs as a process: main.ts --help', () => {
    const result = spawnSync(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', 'apps/cli/src/main.ts', '--help'],
      { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 },
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^tensile — train and run Tensile models/);
  }, 60_000);
});
