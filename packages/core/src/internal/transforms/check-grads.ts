/**
 * `checkGrads`: compare a function's forward- and reverse-mode derivatives
 * with central finite differences along random directions, to any order —
 * the independent oracle for every differentiation rule.
 */
import { DeviceArray } from '../core/device-array.js';
import { fromHost } from '../core/host.js';
import type { Tensor } from '../core/tensor.js';
import { isFloat } from '../dtype.js';
import { TensileError } from '../errors.js';
import { closeScope, type Disposable, openScope } from '../memory.js';
import { jvpFlat } from './jvp.js';
import { linearizeFlat, pullBack } from './linearize.js';

/** Options of `checkGrads`. */
export interface CheckGradsOptions {
  /** Derivative order to check (1 = first derivatives; 2 also checks derivatives of derivatives). */
  order?: number;
  /** Which modes to check: forward (`jvp`), reverse (`vjp`), or both. */
  modes?: readonly ('fwd' | 'rev')[];
  /** Finite-difference step (relative to 1). Default 1e-2 for float32 (central differences). */
  eps?: number;
  /** Relative tolerance. Default 2e-2. */
  rtol?: number;
  /** Absolute tolerance. Default 2e-3. */
  atol?: number;
  /** Seed of the random directions. */
  seed?: number;
}

function lcg(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

function hostOf(x: Tensor): Float64Array {
  return Float64Array.from(x.dataSync() as Float32Array);
}

function randomLike(x: Tensor, rand: () => number): DeviceArray {
  const data = new Float32Array(x.size).map(() => rand() * 2);
  return fromHost(data, x.shape, 'float32', {
    backend: x instanceof DeviceArray ? x.backend.name : undefined,
  });
}

function axpy(x: Tensor, v: Tensor, a: number): DeviceArray {
  const xs = hostOf(x);
  const vs = hostOf(v);
  return fromHost(
    Float32Array.from(xs, (xi, i) => xi + a * (vs[i] as number)),
    x.shape,
    'float32',
    {
      backend: x instanceof DeviceArray ? x.backend.name : undefined,
    },
  );
}

function dotAll(a: readonly Tensor[], b: readonly Tensor[]): number {
  let s = 0;
  a.forEach((x, i) => {
    const xs = hostOf(x);
    const ys = hostOf(b[i] as Tensor);
    for (let k = 0; k < xs.length; k++) s += (xs[k] as number) * (ys[k] as number);
  });
  return s;
}

function assertClose(
  what: string,
  actual: number,
  expected: number,
  rtol: number,
  atol: number,
): void {
  if (!(Math.abs(actual - expected) <= atol + rtol * Math.abs(expected))) {
    throw new TensileError(
      `checkGrads: ${what} = ${actual} but finite differences give ${expected} (rtol ${rtol}, atol ${atol})`,
    );
  }
}

/**
 * Check the derivatives of `fn` (flat float32 tensors in, tensors out) at `args`.
 * Throws a `TensileError` describing the mismatch.
 *
 * @example
 * checkGrads((x) => [x.sin().mul(x)], [np.array([0.3, 1.2])], { order: 2 });
 */
export function checkGrads(
  fn: (...args: Tensor[]) => Tensor[],
  args: readonly Tensor[],
  options: CheckGradsOptions = {},
): void {
  const {
    order = 1,
    modes = ['fwd', 'rev'],
    eps = 1e-2,
    rtol = 2e-2,
    atol = 2e-3,
    seed = 0,
  } = options;
  const frame = openScope();
  try {
    const rand = lcg(seed + 1);
    const floats = args.map((a) => isFloat(a.dtype));
    const dirs = args.map((a, i) => (floats[i] ? randomLike(a, rand) : null));
    const plus = args.map((a, i) => (dirs[i] ? axpy(a, dirs[i] as Tensor, eps) : a));
    const minus = args.map((a, i) => (dirs[i] ? axpy(a, dirs[i] as Tensor, -eps) : a));
    const fPlus = fn(...plus);
    const fMinus = fn(...minus);
    const outs = fn(...args);
    const floatOuts = outs.map((o) => isFloat(o.dtype));
    const us = outs.map((o) => randomLike(o, rand));
    // ⟨u, (f(x+εv) − f(x−εv)) / 2ε⟩
    const fd =
      (dotAll(
        us.filter((_, i) => floatOuts[i]),
        fPlus.filter((_, i) => floatOuts[i]),
      ) -
        dotAll(
          us.filter((_, i) => floatOuts[i]),
          fMinus.filter((_, i) => floatOuts[i]),
        )) /
      (2 * eps);
    const tangents = dirs.map((d) => d);
    if (modes.includes('fwd')) {
      const [, touts] = jvpFlat(fn, args, tangents);
      assertClose(
        '⟨u, jvp(v)⟩',
        dotAll(
          us.filter((_, i) => floatOuts[i]),
          (touts as Tensor[]).filter((_, i) => floatOuts[i]),
        ),
        fd,
        rtol,
        atol,
      );
    }
    if (modes.includes('rev')) {
      const lin = linearizeFlat(fn, args);
      const cts = pullBack(
        lin,
        args,
        us.map((u, i) => (floatOuts[i] ? u : null)),
      );
      lin.dispose();
      assertClose(
        '⟨vjp(u), v⟩',
        dotAll(
          cts.filter((_, i) => floats[i]),
          dirs.filter((d): d is DeviceArray => d !== null),
        ),
        fd,
        rtol,
        atol,
      );
    }
    if (order > 1) {
      // Check the derivative map x ↦ vjp(u)(x) (reverse) or x ↦ jvp(v)(x) (forward) one order down.
      const firstOrder = (...xs: Tensor[]): Tensor[] => {
        const lin = linearizeFlat(fn, xs);
        const ct = pullBack(
          lin,
          xs,
          us.map((u, i) => (floatOuts[i] ? u : null)),
        );
        return ct.filter((_, i) => floats[i]);
      };
      checkGrads(firstOrder, args, { ...options, order: order - 1, seed: seed + 7 });
    }
  } finally {
    closeScope(frame, [] as Disposable[]);
  }
}
