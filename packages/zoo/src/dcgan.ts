/**
 * `dcgan`: a deep convolutional GAN (Radford et al., 2015) sized for 28×28 images (any size
 * divisible by 4). The generator projects a latent vector with a linear layer to
 * `[2·width, s/4, s/4]` and upsamples twice with stride-2 transposed convolutions (kernel 4,
 * padding 1), batch norm and ReLU in between, `tanh` at the end (images in [−1, 1]). The
 * discriminator mirrors it: two stride-2 convolutions with leaky ReLU (slope 0.2; batch norm on
 * the second, as the paper) and a linear layer to one logit per image. Weights follow the paper's
 * initialisation: `N(0, 0.02)` for (transposed) convolutions and linear layers, batch-norm scales
 * `N(1, 0.02)`. Both networks are nn `sequential`s; both hold batch norm, so thread their states.
 */
import { random, scope, type Tensor, ValueError } from '@tensile/core';
import type { BatchNorm, Module, Sequential } from '@tensile/nn';
import {
  batchNorm,
  conv2d,
  convTranspose2d,
  flatten,
  init as initializers,
  leakyRelu,
  linear,
  relu,
  sequential,
  tanh,
  treeAt,
} from '@tensile/nn';
import { positiveInt } from './internal/config.js';
import * as reshape from './reshape.js';

/** Options of `dcgan.init`. */
export interface DcganConfig {
  /** Size of the latent vector `z` (default 64). */
  latentDim?: number;
  /** Image channels (default 1). */
  channels?: number;
  /** Height = width of the images, divisible by 4 (default 28). */
  imageSize?: number;
  /** Base feature width: the 14×14 feature maps have `width` channels, the 7×7 ones `2·width` (default 32). */
  width?: number;
}

/** The two networks of a GAN. */
export interface Dcgan {
  /** `z [B, latentDim]` → images `[B, channels, imageSize, imageSize]` in [−1, 1]. */
  generator: Sequential;
  /** Images → one logit per image, `[B]` (positive: real). */
  discriminator: Sequential;
}

/** The batch-norm states of both networks. */
export interface DcganState {
  generator: unknown[];
  discriminator: unknown[];
}

/** Replace a layer's weight by `N(mean, 0.02)` (the DCGAN paper's initialisation). */
function dcganWeight<M extends { weight: Tensor | null }>(key: Tensor, layer: M, mean = 0): M {
  const shape = (layer.weight as Tensor).shape;
  const weight = initializers.normal({ mean, std: 0.02 })(key, shape);
  return treeAt((l: M) => l.weight, layer, weight);
}

/**
 * A generator and a discriminator.
 *
 * @example
 * const { generator, discriminator } = dcgan.init(random.key(0), { latentDim: 64 });
 * let state = dcgan.initState({ generator, discriminator });
 */
export function init(key: Tensor, config: DcganConfig = {}): Dcgan {
  const op = 'dcgan.init';
  const latentDim = positiveInt(op, 'latentDim', config.latentDim ?? 64);
  const channels = positiveInt(op, 'channels', config.channels ?? 1);
  const imageSize = positiveInt(op, 'imageSize', config.imageSize ?? 28);
  const width = positiveInt(op, 'width', config.width ?? 32);
  if (imageSize % 4 !== 0) {
    throw new ValueError(`${op}: imageSize must be divisible by 4, got ${imageSize}`);
  }
  const s = imageSize / 4;
  const up = { kernelSize: 4, stride: 2, padding: 1 };
  return scope(() => {
    const keys = [...random.split(key, 16)];
    const next = () => keys.shift() as Tensor;
    const norm = (numFeatures: number): BatchNorm =>
      dcganWeight(next(), batchNorm.init({ numFeatures }), 1);
    const generator = sequential([
      dcganWeight(
        next(),
        linear.init(next(), { inFeatures: latentDim, outFeatures: 2 * width * s * s }),
      ),
      reshape.init({ shape: [2 * width, s, s] }),
      norm(2 * width),
      relu.init(),
      dcganWeight(
        next(),
        convTranspose2d.init(next(), { inChannels: 2 * width, outChannels: width, ...up }),
      ),
      norm(width),
      relu.init(),
      dcganWeight(
        next(),
        convTranspose2d.init(next(), { inChannels: width, outChannels: channels, ...up }),
      ),
      tanh.init(),
    ] as Module[]);
    const lrelu = leakyRelu.init({ negativeSlope: 0.2 });
    const discriminator = sequential([
      dcganWeight(next(), conv2d.init(next(), { inChannels: channels, outChannels: width, ...up })),
      lrelu,
      dcganWeight(
        next(),
        conv2d.init(next(), { inChannels: width, outChannels: 2 * width, ...up, bias: false }),
      ),
      norm(2 * width),
      lrelu,
      flatten.init(),
      dcganWeight(next(), linear.init(next(), { inFeatures: 2 * width * s * s, outFeatures: 1 })),
      reshape.init({ shape: [] }),
    ] as Module[]);
    return { generator, discriminator };
  });
}

/**
 * Fresh batch-norm states for both networks.
 *
 * @example
 * let state = dcgan.initState(gan);
 */
export function initState(gan: Dcgan): DcganState {
  return {
    generator: sequential.initState(gan.generator),
    discriminator: sequential.initState(gan.discriminator),
  };
}

/**
 * Images from latent vectors `z [B, latentDim]`: `[images, newState]` (`state` is the
 * generator's; `train: true` uses batch statistics).
 *
 * @example
 * const z = random.normal(key, [64, 64]);
 * const [fakes, gState] = dcgan.generate(gan.generator, z, { state: state.generator, train: true });
 */
export function generate(
  generator: Sequential,
  z: Tensor,
  options: { state: unknown; train?: boolean },
): [Tensor, unknown[]] {
  return sequential.apply(generator, z, { state: options.state, train: options.train });
}

/**
 * One logit per image (`[B]`, positive means "real"): `[logits, newState]`.
 *
 * @example
 * const [logits, dState] = dcgan.discriminate(gan.discriminator, images, { state: state.discriminator, train: true });
 * const loss = binaryCrossEntropyWithLogits(logits, np.ones([B]));
 */
export function discriminate(
  discriminator: Sequential,
  images: Tensor,
  options: { state: unknown; train?: boolean },
): [Tensor, unknown[]] {
  return sequential.apply(discriminator, images, { state: options.state, train: options.train });
}
