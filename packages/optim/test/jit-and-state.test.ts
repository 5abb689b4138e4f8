/**
 * Optimizers as pure functions of pytrees of tensors: a jitted training step (grad + update +
 * applyUpdates) gives the same parameters as the eager one and compiles once even when a schedule
 * reads the step count; donated params/state work; every state is a pytree of tensors whose
 * structure, shapes and dtypes do not change between steps; and an eager `update` leaves no
 * intermediates behind.
 */
import { grad, jit, memory, np, scope, Tensor, tree } from '@tensile/core';
import { describe, expect, it } from 'vitest';
import {
  adadelta,
  adagrad,
  adam,
  adamw,
  applyUpdates,
  chain,
  clipByGlobalNorm,
  exponentialDecay,
  type GradientTransformation,
  lamb,
  lion,
  maskedTransform,
  multiTransform,
  oneCycle,
  rmsprop,
  scaleBySchedule,
  setToZero,
  sgd,
  warmupCosineDecaySchedule,
} from '../src/index.js';
import { loadOptimGolden } from './support/golden.js';
import { type Problem, problemOf } from './support/problems.js';
import { optimizerFor } from './support/torch-configs.js';

type Params = Record<string, Tensor>;
const STEPS = 5;

function eagerStep(opt: GradientTransformation, loss: Problem['loss']) {
  return (params: Params, state: unknown) =>
    scope(() => {
      const grads = grad(loss)(params);
      const [updates, next] = opt.update(grads, state, params);
      return [applyUpdates(params, updates), next] as [Params, unknown];
    });
}

const linregCases = loadOptimGolden().filter(
  (c) => !c.name.startsWith('schedule_') && c.params.problem === 'linreg',
);

describe('jit of a full training step', () => {
  for (const c of linregCases) {
    it(`${c.name}: same parameters as eager, one compilation`, () => {
      scope(() => {
        const { params: initial, loss } = problemOf(c);
        const opt = optimizerFor(c.params);
        const eager = eagerStep(opt, loss);
        const jitted = jit(eager);
        try {
          let pe = initial;
          let se: unknown = opt.init(initial);
          let pj = initial;
          let sj: unknown = opt.init(initial);
          for (let i = 0; i < STEPS; i++) {
            [pe, se] = eager(pe, se);
            [pj, sj] = jitted(pj, sj);
          }
          for (const k of Object.keys(pe)) {
            expect((pj[k] as Tensor).toArraySync(), k).toEqual((pe[k] as Tensor).toArraySync());
          }
          expect(jitted.cacheSize).toBe(1);
        } finally {
          jitted.dispose();
        }
      });
    });
  }

  it('with params and state donated, a scheduled Adam matches eager', () => {
    scope(() => {
      const c = linregCases[0];
      if (!c) throw new Error('no linreg case');
      const { params: initial, loss } = problemOf(c);
      const opt = adam(
        warmupCosineDecaySchedule({ initValue: 0, peakValue: 0.1, warmupSteps: 2, decaySteps: 6 }),
      );
      const eager = eagerStep(opt, loss);
      const jitted = jit(eager, { donateArgnums: [0, 1] });
      try {
        let pe = initial;
        let se: unknown = opt.init(initial);
        // donation consumes the inputs: start from copies
        let pj = tree.map((x: Tensor) => x.add(0), initial);
        let sj: unknown = opt.init(initial);
        for (let i = 0; i < 8; i++) {
          [pe, se] = eager(pe, se);
          [pj, sj] = jitted(pj, sj);
        }
        expect((pj.w as Tensor).toArraySync()).toEqual((pe.w as Tensor).toArraySync());
        expect(jitted.cacheSize).toBe(1);
      } finally {
        jitted.dispose();
      }
    });
  });

  it('a schedule behind scaleBySchedule does not retrace as the count grows', () => {
    scope(() => {
      const t = scaleBySchedule(oneCycle({ peakValue: 1, totalSteps: 10 }));
      const step = jit((g: Tensor, s: { count: Tensor }) => t.update(g, s));
      try {
        let state = t.init(np.ones([2]));
        const seen: number[] = [];
        for (let i = 0; i < 12; i++) {
          const [u, s] = step(np.ones([2]), state);
          seen.push(((u as Tensor).toArraySync() as number[])[0] as number);
          state = s;
        }
        expect(step.cacheSize).toBe(1);
        expect(state.count.item()).toBe(12);
        expect(seen[0]).toBeCloseTo(1 / 25, 7);
        expect(Math.max(...seen)).toBeCloseTo(1, 6);
      } finally {
        step.dispose();
      }
    });
  });
});

/** One of each optimizer and combinator, with every optional state part switched on. */
const transformations: Record<string, () => GradientTransformation> = {
  sgd: () => sgd(0.1),
  sgdNesterovDecay: () => sgd(0.1, { momentum: 0.9, nesterov: true, weightDecay: 1e-4 }),
  adam: () => adam(1e-3),
  adamAmsgradScheduled: () =>
    adam(exponentialDecay({ initValue: 1e-3, transitionSteps: 10, decayRate: 0.5 }), {
      amsgrad: true,
    }),
  adamwMasked: () =>
    adamw(1e-3, { weightDecayMask: (p: unknown) => tree.map((x: Tensor) => x.ndim > 1, p) }),
  rmspropCenteredMomentum: () => rmsprop(1e-3, { centered: true, momentum: 0.9 }),
  adagradLrDecay: () => adagrad(0.1, { lrDecay: 0.01 }),
  adadelta: () => adadelta(),
  lion: () => lion(1e-4),
  lamb: () => lamb(1e-3, { weightDecay: 0.01 }),
  clippedChain: () => chain(clipByGlobalNorm(1), sgd(0.1, { momentum: 0.5 })),
  multiTransform: () =>
    multiTransform({ frozen: setToZero(), train: adam(1e-3) }, { w: 'frozen', b: 'train' }),
  masked: () => maskedTransform(rmsprop(), { w: true, b: false }),
};

/** The structure of a pytree with each leaf's dtype and shape: what `jit` keys its cache on. */
function signature(t: unknown): string {
  const [leaves, def] = tree.flatten<Tensor>(t);
  return `${def} ${leaves.map((l) => `${l.dtype}[${l.shape}]`).join(',')}`;
}

describe('optimizer states', () => {
  for (const [name, make] of Object.entries(transformations)) {
    it(`${name}: tensors only, same structure/shapes/dtypes after an update, int32 counts`, () => {
      scope(() => {
        const params = { w: np.ones([3, 2]), b: np.zeros([2]) };
        const grads = { w: np.full([3, 2], 0.5), b: np.full([2], -0.5) };
        const opt = make();
        const state = opt.init(params);
        const [, next] = opt.update(grads, state, params);
        for (const s of [state, next]) {
          for (const leaf of tree.leaves(s)) expect(leaf).toBeInstanceOf(Tensor);
        }
        expect(signature(next)).toBe(signature(state));
        const counts = JSON.stringify(next, (key, value) =>
          key === 'count' ? `${(value as Tensor).dtype}[${(value as Tensor).shape}]` : value,
        );
        for (const m of counts.matchAll(/"count":"([^"]*)"/g)) expect(m[1]).toBe('int32[]');
      });
    });
  }
});

describe('eager updates free their intermediates', () => {
  for (const [name, make] of Object.entries(transformations)) {
    it(`${name}: only the returned tensors stay alive`, () => {
      const params = { w: np.ones([3, 2]), b: np.zeros([2]) };
      const grads = { w: np.full([3, 2], 0.5), b: np.full([2], -0.5) };
      const opt = make();
      const state = opt.init(params);
      const live = () => memory().cpu?.tensors ?? 0;
      const before = live();
      const result = opt.update(grads, state, params);
      const inputs = new Set([
        ...tree.leaves(grads),
        ...tree.leaves(state),
        ...tree.leaves(params),
      ]);
      const fresh = new Set(tree.leaves(result).filter((l) => !inputs.has(l)));
      expect(live() - before).toBe(fresh.size);
      tree.dispose([params, grads, state, result]);
    });
  }
});
