/**
 * `tensile train gan`: a DCGAN (`zoo.dcgan`) on Fashion-MNIST through `@tensile/train`'s `fit` —
 * one step updates the discriminator (real vs generated, binary cross-entropy) and then the
 * generator (non-saturating loss), each with its own Adam (lr 2e-4, β1 0.5, as the DCGAN paper) —
 * then writes an 8×8 grid of samples (`samples.png`, `samples.svg`). With `--classifier PATH` (a
 * model from `tensile train fashion-mnist`) it reports the mean top-class probability the classifier
 * gives 1,000 generated samples, next to the same number for 1,000 real test images.
 */
import { join } from 'node:path';
import { jit, np, random, scope, type Tensor, tree, valueAndGrad } from '@tensile/core';
import { saveCheckpoint } from '@tensile/io/node';
import * as nn from '@tensile/nn';
import { adam, applyUpdates } from '@tensile/optim';
import { epochBatches } from '@tensile/train/node';
import { type Dcgan, type DcganState, dcgan } from '@tensile/zoo';
import {
  choiceOption,
  commonTrainOptions,
  flag,
  intOption,
  numberOption,
  type OptionValues,
  requiredInt,
  stringOption,
} from '../args.js';
import { BACKEND_CHOICES, type BackendChoice, selectBackend } from '../backend.js';
import { disposeClassifier, makePredictor, seedKeys, topClass } from '../classifier.js';
import type { CliContext } from '../context.js';
import { CLASS_NAMES, describeSource, loadFashion, toSymmetricImages } from '../fashion.js';
import { imageGrid, writeImageFiles } from '../image-grid.js';
import { loadClassifier } from '../model-file.js';
import { predictDataset } from '../predictions.js';
import { runFit, writeRunFiles } from '../training.js';

export const options = {
  ...commonTrainOptions,
  latent: { type: 'string', default: '64' },
  width: { type: 'string', default: '32' },
  classifier: { type: 'string' },
  samples: { type: 'string', default: '1000' },
  resume: { type: 'boolean' },
  slice: { type: 'boolean' },
} as const;

export const usage = `tensile train gan [options]

Train a DCGAN on Fashion-MNIST and write a grid of generated samples.

  --backend cpu|dawn|auto  (default auto)
  --epochs N               epochs (default 5)
  --batch B                batch size (default 64)
  --lr X                   Adam learning rate of both networks (default 0.0002, beta1 0.5)
  --latent D               latent size (default 64)
  --width W                feature width: 14×14 maps have W channels, 7×7 maps 2W (default 32)
  --limit N                use at most N training images (smoke runs)
  --classifier PATH        a Fashion-MNIST classifier (tensile train fashion-mnist): report the mean
                           top-class probability it gives --samples generated images (default 1000)
  --slice                  use the committed 2,000-image slice
  --resume                 continue from the newest checkpoint in DIR/checkpoints
  --out DIR                output directory (default runs/gan)
  --seed N                 PRNG seed (default 0)

Writes DIR/samples.png, DIR/samples.svg (8×8 samples), DIR/gan.safetensors, DIR/history.json,
DIR/curves.svg and DIR/curves.png.`;

export interface GanOptions {
  readonly backend: BackendChoice;
  readonly epochs: number;
  readonly batch: number;
  readonly lr: number;
  readonly latent: number;
  readonly width: number;
  readonly limit: number | undefined;
  readonly classifier: string | undefined;
  readonly samples: number;
  readonly resume: boolean;
  readonly slice: boolean;
  readonly out: string;
  readonly seed: number;
}

export function parse(values: OptionValues): GanOptions {
  return {
    backend: choiceOption(values, 'backend', BACKEND_CHOICES),
    epochs: intOption(values, 'epochs', { min: 1 }) ?? 5,
    batch: intOption(values, 'batch', { min: 2 }) ?? 64,
    lr: numberOption(values, 'lr', { above: 0 }) ?? 2e-4,
    latent: requiredInt(values, 'latent', { min: 1 }),
    width: requiredInt(values, 'width', { min: 1 }),
    limit: intOption(values, 'limit', { min: 2 }),
    classifier: stringOption(values, 'classifier'),
    samples: requiredInt(values, 'samples', { min: 1 }),
    resume: flag(values, 'resume'),
    slice: flag(values, 'slice'),
    out: stringOption(values, 'out') ?? join('runs', 'gan'),
    seed: requiredInt(values, 'seed', { min: 0 }),
  };
}

/** The GAN's parameters and batch-norm state, as the training loop carries them. */
interface GanParams {
  readonly gan: Dcgan;
  readonly state: DcganState;
}
interface GanOptState {
  readonly g: unknown;
  readonly d: unknown;
}
type ImageOnly = { x: Tensor };

/** What the command measured. */
export interface GanResult {
  readonly files: string[];
  /** Mean top-class probability of the generated samples (with `--classifier`). */
  readonly sampleConfidence: number | undefined;
  /** The same for real test images. */
  readonly realConfidence: number | undefined;
}

/** Images in [0, 1] from `n` latent vectors drawn from `key`, in evaluation mode. */
function sample(params: GanParams, key: Tensor, n: number, latent: number): Tensor {
  return scope(() => {
    const z = random.normal(key, [n, latent]);
    const [images] = dcgan.generate(params.gan.generator, z, {
      state: params.state.generator,
      train: false,
    });
    return images.add(1).mul(0.5);
  });
}

/**
 * Run the command.
 *
 * @example
 * await trainGan(parse({ epochs: '1', limit: '256', backend: 'cpu', seed: '0', latent: '64', width: '32', samples: '1000' }), ctx);
 */
export async function trainGan(opts: GanOptions, ctx: CliContext): Promise<GanResult> {
  const backend = await selectBackend(opts.backend);
  const keys: Tensor[] = [];
  const owned: unknown[] = [];
  try {
    ctx.out(`backend: ${backend.description}`);
    const data = await loadFashion(ctx, { split: 'train', limit: opts.limit, slice: opts.slice });
    ctx.out(
      `data: Fashion-MNIST (${describeSource(data)}): ${data.dataset.length.toLocaleString('en-US')} training images, scaled to [-1, 1]`,
    );
    keys.push(...seedKeys(opts.seed, 4));
    const [initKey, shuffleKey, fitKey, sampleKey] = keys as [Tensor, Tensor, Tensor, Tensor];
    const gan = dcgan.init(initKey, { latentDim: opts.latent, width: opts.width });
    const params: GanParams = { gan, state: dcgan.initState(gan) };
    ctx.out(
      `model: DCGAN latent ${opts.latent}, width ${opts.width}: generator ${nn.countParams(gan.generator).toLocaleString('en-US')} parameters, discriminator ${nn.countParams(gan.discriminator).toLocaleString('en-US')}`,
    );
    const optG = adam(opts.lr, { b1: 0.5 });
    const optD = adam(opts.lr, { b1: 0.5 });
    const latent = opts.latent;
    const step = jit(
      (p: GanParams, o: GanOptState, batch: ImageOnly, key: Tensor | undefined) => {
        const real = batch.x;
        const n = real.shape[0] as number;
        const [zKeyD, zKeyG] = [...random.split(key as Tensor)] as [Tensor, Tensor];
        const ones = np.ones([n]);
        const zeros = np.zeros([n]);
        // Discriminator: real images → 1, generated images → 0.
        const [fakes, gState] = dcgan.generate(p.gan.generator, random.normal(zKeyD, [n, latent]), {
          state: p.state.generator,
          train: true,
        });
        const dLossOf = (d: nn.Sequential) => {
          const [realLogits, s1] = dcgan.discriminate(d, real, {
            state: p.state.discriminator,
            train: true,
          });
          const [fakeLogits, s2] = dcgan.discriminate(d, fakes, { state: s1, train: true });
          const loss = nn
            .binaryCrossEntropyWithLogits(realLogits, ones)
            .add(nn.binaryCrossEntropyWithLogits(fakeLogits, zeros));
          return [
            loss,
            {
              state: s2,
              dReal: realLogits.gt(0).astype('float32').mean(),
              dFake: fakeLogits.lt(0).astype('float32').mean(),
            },
          ] as [Tensor, { state: unknown[]; dReal: Tensor; dFake: Tensor }];
        };
        const [[dLoss, dAux], dGrads] = valueAndGrad(dLossOf, { hasAux: true })(
          p.gan.discriminator,
        );
        const [dUpdates, dOpt] = optD.update(dGrads, o.d as never, p.gan.discriminator);
        const discriminator = applyUpdates(p.gan.discriminator, dUpdates) as nn.Sequential;
        // Generator: make the updated discriminator say 1 (the non-saturating loss).
        const gLossOf = (g: nn.Sequential) => {
          const [images, s] = dcgan.generate(g, random.normal(zKeyG, [n, latent]), {
            state: gState,
            train: true,
          });
          const [logits] = dcgan.discriminate(discriminator, images, {
            state: dAux.state,
            train: true,
          });
          return [nn.binaryCrossEntropyWithLogits(logits, ones), s] as [Tensor, unknown[]];
        };
        const [[gLoss, gStateNext], gGrads] = valueAndGrad(gLossOf, { hasAux: true })(
          p.gan.generator,
        );
        const [gUpdates, gOpt] = optG.update(gGrads, o.g as never, p.gan.generator);
        const generator = applyUpdates(p.gan.generator, gUpdates) as nn.Sequential;
        return [
          { loss: dLoss, g_loss: gLoss, d_acc_real: dAux.dReal, d_acc_fake: dAux.dFake },
          {
            gan: { generator, discriminator },
            state: { generator: gStateNext, discriminator: dAux.state },
          },
          { g: gOpt, d: dOpt },
        ] as const;
      },
      { donateArgnums: [0, 1], name: 'ganStep' },
    );
    ctx.out(
      `training: ${opts.epochs} epoch${opts.epochs === 1 ? '' : 's'}, batch ${opts.batch}, Adam lr=${opts.lr} beta1=0.5 for both networks; loss = discriminator BCE, g_loss = generator BCE, d_acc_real/d_acc_fake = discriminator accuracy on real/generated images`,
    );
    let result: Awaited<ReturnType<typeof runFit<GanParams, GanOptState, ImageOnly>>>;
    try {
      result = await runFit<GanParams, GanOptState, ImageOnly>({
        ctx,
        backend: backend.name,
        key: fitKey,
        params,
        optState: { g: optG.init(gan.generator), d: optD.init(gan.discriminator) },
        trainStep: step,
        trainData: epochBatches(data.dataset, {
          batchSize: Math.min(opts.batch, data.dataset.length),
          key: shuffleKey,
          map: toSymmetricImages,
          dropRemainder: true,
        }),
        epochs: opts.epochs,
        label: 'gan',
        checkpointDir: join(opts.out, 'checkpoints'),
        checkpointMetadata: { cli: { task: 'dcgan', latent: opts.latent, width: opts.width } },
        resume: opts.resume,
      });
    } finally {
      step.dispose();
    }
    owned.push(result.params, result.optState);
    const trained = result.params;

    const files: string[] = [];
    {
      using grid = sample(trained, sampleKey, 64, opts.latent);
      const pixels = (await grid.data()) as Float32Array;
      files.push(
        ...(await writeImageFiles(join(opts.out, 'samples'), imageGrid(pixels, 64, { cols: 8 }))),
      );
    }
    const ganPath = join(opts.out, 'gan.safetensors');
    await saveCheckpoint(ganPath, {
      params: trained,
      step: result.step,
      metadata: { cli: { task: 'dcgan', latent: opts.latent, width: opts.width } },
    });
    files.push(ganPath);

    let sampleConfidence: number | undefined;
    let realConfidence: number | undefined;
    if (opts.classifier !== undefined) {
      const { params: classifier, metadata } = await loadClassifier(opts.classifier);
      try {
        using predict = makePredictor();
        const counts = new Array<number>(metadata.numClasses).fill(0);
        let sum = 0;
        const chunk = 250;
        for (let done = 0; done < opts.samples; done += chunk) {
          const n = Math.min(chunk, opts.samples - done);
          using k = random.foldIn(sampleKey, 1 + done);
          using images = sample(trained, k, n, opts.latent);
          using probs = predict(classifier, images);
          const top = topClass((await probs.data()) as Float32Array, metadata.numClasses);
          for (const [i, c] of top.index.entries()) {
            counts[c] = (counts[c] ?? 0) + 1;
            sum += top.prob[i] as number;
          }
        }
        sampleConfidence = sum / opts.samples;
        const test = await loadFashion(ctx, {
          split: 'test',
          limit: opts.samples,
          slice: opts.slice,
        });
        const real = await predictDataset(classifier, test.dataset, metadata.numClasses);
        const realTop = topClass(real.probs, metadata.numClasses);
        realConfidence = realTop.prob.reduce((a, b) => a + b, 0) / realTop.prob.length;
        ctx.out(
          `classifier ${opts.classifier} (${metadata.model}): mean top-class probability of ${opts.samples.toLocaleString('en-US')} generated samples = ${sampleConfidence.toFixed(4)} (real test images: ${realConfidence.toFixed(4)} over ${realTop.prob.length.toLocaleString('en-US')})`,
        );
        ctx.out(
          `generated samples by predicted class: ${counts.map((c, i) => `${CLASS_NAMES[i]} ${c}`).join(', ')}`,
        );
      } finally {
        disposeClassifier(classifier);
      }
    }
    const summary = {
      command: 'train gan',
      backend: backend.name,
      images: data.dataset.length,
      epochs: result.history.epochs.length,
      latent: opts.latent,
      width: opts.width,
      sampleConfidence,
      realConfidence,
    };
    files.push(
      ...(await writeRunFiles(opts.out, result.history, summary, { metrics: ['loss', 'g_loss'] })),
    );
    ctx.out(`wrote ${files.join(', ')}`);
    return { files, sampleConfidence, realConfidence };
  } finally {
    tree.dispose(owned);
    for (const key of keys) key.dispose();
    await backend.release();
  }
}
