/**
 * Clipping and the trust ratio against closed forms: `globalNorm`, `clipByGlobalNorm` (below,
 * above and at zero norm), elementwise `clip`, and LAMB's `scaleByTrustRatio` including its
 * zero-norm rule.
 */
import { np, scope, type Tensor } from '@tensile/core';
import { describe, expect, it } from 'vitest';
import { clip, clipByGlobalNorm, globalNorm, scaleByTrustRatio } from '../src/index.js';

const f32 = (data: number[]) => np.array(data, { dtype: 'float32' });

describe('clipByGlobalNorm', () => {
  it('globalNorm is the norm of all leaves together', () => {
    scope(() => {
      expect(globalNorm({ a: f32([3, 4]), b: [f32([12])] }).item()).toBe(13);
    });
  });

  it('rescales to norm maxNorm when the global norm exceeds it', () => {
    scope(() => {
      const g = { a: f32([3, 4]), b: [f32([12])] };
      const t = clipByGlobalNorm(6.5);
      const [u] = t.update(g, t.init(g));
      const out = u as typeof g;
      // factor 6.5 / 13 = 0.5 exactly
      expect(out.a.toArraySync()).toEqual([1.5, 2]);
      expect((out.b[0] as Tensor).toArraySync()).toEqual([6]);
      expect(globalNorm(out).item()).toBe(6.5);
    });
  });

  it('leaves updates alone below the threshold and at zero norm', () => {
    scope(() => {
      const t = clipByGlobalNorm(20);
      const g = { a: f32([3, 4]), b: [f32([12])] };
      const [u] = t.update(g, t.init(g));
      expect((u as typeof g).a.toArraySync()).toEqual([3, 4]);
      const zero = [f32([0, 0])];
      const [z] = clipByGlobalNorm(1).update(zero, {});
      expect(((z as Tensor[])[0] as Tensor).toArraySync()).toEqual([0, 0]);
    });
  });

  it('rejects a negative maxNorm', () => {
    expect(() => clipByGlobalNorm(-1)).toThrow(
      /clipByGlobalNorm: maxNorm must be a finite number in >= 0, got -1/,
    );
  });
});

describe('clip', () => {
  it('clips elementwise to [-maxDelta, maxDelta]', () => {
    scope(() => {
      const [u] = clip(1.5).update([f32([-3, -1, 0, 2])], {});
      expect(((u as Tensor[])[0] as Tensor).toArraySync()).toEqual([-1.5, -1, 0, 1.5]);
    });
  });
});

describe('scaleByTrustRatio', () => {
  it('scales each tensor by ||p|| / ||u||, and by 1 when a norm is zero', () => {
    scope(() => {
      const params = { a: f32([3, 4]), b: f32([0, 0]), c: f32([1]) };
      const updates = { a: f32([0, 2]), b: f32([1, 1]), c: f32([0]) };
      const t = scaleByTrustRatio();
      const [u] = t.update(updates, t.init(params), params);
      const out = u as typeof updates;
      expect(out.a.toArraySync()).toEqual([0, 5]); // ratio 5 / 2
      expect(out.b.toArraySync()).toEqual([1, 1]); // ||p|| = 0
      expect(out.c.toArraySync()).toEqual([0]); // ||u|| = 0
    });
  });
});
