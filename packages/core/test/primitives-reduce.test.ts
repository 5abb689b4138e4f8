/**
 * The reduction-like primitives (reduce, argReduce, cumulative, sort) on the CPU backend and on a
 * CPU backend without the optional `cumulative`/`sort` methods (exercising the core fallbacks):
 * values against hand-computed results, derivatives against closed forms and finite differences,
 * exact transposes and vmap against a loop over examples.
 */
import { describe, expect, it } from 'vitest';
import type { Tensor } from '../src/internal/core/tensor.js';
import { DTypeError, ShapeError, ValueError } from '../src/internal/errors.js';
import * as lax from '../src/internal/lax/primitive-ops.js';
import { checkGrads } from '../src/internal/transforms/check-grads.js';
import { jvpFlat } from '../src/internal/transforms/jvp.js';
import { linearizeFlat, pullBack } from '../src/internal/transforms/linearize.js';
import { scope } from '../src/internal/transforms/scope.js';
import { expectClose } from './support/assertions.js';
import { BACKENDS, MINIMAL, onBackend } from './support/backends.js';
import { expectTransposeIdentity, expectVmapMatchesLoop } from './support/identities.js';
import { hostData, randomTensor, tensor } from './support/tensors.js';

/** `f`'s gradient at `x` for the cotangent `ct` (reverse mode). */
function vjpAt(f: (x: Tensor) => Tensor, x: Tensor, ct: Tensor): Tensor {
  const lin = linearizeFlat((v) => [f(v)], [x]);
  const [g] = pullBack(lin, [x], [ct]);
  lin.dispose();
  return g as Tensor;
}

/** `f`'s tangent at `x` along `t` (forward mode). */
function jvpAt(f: (x: Tensor) => Tensor, x: Tensor, t: Tensor): Tensor {
  const [, [dy]] = jvpFlat((v) => [f(v)], [x], [t]);
  return dy as Tensor;
}

describe('reduce', () => {
  it('computes every op over any set of axes', () => {
    scope(() => {
      const x = tensor([1, -2, 3, 4, 0.5, -6], [2, 3]);
      expectClose(lax.reduce('sum', x, [0]), [5, -1.5, -3], [3]);
      expectClose(lax.reduce('sum', x, [0, 1]), [0.5], []);
      expectClose(lax.reduce('prod', x, [1]), [-6, -12], [2]);
      expectClose(lax.reduce('max', x, [1]), [3, 4], [2]);
      expectClose(lax.reduce('min', lax.transpose(x, [1, 0]), [1]), [1, -2, -6], [3]);
      const b = tensor([1, 0, 1, 1, 1, 1], [2, 3], 'bool');
      expectClose(lax.reduce('and', b, [1]), [0, 1], [2]);
      expectClose(lax.reduce('or', b, [0]), [1, 1, 1], [3]);
      expectClose(lax.reduce('sum', tensor([1, 2, 3, 4], [2, 2], 'int32'), [1]), [3, 7], [2]);
      expect(() => lax.reduce('and', x, [0])).toThrow(DTypeError);
      expect(() => lax.reduce('sum', b, [0])).toThrow(DTypeError);
      expect(() => lax.reduce('sum', x, [2])).toThrow(ValueError);
    });
  });

  it('max/min split the tangent evenly between tied extremes', () => {
    scope(() => {
      const x = tensor([1, 3, 3, 2, 5, 5, 5, 0], [2, 4]);
      const t = tensor([10, 20, 40, 80, 1, 2, 3, 4], [2, 4]);
      expectClose(
        jvpAt((v) => lax.reduce('max', v, [1]), x, t),
        [30, 2],
        [2],
      );
      expectClose(
        vjpAt((v) => lax.reduce('max', v, [1]), x, tensor([6, 3])),
        [0, 3, 3, 0, 1, 1, 1, 0],
        [2, 4],
      );
      expectClose(
        jvpAt((v) => lax.reduce('min', v, [0]), x, t),
        [10, 20, 40, 4],
        [4],
      );
    });
  });

  it('prod differentiates correctly through zeros', () => {
    scope(() => {
      // d/dx_j prod(x) = prod of the others: [2,0,3] → [0,6,0]; two zeros → all zero.
      const rows = tensor([2, 0, 3, 0, 0, 3, 1, 2, 4], [3, 3]);
      const g = vjpAt((v) => lax.reduce('prod', v, [1]), rows, tensor([1, 1, 1]));
      expectClose(g, [0, 6, 0, 0, 0, 0, 8, 4, 2], [3, 3]);
      const t = tensor([1, 1, 1, 1, 1, 1, 0.5, 0, 1], [3, 3]);
      expectClose(
        jvpAt((v) => lax.reduce('prod', v, [1]), rows, t),
        [6, 0, 6],
        [3],
      );
    });
  });

  it('derivatives match finite differences and the transpose is exact', () => {
    scope(() => {
      const x = randomTensor([3, 2, 5], 1);
      for (const op of ['sum', 'max', 'min', 'prod'] as const) {
        checkGrads((v) => [lax.reduce(op, v, [0, 2])], [x]);
        checkGrads((v) => [lax.reduce(op, v, [1])], [x]);
      }
      expectTransposeIdentity((v) => [lax.reduce('sum', v, [0, 2])], [x]);
      expectTransposeIdentity((v) => [lax.reduce('prod', v, [1])], [x], 1);
      expectTransposeIdentity((v) => [lax.reduce('max', v, [2])], [x], 2);
    });
  });

  it('vmap moves the reduced axes past the batch axis', () => {
    scope(() => {
      const x = randomTensor([3, 4, 5], 2);
      for (const op of ['sum', 'max', 'prod'] as const) {
        expectVmapMatchesLoop((v) => lax.reduce(op, v, [0]), [x], [1]);
        expectVmapMatchesLoop((v) => lax.reduce(op, v, [1]), [x], [0]);
        expectVmapMatchesLoop((v) => lax.reduce(op, v, [0, 1]), [x], [2]);
      }
    });
  });
});

describe('argReduce', () => {
  it('returns first-occurrence indices as int32', () => {
    scope(() => {
      const x = tensor([1, 7, 7, 0, 4, -1], [2, 3]);
      const am = lax.argReduce('argmax', x, 1);
      expect(am.dtype).toBe('int32');
      expectClose(am, [1, 1], [2]);
      expectClose(lax.argReduce('argmin', x, 0), [1, 1, 1], [3]);
      expect(() => lax.argReduce('argmax', tensor([], [0]), 0)).toThrow(ValueError);
    });
  });

  it('has no tangent and batches along the right axis', () => {
    scope(() => {
      const x = randomTensor([3, 4], 3);
      const [[y], [t]] = jvpFlat((v) => [lax.argReduce('argmax', v, 0)], [x], [x], false);
      expect(t).toBeNull();
      expect((y as Tensor).dtype).toBe('int32');
      expectVmapMatchesLoop((v) => lax.argReduce('argmin', v, 0), [x], [1]);
      expectVmapMatchesLoop(
        (v) => lax.argReduce('argmax', v, 1),
        [randomTensor([3, 4, 5], 4)],
        [1],
      );
    });
  });
});

/** Inclusive scan on the host (the oracle). */
function scanReference(
  op: 'sum' | 'prod' | 'max' | 'min',
  xs: number[],
  reverse: boolean,
): number[] {
  const f = {
    sum: (a: number, b: number) => a + b,
    prod: (a: number, b: number) => a * b,
    max: Math.max,
    min: Math.min,
  }[op];
  const ordered = reverse ? [...xs].reverse() : xs;
  const out: number[] = [];
  ordered.forEach((v, i) => {
    out.push(i === 0 ? v : f(out[i - 1] as number, v));
  });
  return reverse ? out.reverse() : out;
}

for (const backend of BACKENDS) {
  /** A test body run with `backend` as the default, leaving no tensors behind there. */
  const on = (fn: () => void) => () => onBackend(backend, fn);

  describe(`cumulative on ${backend}`, () => {
    it(
      'scans every op forward and in reverse',
      on(() => {
        const data = [2, -1, 3, 0.5, -4, 1, 1.5];
        const x = tensor(data);
        for (const op of ['sum', 'prod', 'max', 'min'] as const) {
          for (const reverse of [false, true]) {
            expectClose(lax.cumulative(op, x, 0, reverse), scanReference(op, data, reverse), [7]);
          }
        }
        const m = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
        expectClose(lax.cumulative('sum', m, 0), [1, 2, 3, 5, 7, 9], [2, 3]);
        expectClose(
          lax.cumulative('max', lax.transpose(m, [1, 0]), 1, true),
          [4, 4, 5, 5, 6, 6],
          [3, 2],
        );
        expectClose(lax.cumulative('sum', tensor([1, 2, 3], [3], 'int32'), 0), [1, 3, 6], [3]);
        expectClose(lax.cumulative('max', tensor([0, 1, 0], [3], 'bool'), 0), [0, 1, 1], [3]);
        expectClose(lax.cumulative('sum', tensor([5], [1]), 0), [5], [1]);
        expect(() => lax.cumulative('sum', m, 2)).toThrow(ValueError);
      }),
    );

    it(
      'prod derivative is exact through zeros; max/min follow the running extreme',
      on(() => {
        // jvp: Σ_{j≤i} t_j Π_{k≤i, k≠j} x_k; vjp: Σ_{i≥j} Π_{k≤i, k≠j} x_k.
        const x = tensor([2, 0, 3, 4]);
        const t = tensor([1, 1, 1, 1]);
        expectClose(
          jvpAt((v) => lax.cumulative('prod', v, 0), x, t),
          [1, 2, 6, 24],
          [4],
        );
        expectClose(
          vjpAt((v) => lax.cumulative('prod', v, 0), x, t),
          [1, 2 + 6 + 24, 0, 0],
          [4],
        );
        const y = tensor([1, 5, 2, 7, 3]);
        const ty = tensor([10, 20, 30, 40, 50]);
        expectClose(
          jvpAt((v) => lax.cumulative('max', v, 0), y, ty),
          [10, 20, 20, 40, 40],
          [5],
        );
        expectClose(
          jvpAt((v) => lax.cumulative('min', v, 0, true), y, ty),
          [10, 30, 30, 50, 50],
          [5],
        );
        // The running max 3 is attained at two positions: their tangents share it evenly.
        const tied = tensor([1, 3, 3, 2]);
        expectClose(
          jvpAt((v) => lax.cumulative('max', v, 0), tied, tensor([1, 2, 4, 8])),
          [1, 2, 3, 3],
          [4],
        );
      }),
    );

    it(
      'derivatives match finite differences, transposes are exact, vmap matches a loop',
      on(() => {
        const x = randomTensor([3, 6], 5);
        for (const op of ['sum', 'prod', 'max', 'min'] as const) {
          for (const reverse of [false, true]) {
            checkGrads((v) => [lax.cumulative(op, v, 1, reverse)], [x]);
            expectTransposeIdentity(
              (v) => [lax.cumulative(op, v, 0, reverse)],
              [x],
              reverse ? 1 : 0,
            );
          }
          expectVmapMatchesLoop((v) => lax.cumulative(op, v, 0, true), [x], [1]);
          expectVmapMatchesLoop((v) => lax.cumulative(op, v, 1), [randomTensor([4, 3, 5], 6)], [1]);
        }
      }),
    );
  });

  describe(`sort on ${backend}`, () => {
    it(
      'sorts ascending along an axis with NaNs last',
      on(() => {
        const x = tensor([3, Number.NaN, -1, 2, 0, 5, 4, 1, -2, 7], [2, 5]);
        const [s] = lax.sort([x], 1);
        expectClose(s as Tensor, [-1, 0, 2, 3, Number.NaN, -2, 1, 4, 5, 7], [2, 5]);
        const [c] = lax.sort([lax.transpose(tensor([3, 1, 2, 0, 5, 4], [2, 3]), [1, 0])], 0);
        expectClose(c as Tensor, [1, 0, 2, 4, 3, 5], [3, 2]);
        const [i] = lax.sort([tensor([5, -3, 9, 0, 2], [5], 'int32')], 0);
        expectClose(i as Tensor, [-3, 0, 2, 5, 9], [5]);
        const [b] = lax.sort([tensor([1, 0, 1, 0], [4], 'bool')], 0);
        expectClose(b as Tensor, [0, 0, 1, 1], [4]);
        expect(() => lax.sort([x, tensor([1, 2])], 0)).toThrow(ShapeError);
        expect(() => lax.sort([x], 0, 2)).toThrow(ValueError);
      }),
    );

    it(
      'is stable and sorts several operands by several keys',
      on(() => {
        const keys = tensor([2, 1, 2, 1, 0, 2], [6], 'int32');
        const second = tensor([0, 1, 0, 0, 5, -1]);
        const payload = tensor([10, 11, 12, 13, 14, 15]);
        const [k, s, p] = lax.sort([keys, second, payload], 0, 2);
        expectClose(k as Tensor, [0, 1, 1, 2, 2, 2], [6]);
        expectClose(s as Tensor, [5, 0, 1, -1, 0, 0], [6]);
        expectClose(p as Tensor, [14, 13, 11, 15, 10, 12], [6]);
        // One key: equal keys keep their order.
        const [, q] = lax.sort([keys, payload], 0, 1);
        expectClose(q as Tensor, [14, 11, 13, 10, 12, 15], [6]);
      }),
    );

    it(
      'moves tangents with the sorting permutation',
      on(() => {
        const x = tensor([3, 1, 2, 9, 7, 8], [2, 3]);
        const t = tensor([30, 10, 20, 90, 70, 80], [2, 3]);
        const dy = jvpAt((v) => lax.sort([v], 1)[0] as Tensor, x, t);
        expectClose(dy, [10, 20, 30, 70, 80, 90], [2, 3]);
        const keys = tensor([1, 0, 2]);
        const [, [dk, dp]] = jvpFlat(
          (a, b) => lax.sort([a, b], 0),
          [keys, tensor([4, 5, 6])],
          [tensor([1, 2, 3]), tensor([7, 8, 9])],
        );
        expectClose(dk as Tensor, [2, 1, 3], [3]);
        expectClose(dp as Tensor, [8, 7, 9], [3]);
        const r = randomTensor([3, 5], 7);
        checkGrads((v) => lax.sort([v], 1), [r]);
        checkGrads((v) => lax.sort([lax.transpose(v, [1, 0]), v], 1, 1), [randomTensor([4, 4], 8)]);
        expectTransposeIdentity((v) => lax.sort([v], 0), [r]);
        expectVmapMatchesLoop((v) => lax.sort([v], 0), [r], [1]);
        expectVmapMatchesLoop((a, b) => lax.sort([a, b], 0), [r, randomTensor([5], 9)], [0, null]);
      }),
    );
  });
}

describe('sort on a large axis without Backend.sort', () => {
  it('agrees with a host sort', () => {
    onBackend(MINIMAL, () => {
      const x = randomTensor([2, 37], 11);
      const [s] = lax.sort([x], 1);
      const data = hostData(x);
      const expected = [
        ...data.slice(0, 37).sort((a, b) => a - b),
        ...data.slice(37).sort((a, b) => a - b),
      ];
      expectClose(s as Tensor, expected, [2, 37]);
    });
  });
});
