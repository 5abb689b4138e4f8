/**
 * Every optimizer against torch.optim (Lion and LAMB against their written-out definitions):
 * 20 steps on the fixed problems of fixtures/golden/optim.json, comparing the parameters after
 * each step with the float64 reference. Gradients come from core's `grad` of the same loss, so
 * the trajectories differ only by float32 rounding.
 */
import { grad, scope, type Tensor } from '@tensile/core';
import { describe, it } from 'vitest';
import { applyUpdates } from '../src/index.js';
import { expectNear, loadOptimGolden } from './support/golden.js';
import { problemOf } from './support/problems.js';
import { optimizerFor } from './support/torch-configs.js';

const cases = loadOptimGolden().filter((c) => !c.name.startsWith('schedule_'));
const tolerance = { rtol: 2e-5, atol: 2e-6 };

describe('optimizer trajectories vs torch.optim (20 steps, float64 reference)', () => {
  for (const c of cases) {
    it(c.name, () => {
      scope(() => {
        const { params: initial, names, loss } = problemOf(c);
        const opt = optimizerFor(c.params);
        let params = initial;
        let state = opt.init(params);
        const steps = c.params.steps as number;
        for (let step = 0; step < steps; step++) {
          [params, state] = scope(() => {
            const grads = grad(loss)(params);
            const [updates, next] = opt.update(grads, state, params);
            return [applyUpdates(params, updates), next] as const;
          });
          for (const k of names) {
            const want = c.outputs[k];
            if (!want) throw new Error(`${c.name}: no output ${k}`);
            const size = want.data.length / steps;
            expectNear(
              params[k] as Tensor,
              want.data.slice(step * size, (step + 1) * size),
              want.shape.slice(1),
              `${k} after step ${step + 1}`,
              tolerance,
            );
          }
        }
      });
    });
  }
});
