/**
 * `jit`: results equal eager evaluation, the cache is keyed by structure/shapes/dtypes/static
 * arguments, constants are owned by the cache, donation consumes inputs, and the staged program
 * can be inspected.
 */
import { describe, expect, it, vi } from 'vitest';
import type { Tensor } from '../src/internal/core/tensor.js';
import * as lax from '../src/internal/lax/primitive-ops.js';
import { memory } from '../src/internal/memory.js';
import { grad } from '../src/internal/transforms/grad.js';
import { jit, makeJaxpr, setJitDebug } from '../src/internal/transforms/jit.js';
import { scope } from '../src/internal/transforms/scope.js';
import { vmap } from '../src/internal/transforms/vmap-api.js';
import { expectClose } from './support/assertions.js';
import { tensor } from './support/tensors.js';

const f = (x: Tensor, y: Tensor) => lax.mul(lax.tanh(x), lax.exp(y));

describe('jit', () => {
  it('equals eager evaluation and compiles once per signature', () => {
    scope(() => {
      const jf = jit(f);
      const x = tensor([0.1, -0.4, 2]);
      const y = tensor([1, 0.5, -1]);
      expectClose(jf(x, y), Array.from(f(x, y).dataSync()), [3]);
      jf(tensor([1, 2, 3]), tensor([4, 5, 6]));
      expect(jf.cacheSize).toBe(1);
      jf(tensor([1, 2]), tensor([4, 5]));
      expect(jf.cacheSize).toBe(2);
      jf(tensor([7, 8]), tensor([9, 10]));
      expect(jf.cacheSize).toBe(2);
      jf.dispose();
    });
  });

  it('explains cache misses in debug mode', () => {
    const info = vi.spyOn(console, 'info').mockImplementation(() => {});
    scope(() => {
      setJitDebug(true);
      const jf = jit((x: Tensor) => lax.neg(x), { name: 'negate' });
      jf(tensor([1, 2]));
      jf(tensor([1, 2, 3]));
      setJitDebug(false);
      jf.dispose();
    });
    expect(info.mock.calls.map((c) => String(c[0]))).toEqual([
      'jit(negate): compiling for the first time (f32[2])',
      'jit(negate): cache miss, recompiling because shapes/dtypes: f32[2] → f32[3]',
    ]);
    info.mockRestore();
  });

  it('static arguments are part of the key and are not traced', () => {
    scope(() => {
      const scaled = jit(
        (x: Tensor, k: number) =>
          lax.mul(x, lax.broadcastInDim(lax.full([], k, 'float32', false, 'cpu'), x.shape, [])),
        {
          staticArgnums: [1],
        },
      );
      expectClose(scaled(tensor([1, 2]), 3), [3, 6]);
      expectClose(scaled(tensor([1, 2]), 5), [5, 10]);
      expect(scaled.cacheSize).toBe(2);
      scaled.dispose();
    });
  });

  it('owns its captured constants and releases them on dispose', () => {
    const start = memory().cpu?.tensors ?? 0;
    const c = tensor([1, 2, 3]);
    const jf = jit((x: Tensor) => lax.add(x, c));
    scope(() => expectClose(jf(tensor([1, 1, 1])), [2, 3, 4]));
    c.dispose();
    // The cache keeps its own reference: still correct after the user disposed `c`.
    scope(() => expectClose(jf(tensor([0, 0, 0])), [1, 2, 3]));
    expect(memory().cpu?.tensors).toBe(start + 1);
    jf.dispose();
    expect(memory().cpu?.tensors).toBe(start);
  });

  it('donated arguments are consumed', () => {
    scope(() => {
      const step = jit((x: Tensor) => lax.add(x, x), { donateArgnums: [0] });
      const x = tensor([1, 2]);
      const y = step(x);
      expect(x.isDisposed).toBe(true);
      expectClose(y, [2, 4]);
      step.dispose();
    });
  });

  it('composes: grad(jit(f)) == jit(grad(f)) and vmap(jit(f)) == vmap(f)', () => {
    scope(() => {
      const g = (x: Tensor) => lax.reduce('sum', lax.mul(lax.sin(x), lax.exp(x)), [0]);
      const x = tensor([0.3, 0.7, -1.1]);
      const a = grad(jit(g))(x) as Tensor;
      const jg = jit(grad(g));
      const b = jg(x);
      expectClose(a, Array.from(b.dataSync()));
      const xs = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
      const vj = vmap(jit(g))(xs) as Tensor;
      const v = vmap(g)(xs) as Tensor;
      expectClose(vj, Array.from(v.dataSync()), [2]);
      jg.dispose();
    });
  });

  it('folds constant subexpressions at compile time, exactly as the backend computes them', () => {
    scope(() => {
      const two = () => lax.full([], 2, 'float32', false, 'cpu');
      const f = (x: Tensor) => lax.mul(x, lax.broadcastInDim(lax.exp(lax.neg(two())), x.shape, []));
      const jf = jit(f);
      const x = tensor([1, 2, 3]);
      const lowered = String(jf.lower(x));
      expect(lowered).not.toMatch(/exp|neg/);
      expect(lowered).toMatch(/fill\[.*value=0\.135335/);
      expectClose(jf(x), Array.from(f(x).dataSync()));
      jf.dispose();
    });
  });

  it('makeJaxpr prints the staged program', () => {
    scope(() => {
      const jaxpr = makeJaxpr((x: Tensor) => lax.exp(lax.neg(x)))(tensor([1, 2]));
      expect(String(jaxpr)).toBe(
        [
          '{ lambda a:f32[2] . let',
          '    b:f32[2] = neg a',
          '    c:f32[2] = exp b',
          '  in ( c ) }',
        ].join('\n'),
      );
    });
  });
});
