/**
 * The public transforms (`grad`, `valueAndGrad`, `vjp`, `jvp`, `linearize`, `vmap`, `jit`,
 * `jacfwd`, `jacrev`, `hessian`, `makeJaxpr`) checked against oracles that do not trust them:
 * loops over examples, eager evaluation, the adjoint identity between forward and reverse mode,
 * closed-form derivatives computed on the host — plus their options over pytrees and the errors
 * they raise.
 */
import { describe, expect, it } from 'vitest';
import {
  DTypeError,
  grad,
  hessian,
  jacfwd,
  jacrev,
  jit,
  jvp,
  lax,
  linearize,
  makeJaxpr,
  nn,
  np,
  ShapeError,
  scope,
  TensileError,
  type Tensor,
  tree,
  valueAndGrad,
  vjp,
  vmap,
} from '../src/index.js';
import { expectClose, expectTensorClose, expectTreeClose } from './support/assertions.js';
import { expectAdjoint, expectVmapMatchesLoop } from './support/identities.js';
import { hostData, randomTensor, sliceHost, tensor } from './support/tensors.js';

const ints = (data: readonly number[], shape: readonly number[] = [data.length]) =>
  tensor(data, shape, 'int32');

/** A few functions of one float argument of shape [3, 4], each with a different primitive mix. */
const unaryFns: Record<string, (x: Tensor) => Tensor> = {
  'tanh of a matmul': (x) => np.tanh(np.matmul(x, np.transpose(x))),
  'softmax cross rows': (x) => nn.softmax(x.mul(2), { axis: 0 }),
  'reductions and broadcasting': (x) => x.sub(np.mean(x, { axis: 1, keepdims: true })).square(),
  'indexing and slicing': (x) =>
    np.take(x, ints([2, 0, 2]), { axis: 1 }).mul(x.slice(null, [1, 4])),
};

describe('vmap equals a loop over examples', () => {
  it('for matmul, reductions, indexing and conv (batch on any axis, unbatched operands)', () => {
    scope(() => {
      expectVmapMatchesLoop(
        (a, b) => np.matmul(a, b),
        [randomTensor([4, 2, 3], 1), randomTensor([3, 5], 2)],
        [0, null],
      );
      expectVmapMatchesLoop(
        (a, b) => np.matmul(a, b),
        [randomTensor([2, 4, 3], 3), randomTensor([3, 5, 4], 4)],
        [1, 2],
      );
      expectVmapMatchesLoop((a) => np.sum(a, { axis: 0 }), [randomTensor([3, 4, 5], 5)], [2]);
      expectVmapMatchesLoop(
        (a) => [np.max(a), np.argmax(a, { axis: 1 })],
        [randomTensor([4, 3, 5], 6)],
        [1],
      );
      expectVmapMatchesLoop(
        (a, i) => np.take(a, i, { axis: 0 }),
        [randomTensor([4, 5, 3], 7), ints([0, 4, 1, 1, 3, 2, 2, 0], [4, 2])],
        [0, 0],
      );
      expectVmapMatchesLoop(
        (a, i) => np.takeAlongAxis(a, i, 0),
        [randomTensor([5, 3], 8), ints([1, 4])],
        [1, null],
      );
      expectVmapMatchesLoop(
        (x, w) => lax.conv(x, w, [1, 1], 'SAME'),
        [randomTensor([3, 1, 2, 5, 5], 9), randomTensor([4, 2, 3, 3], 10)],
        [0, null],
      );
      expectVmapMatchesLoop(
        (x, w) => lax.conv(x, w, [2, 1], 'VALID'),
        [randomTensor([1, 2, 6, 5], 11), randomTensor([4, 2, 2, 3, 3], 12)],
        [null, 1],
      );
    });
  });

  it('nests: vmap(vmap(f)) equals a double loop', () => {
    scope(() => {
      const x = randomTensor([2, 3, 4], 13);
      const y = randomTensor([4, 3], 14);
      const f = (a: Tensor, b: Tensor) => np.dot(a, b);
      const inner = vmap(f, { inAxes: [0, 1] }); // over the 3 rows of a [3,4] and columns of b
      const outer = vmap(inner, { inAxes: [0, null] }); // over the 2 leading slices of x
      const out = outer(x, y) as Tensor;
      expect(out.shape).toEqual([2, 3]);
      const want: number[] = [];
      for (let i = 0; i < 2; i++) {
        for (let j = 0; j < 3; j++)
          want.push(...hostData(f(sliceHost(sliceHost(x, 0, i), 0, j), sliceHost(y, 1, j))));
      }
      expectClose(out, want, [2, 3]);
    });
  });
});

describe('vmap options', () => {
  it('inAxes: null broadcasts an argument, negative axes count from the end', () => {
    scope(() => {
      const rows = randomTensor([3, 4], 1);
      const v = randomTensor([4], 2);
      const added = vmap((r: Tensor, b: Tensor) => r.add(b), { inAxes: [0, null] })(rows, v);
      expectTensorClose(added, np.add(rows, v));
      const colSums = vmap((c: Tensor) => np.sum(c), { inAxes: -1 })(rows);
      expectTensorClose(colSums, np.sum(rows, { axis: 0 }));
    });
  });

  it('inAxes as a nested pytree prefix of the arguments', () => {
    scope(() => {
      const a = randomTensor([2, 3], 3);
      const b0 = randomTensor([3, 2], 4);
      const b1 = randomTensor([3], 5);
      const f = (p: { a: Tensor; b: Tensor[] }) => p.a.mul(p.b[0] as Tensor).add(p.b[1] as Tensor);
      const out = vmap(f, { inAxes: [{ a: 0, b: [1, null] }] })({ a, b: [b0, b1] }) as Tensor;
      const want = np.add(np.multiply(a, np.transpose(b0)), b1);
      expectTensorClose(out, want);
      // An object prefix with an explicit null leaves that whole subtree unmapped.
      const g = (p: { x: Tensor; s: { k: Tensor } }) => p.x.mul(p.s.k);
      const k = randomTensor([3], 6);
      const scaled = vmap(g, { inAxes: [{ x: 0, s: null }] })({ x: a, s: { k } });
      expectTensorClose(scaled, np.multiply(a, k));
    });
  });

  it('outAxes: a number, a negative axis, null for an unbatched output, and a pytree prefix', () => {
    scope(() => {
      const x = randomTensor([2, 3, 4], 7);
      const double = (v: Tensor) => v.mul(2);
      expectTensorClose(vmap(double, { outAxes: 1 })(x), np.moveaxis(x.mul(2), 0, 1));
      expectTensorClose(vmap(double, { outAxes: -1 })(x), np.moveaxis(x.mul(2), 0, -1));
      const w = randomTensor([5], 8);
      const [batched, shared] = vmap((v: Tensor, u: Tensor) => [v.mul(2), u.exp()], {
        inAxes: [0, null],
        outAxes: [2, null],
      })(x, w) as Tensor[];
      expectTensorClose(batched as Tensor, np.moveaxis(x.mul(2), 0, 2));
      expectTensorClose(shared as Tensor, np.exp(w));
      const out = vmap((v: Tensor) => ({ big: v.mul(2), sum: np.sum(v) }), {
        outAxes: { big: -1, sum: 0 },
      })(x) as { big: Tensor; sum: Tensor };
      expectTensorClose(out.big, np.moveaxis(x.mul(2), 0, -1));
      expectTensorClose(out.sum, np.sum(x, { axis: [1, 2] }));
    });
  });

  it('axisSize maps a function whose arguments are all unmapped', () => {
    scope(() => {
      const x = randomTensor([3], 9);
      const out = vmap((v: Tensor) => v.sin(), { inAxes: [null], axisSize: 4 })(x) as Tensor;
      expect(out.shape).toEqual([4, 3]);
      const row = hostData(np.sin(x));
      expectClose(out, [...row, ...row, ...row, ...row], [4, 3]);
    });
  });
});

describe('jit composes with the other transforms', () => {
  for (const [name, f] of Object.entries(unaryFns)) {
    it(`${name}: jit(f) = f, vmap(jit(f)) = vmap(f), grad(jit(f)) = jit(grad(f)) = grad(f)`, () => {
      scope(() => {
        const x = randomTensor([3, 4], 21);
        const jf = jit(f);
        expectTensorClose(jf(x), f(x));
        const xs = randomTensor([2, 3, 4], 22);
        expectTensorClose(vmap(jf)(xs), vmap(f)(xs));
        const loss = (v: Tensor) => np.sum(f(v).mul(v.slice(null, [0, 1]).cos()));
        const eager = grad(loss)(x);
        const jitted = jit(loss);
        const jitOfGrad = jit(grad(loss));
        expectTensorClose(grad(jitted)(x), eager);
        expectTensorClose(jitOfGrad(x), eager);
        for (const j of [jf, jitted, jitOfGrad]) j.dispose();
      });
    });
  }

  it('grad(jit(f)) matches the closed form of d/dx sum(sin(x)·x)', () => {
    scope(() => {
      const data = [0.1, -0.5, 2];
      const df = jit(grad((v: Tensor) => np.sum(np.sin(v).mul(v))));
      expectClose(
        df(tensor(data)),
        data.map((v) => Math.cos(v) * v + Math.sin(v)),
      );
      df.dispose();
    });
  });
});

describe('grad of vmap', () => {
  it('sums per-example gradients for an unbatched weight, keeps them apart for batched inputs', () => {
    scope(() => {
      const w = randomTensor([3, 2], 31);
      const xs = randomTensor([4, 2], 32);
      const perExample = (wt: Tensor, x: Tensor) => np.sum(np.tanh(np.matmul(wt, x)));
      const total = (wt: Tensor, x: Tensor) =>
        np.sum(vmap(perExample, { inAxes: [null, 0] })(wt, x));
      const [gw, gx] = grad(total, { argnums: [0, 1] })(w, xs) as unknown as Tensor[];
      const wantW = new Array<number>(6).fill(0);
      const wantX: number[] = [];
      for (let b = 0; b < 4; b++) {
        const [dw, dx] = grad(perExample, { argnums: [0, 1] })(
          w,
          sliceHost(xs, 0, b),
        ) as unknown as Tensor[];
        hostData(dw as Tensor).forEach((v, i) => {
          wantW[i] = (wantW[i] as number) + v;
        });
        wantX.push(...hostData(dx as Tensor));
      }
      expectClose(gw as Tensor, wantW, [3, 2]);
      expectClose(gx as Tensor, wantX, [4, 2]);
    });
  });
});

describe('forward and reverse mode are adjoint: ⟨u, J·v⟩ = ⟨Jᵀ·u, v⟩', () => {
  for (const [name, f] of Object.entries(unaryFns)) {
    it(name, () => {
      scope(() => {
        const x = randomTensor([3, 4], 41);
        const v = randomTensor([3, 4], 42);
        const [y, jv] = jvp(f, [x], [v]);
        const u = randomTensor(y.shape, 43);
        const [, pullback] = vjp(f, x);
        const [ju] = pullback(u);
        pullback.dispose();
        expectAdjoint([u], [jv], [ju], [v]);
      });
    });
  }

  it('for a function of a pytree with two outputs', () => {
    scope(() => {
      const f = (p: { w: Tensor; b: Tensor }, x: Tensor) => {
        const h = np.tanh(np.matmul(p.w, x).add(p.b));
        return [h, np.sum(h.square())];
      };
      const params = { w: randomTensor([3, 2], 44), b: randomTensor([3], 45) };
      const x = randomTensor([2], 46);
      const tangents = { w: randomTensor([3, 2], 47), b: randomTensor([3], 48) };
      const dx = randomTensor([2], 49);
      const [, [jh, js]] = jvp(f, [params, x], [tangents, dx]);
      const u = [randomTensor([3], 50), randomTensor([], 51)];
      const [, pullback] = vjp(f, params, x);
      const [gp, gx] = pullback(u);
      pullback.dispose();
      expectAdjoint(
        u,
        [jh as Tensor, js as Tensor],
        [gp.b, gp.w, gx],
        [tangents.b, tangents.w, dx],
      );
    });
  });
});

describe('linearize', () => {
  it('evaluates once and applies the same linear map to several tangents', () => {
    scope(() => {
      const data = [0.3, -1.2, 0.7];
      const x = tensor(data);
      const [y, fJvp] = linearize((v: Tensor) => np.exp(np.sin(v)), x);
      expectClose(
        y,
        data.map((v) => Math.exp(Math.sin(v))),
      );
      const deriv = data.map((v) => Math.exp(Math.sin(v)) * Math.cos(v));
      const tangents = [
        [1, 0, 0],
        [0, 2, -1],
        [0.5, 0.5, 0.5],
      ];
      for (const t of tangents) {
        expectClose(
          fJvp(tensor(t)),
          deriv.map((d, i) => d * (t[i] as number)),
        );
      }
      fJvp.dispose();
    });
  });
});

describe('Jacobians and Hessians', () => {
  it('jacfwd equals jacrev, and both equal the closed form of tanh(W·x)', () => {
    scope(() => {
      const w = randomTensor([3, 2], 61);
      const x = randomTensor([2], 62);
      const f = (xv: Tensor, wv: Tensor) => np.tanh(np.matmul(wv, xv));
      const fwd = jacfwd(f, { argnums: [0, 1] })(x, w) as Tensor[];
      const rev = jacrev(f, { argnums: [0, 1] })(x, w) as Tensor[];
      expect(fwd.map((j) => j.shape)).toEqual([
        [3, 2],
        [3, 3, 2],
      ]);
      expectTreeClose(fwd, rev);
      const wd = hostData(w);
      const xd = hostData(x);
      const y = [0, 1, 2].map((i) =>
        Math.tanh(
          (wd[2 * i] as number) * (xd[0] as number) + (wd[2 * i + 1] as number) * (xd[1] as number),
        ),
      );
      const dx = [0, 1, 2].flatMap((i) =>
        [0, 1].map((j) => (1 - (y[i] as number) ** 2) * (wd[2 * i + j] as number)),
      );
      expectClose(fwd[0] as Tensor, dx, [3, 2]);
    });
  });

  it('hessian of xᵀAx is A + Aᵀ', () => {
    scope(() => {
      const a = randomTensor([3, 3], 63);
      const h = hessian((x: Tensor) => np.dot(x, np.matmul(a, x)))(randomTensor([3], 64)) as Tensor;
      const ad = hostData(a);
      const want = ad.map((v, k) => v + (ad[(k % 3) * 3 + Math.floor(k / 3)] as number));
      expectClose(h, want, [3, 3], { atol: 1e-5 });
    });
  });

  it('hessian of sum(sin x) is diag(−sin x)', () => {
    scope(() => {
      const data = [0.5, -1, 2, 3];
      const h = hessian((x: Tensor) => np.sum(np.sin(x)))(tensor(data)) as Tensor;
      const want = data.flatMap((v, i) => data.map((_, j) => (i === j ? -Math.sin(v) : 0)));
      expectClose(h, want, [4, 4], { atol: 1e-6 });
    });
  });

  it('hessian of logsumexp is diag(p) − ppᵀ with p = softmax(x)', () => {
    scope(() => {
      const data = [0.2, -1.3, 2.1, 0.7];
      const h = hessian((x: Tensor) => nn.logsumexp(x))(tensor(data)) as Tensor;
      const total = data.reduce((s, v) => s + Math.exp(v), 0);
      const p = data.map((v) => Math.exp(v) / total);
      const want = p.flatMap((pi, i) => p.map((pj, j) => (i === j ? pi : 0) - pi * pj));
      expectClose(h, want, [4, 4], { atol: 1e-6 });
    });
  });
});

class Linear {
  constructor(
    readonly w: Tensor,
    readonly b: Tensor,
    readonly label: string,
  ) {}
}
tree.register(Linear, {
  flatten: (m) => [[m.w, m.b], m.label],
  unflatten: (label, [w, b]) => new Linear(w as Tensor, b as Tensor, label as string),
});

describe('grad options and pytree arguments', () => {
  it('argnums as a number or a list', () => {
    scope(() => {
      const xd = [0.5, -2];
      const yd = [1.5, 3];
      // f = Σ x·y² → ∂x = y², ∂y = 2xy
      const f = (x: Tensor, y: Tensor) => np.sum(x.mul(y.square()));
      const dy = grad(f, { argnums: 1 })(tensor(xd), tensor(yd));
      expectClose(
        dy,
        xd.map((x, i) => 2 * x * (yd[i] as number)),
      );
      const [gx, gy] = grad(f, { argnums: [0, 1] })(tensor(xd), tensor(yd)) as unknown as Tensor[];
      expectClose(
        gx as Tensor,
        yd.map((y) => y * y),
      );
      expectTensorClose(gy as Tensor, dy);
      const [only] = grad(f, { argnums: [1] })(tensor(xd), tensor(yd)) as unknown as Tensor[];
      expectTensorClose(only as Tensor, dy);
    });
  });

  it('hasAux passes an auxiliary pytree through undifferentiated', () => {
    scope(() => {
      const data = [1.5, -2];
      const f = (x: Tensor) => [np.sum(x.square()), { doubled: x.mul(2), n: 3 }] as const;
      const [g, aux] = grad(f, { hasAux: true })(tensor(data)) as unknown as [
        Tensor,
        { doubled: Tensor; n: Tensor },
      ];
      expectClose(
        g,
        data.map((v) => 2 * v),
      );
      expectClose(
        aux.doubled,
        data.map((v) => 2 * v),
      );
      expectClose(aux.n, [3], []);
      const [[value, aux2], g2] = valueAndGrad(f, { hasAux: true })(tensor(data)) as unknown as [
        [Tensor, { doubled: Tensor }],
        Tensor,
      ];
      expectClose(value, [1.5 ** 2 + 4], []);
      expectTensorClose(aux2.doubled, aux.doubled);
      expectTensorClose(g2, g);
    });
  });

  it('objects, arrays and nested pytrees get gradients of the same structure', () => {
    scope(() => {
      const wd = [0.5, -1, 2];
      const obj = grad((p: { w: Tensor; b: Tensor }) =>
        np.sum(p.w.square()).add(np.sum(p.b).mul(3)),
      )({
        w: tensor(wd),
        b: tensor([1, 2], [2]),
      });
      expect(Object.keys(obj).sort()).toEqual(['b', 'w']);
      expectClose(
        obj.w,
        wd.map((v) => 2 * v),
      );
      expectClose(obj.b, [3, 3]);

      const arr = grad((p: Tensor[]) => np.sum((p[0] as Tensor).mul(p[1] as Tensor)))([
        tensor([1, 2]),
        tensor([3, 4]),
      ]);
      expect(arr).toHaveLength(2);
      expectClose(arr[0] as Tensor, [3, 4]);
      expectClose(arr[1] as Tensor, [1, 2]);

      // f = s · Σ W1·W2 → ∂W1 = s·W2, ∂W2 = s·W1, ∂s = Σ W1·W2
      type Nested = { layers: { w: Tensor }[]; scale: Tensor };
      const w1 = [0.5, 1.5, -1];
      const w2 = [2, -0.5, 0.25];
      const s = 1.5;
      const nested = grad((p: Nested) =>
        np.sum((p.layers[0] as { w: Tensor }).w.mul((p.layers[1] as { w: Tensor }).w)).mul(p.scale),
      )({ layers: [{ w: tensor(w1) }, { w: tensor(w2) }], scale: tensor([s], []) });
      expectClose(
        (nested.layers[0] as { w: Tensor }).w,
        w2.map((v) => s * v),
      );
      expectClose(
        (nested.layers[1] as { w: Tensor }).w,
        w1.map((v) => s * v),
      );
      expectClose(nested.scale, [w1.reduce((acc, v, i) => acc + v * (w2[i] as number), 0)], []);
    });
  });

  it('registered classes are pytrees: the gradient is an instance with the same static data', () => {
    scope(() => {
      const x = tensor([1, -2]);
      const model = new Linear(tensor([0.5, 1.5]), tensor([0.25], []), 'dense');
      // f = Σ (w·x + b)² → ∂w = 2(w·x + b)·x, ∂b = 2 Σ (w·x + b)
      const f = (m: Linear) => np.sum(m.w.mul(x).add(m.b).square());
      const [value, g] = valueAndGrad(f)(model);
      const r = [0.5 * 1 + 0.25, 1.5 * -2 + 0.25];
      expectClose(value, [r[0] ** 2 + (r[1] as number) ** 2], []);
      expect(g).toBeInstanceOf(Linear);
      expect(g.label).toBe('dense');
      expectClose(g.w, [2 * r[0] * 1, 2 * (r[1] as number) * -2]);
      expectClose(g.b, [2 * (r[0] + (r[1] as number))], []);
    });
  });
});

describe('makeJaxpr', () => {
  it('prints the staged program of a tiny function', () => {
    scope(() => {
      const jaxpr = makeJaxpr((x: Tensor, y: Tensor) => np.sum(np.sin(x.mul(y))))(
        randomTensor([2], 1),
        randomTensor([2], 2),
      );
      expect(jaxpr.jaxpr.eqns.map((e) => e.primitive)).toEqual(['mul', 'sin', 'reduce']);
      expect(String(jaxpr)).toBe(
        [
          '{ lambda a:f32[2] b:f32[2] . let',
          '    c:f32[2] = mul a b',
          '    d:f32[2] = sin c',
          '    e:f32[] = reduce[op="sum" axes=[0]] d',
          '  in ( e ) }',
        ].join('\n'),
      );
    });
  });
});

describe('nested transforms', () => {
  it('jit(grad), grad(grad) and grad(vmap(grad)) with constants created inside', () => {
    scope(() => {
      const jg = jit(grad((x: Tensor) => np.sum(x.mul(tensor([1, 2])))));
      expectClose(jg(tensor([3.5, 4])), [1, 2]);
      jg.dispose();
      // d²/dv² Σ c·v² = 2 Σ c for a scalar v broadcast against c = [1.5, 2]
      const h = grad(grad((v: Tensor) => np.sum(v.mul(v).mul(tensor([1.5, 2])))))(
        tensor([2.5], []),
      );
      expectClose(h, [7], []);
      // f(v) = Σ sin(c·v) → ∂f/∂v = c·cos(c·v); Σ over the batch, then ∂/∂v = −c²·sin(c·v)
      const c = [1, 2];
      const f = (v: Tensor) => np.sum(np.sin(v.mul(tensor(c))));
      const data = [0.1, 0.2, 0.3, 0.4];
      const k = grad((v: Tensor) => np.sum(vmap(grad(f))(v)))(tensor(data, [2, 2]));
      expectClose(
        k,
        data.map((v, i) => {
          const ci = c[i % 2] as number;
          return -ci * ci * Math.sin(ci * v);
        }),
        [2, 2],
      );
    });
  });
});

describe('errors', () => {
  it('grad of a non-scalar output is a ShapeError naming grad and the shape', () => {
    scope(() => {
      const f = grad((x: Tensor) => x.mul(2));
      expect(() => f(randomTensor([3], 1))).toThrow(ShapeError);
      expect(() => f(randomTensor([3], 1))).toThrow('grad: f must return a scalar, got f32[3]');
    });
  });

  it('grad with respect to an integer input is a DTypeError', () => {
    scope(() => {
      const f = grad((x: Tensor) => np.sum(x.astype('float32')));
      expect(() => f(ints([1, 2]))).toThrow(DTypeError);
      expect(() => f(ints([1, 2]))).toThrow(/grad: .*argument 0 has int32/);
    });
  });

  it('vmap with mapped axes of different sizes names both sizes', () => {
    scope(() => {
      const f = vmap((a: Tensor, b: Tensor) => a.add(b));
      expect(() => f(randomTensor([2, 3], 1), randomTensor([3, 3], 2))).toThrow(ShapeError);
      expect(() => f(randomTensor([2, 3], 1), randomTensor([3, 3], 2))).toThrow(
        'vmap: mapped axes have different sizes (2 and 3)',
      );
    });
  });

  it('a tracer stored outside jit or grad fails clearly when used later', () => {
    scope(() => {
      let leaked: Tensor | undefined;
      const f = jit((x: Tensor) => {
        leaked = x.mul(2);
        return x.add(1);
      });
      f(randomTensor([2], 1));
      f.dispose();
      expect(() => (leaked as Tensor).add(1)).toThrow(TensileError);
      expect(() => np.exp(leaked as Tensor)).toThrow(/escaped the transformation/);
      grad((x: Tensor) => {
        leaked = x.mul(2);
        return np.sum(x);
      })(randomTensor([2], 2));
      expect(() => (leaked as Tensor).mul(3)).toThrow(/a tracer \(f32\[2\]\) escaped/);
    });
  });
});
