import { describe, expect, it } from 'vitest';
import * as lax from '../src/internal/lax/primitive-ops.js';
import { jvp } from '../src/internal/transforms/forward.js';
import { grad, valueAndGrad } from '../src/internal/transforms/grad.js';
import { jit } from '../src/internal/transforms/jit.js';
import { scope } from '../src/internal/transforms/scope.js';
import { vmap } from '../src/internal/transforms/vmap-api.js';
import '../src/internal/core/eval-trace.js';
import type { Tensor } from '../src/internal/core/tensor.js';
import { expectClose } from './support/assertions.js';
import { tensor } from './support/tensors.js';

describe('transforms on elementwise primitives', () => {
  it('grad of sin(x)*x matches the closed form', () => {
    scope(() => {
      const x = tensor([0.1, 0.5, 2]);
      const g = grad((v: Tensor) => lax.reduce('sum', lax.mul(lax.sin(v), v), [0]))(x) as Tensor;
      const xs = [0.1, 0.5, 2];
      expectClose(
        g,
        xs.map((v) => Math.cos(v) * v + Math.sin(v)),
        [3],
        { rtol: 1e-5 },
      );
    });
  });

  it('grad of grad of x^3 is 6x', () => {
    scope(() => {
      const x = tensor([1.5], []);
      const f = (v: Tensor) => lax.mul(lax.mul(v, v), v);
      const d2 = grad(grad(f))(x) as Tensor;
      expectClose(d2, [9]);
    });
  });

  it('jvp agrees with closed form and jit(f) equals f', () => {
    scope(() => {
      const x = tensor([0.3, -1.2]);
      const t = tensor([1, 2]);
      const f = (v: Tensor) => lax.exp(lax.tanh(v));
      const [y, dy] = jvp(f, [x], [t]);
      const ex = [0.3, -1.2].map((v) => Math.exp(Math.tanh(v)));
      expectClose(y as Tensor, ex);
      expectClose(
        dy as Tensor,
        ex.map((e, i) => e * (1 - Math.tanh([0.3, -1.2][i] as number) ** 2) * (i + 1)),
        undefined,
        { rtol: 1e-5 },
      );
      const jf = jit(f);
      expectClose(jf(x) as Tensor, ex);
      const [v, g] = valueAndGrad(jit((a: Tensor) => lax.reduce('sum', f(a), [0])))(x);
      expectClose(v as Tensor, [(ex[0] as number) + (ex[1] as number)]);
      expect((g as Tensor).shape).toEqual([2]);
      jf.dispose();
    });
  });

  it('vmap of a binary op with an unbatched operand', () => {
    scope(() => {
      const xs = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
      const y = tensor([10, 20, 30]);
      const out = vmap((a: Tensor, b: Tensor) => lax.mul(a, b), { inAxes: [0, null] })(
        xs,
        y,
      ) as Tensor;
      expectClose(out, [10, 40, 90, 40, 100, 180], [2, 3]);
    });
  });
});
