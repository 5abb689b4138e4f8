import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run, tempDir } from './support.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const cnnDir = join(tmp.dir, 'cnn');

describe('tensile train fashion-mnist / eval / predict (committed slice)', () => {
  it('trains the CNN for one epoch and writes the model, history and curves', async () => {
    const { status, out, all } = await run(
      'train',
      'fashion-mnist',
      '--model',
      'cnn',
      '--epochs',
      '1',
      '--limit',
      '200',
      '--slice',
      '--backend',
      'cpu',
      '--out',
      cnnDir,
    );
    expect(status, all).toBe(0);
    expect(out).toMatch(/^backend: cpu/m);
    expect(out).toMatch(
      /data: Fashion-MNIST \(slice: .*\): train 180, validation 20, test 200 images/,
    );
    expect(out).toMatch(
      /model: cnn: conv32-pool-conv64-pool-fc128-dropout-fc .*421,642 parameters/,
    );
    expect(out).toMatch(
      /^epoch 1\/1: loss=\d+\.\d{4} accuracy=\d\.\d{4} val_loss=\S+ val_accuracy=\S+/m,
    );
    expect(out).toMatch(/^test: accuracy=0\.\d{4} loss=\d+\.\d{4} on 200 images/m);
    expect(out).toMatch(/^time: .* per epoch \(cpu\)$/m);
    for (const name of ['model.safetensors', 'history.json', 'curves.svg', 'curves.png']) {
      expect(existsSync(join(cnnDir, name)), name).toBe(true);
    }
    expect(existsSync(join(cnnDir, 'checkpoints'))).toBe(true);
    const history = JSON.parse(readFileSync(join(cnnDir, 'history.json'), 'utf8'));
    expect(history.history.epochs).toHaveLength(1);
    expect(history.summary.testAccuracy).toBeGreaterThan(0);
    expect(readFileSync(join(cnnDir, 'curves.svg'), 'utf8')).toMatch(/^<svg|^<\?xml/);
    expect([...readFileSync(join(cnnDir, 'curves.png')).subarray(1, 4)]).toEqual([
      0x50, 0x4e, 0x47,
    ]);
  }, 60_000);

  it('evaluates the saved model: accuracy and confusion matrix', async () => {
    const { status, out, all } = await run(
      'eval',
      '--checkpoint',
      join(cnnDir, 'model.safetensors'),
      '--slice',
      '--limit',
      '100',
      '--backend',
      'cpu',
    );
    expect(status, all).toBe(0);
    expect(out).toMatch(/checkpoint: .*model\.safetensors \(cnn, step 3\)/);
    expect(out).toMatch(/^test: accuracy=0\.\d{4} loss=\d+\.\d{4} on 100 images/m);
    expect(out).toMatch(/true\\pred +Tshir +Trous/);
    expect(out.split('\n').filter((l) => /^ {2}\S+ +(\d+ +){10}/.test(l))).toHaveLength(10);
  }, 30_000);

  it('predicts one image from a training checkpoint', async () => {
    const { status, out, all } = await run(
      'predict',
      '--checkpoint',
      join(cnnDir, 'checkpoints', 'ckpt-3.safetensors'),
      '--image',
      '7',
      '--slice',
      '--backend',
      'cpu',
    );
    expect(status, all).toBe(0);
    expect(out).toMatch(/^image 7 of the test split \(slice\): true class \d /m);
    expect(out).toMatch(/^prediction: \d .*\(\d+\.\d%\) — (correct|wrong)$/m);
    expect(out).toMatch(/^top 3: /m);
    const bad = await run(
      'predict',
      '--checkpoint',
      join(cnnDir, 'model.safetensors'),
      '--image',
      '500',
      '--slice',
      '--backend',
      'cpu',
    );
    expect(bad.status).toBe(2);
    expect(bad.all).toMatch(/--image 500 is out of range: the test split has 500 images/);
  }, 30_000);

  it('trains the MLP and resumes from its checkpoint', async () => {
    const dir = join(tmp.dir, 'mlp');
    const common = [
      'train',
      'fashion-mnist',
      '--model',
      'mlp',
      '--limit',
      '128',
      '--slice',
      '--backend',
      'cpu',
      '--out',
      dir,
      '--batch',
      '32',
    ];
    const first = await run(...common, '--epochs', '1');
    expect(first.status, first.all).toBe(0);
    const second = await run(...common, '--epochs', '2', '--resume');
    expect(second.status, second.all).toBe(0);
    expect(second.all).toMatch(/resum/i);
    expect(second.out).toMatch(/^epoch 2\/2: /m);
    expect(second.out).not.toMatch(/^epoch 1\/2: /m);
  }, 30_000);

  it('trains ResNet-20 (batch norm state) on a few images', async () => {
    const { status, out, all } = await run(
      'train',
      'fashion-mnist',
      '--model',
      'resnet20',
      '--epochs',
      '1',
      '--limit',
      '32',
      '--batch',
      '16',
      '--slice',
      '--backend',
      'cpu',
      '--out',
      join(tmp.dir, 'resnet20'),
      '--validation',
      '0',
    );
    expect(status, all).toBe(0);
    expect(out).toMatch(/model: resnet20: ResNet-20.*\d+ parameters/);
    expect(out).toMatch(/^test: accuracy=/m);
  }, 60_000);
});
