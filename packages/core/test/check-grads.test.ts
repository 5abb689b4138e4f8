/**
 * `checkGrads` itself: it accepts correct derivatives at first and second order and rejects a
 * deliberately wrong custom derivative.
 */
import { describe, expect, it } from 'vitest';
import type { Tensor } from '../src/internal/core/tensor.js';
import * as lax from '../src/internal/lax/primitive-ops.js';
import { checkGrads } from '../src/internal/transforms/check-grads.js';
import { scope } from '../src/internal/transforms/scope.js';
import { tensor } from './support/tensors.js';

describe('checkGrads', () => {
  it('passes on correct rules to second order', () => {
    scope(() => {
      const x = tensor([0.3, -0.8, 1.4]);
      checkGrads((v: Tensor) => [lax.mul(v, lax.sin(v)), lax.exp(lax.tanh(v))], [x], { order: 2 });
      checkGrads((v: Tensor) => [lax.mul(lax.mul(v, v), v)], [x], { order: 3 });
    });
  });

  it('fails when the derivative is wrong', () => {
    scope(() => {
      const x = tensor([0.3, -0.8, 1.4]);
      // stopGradient makes the derivative of x·sg(x) equal x instead of 2x.
      expect(() => checkGrads((v: Tensor) => [lax.mul(v, lax.stopGradient(v))], [x])).toThrow(
        /finite differences/,
      );
    });
  });
});
