/**
 * `random`: bit-for-bit agreement with JAX's threefry PRNG (fixtures/jax/jax-random-public.json,
 * produced by JAX 0.11.2 with `jax_threefry_partitionable=True`), distribution sanity of the
 * samplers, validation messages, and behaviour under `jit` and `vmap`.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { random } from '../src/index.js';
import type { Tensor } from '../src/internal/core/tensor.js';
import * as lax from '../src/internal/lax/primitive-ops.js';
import { fusedMultiplyAdd } from '../src/internal/random/fused-multiply-add.js';
import { jit } from '../src/internal/transforms/jit.js';
import { jvpFlat } from '../src/internal/transforms/jvp.js';
import { scope } from '../src/internal/transforms/scope.js';
import { vmap } from '../src/internal/transforms/vmap-api.js';
import { hostData, tensor } from './support/tensors.js';

type Case = Record<string, number[] | boolean[]>;
interface Fixture {
  jax_version: string;
  cases: Record<string, Record<string, Case | Record<string, { counts: number[]; out: number[] }>>>;
}

const fixture = JSON.parse(
  readFileSync(new URL('../../../fixtures/jax/jax-random-public.json', import.meta.url), 'utf8'),
) as Fixture;
const partitionable = fixture.cases['partitionable=True'] as Record<string, Case>;
const SEEDS = [0, 1, 42];

function expected(seed: number, field: string): number[] {
  const c = partitionable[`seed=${seed}`] as Case;
  return (c[field] as (number | boolean)[]).map(Number);
}

/** Differences in units of the last place (float32) between `got` and `want`. */
function ulps(got: readonly number[], want: readonly number[]): number[] {
  return got.map(
    (g, i) =>
      Math.abs(g - (want[i] as number)) / (Math.abs(want[i] as number) * 2 ** -23 || 2 ** -149),
  );
}

describe('random: bit-for-bit JAX (threefry, partitionable)', () => {
  for (const seed of SEEDS) {
    describe(`seed ${seed}`, () => {
      it('key, keyData, split, foldIn', () => {
        scope(() => {
          const k = random.key(seed);
          expect(k.dtype).toBe('uint32');
          expect(hostData(random.keyData(k))).toEqual(expected(seed, 'key'));
          const two = random.split(k);
          expect(two.shape).toEqual([2, 2]);
          expect(hostData(two)).toEqual(expected(seed, 'split2'));
          expect(hostData(random.split(k, 3))).toEqual(expected(seed, 'split3'));
          expect(hostData(random.foldIn(k, 7))).toEqual(expected(seed, 'fold_in_7'));
        });
      });

      it('bits', () => {
        scope(() => {
          const k = random.key(seed);
          expect(hostData(random.bits(k, [10]))).toEqual(expected(seed, 'bits_10'));
          const b = random.bits(k, [3, 5]);
          expect(b.shape).toEqual([3, 5]);
          expect(hostData(b)).toEqual(expected(seed, 'bits_3x5'));
        });
      });

      it('uniform (default and fused minval/maxval)', () => {
        scope(() => {
          const k = random.key(seed);
          expect(hostData(random.uniform(k, [10]))).toEqual(expected(seed, 'uniform_10'));
          const u = random.uniform(k, [2, 3], { minval: -1, maxval: 2 });
          expect(hostData(u)).toEqual(expected(seed, 'uniform_2x3_m1_2'));
          // Tensor bounds take the same path.
          const v = random.uniform(k, [2, 3], { minval: tensor([-1]), maxval: tensor([2, 2, 2]) });
          expect(hostData(v)).toEqual(expected(seed, 'uniform_2x3_m1_2'));
        });
      });

      it('bernoulli, randint, permutation, categorical', () => {
        scope(() => {
          const k = random.key(seed);
          const mask = random.bernoulli(k, 0.3, [16]);
          expect(mask.dtype).toBe('bool');
          expect(hostData(mask)).toEqual(expected(seed, 'bernoulli_p0.3_16'));
          const r = random.randint(k, [10], 0, 100);
          expect(r.dtype).toBe('int32');
          expect(hostData(r)).toEqual(expected(seed, 'randint_0_100_10'));
          expect(hostData(random.permutation(k, 10))).toEqual(expected(seed, 'permutation_10'));
          const logits = tensor([0.1, 0.2, 0.3, 0.4].map((p) => Math.log(p)));
          const c = random.categorical(k, logits, { shape: [12] });
          expect(c.dtype).toBe('int32');
          expect(hostData(c)).toEqual(expected(seed, 'categorical_4cls_12'));
        });
      });

      it('normal and truncatedNormal are bit-identical to JAX', () => {
        scope(() => {
          const k = random.key(seed);
          const n = random.normal(k, [4, 4]);
          expect(n.shape).toEqual([4, 4]);
          expect(Math.max(...ulps(hostData(n), expected(seed, 'normal_4x4')))).toBe(0);
          expect(
            Math.max(...ulps(hostData(random.normal(k, [10])), expected(seed, 'normal_10'))),
          ).toBe(0);
          const t = random.truncatedNormal(k, -2, 2, [8]);
          expect(Math.max(...ulps(hostData(t), expected(seed, 'truncated_normal_m2_2_8')))).toBe(0);
        });
      });
    });
  }

  it('threefry2x32 primitive matches the raw hash', () => {
    const cases = fixture.cases['partitionable=True']?.threefry2x32 as Record<
      string,
      { counts: number[]; out: number[] }
    >;
    for (const [name, { counts, out }] of Object.entries(cases)) {
      scope(() => {
        const [k0, k1] = name.slice('key='.length).split(',').map(Number) as [number, number];
        const half = counts.length / 2;
        const word = (v: number) => tensor(new Array(half).fill(v), [half], 'uint32');
        const [y0, y1] = lax.threefry2x32(
          word(k0),
          word(k1),
          tensor(counts.slice(0, half), [half], 'uint32'),
          tensor(counts.slice(half), [half], 'uint32'),
        );
        expect([...hostData(y0 as Tensor), ...hostData(y1 as Tensor)]).toEqual(out);
      });
    }
  });
});

describe('random: keys', () => {
  it('wraps seeds modulo 2^32 and accepts int32 scalar seeds', () => {
    scope(() => {
      expect(hostData(random.key(-1))).toEqual([0, 2 ** 32 - 1]);
      expect(hostData(random.key(2 ** 32 + 5))).toEqual([0, 5]);
      expect(hostData(random.key(tensor([42], [], 'int32')))).toEqual([0, 42]);
    });
  });

  it('destructures a split into separate keys', () => {
    scope(() => {
      const [k1, k2] = random.split(random.key(0));
      expect([...hostData(k1 as Tensor), ...hostData(k2 as Tensor)]).toEqual(expected(0, 'split2'));
    });
  });

  it('splits into a shape of keys', () => {
    scope(() => {
      const keys = random.split(random.key(0), [2, 3]);
      expect(keys.shape).toEqual([2, 3, 2]);
      // Row-major positions: the first three keys are split(key, 3).
      expect(hostData(keys).slice(0, 6)).toEqual(expected(0, 'split3'));
    });
  });

  it('rejects bad keys with messages naming the function', () => {
    scope(() => {
      expect(() => random.normal(tensor([1, 2]), [3])).toThrow(
        /normal: key must be a uint32\[2\] PRNG key/,
      );
      expect(() => random.uniform(tensor([1, 2, 3], [3], 'uint32'))).toThrow(
        /uniform: key must be a uint32\[2\].*u32\[3\]/,
      );
      const keys = random.split(random.key(0), 4);
      expect(() => random.split(keys)).toThrow(
        /split: expects a single key of shape \[2\], got a batch of keys u32\[4,2\]; use vmap/,
      );
      expect(() => random.bits(random.key(0), [2.5])).toThrow(/bits: shape must be/);
      expect(() => random.foldIn(random.key(0), 1.5)).toThrow(/foldIn: data must be an integer/);
      expect(() => random.keyData(tensor([1, 2, 3], [3], 'uint32'))).toThrow(
        /keyData: expects PRNG keys/,
      );
    });
  });

  it('maps over keys with vmap (same bits as one call per key)', () => {
    scope(() => {
      const keys = random.split(random.key(3), 4);
      const batched = vmap((k: Tensor) => random.bits(k, [5]))(keys) as Tensor;
      expect(batched.shape).toEqual([4, 5]);
      const all = hostData(batched);
      for (let i = 0; i < 4; i++) {
        const k = lax.reshape(lax.slice(keys, [i, 0], [i + 1, 2]), [2]);
        expect(all.slice(5 * i, 5 * i + 5)).toEqual(hostData(random.bits(k, [5])));
      }
    });
  });

  it('maps uniform with tensor bounds and normal over keys with vmap', () => {
    scope(() => {
      const keys = lax.concatenate(
        [random.key(0), random.key(1), random.key(42)].map((k) => lax.reshape(k, [1, 2])),
        0,
      );
      const u = vmap((k: Tensor) => random.uniform(k, [6], { minval: tensor([-1]), maxval: 2 }))(
        keys,
      ) as Tensor;
      const n = vmap((k: Tensor) => random.normal(k, [16]))(keys) as Tensor;
      SEEDS.forEach((seed, b) => {
        expect(hostData(u).slice(6 * b, 6 * b + 6)).toEqual(expected(seed, 'uniform_2x3_m1_2'));
        expect(hostData(n).slice(16 * b, 16 * b + 16)).toEqual(
          hostData(random.normal(random.key(seed), [16])),
        );
      });
    });
  });

  it('differentiates uniform in its bounds (reparameterization)', () => {
    scope(() => {
      const k = random.key(0);
      const unit = hostData(random.uniform(k, [6]));
      // d/dmaxval of minval + u·(maxval − minval) is u; d/dminval is 1 − u.
      const [, [dHigh]] = jvpFlat(
        (lo, hi) => [random.uniform(k, [6], { minval: lo, maxval: hi })],
        [tensor([-1], []), tensor([2], [])],
        [null, tensor([1], [])],
      );
      const [, [dLow]] = jvpFlat(
        (lo, hi) => [random.uniform(k, [6], { minval: lo, maxval: hi })],
        [tensor([-1], []), tensor([2], [])],
        [tensor([1], []), null],
      );
      const err = (got: number[], want: number[]) =>
        Math.max(...got.map((g, i) => Math.abs(g - (want[i] as number))));
      expect(err(hostData(dHigh as Tensor), unit)).toBeLessThan(1e-6);
      expect(
        err(
          hostData(dLow as Tensor),
          unit.map((u) => 1 - u),
        ),
      ).toBeLessThan(1e-6);
    });
  });

  it('gives the same numbers under jit', () => {
    scope(() => {
      const sample = jit((k: Tensor) => [
        random.uniform(k, [6], { minval: -1, maxval: 2 }),
        random.randint(k, [10], 0, 100),
      ]);
      const k = random.key(0);
      const [u, r] = sample(k) as [Tensor, Tensor];
      expect(hostData(u)).toEqual(expected(0, 'uniform_2x3_m1_2'));
      expect(hostData(r)).toEqual(expected(0, 'randint_0_100_10'));
      sample.dispose();
    });
  });
});

describe('random: distributions', () => {
  const N = 100_000;

  function moments(x: Tensor): { mean: number; variance: number } {
    const v = hostData(x);
    const mean = v.reduce((s, a) => s + a, 0) / v.length;
    const variance = v.reduce((s, a) => s + (a - mean) ** 2, 0) / v.length;
    return { mean, variance };
  }

  it('normal has mean 0 and variance 1', () => {
    scope(() => {
      const { mean, variance } = moments(random.normal(random.key(1), [N]));
      // Standard errors: 1/sqrt(N) ≈ 0.0032 for the mean, sqrt(2/N) ≈ 0.0045 for the variance.
      expect(Math.abs(mean)).toBeLessThan(0.015);
      expect(Math.abs(variance - 1)).toBeLessThan(0.02);
    });
  });

  it('uniform fills [minval, maxval) evenly', () => {
    scope(() => {
      const u = hostData(random.uniform(random.key(2), [N], { minval: 2, maxval: 5 }));
      expect(Math.min(...u)).toBeGreaterThanOrEqual(2);
      expect(Math.max(...u)).toBeLessThan(5);
      const mean = u.reduce((s, a) => s + a, 0) / N;
      expect(Math.abs(mean - 3.5)).toBeLessThan(0.02); // sd of the mean: sqrt(3/4/N) ≈ 0.0027
    });
  });

  it('truncatedNormal stays inside (lower, upper) with the truncated variance', () => {
    scope(() => {
      const t = hostData(random.truncatedNormal(random.key(3), -1, 1, [N]));
      expect(Math.min(...t)).toBeGreaterThan(-1);
      expect(Math.max(...t)).toBeLessThan(1);
      // Var of N(0,1) truncated to [-1, 1]: 1 - 2φ(1)/(2Φ(1) - 1) ≈ 0.29112.
      const variance = t.reduce((s, a) => s + a * a, 0) / N;
      expect(Math.abs(variance - 0.29112)).toBeLessThan(0.01);
    });
  });

  it('bernoulli has rate p', () => {
    scope(() => {
      const rate =
        hostData(random.bernoulli(random.key(4), 0.3, [N])).reduce((s, a) => s + a, 0) / N;
      expect(Math.abs(rate - 0.3)).toBeLessThan(0.01); // sd ≈ 0.0014
      const perElement = random.bernoulli(random.key(5), tensor([0, 1, 0.5]), [1000, 3]);
      const v = hostData(perElement);
      const column = (j: number) => v.filter((_, i) => i % 3 === j).reduce((s, a) => s + a, 0);
      expect(column(0)).toBe(0);
      expect(column(1)).toBe(1000);
      expect(Math.abs(column(2) - 500)).toBeLessThan(80);
    });
  });

  it('randint covers exactly [minval, maxval), including negative and reversed bounds', () => {
    scope(() => {
      const r = hostData(random.randint(random.key(6), [N], -3, 4));
      const counts = new Map<number, number>();
      for (const v of r) counts.set(v, (counts.get(v) ?? 0) + 1);
      expect([...counts.keys()].sort((a, b) => a - b)).toEqual([-3, -2, -1, 0, 1, 2, 3]);
      for (const c of counts.values()) expect(Math.abs(c - N / 7)).toBeLessThan(600);
      expect(hostData(random.randint(random.key(7), [5], 4, 4))).toEqual([4, 4, 4, 4, 4]);
      expect(hostData(random.randint(random.key(7), [5], 9, 2))).toEqual([9, 9, 9, 9, 9]);
      const wide = hostData(random.randint(random.key(8), [1000], -(2 ** 31), 2 ** 31 - 1));
      expect(Math.min(...wide)).toBeLessThan(-(2 ** 29));
      expect(Math.max(...wide)).toBeGreaterThan(2 ** 29);
      const perElement = hostData(
        random.randint(
          random.key(9),
          [1000, 2],
          tensor([0, 10], [2], 'int32'),
          tensor([2, 12], [2], 'int32'),
        ),
      );
      const offsets = perElement.map((v, i) => v - (i % 2) * 10);
      expect(Math.min(...offsets)).toBe(0);
      expect(Math.max(...offsets)).toBe(1);
    });
  });

  it('permutation is a permutation, and moves rows together', () => {
    scope(() => {
      const p = hostData(random.permutation(random.key(10), 1000));
      expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
      expect(p).not.toEqual(Array.from({ length: 1000 }, (_, i) => i));
      const x = tensor(
        Array.from({ length: 12 }, (_, i) => i),
        [4, 3],
      );
      const rows = hostData(random.permutation(random.key(11), x));
      for (let r = 0; r < 4; r++) {
        const row = rows.slice(3 * r, 3 * r + 3);
        expect(row[1]).toBe((row[0] as number) + 1);
        expect((row[0] as number) % 3).toBe(0);
      }
      const order = hostData(random.permutation(random.key(11), 4));
      expect(rows.filter((_, i) => i % 3 === 0)).toEqual(order.map((o) => 3 * o));
    });
  });

  it('categorical follows softmax(logits)', () => {
    scope(() => {
      const probs = [0.1, 0.2, 0.3, 0.4];
      const draws = hostData(
        random.categorical(random.key(12), tensor(probs.map(Math.log)), { shape: [N] }),
      );
      probs.forEach((p, k) => {
        const freq = draws.filter((d) => d === k).length / N;
        expect(Math.abs(freq - p)).toBeLessThan(0.01);
      });
      // A batch of distributions along axis 0: each column is its own distribution.
      const logits = tensor([0, -100, -100, 0], [2, 2]);
      expect(hostData(random.categorical(random.key(13), logits, { axis: 0 }))).toEqual([0, 1]);
    });
  });

  it('gumbel has the Euler–Mascheroni mean', () => {
    scope(() => {
      const { mean, variance } = moments(random.gumbel(random.key(14), [N]));
      expect(Math.abs(mean - 0.5772157)).toBeLessThan(0.02);
      expect(Math.abs(variance - Math.PI ** 2 / 6)).toBeLessThan(0.05);
    });
  });

  it('choice: with and without replacement, weighted and not', () => {
    scope(() => {
      const k = random.key(15);
      const distinct = hostData(random.choice(k, 10, { shape: [10], replace: false }));
      expect([...distinct].sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => i));
      const uniform = hostData(random.choice(k, 5, { shape: [N] }));
      for (let i = 0; i < 5; i++)
        expect(Math.abs(uniform.filter((v) => v === i).length / N - 0.2)).toBeLessThan(0.01);
      const p = tensor([0.5, 0, 0.25, 0.25]);
      const weighted = hostData(random.choice(k, 4, { shape: [N], p }));
      expect(weighted.filter((v) => v === 1).length).toBe(0);
      expect(Math.abs(weighted.filter((v) => v === 0).length / N - 0.5)).toBeLessThan(0.01);
      const noRepeat = hostData(random.choice(k, 4, { shape: [3], replace: false, p }));
      expect(new Set(noRepeat).size).toBe(3);
      expect(noRepeat).not.toContain(1);
      const table = tensor([10, 11, 20, 21, 30, 31], [3, 2]);
      const picked = random.choice(k, table, { shape: [2, 2] });
      expect(picked.shape).toEqual([2, 2, 2]);
      const v = hostData(picked);
      for (let i = 0; i < 8; i += 2) expect(v[i + 1]).toBe((v[i] as number) + 1);
      expect(() => random.choice(k, 3, { shape: [4], replace: false })).toThrow(
        /cannot take 4 samples from 3/,
      );
    });
  });
});

describe('random: exact fused multiply-add', () => {
  it('rounds a·b + c once', () => {
    scope(() => {
      // 1 + 2^-23 squared is 1 + 2^-22 + 2^-46: the 2^-46 is lost by mul-then-add, kept by the FMA.
      const a = tensor([1 + 2 ** -23, 1 + 2 ** -23, 3]);
      const c = tensor([-1, -(1 + 2 ** -22), 1]);
      const fused = hostData(fusedMultiplyAdd(a, a, c));
      expect(fused[0]).toBe(Math.fround(2 ** -22 + 2 ** -46));
      expect(fused[1]).toBe(2 ** -46);
      expect(fused[2]).toBe(10);
    });
  });
});
