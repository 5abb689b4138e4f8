/**
 * Bad hyperparameters and misuse fail early with messages naming the function, the argument and
 * the value (as torch.optim's constructors do), instead of producing NaNs later.
 */
import { np, scope, ValueError } from '@tensile/core';
import { describe, expect, it } from 'vitest';
import {
  adadelta,
  adagrad,
  adam,
  adamw,
  identity,
  lamb,
  lion,
  multiTransform,
  rmsprop,
  scaleByAdam,
  scaleByTrustRatio,
  sgd,
  traceMomentum,
} from '../src/index.js';

describe('optimizer arguments', () => {
  it('learning rates must be finite and non-negative', () => {
    expect(() => sgd(-0.1)).toThrow(/sgd: learning rate must be a finite number in >= 0, got -0.1/);
    expect(() => adam(Number.NaN)).toThrow(/adam: learning rate must be a finite number/);
    expect(() => lion(Number.POSITIVE_INFINITY)).toThrow(ValueError);
  });

  it('moment decays must lie in [0, 1)', () => {
    expect(() => adam(1e-3, { b1: 1 })).toThrow(
      /scaleByAdam: b1 must be a finite number in \[0, 1\), got 1/,
    );
    expect(() => scaleByAdam({ b2: -0.5 })).toThrow(/scaleByAdam: b2/);
    expect(() => rmsprop(1e-2, { decay: 1.5 })).toThrow(
      /scaleByRms: decay must be a finite number in \[0, 1\]/,
    );
    expect(() => adadelta(1, { rho: 2 })).toThrow(/scaleByAdadelta: rho/);
    expect(() => lamb(1e-3, { b1: 1 })).toThrow(/scaleByAdam: b1/);
  });

  it('weight decay, momentum and eps must be non-negative', () => {
    expect(() => sgd(0.1, { momentum: -0.9 })).toThrow(/sgd: momentum/);
    expect(() => adamw(1e-3, { weightDecay: -1 })).toThrow(/adamw: weightDecay/);
    expect(() => lion(1e-4, { weightDecay: -1 })).toThrow(/lion: weightDecay/);
    expect(() => adagrad(0.1, { eps: -1 })).toThrow(/scaleByRss: eps/);
    expect(() => traceMomentum({ decay: -1 })).toThrow(/traceMomentum: decay/);
  });

  it('Nesterov needs momentum', () => {
    expect(() => sgd(0.1, { nesterov: true })).toThrow(/sgd: Nesterov momentum needs momentum > 0/);
  });

  it('scaleByTrustRatio needs params', () => {
    scope(() => {
      const g = { w: np.ones([2]) };
      expect(() => scaleByTrustRatio().update(g, {})).toThrow(
        /scaleByTrustRatio: update\(grads, state, params\) needs params/,
      );
    });
  });

  it('multiTransform refuses a state built for other labels', () => {
    scope(() => {
      const g = { w: np.ones([2]) };
      const opt = multiTransform({ a: identity() }, { w: 'a' });
      expect(() => opt.update(g, { inner: {} }, g)).toThrow(
        /multiTransform: the state has no entry for label "a"/,
      );
    });
  });
});
