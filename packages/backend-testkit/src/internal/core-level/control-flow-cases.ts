/**
 * Core-level cases of the higher-order primitives — `jit`, `scan`, `cond`, `whileLoop`,
 * `customJvp`/`customVjp` (`customJvpCall`, `customVjpCall`, `customLin`) and `checkpoint` —
 * reached through the public API. Their bodies are small numeric programs whose results a
 * plain JS loop reproduces; gradients run through each construct (forward mode only for
 * `whileLoop`, reverse only for `customVjp`, as in JAX).
 */
import { checkpoint, customJvp, customVjp, jit, lax, type Tensor } from '@tensile/core';
import { type HostTensor, hostTensor } from '../host-data.js';
import { sampleTensor } from '../sample.js';
import type { PrimitiveEntry } from './cases.js';

type ControlFlowName =
  | 'jit'
  | 'scan'
  | 'cond'
  | 'whileLoop'
  | 'customJvpCall'
  | 'customVjpCall'
  | 'customLin'
  | 'checkpoint';

const f32 = (shape: readonly number[], seed: number) =>
  sampleTensor('float32', shape, seed, { low: -1, high: 1 });
const filled = (shape: readonly number[], value: number) =>
  hostTensor('float32', shape, new Array(shape.reduce((n, d) => n * d, 1)).fill(value));

/** `sin(a) + a·b`, the body staged by the jit cases. */
const jitBody = (a: Tensor, b: Tensor): Tensor[] => [lax.add(lax.sin(a), lax.mul(a, b))];

/** Run `jitBody` compiled, releasing the compilation cache afterwards. */
function jitted(a: Tensor, b: Tensor): Tensor[] {
  const compiled = jit(jitBody);
  try {
    return compiled(a, b);
  } finally {
    compiled.dispose();
  }
}

/** The scan body: `c ↦ c·half + x`, emitting `sin(c)`. */
function scanWith(half: Tensor, reverse: boolean) {
  return (init: Tensor, xs: Tensor): Tensor[] => {
    const [carry, ys] = lax.scan(
      (c: Tensor, x: Tensor) => [lax.add(lax.mul(c, half), x), lax.sin(c)],
      init,
      xs,
      {
        reverse,
      },
    );
    return [carry, ys];
  };
}

/** JS reference of `scanWith`: final carry and stacked outputs. */
function scanReference(
  init: HostTensor,
  xs: HostTensor,
  reverse: boolean,
): { carry: number[]; ys: number[] } {
  const width = init.values.length;
  const steps = xs.shape[0] as number;
  let carry = init.values.slice();
  const ys = new Array<number>(steps * width);
  for (let k = 0; k < steps; k++) {
    const t = reverse ? steps - 1 - k : k;
    carry.forEach((c, j) => {
      ys[t * width + j] = Math.sin(c);
    });
    carry = carry.map((c, j) => c * 0.5 + (xs.values[t * width + j] as number));
  }
  return { carry, ys };
}

/** Five iterations of `x ↦ sin(x) + x·k` through `lax.whileLoop` with an int32 counter. */
function whileWith(k: Tensor, one: Tensor, five: Tensor) {
  return (x0: Tensor, zero: Tensor): Tensor[] => {
    const [, x] = lax.whileLoop(
      ([i]: [Tensor, Tensor]) => lax.lt(i, five),
      ([i, x]: [Tensor, Tensor]) =>
        [lax.add(i, one), lax.add(lax.sin(x), lax.mul(x, k))] as [Tensor, Tensor],
      [zero, x0] as [Tensor, Tensor],
    );
    return [x];
  };
}

/** `log(1 + eˣ)` with a hand-written JVP `t · logistic(x)` (built on use: `customJvp` may be absent). */
function softplus(x: Tensor): Tensor {
  return customJvp(
    (v: Tensor) => lax.unary('log1p', lax.exp(v)),
    ([v]: [Tensor], [t]: [Tensor]) => [lax.unary('log1p', lax.exp(v)), lax.mul(t, lax.logistic(v))],
  )(x);
}

/** `sin(x)·y` with a hand-written VJP. */
function sinTimes(x: Tensor, y: Tensor): Tensor {
  return customVjp((u: Tensor, v: Tensor) => lax.mul(lax.sin(u), v), {
    fwd: (u: Tensor, v: Tensor) => [lax.mul(lax.sin(u), v), [u, v] as [Tensor, Tensor]],
    bwd: ([u, v]: [Tensor, Tensor], g: Tensor) => [
      lax.mul(g, lax.mul(lax.cos(u), v)),
      lax.mul(g, lax.sin(u)),
    ],
  })(x, y);
}

/** `tanh(x·w)` recomputed in the backward pass. */
function remat(x: Tensor, w: Tensor): Tensor {
  return checkpoint((u: Tensor, v: Tensor) => lax.tanh(lax.mul(u, v)))(x, w);
}

/**
 * The entries of the higher-order primitives.
 *
 * @example
 * controlFlowEntries().scan.needs // ['lax.scan']
 */
export function controlFlowEntries(): { readonly [K in ControlFlowName]: PrimitiveEntry } {
  const [a, b] = [f32([2, 3], 1), f32([2, 3], 2)];
  const init = f32([3], 3);
  const xs = f32([4, 3], 4);
  const half = filled([3], 0.5);
  const pred = (on: boolean) => hostTensor('bool', [], [on ? 1 : 0]);
  const whileConstants = [
    filled([3], 0.5),
    hostTensor('int32', [], [1]),
    hostTensor('int32', [], [5]),
  ];
  const whileStart = [f32([3], 5), hostTensor('int32', [], [0])];
  const whileReference = () => {
    let x = (whileStart[0] as HostTensor).values.slice();
    for (let i = 0; i < 5; i++) x = x.map((v) => Math.sin(v) + v * 0.5);
    return x;
  };
  const condRun = (p: Tensor, x: Tensor) => [
    lax.cond(
      p,
      (v: Tensor) => lax.mul(v, v),
      (v: Tensor) => lax.neg(v),
      x,
    ),
  ];

  return {
    jit: {
      forward: [
        {
          title: 'jit(sin(a) + a·b)',
          inputs: [a, b],
          run: jitted,
          expected: () => [
            {
              shape: a.shape,
              values: a.values.map((x, i) => Math.sin(x) + x * (b.values[i] as number)),
            },
          ],
          kind: 'transcendental',
        },
      ],
      gradients: [{ title: 'through jit', inputs: [a, b], run: jitted }],
      notStaged:
        'staging inlines nested jit calls, so makeJaxpr never shows one; the forward case runs it eagerly',
      needs: ['jit'],
    },
    scan: {
      forward: [false, true].map((reverse) => ({
        title: `scan c ↦ c/2 + x emitting sin(c)${reverse ? ', reverse' : ''}`,
        inputs: [init, xs, half],
        run: (c0: Tensor, x: Tensor, h: Tensor) => scanWith(h, reverse)(c0, x),
        expected: () => {
          const { carry, ys } = scanReference(init, xs, reverse);
          return [
            { shape: [3], values: carry },
            { shape: [4, 3], values: ys },
          ];
        },
        kind: 'transcendental' as const,
      })),
      gradients: [false, true].map((reverse) => ({
        title: `scan in the initial carry and the inputs${reverse ? ', reverse' : ''}`,
        inputs: [init, xs],
        constants: [half],
        run: (c0: Tensor, x: Tensor, h: Tensor) => scanWith(h as Tensor, reverse)(c0, x),
      })),
      needs: ['lax.scan'],
    },
    cond: {
      forward: [true, false].map((on) => ({
        title: `cond(${on}, x², −x)`,
        inputs: [pred(on), a],
        run: condRun,
        expected: () => [{ shape: a.shape, values: a.values.map((x) => (on ? x * x : -x)) }],
        kind: 'basic' as const,
      })),
      gradients: [true, false].map((on) => ({
        title: `through the ${on ? 'true' : 'false'} branch`,
        inputs: [a],
        constants: [pred(on)],
        run: (x: Tensor, p: Tensor) => condRun(p as Tensor, x),
      })),
      needs: ['lax.cond'],
    },
    whileLoop: {
      forward: [
        {
          title: 'five iterations of x ↦ sin(x) + x/2 with an int32 counter',
          inputs: [...whileStart, ...whileConstants],
          run: (x0, zero, k, one, five) =>
            whileWith(k as Tensor, one as Tensor, five as Tensor)(x0 as Tensor, zero as Tensor),
          expected: () => [{ shape: [3], values: whileReference() }],
          kind: 'transcendental',
        },
      ],
      gradients: [
        {
          title: 'forward mode through the loop (reverse mode needs scan/foriLoop, as in JAX)',
          inputs: [whileStart[0] as HostTensor],
          constants: [whileStart[1] as HostTensor, ...whileConstants],
          run: (x0, zero, k, one, five) =>
            whileWith(k as Tensor, one as Tensor, five as Tensor)(x0 as Tensor, zero as Tensor),
          modes: ['fwd'],
        },
      ],
      // Eagerly, the loop reads its predicate back every iteration.
      readsSynchronously: true,
      needs: ['lax.whileLoop'],
    },
    customJvpCall: {
      forward: [
        {
          title: 'customJvp softplus',
          inputs: [a],
          run: (x) => [softplus(x)],
          expected: () => [
            { shape: a.shape, values: a.values.map((x) => Math.log1p(Math.exp(x))) },
          ],
          kind: 'transcendental',
        },
      ],
      gradients: [
        {
          title: 'the custom JVP rule, linearized for reverse mode too',
          inputs: [a],
          run: (x) => [softplus(x)],
        },
      ],
      needs: ['customJvp'],
    },
    customVjpCall: {
      forward: [
        {
          title: 'customVjp sin(x)·y',
          inputs: [a, b],
          run: (x, y) => [sinTimes(x, y)],
          expected: () => [
            {
              shape: a.shape,
              values: a.values.map((x, i) => Math.sin(x) * (b.values[i] as number)),
            },
          ],
          kind: 'transcendental',
        },
      ],
      gradients: [
        {
          title: 'the custom VJP (reverse mode; no JVP, as in JAX)',
          inputs: [a, b],
          run: (x, y) => [sinTimes(x, y)],
          modes: ['rev'],
        },
      ],
      needs: ['customVjp'],
    },
    customLin: {
      forward: {
        coveredBy: 'customVjpCall',
        reason: 'it only appears inside the linearization of a customVjp call',
      },
      gradients: {
        none: 'exercised by grad/customVjpCall, whose reverse pass transposes it into bwd',
      },
    },
    checkpoint: {
      forward: [
        {
          title: 'checkpoint(tanh(x·w))',
          inputs: [a, b],
          run: (x, w) => [remat(x, w)],
          expected: () => [
            {
              shape: a.shape,
              values: a.values.map((x, i) => Math.tanh(x * (b.values[i] as number))),
            },
          ],
          kind: 'transcendental',
        },
      ],
      gradients: [
        { title: 'recomputed in the backward pass', inputs: [a, b], run: (x, w) => [remat(x, w)] },
      ],
      needs: ['checkpoint'],
    },
  };
}
