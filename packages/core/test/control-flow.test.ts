/**
 * Control flow and custom derivatives: `scan`, `cond`/`switchCase`, `whileLoop`, `foriLoop`,
 * `map`, `customJvp`, `customVjp` and `checkpoint`, eagerly and under `grad`, `jvp`, `vmap` and
 * `jit`. Oracles are plain float64 JS re-implementations (with central finite differences for
 * derivatives) and closed forms.
 */
import { createCpuBackend } from '@tensile/backend-cpu';
import { describe, expect, it } from 'vitest';
import '../src/internal/core/eval-trace.js';
import { fromHost } from '../src/internal/core/host.js';
import type { Tensor } from '../src/internal/core/tensor.js';
import { ShapeError, TensileError } from '../src/internal/errors.js';
import {
  cond,
  foriLoop,
  map,
  scan,
  switchCase,
  whileLoop,
} from '../src/internal/lax/control-flow.js';
import * as lax from '../src/internal/lax/primitive-ops.js';
import { memory } from '../src/internal/memory.js';
import { backendNameOf } from '../src/internal/primitives/helpers.js';
import { listBackends, registerBackend, withBackend } from '../src/internal/registry.js';
import { checkpoint } from '../src/internal/transforms/checkpoint.js';
import { customJvp, customVjp } from '../src/internal/transforms/custom.js';
import { jvp } from '../src/internal/transforms/forward.js';
import { grad, valueAndGrad } from '../src/internal/transforms/grad.js';
import { jit, makeJaxpr } from '../src/internal/transforms/jit.js';
import { linearizeFlat } from '../src/internal/transforms/linearize.js';
import { scope } from '../src/internal/transforms/scope.js';
import { vmap } from '../src/internal/transforms/vmap-api.js';
import { expectClose } from './support/assertions.js';
import { hostData, tensor } from './support/tensors.js';

// ---------------------------------------------------------------- small tensor vocabulary

const scalar = (v: number) => tensor([v], []);
const full = (x: Tensor, v: number) =>
  lax.broadcastInDim(lax.full([], v, x.dtype, false, backendNameOf(x)), x.shape, []);
const sumAll = (x: Tensor) =>
  lax.reduce(
    'sum',
    x,
    x.shape.map((_, i) => i),
  );
/** Matrix-vector product `[m,n] @ [n]`. */
const matvec = (w: Tensor, v: Tensor) =>
  lax.dotGeneral(w, v, { contracting: [[1], [0]], batch: [[], []] });

// ---------------------------------------------------------------- a small RNN and its float64 oracle

const H = 3;
const X = 2;
const T = 4;
const W0 = [0.5, -0.3, 0.2, 0.1, 0.4, -0.6, -0.2, 0.3, 0.7];
const U0 = [0.3, -0.5, 0.8, 0.1, -0.4, 0.6];
const B0 = [0.1, -0.2, 0.05];
const H00 = [0.2, -0.1, 0.4];
const XS0 = [0.5, -1, 1.5, 0.3, -0.7, 0.2, 0.9, -0.4];
const C0 = [1, -0.5, 2, 0.3, 0.7, -1, -0.2, 1.1, 0.4, 0.6, -0.8, 0.9];

interface RnnInputs {
  w: number[];
  u: number[];
  b: number[];
  h0: number[];
  xs: number[];
}

/** float64 reference: h_t = tanh(W h_{t-1} + U x_t + b); returns all h_t (flat [T, H]). */
function rnnRef({ w, u, b, h0, xs }: RnnInputs): number[] {
  let h = h0;
  const out: number[] = [];
  for (let t = 0; t < T; t++) {
    const next = [];
    for (let i = 0; i < H; i++) {
      let s = b[i] as number;
      for (let j = 0; j < H; j++) s += (w[i * H + j] as number) * (h[j] as number);
      for (let j = 0; j < X; j++) s += (u[i * X + j] as number) * (xs[t * X + j] as number);
      next.push(Math.tanh(s));
    }
    h = next;
    out.push(...next);
  }
  return out;
}

/** Loss: Σ_t c_t · h_t + Σ h_T². */
function rnnLossRef(p: RnnInputs): number {
  const hs = rnnRef(p);
  const last = hs.slice((T - 1) * H);
  return hs.reduce((s, h, i) => s + h * (C0[i] as number), 0) + last.reduce((s, h) => s + h * h, 0);
}

/** Central finite differences of `f` with respect to every entry of `p[key]`. */
function finiteDiff(
  f: (p: RnnInputs) => number,
  p: RnnInputs,
  key: keyof RnnInputs,
  eps = 1e-5,
): number[] {
  return p[key].map((_, i) => {
    const plus = { ...p, [key]: p[key].map((v, k) => (k === i ? v + eps : v)) };
    const minus = { ...p, [key]: p[key].map((v, k) => (k === i ? v - eps : v)) };
    return (f(plus) - f(minus)) / (2 * eps);
  });
}

const ref: RnnInputs = { w: W0, u: U0, b: B0, h0: H00, xs: XS0 };

interface RnnParams {
  w: Tensor;
  u: Tensor;
  b: Tensor;
}

const rnnParams = (): RnnParams => ({
  w: tensor(W0, [H, H]),
  u: tensor(U0, [H, X]),
  b: tensor(B0),
});
const cell = (p: RnnParams, h: Tensor, x: Tensor) =>
  lax.tanh(lax.add(lax.add(matvec(p.w, h), matvec(p.u, x)), p.b));

function rnnScan(p: RnnParams, h0: Tensor, xs: Tensor): [Tensor, Tensor] {
  return scan(
    (h: Tensor, x: Tensor) => {
      const next = cell(p, h, x);
      return [next, next];
    },
    h0,
    xs,
  );
}

/** The RNN loss; `c` holds the weights C0 as a [T, H] tensor. */
function rnnLoss(p: RnnParams, h0: Tensor, xs: Tensor, c: Tensor): Tensor {
  const [last, hs] = rnnScan(p, h0, xs);
  return lax.add(sumAll(lax.mul(hs, c)), sumAll(lax.mul(last, last)));
}

/** The same loss with the loop unrolled in JS (no scan). */
function rnnLossUnrolled(p: RnnParams, h0: Tensor, xs: Tensor, c: Tensor): Tensor {
  let h = h0;
  let loss: Tensor | undefined;
  for (let t = 0; t < T; t++) {
    const x = lax.reshape(lax.slice(xs, [t, 0], [t + 1, X]), [X]);
    h = cell(p, h, x);
    const term = sumAll(lax.mul(h, lax.reshape(lax.slice(c, [t, 0], [t + 1, H]), [H])));
    loss = loss ? lax.add(loss, term) : term;
  }
  return lax.add(loss as Tensor, sumAll(lax.mul(h, h)));
}

// ---------------------------------------------------------------- scan

describe('scan', () => {
  it('computes a cumulative sum (forward and reverse) matching the closed form', () => {
    scope(() => {
      const xs = tensor([1, 2, 3, 4, 5]);
      const step = (c: Tensor, x: Tensor): [Tensor, Tensor] => {
        const s = lax.add(c, x);
        return [s, s];
      };
      const [total, partial] = scan(step, scalar(0), xs);
      expectClose(total, [15], []);
      expectClose(partial, [1, 3, 6, 10, 15], [5]);
      const [rTotal, rPartial] = scan(step, scalar(0), xs, { reverse: true });
      expectClose(rTotal, [15], []);
      expectClose(rPartial, [15, 14, 12, 9, 5], [5]);
    });
  });

  it('threads pytree carries, promotes a JS-number initial carry and supports xs = null', () => {
    scope(() => {
      const xs = { a: tensor([1, 2, 3]), b: tensor([2, 2, 2]) };
      const [carry, ys] = scan(
        (c: { sum: Tensor; prod: Tensor }, x: { a: Tensor; b: Tensor }) => {
          const next = { sum: lax.add(c.sum, x.a), prod: lax.mul(c.prod, x.b) };
          return [next, [next.sum, x.a]];
        },
        { sum: 0.5, prod: 1.5 } as unknown as { sum: Tensor; prod: Tensor },
        xs,
      );
      expectClose(carry.sum, [6.5], []);
      expect(carry.sum.weakType).toBe(false);
      expectClose(carry.prod, [12], []);
      expectClose((ys as Tensor[])[0] as Tensor, [1.5, 3.5, 6.5], [3]);
      expectClose((ys as Tensor[])[1] as Tensor, [1, 2, 3], [3]);
      const [count] = scan((c: Tensor) => [lax.add(c, scalar(1)), null], scalar(0), null, {
        length: 7,
      });
      expectClose(count, [7], []);
      const [same, empty] = scan((c: Tensor, x: Tensor) => [c, x], scalar(3), tensor([], [0, 2]));
      expectClose(same, [3], []);
      expect([...(empty as Tensor).shape]).toEqual([0, 2]);
    });
  });

  it('runs an RNN recurrence matching a float64 reference', () => {
    scope(() => {
      const [last, hs] = rnnScan(rnnParams(), tensor(H00), tensor(XS0, [T, X]));
      const expected = rnnRef(ref);
      expectClose(hs, expected, [T, H], { rtol: 1e-5, atol: 1e-6 });
      expectClose(last, expected.slice((T - 1) * H), [H], { rtol: 1e-5, atol: 1e-6 });
    });
  });

  it('gives gradients that match finite differences and the unrolled loop', () => {
    scope(() => {
      const h0 = tensor(H00);
      const xs = tensor(XS0, [T, X]);
      const c = tensor(C0, [T, H]);
      const p0 = rnnParams();
      const [loss, g] = valueAndGrad((p: RnnParams, h: Tensor) => rnnLoss(p, h, xs, c), {
        argnums: [0, 1],
      })(p0, h0);
      expectClose(loss as Tensor, [rnnLossRef(ref)], [], { rtol: 1e-5 });
      const [gp, gh] = g as unknown as [RnnParams, Tensor];
      const tol = { rtol: 2e-3, atol: 2e-4 };
      expectClose(gp.w, finiteDiff(rnnLossRef, ref, 'w'), [H, H], tol);
      expectClose(gp.u, finiteDiff(rnnLossRef, ref, 'u'), [H, X], tol);
      expectClose(gp.b, finiteDiff(rnnLossRef, ref, 'b'), [H], tol);
      expectClose(gh, finiteDiff(rnnLossRef, ref, 'h0'), [H], tol);
      const gx = grad((x: Tensor) => rnnLoss(p0, h0, x, c))(xs) as Tensor;
      expectClose(gx, finiteDiff(rnnLossRef, ref, 'xs'), [T, X], tol);
      const [gu] = grad((p: RnnParams, h: Tensor) => rnnLossUnrolled(p, h, xs, c), {
        argnums: [0],
      })(p0, h0) as unknown as [RnnParams];
      expectClose(gp.w, hostData((gu as RnnParams).w), [H, H], { rtol: 1e-4, atol: 1e-6 });
    });
  });

  it('keeps loop-invariant weights out of the stacked residuals', () => {
    scope(() => {
      const xs = tensor(XS0, [T, X]);
      const [p, h0, c] = [rnnParams(), tensor(H00), tensor(C0, [T, H])];
      const jaxpr = makeJaxpr((w: Tensor) =>
        grad((v: Tensor) => rnnLoss({ ...p, w: v }, h0, xs, c))(w),
      )(p.w);
      const scans = jaxpr.jaxpr.eqns.filter((e) => e.primitive === 'scan');
      expect(scans.length).toBeGreaterThanOrEqual(2);
      // No scan output is a stack of T copies of the [H,H] weight matrix.
      for (const e of scans) {
        for (const v of e.outBinders) expect(v.aval.shape.join()).not.toBe([T, H, H].join());
      }
      // A residual computed from weights alone (a broadcast scale) is computed once, not stacked.
      const scale = scalar(0.9);
      const decay = (c0: Tensor) =>
        sumAll(
          scan((cv: Tensor) => [lax.mul(cv, lax.broadcastInDim(scale, [H], [])), null], c0, null, {
            length: T,
          })[0],
        );
      const decayJaxpr = makeJaxpr((c0: Tensor) => grad(decay)(c0))(tensor(H00));
      const stacked = decayJaxpr.jaxpr.eqns
        .filter((e) => e.primitive === 'scan')
        .flatMap((e) => e.outBinders.filter((v) => v.aval.shape[0] === T));
      expect(stacked.length).toBe(0);
      expectClose(grad(decay)(tensor(H00)) as Tensor, [0.9 ** T, 0.9 ** T, 0.9 ** T], [H], {
        rtol: 1e-5,
      });
    });
  });

  it('has a jvp matching finite differences', () => {
    scope(() => {
      const p = rnnParams();
      const dw = [0.3, -0.1, 0.2, 0.5, 0, -0.4, 0.1, 0.2, -0.3];
      const [h0, xs, c] = [tensor(H00), tensor(XS0, [T, X]), tensor(C0, [T, H])];
      const [y, dy] = jvp(
        (w: Tensor) => rnnLoss({ ...p, w }, h0, xs, c),
        [p.w],
        [tensor(dw, [H, H])],
      );
      expectClose(y as Tensor, [rnnLossRef(ref)], [], { rtol: 1e-5 });
      const eps = 1e-5;
      const fd =
        (rnnLossRef({ ...ref, w: W0.map((v, i) => v + eps * (dw[i] as number)) }) -
          rnnLossRef({ ...ref, w: W0.map((v, i) => v - eps * (dw[i] as number)) })) /
        (2 * eps);
      expectClose(dy as Tensor, [fd], [], { rtol: 1e-3, atol: 1e-4 });
    });
  });

  it('vmaps over initial carries and xs (batch on any axis) like a loop over examples', () => {
    scope(() => {
      const p = rnnParams();
      const h0s = [H00, [0, 0.5, -0.5]];
      const xss = [XS0, XS0.map((v) => -0.5 * v)];
      // xs batched on axis 1: [T, B, X]
      const xsT = tensor(
        Array.from({ length: T }, (_, t) =>
          xss.flatMap((xs) => xs.slice(t * X, (t + 1) * X)),
        ).flat(),
        [T, 2, X],
      );
      const [last, hs] = vmap((h: Tensor, x: Tensor) => rnnScan(p, h, x), { inAxes: [0, 1] })(
        tensor(h0s.flat(), [2, H]),
        xsT,
      ) as [Tensor, Tensor];
      const expected = h0s.map((h0, b) => rnnRef({ ...ref, h0, xs: xss[b] as number[] }));
      expectClose(hs, expected.flat(), [2, T, H], { rtol: 1e-5, atol: 1e-6 });
      expectClose(
        last,
        expected.flatMap((e) => e.slice((T - 1) * H)),
        [2, H],
        { rtol: 1e-5, atol: 1e-6 },
      );
      // Only the initial carry batched: the body's carry is found batched, xs stay shared.
      const [, hs2] = vmap((h: Tensor) => rnnScan(p, h, tensor(XS0, [T, X])))(
        tensor(h0s.flat(), [2, H]),
      ) as [Tensor, Tensor];
      expectClose(
        hs2,
        h0s.flatMap((h0) => rnnRef({ ...ref, h0 })),
        [2, T, H],
        { rtol: 1e-5, atol: 1e-6 },
      );
    });
  });

  it('works under jit, and grad of vmap equals the per-example sum', () => {
    scope(() => {
      const [p, h0, xs, c] = [rnnParams(), tensor(H00), tensor(XS0, [T, X]), tensor(C0, [T, H])];
      const f = jit((w: Tensor) => rnnLoss({ ...p, w }, h0, xs, c));
      expectClose(f(p.w) as Tensor, [rnnLossRef(ref)], [], { rtol: 1e-5 });
      const g = jit(grad((w: Tensor) => rnnLoss({ ...p, w }, h0, xs, c)));
      expectClose(g(p.w) as Tensor, finiteDiff(rnnLossRef, ref, 'w'), [H, H], {
        rtol: 2e-3,
        atol: 2e-4,
      });
      f.dispose();
      g.dispose();
      const h0s = tensor([...H00, ...H00], [2, H]);
      const gw = grad((w: Tensor) =>
        sumAll(vmap((h: Tensor) => rnnLoss({ ...p, w }, h, xs, c))(h0s) as Tensor),
      )(p.w) as Tensor;
      expectClose(
        gw,
        finiteDiff(rnnLossRef, ref, 'w').map((v) => 2 * v),
        [H, H],
        { rtol: 2e-3, atol: 2e-4 },
      );
    });
  });

  it('supports second derivatives (grad of grad)', () => {
    scope(() => {
      // f(a) = a^4 via scan: c ← c·a four times; f'' = 12 a^2.
      const f = (a: Tensor) =>
        scan((c: Tensor) => [lax.mul(c, a), null], full(a, 1), null, { length: 4 })[0];
      expectClose(grad(grad(f))(scalar(1.5)) as Tensor, [12 * 1.5 ** 2], [], { rtol: 1e-5 });
    });
  });

  it('vmaps over batched weights (the carry becomes batched by fixpoint)', () => {
    scope(() => {
      const ws = [W0, W0.map((v) => v * 0.5)];
      const [h0, xs, u, b] = [tensor(H00), tensor(XS0, [T, X]), tensor(U0, [H, X]), tensor(B0)];
      const hs = vmap((w: Tensor) => rnnScan({ w, u, b }, h0, xs)[1])(
        tensor(ws.flat(), [2, H, H]),
      ) as Tensor;
      expectClose(
        hs,
        ws.flatMap((w) => rnnRef({ ...ref, w })),
        [2, T, H],
        { rtol: 1e-5, atol: 1e-6 },
      );
    });
  });

  it('differentiates a cond inside a scan', () => {
    scope(() => {
      const xs = tensor([0.5, -1, 2, -0.3]);
      const f = (v: Tensor) =>
        scan(
          (c: Tensor, x: Tensor) => [
            lax.add(
              c,
              cond(
                lax.gt(x, full(x, 0)),
                (a: Tensor) => lax.mul(a, a),
                (a: Tensor) => lax.sin(a),
                x,
              ),
            ),
            null,
          ],
          full(sumAll(v), 0),
          v,
        )[0];
      const g = grad(f)(xs) as Tensor;
      expectClose(
        g,
        [0.5, -1, 2, -0.3].map((x) => (x > 0 ? 2 * x : Math.cos(x))),
        [4],
        { rtol: 1e-5 },
      );
    });
  });

  it('differentiates nested scans and vmaps a gradient through scan', () => {
    scope(() => {
      // Outer loop twice over an inner loop that multiplies by a three times: f(a) = a^6.
      const f = (a: Tensor) =>
        scan(
          (c: Tensor) => [
            scan((d: Tensor) => [lax.mul(d, a), null], c, null, { length: 3 })[0],
            null,
          ],
          full(a, 1),
          null,
          { length: 2 },
        )[0];
      expectClose(f(scalar(1.5)) as Tensor, [1.5 ** 6], [], { rtol: 1e-6 });
      expectClose(grad(f)(scalar(1.5)) as Tensor, [6 * 1.5 ** 5], [], { rtol: 1e-5 });
      expectClose(
        vmap(grad(f))(tensor([1.5, -1, 0.5])) as Tensor,
        [1.5, -1, 0.5].map((a) => 6 * a ** 5),
        [3],
        {
          rtol: 1e-5,
        },
      );
      const [p, xs, c] = [rnnParams(), tensor(XS0, [T, X]), tensor(C0, [T, H])];
      const h0s = [H00, [0, 0.5, -0.5]];
      const gh = vmap(grad((h: Tensor) => rnnLoss(p, h, xs, c)))(
        tensor(h0s.flat(), [2, H]),
      ) as Tensor;
      expectClose(
        gh,
        h0s.flatMap((h0) => finiteDiff(rnnLossRef, { ...ref, h0 }, 'h0')),
        [2, H],
        { rtol: 2e-3, atol: 2e-4 },
      );
    });
  });

  it('reports a carry that changes type, showing both structures', () => {
    scope(() => {
      expect(() =>
        scan(
          (c: Tensor, x: Tensor) => [lax.concatenate([c, x], 0), x],
          tensor([0]),
          tensor([1, 2], [2, 1]),
        ),
      ).toThrow(/init \[?f32\[1\]\]? but the body returned \[?f32\[2\]/);
      expect(() =>
        scan((c: Tensor, x: Tensor) => [c, x], scalar(0), tensor([1, 2, 3]), { length: 2 }),
      ).toThrow(ShapeError);
    });
  });
});

// ---------------------------------------------------------------- cond / switchCase

describe('cond and switchCase', () => {
  const pos = (v: Tensor) => lax.mul(v, full(v, 2));
  const neg = (v: Tensor) => lax.neg(v);

  it('takes the branch the predicate selects', () => {
    scope(() => {
      const x = tensor([1, -3]);
      expectClose(cond(lax.gt(sumAll(x), scalar(0)), pos, neg, x) as Tensor, [-1, 3]);
      expectClose(cond(lax.lt(sumAll(x), scalar(0)), pos, neg, x) as Tensor, [2, -6]);
      expectClose(cond(tensor([2], [], 'int32'), pos, neg, x) as Tensor, [2, -6]);
      const branches = [(v: Tensor) => lax.sin(v), (v: Tensor) => lax.cos(v), neg];
      expectClose(switchCase(tensor([1], [], 'int32'), branches, x) as Tensor, [
        Math.cos(1),
        Math.cos(-3),
      ]);
      expectClose(switchCase(tensor([7], [], 'int32'), branches, x) as Tensor, [-1, 3]);
      expectClose(switchCase(tensor([-2], [], 'int32'), branches, x) as Tensor, [
        Math.sin(1),
        Math.sin(-3),
      ]);
    });
  });

  it('differentiates through the taken branch (grad, jvp, jit)', () => {
    scope(() => {
      const f = (v: Tensor) => {
        const total = sumAll(v);
        return sumAll(
          cond(
            lax.gt(total, full(total, 0)),
            (a: Tensor) => lax.mul(a, a),
            (a: Tensor) => lax.sin(a),
            v,
          ),
        );
      };
      expectClose(grad(f)(tensor([1, 2])) as Tensor, [2, 4]);
      expectClose(grad(f)(tensor([-1, -2])) as Tensor, [Math.cos(-1), Math.cos(-2)], undefined, {
        rtol: 1e-5,
      });
      const [, dy] = jvp(f, [tensor([1, 2])], [tensor([1, 1])]);
      expectClose(dy as Tensor, [6]);
      const jf = jit(grad(f));
      expectClose(jf(tensor([-1, -2])) as Tensor, [Math.cos(-1), Math.cos(-2)], undefined, {
        rtol: 1e-5,
      });
      jf.dispose();
    });
  });

  it('vmaps with a batched predicate by selecting per example', () => {
    scope(() => {
      const xs = tensor([1, 2, -1, -3], [2, 2]);
      const f = (v: Tensor) => {
        const total = sumAll(v);
        return cond(lax.gt(total, full(total, 0)), pos, neg, v);
      };
      expectClose(vmap(f)(xs) as Tensor, [2, 4, 1, 3], [2, 2]);
      // Unbatched predicate, batched operand.
      expectClose(
        vmap((v: Tensor) => cond(tensor([1], [], 'bool'), pos, neg, v))(xs) as Tensor,
        [2, 4, -2, -6],
        [2, 2],
      );
      // grad of the batched cond.
      const g = grad((v: Tensor) => sumAll(vmap(f)(v) as Tensor))(xs) as Tensor;
      expectClose(g, [2, 2, -1, -1], [2, 2]);
    });
  });

  it('runs every branch and selects on backends without synchronous reads', async () => {
    const { readSync: _omitted, ...base } = createCpuBackend({ name: 'cpu-async' });
    if (!listBackends().includes('cpu-async')) {
      registerBackend({ ...base, capabilities: { ...base.capabilities, syncRead: false } });
    }
    const x = fromHost(new Float32Array([1, -3]), [2], 'float32', { backend: 'cpu-async' });
    const [chosen, other] = withBackend('cpu-async', () =>
      scope(() => {
        const total = sumAll(x);
        const positive = lax.gt(total, full(total, 0));
        return [
          cond(positive, pos, neg, x) as Tensor,
          cond(lax.unary('not', positive), pos, neg, x) as Tensor,
        ];
      }),
    );
    expect(Array.from((await chosen.data()) as Float32Array)).toEqual([-1, 3]);
    expect(Array.from((await other.data()) as Float32Array)).toEqual([2, -6]);
    expect(() =>
      withBackend('cpu-async', () =>
        scope(() =>
          whileLoop(
            (c: Tensor) => lax.lt(sumAll(c), full(sumAll(c), 3)),
            (c: Tensor) => lax.add(c, full(c, 1)),
            x,
          ),
        ),
      ),
    ).toThrow(/cannot read the loop condition synchronously/);
    for (const t of [x, chosen, other]) t.dispose();
    expect(memory()['cpu-async']?.tensors).toBe(0);
  });

  it('requires branches with matching outputs', () => {
    scope(() => {
      expect(() =>
        cond(
          tensor([1], [], 'bool'),
          (v: Tensor) => v,
          (v: Tensor) => sumAll(v),
          tensor([1, 2]),
        ),
      ).toThrow('cond: trueFn returns f32[2] but falseFn returns f32[]');
      expect(() =>
        switchCase(
          tensor([1], [], 'int32'),
          [(v: Tensor) => v, (v: Tensor) => [v] as unknown as Tensor],
          tensor([1, 2]),
        ),
      ).toThrow('switchCase: branch 1 returns [f32[2]] but branch 0 returns f32[2]');
      expect(() => cond(tensor([1, 0], [2], 'bool'), neg, neg, tensor([1]))).toThrow(
        /predicate must be a scalar/,
      );
    });
  });
});

// ---------------------------------------------------------------- whileLoop / foriLoop / map

describe('whileLoop, foriLoop and map', () => {
  const newtonSqrt = (a: Tensor) =>
    whileLoop(
      (x: Tensor) => lax.gt(lax.abs(lax.sub(lax.mul(x, x), a)), full(a, 1e-5)),
      (x: Tensor) => lax.mul(full(x, 0.5), lax.add(x, lax.div(a, x))),
      a,
    );

  it('runs Newton iterations and counting loops', () => {
    scope(() => {
      expectClose(newtonSqrt(scalar(2)) as Tensor, [Math.SQRT2], [], { rtol: 1e-6 });
      const [n, total] = whileLoop(
        ([i]: [Tensor, Tensor]) => lax.lt(i, tensor([10], [], 'int32')),
        ([i, s]: [Tensor, Tensor]) => [
          lax.add(i, tensor([1], [], 'int32')),
          lax.add(s, lax.convertElementType(i, 'float32')),
        ],
        [tensor([0], [], 'int32'), 0.5] as unknown as [Tensor, Tensor],
      );
      expectClose(n, [10], []);
      expectClose(total, [45.5], []);
    });
  });

  it('has a jvp (d sqrt(a)/da) and vmaps with per-example trip counts', () => {
    scope(() => {
      const [y, dy] = jvp(newtonSqrt, [scalar(4)], [scalar(1)]);
      expectClose(y as Tensor, [2], [], { rtol: 1e-6 });
      expectClose(dy as Tensor, [0.25], [], { rtol: 1e-4 });
      const roots = vmap(newtonSqrt)(tensor([4, 9, 2])) as Tensor;
      expectClose(roots, [2, 3, Math.SQRT2], [3], { rtol: 1e-6 });
      const counts = vmap((n: Tensor) =>
        whileLoop(
          ([i]: [Tensor, Tensor]) => lax.lt(i, n),
          ([i, s]: [Tensor, Tensor]): [Tensor, Tensor] => [
            lax.add(i, tensor([1], [], 'int32')),
            lax.add(s, scalar(2)),
          ],
          [tensor([0], [], 'int32'), scalar(0)] as [Tensor, Tensor],
        ),
      )(tensor([3, 1, 4], [3], 'int32')) as [Tensor, Tensor];
      expectClose(counts[1], [6, 2, 8], [3]);
    });
  });

  it('vmaps with an unbatched predicate and a batched carry', () => {
    scope(() => {
      const powers = vmap((x: Tensor) =>
        whileLoop(
          ([i]: [Tensor, Tensor]) => lax.lt(i, tensor([3], [], 'int32')),
          ([i, p]: [Tensor, Tensor]): [Tensor, Tensor] => [
            lax.add(i, tensor([1], [], 'int32')),
            lax.mul(p, x),
          ],
          [tensor([0], [], 'int32'), full(x, 1)] as [Tensor, Tensor],
        ),
      )(tensor([2, -1, 0.5])) as [Tensor, Tensor];
      expectClose(powers[1], [8, -1, 0.125], [3]);
      expectClose(powers[0], [3, 3, 3], [3]);
    });
  });

  it('refuses reverse mode through whileLoop with a pointer to scan/foriLoop', () => {
    scope(() => {
      expect(() => grad(newtonSqrt)(scalar(2))).toThrow(/foriLoop with static \(number\) bounds/);
    });
  });

  it('foriLoop with number bounds is reverse-differentiable; tensor bounds run a whileLoop', () => {
    scope(() => {
      const cube = (x: Tensor) =>
        foriLoop(0, 3, (_i: Tensor, c: Tensor) => lax.mul(c, x), full(x, 1));
      expectClose(cube(scalar(2)) as Tensor, [8], []);
      expectClose(grad(cube)(scalar(2)) as Tensor, [12], []);
      expectClose(jvp(cube, [scalar(2)], [scalar(1)])[1] as Tensor, [12], []);
      expectClose(grad(grad(cube))(scalar(2)) as Tensor, [12], []);
      const fact = foriLoop(
        tensor([1], [], 'int32'),
        tensor([6], [], 'int32'),
        (i: Tensor, acc: Tensor) => lax.mul(acc, lax.convertElementType(i, 'float32')),
        scalar(1),
      );
      expectClose(fact as Tensor, [120], []);
    });
  });

  it('map applies f to each slice', () => {
    scope(() => {
      const m = tensor([3, 4, 6, 8], [2, 2]);
      expectClose(
        map((row: Tensor) => lax.sqrt(sumAll(lax.mul(row, row))), m) as Tensor,
        [5, 10],
        [2],
      );
    });
  });
});

// ---------------------------------------------------------------- custom derivatives and checkpoint

describe('customJvp, customVjp and checkpoint', () => {
  const naiveSoftplus = (x: Tensor) => lax.log(lax.add(lax.exp(x), full(x, 1)));
  const softplus = customJvp(naiveSoftplus, ([x], [t]) => [
    naiveSoftplus(x),
    lax.mul(t, lax.logistic(x)),
  ]);
  const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

  it('customJvp replaces a derivative that overflows to NaN', () => {
    scope(() => {
      const x = tensor([100, 0, -5]);
      const naive = grad((v: Tensor) => sumAll(naiveSoftplus(v)))(x) as Tensor;
      expect(Number.isNaN(hostData(naive)[0])).toBe(true);
      expectClose(
        grad((v: Tensor) => sumAll(softplus(v)))(x) as Tensor,
        [1, 0.5, sigmoid(-5)],
        [3],
        { rtol: 1e-6 },
      );
      const [, dy] = jvp(softplus, [x], [tensor([2, 2, 2])]);
      expectClose(dy as Tensor, [2, 1, 2 * sigmoid(-5)], [3], { rtol: 1e-6 });
    });
  });

  it('customJvp works under vmap and vmap of grad', () => {
    scope(() => {
      const x = tensor([100, 0, -5, 1], [2, 2]);
      expectClose(vmap(softplus)(x) as Tensor, hostData(naiveSoftplus(x)), [2, 2], { rtol: 1e-6 });
      const g = vmap(grad((v: Tensor) => sumAll(softplus(v))))(x) as Tensor;
      expectClose(g, [1, 0.5, sigmoid(-5), sigmoid(1)], [2, 2], { rtol: 1e-6 });
      const g2 = grad((v: Tensor) => sumAll(vmap(softplus)(v) as Tensor))(x) as Tensor;
      expectClose(g2, [1, 0.5, sigmoid(-5), sigmoid(1)], [2, 2], { rtol: 1e-6 });
    });
  });

  const clipGradient = customVjp((x: Tensor) => x, {
    fwd: (x: Tensor) => [x, null],
    bwd: (_res: null, g: Tensor) => [lax.min(lax.max(g, full(g, -1)), full(g, 1))],
  });

  it('customVjp changes the gradient (clipping) and keeps the value', () => {
    scope(() => {
      const x = tensor([0.5, -2, 3]);
      const f = (v: Tensor) => sumAll(lax.mul(clipGradient(v), tensor([3, 0.5, -4])));
      expectClose(clipGradient(x) as Tensor, [0.5, -2, 3]);
      expectClose(grad(f)(x) as Tensor, [1, 0.5, -1]);
      expectClose(
        vmap(grad(f))(tensor([1, 2, 3, 4, 5, 6], [2, 3])) as Tensor,
        [1, 0.5, -1, 1, 0.5, -1],
        [2, 3],
      );
      const g = grad((v: Tensor) =>
        sumAll(lax.mul(vmap(clipGradient)(v) as Tensor, tensor([3, 0.5, -4, 0.1, -9, 1], [2, 3]))),
      )(tensor([1, 2, 3, 4, 5, 6], [2, 3])) as Tensor;
      expectClose(g, [1, 0.5, -1, 0.1, -1, 1], [2, 3]);
      expect(() => jvp(clipGradient, [x], [x])).toThrow(/forward-mode differentiation/);
    });
  });

  it('customVjp under vmap sums the cotangent of an unbatched argument over the batch', () => {
    scope(() => {
      const product = customVjp((x: Tensor, y: Tensor) => lax.mul(x, y), {
        fwd: (x: Tensor, y: Tensor) => [lax.mul(x, y), [x, y]],
        bwd: ([x, y]: Tensor[], g: Tensor) => [lax.mul(g, y as Tensor), lax.mul(g, x as Tensor)],
      });
      const xs = tensor([1, 2, 3, 4, 5, 6], [3, 2]);
      const gy = grad((y: Tensor) => sumAll(vmap((x: Tensor) => product(x, y))(xs) as Tensor))(
        tensor([0.5, -1]),
      ) as Tensor;
      expectClose(gy, [9, 12], [2]);
      const y = tensor([0.5, -1]);
      const gx = grad((x: Tensor) => sumAll(vmap((xi: Tensor) => product(xi, y))(x) as Tensor))(
        xs,
      ) as Tensor;
      expectClose(gx, [0.5, -1, 0.5, -1, 0.5, -1], [3, 2]);
    });
  });

  it('customVjp residuals reach bwd, also inside scan', () => {
    scope(() => {
      // f(x) = x^2 with bwd 2·x·g using the saved x.
      const square = customVjp((x: Tensor) => lax.mul(x, x), {
        fwd: (x: Tensor) => [lax.mul(x, x), { saved: x }],
        bwd: (res: { saved: Tensor }, g: Tensor) => [lax.mul(lax.mul(res.saved, full(g, 2)), g)],
      });
      expectClose(grad((v: Tensor) => sumAll(square(v)))(tensor([1, -3])) as Tensor, [2, -6]);
      const viaScan = (v: Tensor) =>
        sumAll(scan((c: Tensor, x: Tensor) => [lax.add(c, square(x)), null], scalar(0), v)[0]);
      expectClose(grad(viaScan)(tensor([1, -3, 0.5])) as Tensor, [2, -6, 1]);
    });
  });

  it('checkpoint gives the same values and gradients, recomputing in the backward pass', () => {
    scope(() => {
      const [p, h0, xs, c] = [rnnParams(), tensor(H00), tensor(XS0, [T, X]), tensor(C0, [T, H])];
      const blockLoss = (w: Tensor) => rnnLoss({ ...p, w }, h0, xs, c);
      const remat = checkpoint(blockLoss);
      const w = tensor(W0, [H, H]);
      expectClose(remat(w) as Tensor, [rnnLossRef(ref)], [], { rtol: 1e-5 });
      const plain = grad(blockLoss)(w) as Tensor;
      expectClose(grad(remat)(w) as Tensor, hostData(plain), [H, H], { rtol: 1e-5, atol: 1e-7 });
      const cellLoss = (v: Tensor) => sumAll(checkpoint((a: Tensor) => lax.sin(lax.mul(a, a)))(v));
      const x = tensor([0.3, 1.2]);
      expectClose(
        grad(cellLoss)(x) as Tensor,
        [0.3, 1.2].map((a) => 2 * a * Math.cos(a * a)),
        [2],
        { rtol: 1e-5 },
      );
      expectClose(
        vmap(grad(cellLoss))(tensor([0.3, 1.2], [2, 1])) as Tensor,
        [0.3, 1.2].map((a) => 2 * a * Math.cos(a * a)),
        [2, 1],
        {
          rtol: 1e-5,
        },
      );
      // The only residual kept for the backward pass is the input itself (cos(x²) is recomputed).
      const lin = linearizeFlat((v) => [cellLoss(v)], [x]);
      expect(lin.residuals.length).toBe(1);
      expect(lin.residuals[0] === x).toBe(true);
      lin.dispose();
      const plainLin = linearizeFlat((v) => [sumAll(lax.sin(lax.mul(v, v)))], [x]);
      expect(plainLin.residuals.length).toBe(2);
      plainLin.dispose();
    });
  });

  it('custom derivatives and checkpoint work under jit', () => {
    scope(() => {
      const x = tensor([100, 0, -5]);
      const f = jit(grad((v: Tensor) => sumAll(softplus(v))));
      expectClose(f(x) as Tensor, [1, 0.5, sigmoid(-5)], [3], { rtol: 1e-6 });
      const g = jit(grad((v: Tensor) => sumAll(lax.mul(clipGradient(v), full(v, 3)))));
      expectClose(g(x) as Tensor, [1, 1, 1], [3]);
      const h = jit(
        grad((v: Tensor) => sumAll(checkpoint((a: Tensor) => lax.sin(lax.mul(a, a)))(v))),
      );
      expectClose(
        h(tensor([0.3, 1.2])) as Tensor,
        [0.3, 1.2].map((a) => 2 * a * Math.cos(a * a)),
        [2],
        { rtol: 1e-5 },
      );
      for (const fn of [f, g, h]) fn.dispose();
    });
  });

  it('rejects differentiating with respect to a value the custom function closes over', () => {
    scope(() => {
      const g = (w: Tensor) =>
        sumAll(
          customJvp(
            (x: Tensor) => lax.mul(x, w),
            ([x], [t]) => [lax.mul(x, w), lax.mul(t, w)],
          )(tensor([1, 2])),
        );
      expect(() => grad(g)(tensor([3, 4]))).toThrow(TensileError);
      expect(() => grad(g)(tensor([3, 4]))).toThrow(/closes over a value being differentiated/);
    });
  });
});
