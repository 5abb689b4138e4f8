/**
 * `checkGrads`: compare a function's forward- and reverse-mode derivatives
 * with central finite differences along random directions, to any order —
 * the independent oracle for every differentiation rule. All device work is
 * planned first and read back once, so the same checks run synchronously
 * (`checkGrads`, backends with sync reads) or asynchronously
 * (`checkGradsAsync`, e.g. WebGPU).
 */
import { DeviceArray } from '../core/device-array.js';
import { fromHost } from '../core/host.js';
import type { Tensor } from '../core/tensor.js';
import { isFloat } from '../dtype.js';
import { TensileError } from '../errors.js';
import * as lax from '../lax/primitive-ops.js';
import { closeScope, type Disposable, escapeScopes, openScope } from '../memory.js';
import { scalarLike } from '../primitives/helpers.js';
import { jvpFlat } from './jvp.js';
import { linearizeFlat, pullBack } from './linearize.js';

/** Options of `checkGrads`. */
export interface CheckGradsOptions {
  /** Derivative order to check (1 = first derivatives; 2 also checks derivatives of derivatives). */
  order?: number;
  /** Which modes to check: forward (`jvp`), reverse (`vjp`), or both. */
  modes?: readonly ('fwd' | 'rev')[];
  /** Finite-difference step. Default 1e-2 (central differences in float32). */
  eps?: number;
  /** Relative tolerance. Default 2e-2. */
  rtol?: number;
  /** Absolute tolerance. Default 2e-3. */
  atol?: number;
  /** Seed of the random directions. */
  seed?: number;
}

type FlatFn = (...args: Tensor[]) => Tensor[];

/** One comparison: the tensors to read back and what to check once their values are known. */
interface PlannedCheck {
  reads: Tensor[];
  verify(host: readonly Float64Array[]): void;
}

function lcg(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

/** A random float32 tensor like `x`, with its host values. */
function randomLike(x: Tensor, rand: () => number): { host: Float32Array; tensor: DeviceArray } {
  const host = new Float32Array(x.size).map(() => rand() * 2);
  const backend = x instanceof DeviceArray ? x.backend.name : undefined;
  return { host, tensor: fromHost(host, x.shape, 'float32', { backend }) };
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += (a[k] as number) * (b[k] as number);
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

/** Plan the checks of `fn` at `args` (and, for higher orders, of its derivative maps). */
function plan(fn: FlatFn, args: readonly Tensor[], options: CheckGradsOptions): PlannedCheck[] {
  const {
    order = 1,
    modes = ['fwd', 'rev'],
    eps = 1e-2,
    rtol = 2e-2,
    atol = 2e-3,
    seed = 0,
  } = options;
  const rand = lcg(seed + 1);
  const floats = args.map((a) => isFloat(a.dtype));
  const dirs = args.map((a, i) => (floats[i] ? randomLike(a, rand) : null));
  const shifted = (sign: number) =>
    args.map((a, i) => {
      const d = dirs[i];
      return d ? lax.add(a, lax.mul(d.tensor, scalarLike(d.tensor, sign * eps))) : a;
    });
  const outs = fn(...args);
  const floatOuts = outs.map((o) => isFloat(o.dtype));
  const us = outs.map((o) => randomLike(o, rand));
  const fPlus = fn(...shifted(1)).filter((_, i) => floatOuts[i]);
  const fMinus = fn(...shifted(-1)).filter((_, i) => floatOuts[i]);
  const uHost = us.filter((_, i) => floatOuts[i]).map((u) => u.host);
  const cotangents = us.map((u, i) => (floatOuts[i] ? u.tensor : null));
  const nOut = fPlus.length;
  // ⟨u, (f(x+εv) − f(x−εv)) / 2ε⟩ from the first 2·nOut reads.
  const finiteDifference = (host: readonly Float64Array[]) => {
    let s = 0;
    for (let k = 0; k < nOut; k++) {
      s +=
        dot(uHost[k] as Float32Array, host[k] as Float64Array) -
        dot(uHost[k] as Float32Array, host[nOut + k] as Float64Array);
    }
    return s / (2 * eps);
  };

  const checks: PlannedCheck[] = [];
  if (modes.includes('fwd')) {
    const [, touts] = jvpFlat(
      fn,
      args,
      dirs.map((d) => d?.tensor ?? null),
    );
    const tangentsOut = (touts as Tensor[]).filter((_, i) => floatOuts[i]);
    checks.push({
      reads: [...fPlus, ...fMinus, ...tangentsOut],
      verify: (host) => {
        let s = 0;
        tangentsOut.forEach((_, k) => {
          s += dot(uHost[k] as Float32Array, host[2 * nOut + k] as Float64Array);
        });
        assertClose('⟨u, jvp(v)⟩', s, finiteDifference(host), rtol, atol);
      },
    });
  }
  if (modes.includes('rev')) {
    const lin = linearizeFlat(fn, args);
    const cts = pullBack(lin, args, cotangents).filter((_, i) => floats[i]);
    lin.dispose();
    const dirHost = dirs.filter((d) => d !== null).map((d) => d.host);
    checks.push({
      reads: [...fPlus, ...fMinus, ...cts],
      verify: (host) => {
        let s = 0;
        cts.forEach((_, k) => {
          s += dot(host[2 * nOut + k] as Float64Array, dirHost[k] as Float32Array);
        });
        assertClose('⟨vjp(u), v⟩', s, finiteDifference(host), rtol, atol);
      },
    });
  }
  if (order > 1) {
    // One order down: check the derivative map x ↦ vjp(u)(x).
    const firstOrder: FlatFn = (...xs) => {
      const lin = linearizeFlat(fn, xs);
      return pullBack(lin, xs, cotangents).filter((_, i) => floats[i]);
    };
    checks.push(...plan(firstOrder, args, { ...options, order: order - 1, seed: seed + 7 }));
  }
  return checks;
}

const toHost = (x: ArrayLike<number>) => Float64Array.from(x);

/**
 * Check the derivatives of `fn` (flat tensors in, tensors out) at `args` on a backend with
 * synchronous reads. Throws a `TensileError` describing the first mismatch.
 *
 * @example
 * checkGrads((x) => [x.sin().mul(x)], [np.array([0.3, 1.2])], { order: 2 });
 */
export function checkGrads(
  fn: FlatFn,
  args: readonly Tensor[],
  options: CheckGradsOptions = {},
): void {
  const frame = openScope();
  try {
    for (const check of plan(fn, args, options)) {
      check.verify(check.reads.map((t) => toHost(t.dataSync() as ArrayLike<number>)));
    }
  } finally {
    closeScope(frame, [] as Disposable[]);
  }
}

/**
 * `checkGrads` for any backend, reading results asynchronously (e.g. WebGPU).
 *
 * @example
 * await checkGradsAsync((x) => [x.exp()], [x]);
 */
export async function checkGradsAsync(
  fn: FlatFn,
  args: readonly Tensor[],
  options: CheckGradsOptions = {},
): Promise<void> {
  // Plan synchronously inside a scope, then own the tensors to read: a scope frame must not stay
  // open across an await (other code may open and close scopes meanwhile).
  const frame = openScope();
  let checks: PlannedCheck[];
  try {
    checks = plan(fn, args, options);
  } catch (error) {
    closeScope(frame, []);
    throw error;
  }
  const reads = [...new Set(checks.flatMap((c) => c.reads))];
  closeScope(frame, reads as Disposable[]);
  for (const r of reads) escapeScopes(r as Disposable);
  try {
    for (const check of checks) {
      const host = await Promise.all(
        check.reads.map(async (t) => toHost((await t.data()) as ArrayLike<number>)),
      );
      check.verify(host);
    }
  } finally {
    for (const r of reads) r.dispose();
  }
}
