/**
 * The module system: modules are immutable pytrees whose leaves are exactly their tensors (static
 * configuration lives in the tree structure), `defineModule` registration, the filtering helpers
 * with Equinox's semantics (`partition`/`combine`/`treeAt`), freezing, `countParams` and the
 * generic `forward`/`initState` protocol.
 */
import { grad, jit, np, random, scope, type Tensor, tree, ValueError } from '@tensile/core';
import { describe, expect, it } from 'vitest';
import {
  batchNorm,
  combine,
  countParams,
  defineModule,
  Frozen,
  forward,
  freeze,
  initState,
  isTrainable,
  type Linear,
  linear,
  Module,
  partition,
  relu,
  sequential,
  trainableMask,
  treeAt,
  unfreeze,
} from '../src/index.js';

const key = () => random.key(0);
const values = (t: Tensor) => Array.from(t.dataSync() as Float32Array);
const f32 = (data: number[]) => np.array(data, { dtype: 'float32' });

/** The leaves of `a` are the very objects in `expected` (no deep comparison of tensors). */
function expectSameLeaves(a: unknown, expected: readonly unknown[]): void {
  const got = tree.leaves(a);
  expect(got.length).toBe(expected.length);
  got.forEach((leaf, i) => {
    expect(leaf).toBe(expected[i]);
  });
}

class Affine extends Module {
  declare readonly scale: Tensor;
  declare readonly shift: Tensor | null;
  declare readonly features: number;
  declare readonly label: string;
}
const makeAffine = defineModule(Affine, {
  children: ['scale', 'shift'],
  statics: ['features', 'label'],
  forward: (m, x) => [m.shift ? x.mul(m.scale).add(m.shift) : x.mul(m.scale), null],
});

describe('defineModule', () => {
  it('makes a pytree whose leaves are the tensors and whose structure holds the statics', () => {
    scope(() => {
      const m = makeAffine({ scale: np.ones([3]), shift: np.zeros([3]), features: 3, label: 'a' });
      expectSameLeaves(m, [m.scale, m.shift]);
      expect(String(tree.structure(m))).toBe('Affine<[3,"a"]>(*,*)');
      const rebuilt = tree.unflatten<Affine>(tree.structure(m), tree.leaves(m));
      expect(rebuilt).toBeInstanceOf(Affine);
      expect(rebuilt.features).toBe(3);
      expect(rebuilt.label).toBe('a');
      const noShift = makeAffine({ scale: np.ones([3]), shift: null, features: 3, label: 'a' });
      expect(tree.leaves(noShift)).toHaveLength(1);
    });
  });

  it('makes immutable instances', () => {
    scope(() => {
      const m = makeAffine({ scale: np.ones([2]), shift: null, features: 2, label: 'x' });
      expect(Object.isFrozen(m)).toBe(true);
      expect(() => {
        (m as { features: number }).features = 5;
      }).toThrow(TypeError);
      expect(() => {
        (m as unknown as { scale: Tensor }).scale = np.zeros([2]);
      }).toThrow(TypeError);
    });
  });

  it('rejects instances made with new', () => {
    expect(() => tree.leaves(new Affine())).toThrow(/not with new/);
  });

  it('rejects a missing field', () => {
    expect(() =>
      makeAffine({ scale: null as unknown as Tensor, features: 1, label: '' } as never),
    ).toThrow(/missing field 'shift'/);
  });

  it('differentiates and jits whole modules, with statics as structure', () => {
    scope(() => {
      const m = makeAffine({ scale: f32([1, 2]), shift: f32([0, 1]), features: 2, label: 'a' });
      const x = f32([3, 4]);
      const g = grad((mm: Affine) => forward(mm, x)[0].sum())(m);
      expect(g).toBeInstanceOf(Affine);
      expect(g.label).toBe('a');
      expect(values(g.scale)).toEqual([3, 4]);
      expect(values(g.shift as Tensor)).toEqual([1, 1]);
      let traces = 0;
      const f = jit((mm: Affine, xx: Tensor) => {
        traces++;
        return forward(mm, xx)[0];
      });
      expect(values(f(m, x))).toEqual([3, 9]);
      f(m, x);
      expect(traces).toBe(1);
      const relabelled = makeAffine({ scale: m.scale, shift: m.shift, features: 2, label: 'b' });
      f(relabelled, x);
      expect(traces).toBe(2);
      f.dispose();
    });
  });
});

describe('partition and combine', () => {
  it('split leaves by a predicate and merge them back (Equinox semantics: null placeholders)', () => {
    scope(() => {
      const m = linear.init(key(), { inFeatures: 3, outFeatures: 2 });
      const [weights, rest] = partition(m, (leaf) => leaf === m.weight);
      expect(weights.weight).toBe(m.weight);
      expect(weights.bias).toBeNull();
      expect(rest.weight).toBeNull();
      expect(rest.bias).toBe(m.bias);
      const back = combine(weights, rest);
      expect(back.weight).toBe(m.weight);
      expect(back.bias).toBe(m.bias);
      expect(String(tree.structure(back))).toBe(String(tree.structure(m)));
    });
  });

  it('accepts a boolean mask pytree built with tree.map and treeAt', () => {
    scope(() => {
      const [k1, k2] = random.split(key());
      const model = sequential([
        linear.init(k1 as Tensor, { inFeatures: 2, outFeatures: 3 }),
        relu.init(),
        linear.init(k2 as Tensor, { inFeatures: 3, outFeatures: 1 }),
      ]);
      const mask = treeAt(
        (m) => m.layers[2],
        tree.map(() => false, model),
        true,
      );
      const [head, body] = partition(model, mask);
      expectSameLeaves(head, tree.leaves(model.layers[2]));
      expectSameLeaves(body, tree.leaves(model.layers[0]));
      expectSameLeaves(combine(head, body), tree.leaves(model));
    });
  });

  it('lets grad see only the selected part', () => {
    scope(() => {
      const m = linear.init(key(), { inFeatures: 2, outFeatures: 1 });
      const x = f32([1, 2]).reshape([1, 2]);
      const [bias, rest] = partition(m, (leaf) => leaf === m.bias);
      const g = grad((b: Linear) => linear.apply(combine(b, rest), x).sum())(bias);
      expect(g.weight).toBeNull();
      expect(values(g.bias as Tensor)).toEqual([1]);
    });
  });

  it('reports a mask that does not match the model', () => {
    scope(() => {
      const m = linear.init(key(), { inFeatures: 2, outFeatures: 1 });
      expect(() => partition(m, [true])).toThrow(ValueError);
    });
  });
});

describe('treeAt', () => {
  it('replaces one node and shares the others', () => {
    scope(() => {
      const m = linear.init(key(), { inFeatures: 2, outFeatures: 2 });
      const w = np.eye(2);
      const m2 = treeAt((l) => l.weight, m, w);
      expect(m2.weight).toBe(w);
      expect(m2.bias).toBe(m.bias);
      expect(m.weight === w).toBe(false);
      expect(m2.inFeatures).toBe(2);
    });
  });

  it('replaces several nodes, nested ones and null fields', () => {
    scope(() => {
      const [k1, k2] = random.split(key());
      const model = sequential([
        linear.init(k1 as Tensor, { inFeatures: 2, outFeatures: 2, bias: false }),
        linear.init(k2 as Tensor, { inFeatures: 2, outFeatures: 2 }),
      ]);
      const b0 = np.ones([2]);
      const b1 = np.zeros([2]);
      const updated = treeAt(
        (m) => [(m.layers[0] as Linear).bias, (m.layers[1] as Linear).bias],
        model,
        [b0, b1],
      );
      expect((updated.layers[0] as Linear).bias).toBe(b0);
      expect((updated.layers[1] as Linear).bias).toBe(b1);
      expect((updated.layers[1] as Linear).weight).toBe((model.layers[1] as Linear).weight);
      const swapped = treeAt((m) => m.layers[1], model, relu.init());
      expect(swapped.layers[1]).toEqual(relu.init());
    });
  });

  it('rejects computed values and mismatched replacement lists', () => {
    scope(() => {
      const m = linear.init(key(), { inFeatures: 2, outFeatures: 2 });
      expect(() => treeAt((l) => l.inFeatures, m, 3)).toThrow(/not a node/);
      expect(() => treeAt((l) => l.weight.T, m, np.eye(2))).toThrow(/not a node/);
      expect(() => treeAt((l) => l.weight.sum().T, m, np.eye(2))).toThrow(/only read fields/);
      expect(() => treeAt((l) => [l.weight, l.bias], m, np.eye(2))).toThrow(/array of 2/);
    });
  });
});

describe('freezing', () => {
  it('keeps the computation and hides frozen parameters from partition(isTrainable)', () => {
    scope(() => {
      const [k1, k2] = random.split(key());
      const model = sequential([
        linear.init(k1 as Tensor, { inFeatures: 3, outFeatures: 4 }),
        relu.init(),
        linear.init(k2 as Tensor, { inFeatures: 4, outFeatures: 2 }),
      ]);
      const partly = treeAt((m) => m.layers[0], model, freeze(model.layers[0]));
      const x = random.normal(random.key(1), [5, 3]);
      expect(values(sequential.apply(partly, x))).toEqual(values(sequential.apply(model, x)));
      expect((partly.layers[0] as Linear).weight).toBe((model.layers[0] as Linear).weight);
      const [params, frozen] = partition(partly, isTrainable);
      expectSameLeaves(params, tree.leaves(model.layers[2]));
      expectSameLeaves(frozen, tree.leaves(model.layers[0]));
      const g = grad((p: typeof params) => sequential.apply(combine(p, frozen), x).sum())(params);
      expect(tree.leaves(g)).toHaveLength(2);
      expect(countParams(partly)).toBe(3 * 4 + 4 + 4 * 2 + 2);
      expect(countParams(partly, { trainableOnly: true })).toBe(4 * 2 + 2);
      const thawed = unfreeze(partly);
      expect(tree.leaves(partition(thawed, isTrainable)[0])).toHaveLength(4);
    });
  });

  it('gives a trainable mask with the model’s tree.map structure', () => {
    scope(() => {
      const m = linear.init(key(), { inFeatures: 2, outFeatures: 1 });
      const partly = treeAt((l) => l.weight, m, freeze(m.weight));
      const mask = trainableMask(partly);
      expect(String(tree.structure(mask))).toBe(String(tree.structure(partly)));
      expect(tree.leaves(mask)).toEqual([false, true]);
      expect(tree.map((t: boolean) => (t ? 'adam' : 'none'), mask)).toBeInstanceOf(Module);
      expectSameLeaves(partition(partly, mask)[0], [m.bias]);
      // Replacing a frozen parameter keeps it frozen (e.g. loading weights into a frozen model).
      expect(tree.leaves(trainableMask(treeAt((l) => l.weight, partly, np.zeros([1, 2]))))).toEqual(
        [false, true],
      );
      expect(tree.leaves(partly)[0]).toBe(m.weight);
      expect(tree.structure(partly).toString()).toContain('Frozen');
      expect(new Frozen(m.weight).value).toBe(m.weight);
    });
  });
});

describe('countParams', () => {
  it('counts scalar parameters like PyTorch', () => {
    scope(() => {
      expect(countParams(linear.init(key(), { inFeatures: 784, outFeatures: 10 }))).toBe(7850);
      expect(countParams(linear.init(key(), { inFeatures: 5, outFeatures: 3, bias: false }))).toBe(
        15,
      );
      expect(countParams(relu.init())).toBe(0);
    });
  });
});

describe('forward and initState', () => {
  it('call any layer generically and build per-layer state', () => {
    scope(() => {
      const bn = batchNorm.init({ numFeatures: 2 });
      const state = initState(bn) as batchNorm.BatchNormState;
      expect(values(state.runningVar)).toEqual([1, 1]);
      const x = f32([1, 2, 3, 6]).reshape([2, 2]);
      const [y, next] = forward(bn, x, { state, train: true });
      expect(values(y)).toEqual(values(batchNorm.apply(bn, x, state, { train: true })[0]));
      expect(values((next as batchNorm.BatchNormState).runningMean)).toEqual([
        Math.fround(0.2),
        Math.fround(0.4),
      ]);
      expect(initState(relu.init())).toBeNull();
      expect(() => forward({} as Module, x)).toThrow(/expected a module/);
    });
  });
});
