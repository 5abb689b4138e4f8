/**
 * Every model trains: a few Adam steps (@tensile/optim) on a fixed batch, with gradients from
 * `valueAndGrad` through the whole model (batch norm in training mode threading its state,
 * recurrent layers over `scan`), lower the training loss. The GAN's generator is also trained
 * against a fixed discriminator.
 */
import { np, random, scope, type Tensor, valueAndGrad } from '@tensile/core';
import { binaryCrossEntropyWithLogits } from '@tensile/nn';
import { adam, applyUpdates } from '@tensile/optim';
import { describe, expect, it } from 'vitest';
import { type Dcgan, type DcganState, dcgan } from '../src/index.js';
import { onBackend } from './support/backends.js';
import { CASES } from './support/cases.js';

const STEPS = 8;

/** Losses of `STEPS` Adam steps minimising `lossOf` (which returns `[loss, newState]`). */
function train<P>(
  params: P,
  state: unknown,
  lossOf: (p: P, s: unknown) => [Tensor, unknown],
  learningRate: number,
): number[] {
  const opt = adam(learningRate);
  let optState = opt.init(params as never);
  const losses: number[] = [];
  for (let i = 0; i < STEPS; i++) {
    [params, optState, state] = scope(() => {
      const [[loss, next], grads] = valueAndGrad(lossOf, { hasAux: true })(
        params,
        state,
      ) as unknown as [[Tensor, unknown], P];
      losses.push(loss.item() as number);
      const [updates, nextOpt] = opt.update(grads as never, optState, params as never);
      return [applyUpdates(params as never, updates) as P, nextOpt, next] as const;
    });
  }
  return losses;
}

describe('a few training steps on a fixed batch reduce the loss', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_, c) => {
    onBackend('cpu', () => {
      const { model, state } = c.build(random.key(0));
      const x = c.input(random.key(1));
      const losses = train(model, state, (m, s) => c.loss(m, s, x), c.learningRate);
      for (const l of losses) expect(Number.isFinite(l), `${c.name}: finite loss`).toBe(true);
      expect(
        losses.at(-1) as number,
        `${c.name}: losses ${losses.map((l) => l.toFixed(4))}`,
      ).toBeLessThan(0.8 * (losses[0] as number));
    });
  });

  it('dcgan: the generator learns to fool a fixed discriminator', () => {
    onBackend('cpu', () => {
      const gan = dcgan.init(random.key(2), { latentDim: 8, width: 4 });
      const state = dcgan.initState(gan);
      const z = random.normal(random.key(3), [4, 8]);
      const ones = np.ones([4]);
      const losses = train(
        gan.generator,
        state,
        (generator, s) => {
          const st = s as DcganState;
          const [fakes, g] = dcgan.generate(generator, z, { state: st.generator, train: true });
          const [logits] = dcgan.discriminate((gan as Dcgan).discriminator, fakes, {
            state: st.discriminator,
          });
          return [binaryCrossEntropyWithLogits(logits, ones), { ...st, generator: g }];
        },
        0.02,
      );
      // The paper's N(0, 0.02) initialisation keeps the fixed discriminator's logits small, so the
      // generator's loss moves slowly, but every step lowers it.
      losses.slice(1).forEach((l, i) => {
        expect(l, `losses ${losses}`).toBeLessThan(losses[i] as number);
      });
    });
  });
});
