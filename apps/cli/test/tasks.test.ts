import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { run, tempDir } from './support.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** Decode an 8-bit RGB PNG whose rows all use the "Up" filter (what encodePng writes). */
function decodePng(png: Buffer): {
  width: number;
  height: number;
  rgb: (x: number, y: number) => number[];
} {
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const idat: Buffer[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    if (png.toString('latin1', at + 4, at + 8) === 'IDAT')
      idat.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 3;
  expect(raw.length).toBe(height * (stride + 1));
  const pixels = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    expect(raw[y * (stride + 1)]).toBe(2);
    for (let i = 0; i < stride; i++) {
      const above = y === 0 ? 0 : (pixels[(y - 1) * stride + i] as number);
      pixels[y * stride + i] = ((raw[y * (stride + 1) + 1 + i] as number) + above) & 0xff;
    }
  }
  return {
    width,
    height,
    rgb: (x, y) => [...pixels.subarray(y * stride + x * 3, y * stride + x * 3 + 3)],
  };
}

describe('tensile train spam / gan / transfer / sunspots and bench (tiny runs)', () => {
  it('spam: trains a GRU and the bag-of-words baseline on the same split', async () => {
    const { status, out, all } = await run(
      'train',
      'spam',
      '--model',
      'gru',
      '--slice',
      '--epochs',
      '1',
      '--seq-len',
      '16',
      '--vocab',
      '300',
      '--hidden',
      '8',
      '--backend',
      'cpu',
      '--out',
      join(tmp.dir, 'spam'),
    );
    expect(status, all).toBe(0);
    expect(out).toMatch(/^data: SpamAssassin \(committed slice\), 40 e-mails/m);
    expect(out).toMatch(
      /^split: random permutation \(seed 0\); train 32 \(\d+ spam\), held-out test 8 \(\d+ spam\) = last 20%/m,
    );
    expect(out).toMatch(/^test \(8 held-out e-mails\): GRU accuracy=\d\.\d{4}/m);
    expect(out).toMatch(
      /^baseline: bag-of-words logistic regression .* accuracy=\d\.\d{4} on the whole e-mail, \d\.\d{4} on the same first 16 words; majority class/m,
    );
    expect(existsSync(join(tmp.dir, 'spam', 'curves.svg'))).toBe(true);
  }, 60_000);

  it('gan: trains a DCGAN, writes a sample grid and scores it with a classifier', async () => {
    const classifierDir = join(tmp.dir, 'classifier');
    const classifier = await run(
      'train',
      'fashion-mnist',
      '--model',
      'mlp',
      '--epochs',
      '1',
      '--limit',
      '100',
      '--slice',
      '--backend',
      'cpu',
      '--out',
      classifierDir,
    );
    expect(classifier.status, classifier.all).toBe(0);
    const dir = join(tmp.dir, 'gan');
    const { status, out, all } = await run(
      'train',
      'gan',
      '--epochs',
      '1',
      '--limit',
      '64',
      '--batch',
      '32',
      '--width',
      '8',
      '--latent',
      '16',
      '--slice',
      '--backend',
      'cpu',
      '--out',
      dir,
      '--classifier',
      join(classifierDir, 'model.safetensors'),
      '--samples',
      '100',
    );
    expect(status, all).toBe(0);
    expect(out).toMatch(/^model: DCGAN latent 16, width 8/m);
    expect(out).toMatch(/^gan epoch 1\/1: loss=\S+ d_acc_fake=\S+ d_acc_real=\S+ g_loss=\S+/m);
    expect(out).toMatch(
      /mean top-class probability of 100 generated samples = 0\.\d{4} \(real test images: 0\.\d{4} over 100\)/,
    );
    const png = readFileSync(join(dir, 'samples.png'));
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    // 8×8 tiles of 56 px (28 × 2) with 2-pixel borders: 8·58 + 2 = 466.
    const image = decodePng(png);
    expect([image.width, image.height]).toEqual([466, 466]);
    expect(image.rgb(0, 0)).toEqual([96, 96, 96]); // border
    expect(image.rgb(465, 465)).toEqual([96, 96, 96]);
    const tile = new Set<number>();
    for (let y = 2; y < 58; y++) {
      for (let x = 2; x < 58; x++) {
        const [r, g, b] = image.rgb(x, y) as [number, number, number];
        expect(r === g && g === b).toBe(true); // grayscale
        tile.add(r);
      }
    }
    expect(tile.size).toBeGreaterThan(1); // drawn pixels, not a flat fill (barely trained: few shades)
    expect(readFileSync(join(dir, 'samples.svg'), 'utf8')).toMatch(/data:image\/png;base64,/);
    expect(existsSync(join(dir, 'gan.safetensors'))).toBe(true);
  }, 60_000);

  it('transfer: frozen pretrained convolutions + new head vs from scratch', async () => {
    const { status, out, all } = await run(
      'train',
      'transfer',
      '--slice',
      '--limit',
      '150',
      '--budget',
      '64',
      '--epochs',
      '1',
      '--pretrain-epochs',
      '1',
      '--backend',
      'cpu',
      '--out',
      join(tmp.dir, 'transfer'),
    );
    expect(status, all).toBe(0);
    expect(out).toMatch(
      /^ {2}pretraining: classes 0-4 \(T-shirt\/top, Trouser, Pullover, Dress, Coat\): 150 train/m,
    );
    expect(out).toMatch(/^transfer model: .*\(18,816 frozen\)/m);
    expect(out).toMatch(/^pretrained: test accuracy on classes 0-4 = 0\.\d{4}/m);
    expect(out).toMatch(
      /^test on classes 5-9 \(150 images\) after 64 images × 1 epoch: frozen pretrained features \+ new head accuracy=\d\.\d{4}, from scratch accuracy=\d\.\d{4}/m,
    );
  }, 60_000);

  it('sunspots: one-step forecasts vs the naive last value', async () => {
    const { status, out, all } = await run(
      'train',
      'sunspots',
      '--model',
      'gru',
      '--epochs',
      '2',
      '--hidden',
      '8',
      '--backend',
      'cpu',
      '--out',
      join(tmp.dir, 'sunspots'),
    );
    expect(status, all).toBe(0);
    expect(out).toMatch(
      /^split: train 1700-1948 \(229 windows\), held out 1949-2008 \(60 one-step forecasts\)/m,
    );
    expect(out).toMatch(
      /^held-out 1949-2008 \(60 forecasts\): GRU MSE=\d+\.\d \(RMSE \S+\), naive last-value MSE=1082\.3/m,
    );
    expect(out).toMatch(/^GRU (beats|does not beat) the naive forecast/m);
  }, 60_000);

  it('bench: quick timings', async () => {
    const { status, out, all } = await run('bench', '--quick', '--backend', 'cpu');
    expect(status, all).toBe(0);
    expect(out).toMatch(/^matmul 128×128 @ 128×128 fp32: \S+ ms = \S+ GFLOP\/s/m);
    expect(out).toMatch(/^MLP 784-512-256-10 training step \(batch 16/m);
    expect(out).toMatch(/^CNN conv32-pool-conv64-pool-fc128-fc10 training step \(batch 8\)/m);
  }, 30_000);
});
