/**
 * The combinators and trivial transformations, against closed forms: `chain` order, freezing and
 * per-label learning rates with `multiTransform` (labels as a tree prefix, a function, on a
 * registered class), `maskedTransform` pass-through, masked weight decay, `identity`,
 * `setToZero`, `applyUpdates`, and their error messages.
 */
import { np, scope, type Tensor, tree, ValueError } from '@tensile/core';
import { describe, expect, it } from 'vitest';
import {
  adam,
  addDecayedWeights,
  applyUpdates,
  chain,
  clip,
  identity,
  maskedTransform,
  multiTransform,
  scale,
  setToZero,
  sgd,
} from '../src/index.js';

const f32 = (data: number[] | number[][]) => np.array(data, { dtype: 'float32' });
const values = (t: Tensor) => t.toArraySync();

describe('chain', () => {
  it('applies transformations left to right and keeps one state per link', () => {
    scope(() => {
      const g = { a: f32([1, -4]) };
      const clipThenScale = chain(clip(2), scale(10));
      const scaleThenClip = chain(scale(10), clip(2));
      const s1 = clipThenScale.init(g);
      expect(s1).toHaveLength(2);
      const [u1] = clipThenScale.update(g, s1);
      const [u2] = scaleThenClip.update(g, scaleThenClip.init(g));
      expect(values((u1 as typeof g).a)).toEqual([10, -20]);
      expect(values((u2 as typeof g).a)).toEqual([2, -2]);
    });
  });

  it('of nothing is the identity', () => {
    scope(() => {
      const g = [f32([1, 2])];
      const [u] = chain().update(g, chain().init(g));
      expect(values((u as Tensor[])[0] as Tensor)).toEqual([1, 2]);
    });
  });
});

describe('identity and setToZero', () => {
  it('identity returns the updates, setToZero zeros of the same shape and dtype', () => {
    scope(() => {
      const g = { w: f32([[1, 2]]), n: np.array([3], { dtype: 'int32' }) };
      const [same] = identity().update(g, identity().init(g));
      expect(same).toBe(g);
      const [zero] = setToZero().update(g, setToZero().init(g));
      const z = zero as typeof g;
      expect(values(z.w)).toEqual([[0, 0]]);
      expect(z.n.dtype).toBe('int32');
      expect(tree.leaves(setToZero().init(g))).toEqual([]);
    });
  });
});

describe('multiTransform', () => {
  const model = () => ({
    encoder: {
      w: f32([
        [1, 2],
        [3, 4],
      ]),
      b: f32([0.5, -0.5]),
    },
    head: { w: f32([[2], [-1]]), b: f32([1]) },
  });
  const gradsLike = (p: ReturnType<typeof model>) => tree.map((x: Tensor) => np.onesLike(x), p);

  it('freezes the parameters labelled with setToZero (labels as a tree prefix)', () => {
    scope(() => {
      const params = model();
      const opt = multiTransform(
        { frozen: setToZero(), train: sgd(0.1) },
        { encoder: 'frozen', head: 'train' },
      );
      let p = params;
      let state = opt.init(p);
      for (let i = 0; i < 3; i++) {
        const [u, s] = opt.update(gradsLike(p), state, p);
        p = applyUpdates(p, u);
        state = s;
      }
      expect(values(p.encoder.w)).toEqual(values(params.encoder.w));
      expect(values(p.encoder.b)).toEqual(values(params.encoder.b));
      // three float32 steps of p + (-0.1 * 1)
      const sgd3 = (x: number) => {
        let v = Math.fround(x);
        for (let i = 0; i < 3; i++) v = Math.fround(v + Math.fround(-0.1));
        return v;
      };
      expect(values(p.head.w)).toEqual([[sgd3(2)], [sgd3(-1)]]);
      expect(values(p.head.b)).toEqual([sgd3(1)]);
    });
  });

  it('gives each label its own optimizer and state (per-leaf labels, different rates)', () => {
    scope(() => {
      const params = model();
      const opt = multiTransform(
        { slow: sgd(0.01), fast: sgd(1), moments: adam(0.1) },
        { encoder: { w: 'slow', b: 'fast' }, head: 'moments' },
      );
      const state = opt.init(params);
      // adam's moments exist only for the head: the encoder's leaves are null in its state.
      const adamState = (state.inner.moments as unknown[])[0] as { mu: typeof params };
      expect(adamState.mu.encoder).toEqual({ w: null, b: null });
      expect(tree.leaves(adamState.mu)).toHaveLength(2);
      const [u] = opt.update(gradsLike(params), state, params);
      const upd = u as typeof params;
      expect(values(upd.encoder.w)).toEqual(
        [
          [-0.01, -0.01],
          [-0.01, -0.01],
        ].map((r) => r.map(Math.fround)),
      );
      expect(values(upd.encoder.b)).toEqual([-1, -1]);
      // Adam's first step is -lr * g / (|g| + eps).
      const first = Math.fround(-0.1 / (1 + 1e-8));
      expect(values(upd.head.b)[0 as never]).toBeCloseTo(first, 7);
    });
  });

  it('accepts labels as a function of the params', () => {
    scope(() => {
      const params = model();
      const labels = (p: unknown) =>
        tree.map((x: Tensor) => (x.shape.length > 1 ? 'matrix' : 'vector'), p);
      const opt = multiTransform({ matrix: setToZero(), vector: scale(-1) }, labels);
      const [u] = opt.update(gradsLike(params), opt.init(params), params);
      const upd = u as typeof params;
      expect(values(upd.encoder.w)).toEqual([
        [0, 0],
        [0, 0],
      ]);
      expect(values(upd.head.b)).toEqual([-1]);
    });
  });

  it('labels the fields of a registered pytree class', () => {
    class Pair {
      constructor(
        readonly left: unknown,
        readonly right: unknown,
      ) {}
    }
    tree.register(Pair, {
      flatten: (p) => [[p.left, p.right], null],
      unflatten: (_aux, [left, right]) => new Pair(left, right),
    });
    scope(() => {
      const params = new Pair(f32([1, 2]), f32([3]));
      const opt = multiTransform(
        { frozen: setToZero(), train: scale(2) },
        new Pair('frozen', 'train'),
      );
      const [u] = opt.update(params, opt.init(params), params);
      expect(u).toBeInstanceOf(Pair);
      expect(values((u as Pair).left as Tensor)).toEqual([0, 0]);
      expect(values((u as Pair).right as Tensor)).toEqual([6]);
    });
  });

  it('names unknown labels and structure mismatches in its errors', () => {
    scope(() => {
      const params = model();
      expect(() =>
        multiTransform({ a: identity() }, { encoder: 'a', head: 'b' }).init(params),
      ).toThrow(/multiTransform: label "b" has no transformation \(known labels: "a"\)/);
      expect(() => multiTransform({ a: identity() }, { encoder: 'a' }).init(params)).toThrow(
        /multiTransform: the labels\/mask \{encoder:\*\} are not a prefix of the parameters/,
      );
      expect(() => multiTransform({}, 'a')).toThrow(ValueError);
    });
  });
});

describe('maskedTransform', () => {
  it('transforms the selected leaves and passes the others through unchanged', () => {
    scope(() => {
      const g = { a: f32([1, 2]), b: f32([3]), c: [f32([4]), f32([5])] };
      const masked = maskedTransform(scale(10), { a: true, b: false, c: true });
      const [u] = masked.update(g, masked.init(g));
      const upd = u as typeof g;
      expect(values(upd.a)).toEqual([10, 20]);
      expect(upd.b).toBe(g.b);
      expect(upd.c.map(values)).toEqual([[40], [50]]);
    });
  });

  it('keeps the inner state for the selected leaves only', () => {
    scope(() => {
      const params = { w: f32([1, 2]), b: f32([0]) };
      const masked = maskedTransform(sgd(0.1, { momentum: 0.9 }), (p: unknown) =>
        tree.map((x: Tensor) => x.shape[0] === 2, p),
      );
      const state = masked.init(params);
      const trace = ((state.inner as unknown[])[0] as { trace: unknown }).trace;
      expect(trace).toEqual({ w: expect.anything(), b: null });
      const [u] = masked.update(params, state, params);
      expect(values((u as typeof params).w)).toEqual([-0.1, -0.2].map(Math.fround));
      expect((u as typeof params).b).toBe(params.b);
    });
  });

  it('rejects non-boolean mask leaves', () => {
    scope(() => {
      const g = { a: f32([1]) };
      expect(() => maskedTransform(identity(), { a: 'yes' }).init(g)).toThrow(
        /maskedTransform: mask leaves must be booleans, got yes/,
      );
    });
  });
});

describe('addDecayedWeights', () => {
  it('adds weightDecay * params on the masked leaves', () => {
    scope(() => {
      const params = { w: f32([[2, -4]]), b: f32([10]) };
      const grads = { w: f32([[1, 1]]), b: f32([1]) };
      const decay = addDecayedWeights(0.5, (p: unknown) =>
        tree.map((x: Tensor) => x.shape.length > 1, p),
      );
      const [u] = decay.update(grads, decay.init(params), params);
      expect(values((u as typeof grads).w)).toEqual([[2, -1]]);
      expect(values((u as typeof grads).b)).toEqual([1]);
    });
  });

  it('needs params', () => {
    scope(() => {
      const g = { w: f32([1]) };
      expect(() => addDecayedWeights(0.1).update(g, {})).toThrow(
        /addDecayedWeights: update\(grads, state, params\) needs params/,
      );
    });
  });
});

describe('applyUpdates', () => {
  it('adds leaf by leaf, keeps the parameter dtype, and checks the structure', () => {
    scope(() => {
      const params = { w: f32([1, 2]), steps: np.array([1], { dtype: 'int32' }) };
      const updates = { w: f32([0.5, -1]), steps: f32([1]) };
      const next = applyUpdates(params, updates);
      expect(values(next.w)).toEqual([1.5, 1]);
      expect(next.steps.dtype).toBe('int32');
      expect(() => applyUpdates(params, { w: updates.w })).toThrow(
        /tree.map: tree 1 has structure/,
      );
    });
  });
});
