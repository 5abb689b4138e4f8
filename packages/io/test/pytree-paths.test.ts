/**
 * Pytree ↔ dotted names: the naming rule (object keys, array indices, registered classes' field
 * names with a positional fallback, prefixes), round trips, and refusals naming the tensor.
 */
import { DTypeError, ShapedArray, ShapeError, type Tensor, tree, ValueError } from '@tensile/core';
import { describe, expect, test } from 'vitest';
import { flattenWithPaths, unflattenFromPaths } from '../src/index.js';
import { liveTensors, tensorOf } from './support/fixtures.js';

const t = (...values: number[]) => tensorOf(values, [values.length], 'float32');

/** A module-like class registered with core's pytree registry (children: weight, bias). */
class Dense {
  constructor(
    readonly weight: Tensor,
    readonly bias: Tensor,
    readonly activation: string,
  ) {}
}
tree.register(Dense, {
  flatten: (m) => [[m.weight, m.bias], m.activation],
  unflatten: (activation, [weight, bias]) =>
    new Dense(weight as Tensor, bias as Tensor, activation as string),
  childNames: () => ['weight', 'bias'],
});

/** A registered class that declares no child names: its children are named by position. */
class Pair {
  constructor(
    readonly first: Tensor,
    readonly second: Tensor,
  ) {}
}
tree.register(Pair, {
  flatten: (p) => [[[p.first, p.second]], null],
  unflatten: (_aux, [pair]) => {
    const [first, second] = pair as [Tensor, Tensor];
    return new Pair(first, second);
  },
});

describe('flattenWithPaths', () => {
  test('object keys (sorted) and array indices, joined with dots; non-tensor leaves left out', () => {
    const [a, b, c] = [t(1), t(2), t(3)];
    const names = flattenWithPaths({
      z: a,
      layers: [{ w: b, act: 'relu', n: 3 }, null],
      opt: { m: c },
    });
    expect(Object.keys(names)).toEqual(['layers.0.w', 'opt.m', 'z']);
    expect(names['layers.0.w']).toBe(b);
    tree.dispose([a, b, c]);
  });

  test('registered classes name their children with childNames', () => {
    const layer = new Dense(t(1, 2), t(3), 'tanh');
    expect(Object.keys(flattenWithPaths({ layers: [layer] }))).toEqual([
      'layers.0.weight',
      'layers.0.bias',
    ]);
    tree.dispose(layer);
  });

  test('a class whose children match no field is named by position', () => {
    const pair = new Pair(t(1), t(2));
    expect(Object.keys(flattenWithPaths({ pair }))).toEqual(['pair.0.0', 'pair.0.1']);
    tree.dispose(pair);
  });

  test('declared child names hold even when two children are the same tensor (tied weights)', () => {
    const w = t(1);
    const tied = new Dense(w, w, 'none');
    expect(Object.keys(flattenWithPaths(tied, { prefix: 'm' }))).toEqual(['m.weight', 'm.bias']);
    w.dispose();
  });

  test('a prefix; a root tensor needs one', () => {
    const x = t(1);
    expect(Object.keys(flattenWithPaths(x, { prefix: 'x' }))).toEqual(['x']);
    expect(Object.keys(flattenWithPaths({ a: x }, { prefix: 'params' }))).toEqual(['params.a']);
    expect(() => flattenWithPaths(x)).toThrow(/a tensor at the root of the tree needs a name/);
    x.dispose();
  });

  test('names that collide (keys containing dots) are refused', () => {
    const [a, b] = [t(1), t(2)];
    expect(() => flattenWithPaths({ 'a.b': a, a: { b } })).toThrow(ValueError);
    expect(() => flattenWithPaths({ 'a.b': a, a: { b } })).toThrow(
      /two tensors get the name 'a.b'/,
    );
    tree.dispose([a, b]);
  });

  test('empty trees give no names', () => {
    expect(flattenWithPaths({})).toEqual({});
    expect(flattenWithPaths(undefined)).toEqual({});
    expect(flattenWithPaths([null, { n: 1 }])).toEqual({});
  });
});

describe('unflattenFromPaths', () => {
  test('rebuilds the template structure with the record tensors; non-tensor leaves from the template', () => {
    const template = { layers: [new Dense(t(0, 0), t(0), 'relu')], scale: 2 };
    const record = { 'layers.0.weight': t(5, 6), 'layers.0.bias': t(7) };
    const rebuilt = unflattenFromPaths(template, record);
    const layer = rebuilt.layers[0] as Dense;
    expect(layer).toBeInstanceOf(Dense);
    expect(layer.weight).toBe(record['layers.0.weight']);
    expect(layer.bias).toBe(record['layers.0.bias']);
    expect([layer.activation, rebuilt.scale]).toEqual(['relu', 2]);
    tree.dispose([template, record]);
  });

  test('round trip with flattenWithPaths, with a prefix', () => {
    const params = { a: [t(1), t(2, 3)], b: { c: t(4) } };
    const record = flattenWithPaths(params, { prefix: 'params' });
    const back = unflattenFromPaths(params, record, { prefix: 'params' });
    const original = tree.leaves(params);
    expect(tree.leaves(back).every((leaf, i) => leaf === original[i])).toBe(true);
    expect(tree.structure(back).equals(tree.structure(params))).toBe(true);
    tree.dispose(params);
  });

  test('ShapedArray leaves are slots in templates (no tensors needed to describe a model)', () => {
    const template = { w: new ShapedArray([2], 'float32'), meta: 'x' };
    const w = t(1, 2);
    const rebuilt = unflattenFromPaths(template, { w });
    expect(rebuilt.w).toBe(w);
    expect(rebuilt.meta).toBe('x');
    w.dispose();
  });

  test('missing and unexpected names are listed together (ValueError)', () => {
    const template = { a: t(1), b: t(2, 3) };
    const record = { a: t(9), c: tensorOf([1], [], 'int32') };
    const before = liveTensors();
    expect(() => unflattenFromPaths(template, record)).toThrow(ValueError);
    expect(() => unflattenFromPaths(template, record)).toThrow(
      "unflattenFromPaths: the record does not fit the template: 2 problems: missing tensor 'b' (float32 [2]); unexpected tensor 'c' (int32 [])",
    );
    expect(liveTensors()).toBe(before);
    tree.dispose([template, record]);
  });

  test('a wrong shape (ShapeError) and a wrong dtype (DTypeError) name the tensor', () => {
    const template = { w: t(1, 2) };
    const wrongShape = { w: t(1, 2, 3) };
    const wrongDtype = { w: tensorOf([1, 2], [2], 'int32') };
    expect(() => unflattenFromPaths(template, wrongShape)).toThrow(ShapeError);
    expect(() => unflattenFromPaths(template, wrongShape)).toThrow(
      "tensor 'w' has shape [3], the template expects [2]",
    );
    expect(() => unflattenFromPaths(template, wrongDtype)).toThrow(DTypeError);
    expect(() => unflattenFromPaths(template, wrongDtype)).toThrow(
      "tensor 'w' has dtype int32, the template expects float32",
    );
    tree.dispose([template, wrongShape, wrongDtype]);
  });

  test('record entries that are not tensors', () => {
    const template = { w: t(1) };
    expect(() => unflattenFromPaths(template, { w: [1] as never })).toThrow(
      /record entry 'w' is not a Tensor/,
    );
    tree.dispose(template);
  });

  test('long problem lists are cut after eight', () => {
    const template = Object.fromEntries(
      Array.from({ length: 10 }, (_, i) => [`p${i}`, new ShapedArray([1], 'float32')]),
    );
    expect(() => unflattenFromPaths(template, {})).toThrow(/10 problems: .*p7.*; … and 2 more$/);
  });
});
