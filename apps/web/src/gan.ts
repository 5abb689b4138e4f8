/**
 * The GAN demo: zoo's DCGAN (small: latent 32, width 16) trained on the Fashion-MNIST slice
 * scaled to [−1, 1]. One jitted step updates the discriminator (real → 1, fake → 0) and then the
 * generator (non-saturating loss: its fakes → 1 under the updated discriminator), each with its
 * own Adam (β1 = 0.5, as the DCGAN paper), threading both batch-norm states. The generator's
forward pass runs once per step (`vjp`), its pullback reused for the generator's gradient. Samples come from a
 * fixed latent batch, generated with batch statistics.
 */
import { jit, np, random, scope, type Tensor, tree, valueAndGrad, vjp } from '@tensile/core';
import { castHost, gatherRows, toTensor } from '@tensile/data';
import { binaryCrossEntropyWithLogits } from '@tensile/nn';
import { adam, applyUpdates, type OptState } from '@tensile/optim';
import { type Dcgan, type DcganState, dcgan } from '@tensile/zoo';
import { yieldToEventLoop } from './classifier.js';
import { BatchSampler, type Split } from './data.js';

type Net = Dcgan['generator'];

/** Options of a GAN run. */
export interface GanOptions {
  readonly steps: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly latentDim: number;
  readonly width: number;
  readonly seed: number;
  /** How many samples the grid shows. */
  readonly samples: number;
  /** After every step: its index and the discriminator's and generator's losses. */
  readonly onStep: (step: number, dLoss: number, gLoss: number) => void | Promise<void>;
  /** Samples in [0, 1], `[samples, 28, 28]` flattened, every `previewEvery` steps and at the end. */
  readonly onSamples: (images: Float32Array, step: number) => void | Promise<void>;
  readonly previewEvery: number;
}

interface Carry {
  generator: Net;
  discriminator: Net;
  gOpt: OptState[];
  dOpt: OptState[];
  state: DcganState;
}

/**
 * Train a fresh DCGAN for `options.steps` steps, reporting losses and sample grids; disposes
 * everything it made before it returns.
 *
 * @example
 * await trainGan(data.train, { steps: 60, batchSize: 32, learningRate: 1e-3, latentDim: 32, width: 16, seed: 0, samples: 36, previewEvery: 10, onStep, onSamples });
 */
export async function trainGan(train: Split, options: GanOptions): Promise<void> {
  const { batchSize, latentDim } = options;
  const gOpt = adam(options.learningRate, { b1: 0.5 });
  const dOpt = adam(options.learningRate, { b1: 0.5 });
  const baseKey = random.key(options.seed);
  const zSamples = scope(() =>
    random.normal(random.foldIn(baseKey, 1_000_000), [options.samples, latentDim]),
  );
  const ones = np.ones([batchSize]);
  const zeros = np.zeros([batchSize]);
  // Real images scaled to the generator's tanh range.
  const real = castHost(train.images, 'float32');
  for (let i = 0; i < real.data.length; i++) real.data[i] = (real.data[i] as number) * 2 - 1;

  let carry: Carry = scope(() => {
    const gan = dcgan.init(random.foldIn(baseKey, 0), { latentDim, width: options.width });
    return {
      ...gan,
      gOpt: gOpt.init(gan.generator) as OptState[],
      dOpt: dOpt.init(gan.discriminator) as OptState[],
      state: dcgan.initState(gan),
    };
  });

  const step = jit(
    (c: Carry, x: Tensor, z: Tensor, y1: Tensor, y0: Tensor): [Tensor, Tensor, Carry] => {
      // The generator runs once per step: its pullback is kept for the generator's update.
      const [[fakes, gState], pullback] = vjp(
        (g: Net) => dcgan.generate(g, z, { state: c.state.generator, train: true }),
        c.generator,
      );
      const dLossOf = (d: Net): [Tensor, unknown[]] => {
        const [realLogits, s1] = dcgan.discriminate(d, x, {
          state: c.state.discriminator,
          train: true,
        });
        const [fakeLogits, s2] = dcgan.discriminate(d, fakes, { state: s1, train: true });
        const loss = binaryCrossEntropyWithLogits(realLogits, y1).add(
          binaryCrossEntropyWithLogits(fakeLogits, y0),
        );
        return [loss, s2];
      };
      const [[dLoss, dState], dGrads] = valueAndGrad(dLossOf, { hasAux: true })(
        c.discriminator,
      ) as unknown as [[Tensor, unknown[]], Net];
      const [dUpdates, dOptNext] = dOpt.update(dGrads, c.dOpt, c.discriminator);
      const discriminator = applyUpdates(c.discriminator, dUpdates);

      // Non-saturating generator loss under the updated discriminator, pulled back through G.
      const gLossOf = (images: Tensor) =>
        binaryCrossEntropyWithLogits(
          dcgan.discriminate(discriminator, images, { state: dState, train: true })[0],
          y1,
        );
      const [gLoss, dImages] = valueAndGrad(gLossOf)(fakes);
      const [gGrads] = pullback([dImages, tree.map((t: Tensor) => np.zerosLike(t), gState)]);
      const [gUpdates, gOptNext] = gOpt.update(gGrads, c.gOpt, c.generator);
      return [
        dLoss,
        gLoss,
        {
          generator: applyUpdates(c.generator, gUpdates),
          discriminator,
          gOpt: gOptNext as OptState[],
          dOpt: dOptNext as OptState[],
          state: { generator: gState, discriminator: dState },
        },
      ];
    },
    { donateArgnums: [0], name: 'dcganStep' },
  );
  // Batch statistics of the sample batch (the running ones lag far behind in a short run).
  const sample = jit(
    (g: Net, s: unknown, z: Tensor) => dcgan.generate(g, z, { state: s, train: true })[0],
    { name: 'dcganSample' },
  );
  const showSamples = async (i: number) => {
    const images = sample(carry.generator, carry.state.generator, zSamples);
    const pixels = scope(() => images.add(1).mul(0.5).clip(0, 1));
    images.dispose();
    const data = (await pixels.data()) as Float32Array;
    pixels.dispose();
    await options.onSamples(data, i);
  };

  const sampler = new BatchSampler(train.size, options.seed + 1);
  try {
    for (let i = 0; i < options.steps; i++) {
      const x = toTensor(gatherRows(real, sampler.next(batchSize)));
      const z = scope(() => random.normal(random.foldIn(baseKey, i + 1), [batchSize, latentDim]));
      const [dLoss, gLoss, next] = step(carry, x, z, ones, zeros);
      carry = next;
      tree.dispose([x, z]);
      const d = (await dLoss.data())[0] as number;
      const g = (await gLoss.data())[0] as number;
      tree.dispose([dLoss, gLoss]);
      await options.onStep(i, d, g);
      if ((i + 1) % options.previewEvery === 0 || i === options.steps - 1) await showSamples(i);
      await yieldToEventLoop();
    }
  } finally {
    tree.dispose([carry, zSamples, ones, zeros, baseKey]);
    step.dispose();
    sample.dispose();
  }
}
