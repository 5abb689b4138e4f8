/**
 * The architectures as published, checked by closed forms: parameter counts computed by hand from
 * the papers' layer lists (LeNet-5, ResNet-20 with option A and B shortcuts, the default VGG and
 * MLP), LeNet-5's classic feature-map sizes, the option-A shortcut (subsample + zero channels)
 * against a host computation, the DCGAN initialisation statistics, and configuration errors.
 */
import { np, random, type Tensor, ValueError } from '@tensile/core';
import { countParams, type Sequential, sequential, treeAt } from '@tensile/nn';
import { describe, expect, it } from 'vitest';
import {
  BasicBlock,
  basicBlock,
  dcgan,
  lenet5,
  mlp,
  resnet,
  resnet20,
  vggSmall,
} from '../src/index.js';
import { onBackend } from './support/backends.js';
import { host } from './support/tensors.js';

const key = () => random.key(0);

describe('parameter counts', () => {
  it('lenet5: 61,706 (conv 6@5×5, conv 16@5×5 on 6 maps, 400→120→84→10)', () => {
    onBackend('cpu', () => {
      const expected =
        6 * 25 + 6 + (16 * 6 * 25 + 16) + (400 * 120 + 120) + (120 * 84 + 84) + (84 * 10 + 10);
      expect(expected).toBe(61706);
      expect(countParams(lenet5.init(key()))).toBe(expected);
    });
  });

  it('resnet20: 269,722 with option A, 272,474 with option B (the usual CIFAR-10 figures)', () => {
    onBackend('cpu', () => {
      const conv = (i: number, o: number, k = 3) => i * o * k * k;
      const bn = (c: number) => 2 * c;
      const block = (i: number, o: number) => conv(i, o) + bn(o) + conv(o, o) + bn(o);
      const optionA =
        conv(3, 16) +
        bn(16) +
        3 * block(16, 16) +
        block(16, 32) +
        2 * block(32, 32) +
        block(32, 64) +
        2 * block(64, 64) +
        (64 * 10 + 10);
      const projections = conv(16, 32, 1) + bn(32) + conv(32, 64, 1) + bn(64);
      expect(optionA).toBe(269722);
      expect(countParams(resnet20.init(key()))).toBe(optionA);
      expect(countParams(resnet20.init(key(), { shortcut: 'B' }))).toBe(optionA + projections);
      expect(optionA + projections).toBe(272474);
    });
  });

  it('resnet(depth): 6n + 2 weighted layers', () => {
    onBackend('cpu', () => {
      const model = resnet.init(key(), { depth: 32, widths: [2, 2, 2] });
      const blocks = model.layers.filter((l) => l instanceof BasicBlock);
      expect(blocks.length).toBe(15);
      expect(() => resnet.init(key(), { depth: 21 })).toThrow(/depth must be 6n \+ 2.*got 21/);
    });
  });

  it('vggSmall (defaults): two blocks of two conv-bn-relu, 64·7·7 → 128 → 10', () => {
    onBackend('cpu', () => {
      const convBn = (i: number, o: number) => i * o * 9 + 2 * o;
      const expected =
        convBn(1, 32) +
        convBn(32, 32) +
        convBn(32, 64) +
        convBn(64, 64) +
        (64 * 7 * 7 * 128 + 128) +
        (128 * 10 + 10);
      expect(countParams(vggSmall.init(key()))).toBe(expected);
      const plain = vggSmall.init(key(), {
        batchNorm: false,
        widths: [8],
        convsPerBlock: 1,
        hidden: null,
        imageSize: 32,
        inChannels: 3,
      });
      expect(countParams(plain)).toBe(3 * 8 * 9 + 8 + (8 * 16 * 16 * 10 + 10));
    });
  });

  it('mlp: Σ (in·out + out)', () => {
    onBackend('cpu', () => {
      expect(countParams(mlp.init(key()))).toBe(784 * 256 + 256 + 256 * 10 + 10);
      const deep = mlp.init(key(), { sizes: [5, 4, 3, 2], dropout: 0.5 });
      expect(countParams(deep)).toBe(5 * 4 + 4 + 4 * 3 + 3 + 3 * 2 + 2);
      expect(deep.layers.map((l) => l.constructor.name)).toEqual([
        'Flatten',
        'Linear',
        'Activation',
        'Dropout',
        'Linear',
        'Activation',
        'Dropout',
        'Linear',
      ]);
    });
  });
});

describe('lenet5', () => {
  it('keeps the classic feature-map sizes on 28×28 inputs (pad 2)', () => {
    onBackend('cpu', () => {
      const model = lenet5.init(key());
      const x = random.normal(key(), [1, 1, 28, 28]);
      const upTo = (n: number) => sequential.apply(sequential(model.layers.slice(0, n)), x).shape;
      expect(upTo(1)).toEqual([1, 6, 28, 28]);
      expect(upTo(3)).toEqual([1, 6, 14, 14]);
      expect(upTo(4)).toEqual([1, 16, 10, 10]);
      expect(upTo(6)).toEqual([1, 16, 5, 5]);
      expect(() => lenet5.init(key(), { imageSize: 8 })).toThrow(/imageSize must be at least 12/);
      expect(() => lenet5.init(key(), { activation: 'swish' as never })).toThrow(
        /activation must be one of/,
      );
    });
  });
});

describe('basic block shortcuts', () => {
  /** The block with both convolutions zeroed: in evaluation (running mean 0, var 1) it is relu(shortcut(x)). */
  const zeroed = (b: BasicBlock) =>
    treeAt((m: BasicBlock) => [m.conv1.weight, m.conv2.weight], b, [
      np.zerosLike(b.conv1.weight),
      np.zerosLike(b.conv2.weight),
    ]);

  it('option A subsamples by the stride and pads the new channels with zeros on both sides', () => {
    onBackend('cpu', () => {
      const block = zeroed(
        basicBlock.init(key(), { inChannels: 2, outChannels: 6, stride: 2, shortcut: 'A' }),
      );
      expect(block.projection).toBeNull();
      const x = random.normal(random.key(1), [1, 2, 5, 5]);
      const [y] = basicBlock.apply(block, x, basicBlock.initState(block));
      expect(y.shape).toEqual([1, 6, 3, 3]);
      const xs = host(x);
      const expected: number[] = [];
      for (let c = 0; c < 6; c++) {
        for (let i = 0; i < 3; i++) {
          for (let j = 0; j < 3; j++) {
            const src = c - 2; // 4 new channels: 2 before, 2 after
            const v = src >= 0 && src < 2 ? (xs[src * 25 + 2 * i * 5 + 2 * j] as number) : 0;
            expected.push(Math.max(v, 0));
          }
        }
      }
      expect(host(y)).toEqual(expected);
    });
  });

  it('option B projects with a strided 1×1 convolution and batch norm; same shape is the identity', () => {
    onBackend('cpu', () => {
      const b = basicBlock.init(key(), { inChannels: 2, outChannels: 4, stride: 2, shortcut: 'B' });
      expect((b.projection as Sequential).layers.map((l) => l.constructor.name)).toEqual([
        'Conv',
        'BatchNorm',
      ]);
      const same = zeroed(basicBlock.init(key(), { inChannels: 3, outChannels: 3, shortcut: 'B' }));
      expect(same.projection).toBeNull();
      const x = random.normal(random.key(2), [2, 3, 4, 4]);
      const [y] = basicBlock.apply(same, x, basicBlock.initState(same));
      expect(host(y)).toEqual(host(x).map((v) => Math.max(v, 0)));
      expect(() =>
        basicBlock.init(key(), { inChannels: 4, outChannels: 2, shortcut: 'A' }),
      ).toThrow(/option A shortcuts can only add channels/);
    });
  });
});

describe('dcgan', () => {
  it('initialises weights N(0, 0.02) and batch-norm scales N(1, 0.02); images lie in [−1, 1]', () => {
    onBackend('cpu', () => {
      const gan = dcgan.init(key(), { width: 16 });
      const stats = (t: Tensor) => {
        const v = host(t);
        const mean = v.reduce((a, b) => a + b, 0) / v.length;
        const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
        return { mean, std };
      };
      const convT = gan.generator.layers[4] as unknown as { weight: Tensor };
      const w = stats(convT.weight); // 32·16·4·4 = 8192 samples
      expect(Math.abs(w.mean)).toBeLessThan(0.002);
      expect(Math.abs(w.std - 0.02)).toBeLessThan(0.002);
      const bn = gan.generator.layers[2] as unknown as { weight: Tensor };
      expect(Math.abs(stats(bn.weight).mean - 1)).toBeLessThan(0.02);
      const state = dcgan.initState(gan);
      const [images] = dcgan.generate(gan.generator, random.normal(key(), [3, 64]).mul(10), {
        state: state.generator,
        train: true,
      });
      expect(images.shape).toEqual([3, 1, 28, 28]);
      expect(host(images).every((v) => v >= -1 && v <= 1)).toBe(true);
      expect(() => dcgan.init(key(), { imageSize: 30 })).toThrow(ValueError);
    });
  });
});
