/**
 * Explicit memory management (DESIGN.md §4): `dispose` (idempotent; later use is a
 * `DisposedError` naming the op), `using`, `scope` (frees intermediates, keeps the returned pytree,
 * nests, survives exceptions), `tree.dispose`, pullbacks and linear maps releasing their
 * residuals, and `memory()`'s tensor/buffer/byte counts, with views sharing one buffer.
 */
import { describe, expect, it } from 'vitest';
import {
  type BackendMemory,
  DisposedError,
  linearize,
  memory,
  np,
  scope,
  TensileError,
  type Tensor,
  tree,
  vjp,
} from '../src/index.js';
import { tensor } from './support/tensors.js';

const cpu = (): BackendMemory => memory().cpu ?? { tensors: 0, buffers: 0, bytes: 0 };

/** The change of each count over `fn`. */
function delta(fn: () => void): BackendMemory {
  const before = cpu();
  fn();
  const after = cpu();
  return {
    tensors: after.tensors - before.tensors,
    buffers: after.buffers - before.buffers,
    bytes: after.bytes - before.bytes,
  };
}

describe('dispose', () => {
  it('frees the tensor once; disposing again is a no-op', () => {
    const x = tensor([1, 2, 3]);
    expect(x.isDisposed).toBe(false);
    expect(
      delta(() => {
        x.dispose();
        x.dispose();
      }),
    ).toEqual({ tensors: -1, buffers: -1, bytes: -12 });
    expect(x.isDisposed).toBe(true);
  });

  it('use after dispose is a DisposedError naming the op', () => {
    const x = tensor([1.5, 2]);
    x.dispose();
    expect(() => x.add(1)).toThrow(DisposedError);
    expect(() => x.add(1)).toThrow('add: tensor f32[2] was used after dispose()');
    expect(() => np.exp(x)).toThrow(/^exp: tensor f32\[2\] was used after dispose/);
    expect(() => x.reshape([2, 1])).toThrow(/^reshape: /);
    expect(() => x.dataSync()).toThrow(/^dataSync: /);
  });

  it('`using` disposes at the end of the block', () => {
    const before = cpu().tensors;
    {
      using x = tensor([1, 2]);
      using y = x.mul(3);
      expect(cpu().tensors).toBe(before + 2);
      expect(Array.from(y.dataSync())).toEqual([3, 6]);
    }
    expect(cpu().tensors).toBe(before);
  });
});

describe('scope', () => {
  it('frees intermediates and keeps every tensor of the returned pytree', () => {
    const before = cpu().tensors;
    const out = scope(() => {
      const x = tensor([1, 2, 3]);
      const y = x.mul(2).add(1); // x and the product are intermediates
      return { y, parts: [x.sum(), { max: np.max(x) }], label: 'kept' };
    });
    expect(cpu().tensors).toBe(before + 3);
    expect(Array.from(out.y.dataSync())).toEqual([3, 5, 7]);
    expect((out.parts[0] as Tensor).item()).toBe(6);
    expect(out.label).toBe('kept');
    tree.dispose(out);
    expect(cpu().tensors).toBe(before);
  });

  it('nests: an inner result survives the inner scope and is freed by the outer one', () => {
    const before = cpu().tensors;
    let inner: Tensor | undefined;
    const kept = scope(() => {
      inner = scope(() => tensor([1, 2]).mul(2));
      expect(inner.isDisposed).toBe(false);
      return inner.add(1);
    });
    expect(inner?.isDisposed).toBe(true);
    expect(Array.from(kept.dataSync())).toEqual([3, 5]);
    kept.dispose();
    expect(cpu().tensors).toBe(before);
  });

  it('keeps tensors created before it, and frees its own when the callback throws', () => {
    const outside = tensor([1, 2]);
    const before = cpu().tensors;
    expect(() =>
      scope(() => {
        outside.mul(2);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(cpu().tensors).toBe(before);
    expect(outside.isDisposed).toBe(false);
    outside.dispose();
  });

  it('rejects an async callback', () => {
    expect(() => scope((async () => tensor([1])) as never)).toThrow(TensileError);
  });
});

describe('tree.dispose', () => {
  it('disposes every tensor leaf of a nested pytree and ignores other leaves', () => {
    const before = cpu().tensors;
    const t = { a: tensor([1]), b: [tensor([2]), { c: tensor([3]), n: 4 }], d: null };
    expect(cpu().tensors).toBe(before + 3);
    tree.dispose(t);
    expect(cpu().tensors).toBe(before);
    expect(t.a.isDisposed).toBe(true);
  });
});

describe('residuals of pullbacks and linear maps', () => {
  it('are held until the pullback or linear map is disposed', () => {
    scope(() => {
      const x = tensor([0.5, 1.5]);
      const start = cpu().tensors;
      const [y, pullback] = vjp((v: Tensor) => np.sin(v).mul(v), x);
      const [z, fJvp] = linearize((v: Tensor) => np.exp(v).mul(v), x);
      const held = cpu().tensors;
      expect(held).toBeGreaterThan(start + 2); // y, z and residuals
      pullback(tensor([1, 1])); // usable until disposed
      fJvp(tensor([1, 1]));
      const afterUse = cpu().tensors;
      pullback.dispose();
      fJvp.dispose();
      expect(cpu().tensors).toBeLessThan(afterUse);
      y.dispose();
      z.dispose();
    });
  });
});

describe('memory()', () => {
  it('counts tensors, buffers and bytes; views share their base buffer', () => {
    scope(() => {
      const made = delta(() => {
        tensor([1, 2, 3, 4, 5, 6], [2, 3]);
      });
      expect(made).toEqual({ tensors: 1, buffers: 1, bytes: 24 });

      const x = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
      let views: Tensor[] = [];
      expect(
        delta(() => {
          views = [x.reshape([3, 2]), x.transpose(), np.broadcastTo(x, [4, 2, 3])];
        }),
      ).toEqual({ tensors: 3, buffers: 0, bytes: 0 });
      expect(Array.from((views[1] as Tensor).dataSync())).toEqual([1, 4, 2, 5, 3, 6]);
      // The buffer lives while any view does.
      expect(
        delta(() => {
          x.dispose();
        }),
      ).toEqual({ tensors: -1, buffers: 0, bytes: 0 });
      expect(Array.from((views[0] as Tensor).dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
      expect(
        delta(() => {
          tree.dispose(views);
        }),
      ).toEqual({ tensors: -3, buffers: -1, bytes: -24 });
    });
  });
});
