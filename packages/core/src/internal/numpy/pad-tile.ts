/**
 * Building a larger tensor from copies of an existing one: `pad` (constant,
 * edge, reflect, symmetric and wrap modes), `tile`, `repeat`, and `roll`.
 * Non-constant padding gathers with index arithmetic on an iota; array
 * `repeats` gather with an index table built on the host (a constant under
 * `jit`).
 */
import { fromHost } from '../core/host.js';
import type { Tensor, TensorLike } from '../core/tensor.js';
import { fmtShape, ShapeError, ValueError } from '../errors.js';
import * as lax from '../lax/primitive-ops.js';
import { normalizeAxis } from '../shape.js';
import { mod } from './arithmetic.js';
import { freeIntermediates } from './intermediates.js';
import { asTensor, backendFor } from './promotion.js';

/** How `pad` fills the new elements. */
export type PadMode = 'constant' | 'edge' | 'reflect' | 'symmetric' | 'wrap';

/** Pad widths: one width for all sides, `[before, after]` for all axes, or one pair per axis. */
export type PadWidth = number | readonly [number, number] | readonly (readonly [number, number])[];

function padPairs(a: Tensor, width: PadWidth): [number, number][] {
  const bad = () =>
    new ValueError(
      `pad: bad pad width ${JSON.stringify(width)} for a tensor of shape ${fmtShape(a.shape)}`,
    );
  let pairs: [number, number][];
  if (typeof width === 'number') pairs = a.shape.map(() => [width, width]);
  else if (Array.isArray(width) && width.every((w) => typeof w === 'number')) {
    if (width.length !== 2) throw bad();
    pairs = a.shape.map(() => [width[0] as number, width[1] as number]);
  } else if (Array.isArray(width)) {
    const list = width as readonly (readonly [number, number])[];
    if (!list.every((p) => Array.isArray(p) && p.length === 2)) throw bad();
    if (list.length === 1)
      pairs = a.shape.map(() => [list[0]?.[0] as number, list[0]?.[1] as number]);
    else if (list.length === a.ndim) pairs = list.map((p) => [p[0], p[1]]);
    else throw bad();
  } else throw bad();
  if (
    !pairs.every(([lo, hi]) => Number.isInteger(lo) && Number.isInteger(hi) && lo >= 0 && hi >= 0)
  )
    throw bad();
  return pairs;
}

/** For each of `total` output positions along an axis of size `n`, the source index (by mode). */
function sourceIndices(
  mode: Exclude<PadMode, 'constant'>,
  before: number,
  total: number,
  n: number,
  backend: string,
): Tensor {
  const constant = (v: number) => lax.full([total], v, 'int32', false, backend);
  const j = lax.sub(lax.iota([total], 'int32', 0, backend), constant(before));
  const mirror = (period: number, last: number) => {
    const i = mod(j, period);
    return lax.select(lax.lt(i, constant(n)), i, lax.sub(constant(last), i));
  };
  switch (mode) {
    case 'edge':
      return lax.min(lax.max(j, constant(0)), constant(n - 1));
    case 'wrap':
      return mod(j, n);
    case 'symmetric':
      return mirror(2 * n, 2 * n - 1);
    case 'reflect':
      return n === 1 ? constant(0) : mirror(2 * (n - 1), 2 * (n - 1));
  }
}

/** `x.take(indices, axis)` with a host-built int32 index table. */
function gatherStatic(x: Tensor, indices: readonly number[], axis: number): Tensor {
  const table = fromHost(Int32Array.from(indices), [indices.length], 'int32', {
    backend: backendFor([x]),
  });
  return lax.gather(x, table, axis);
}

/**
 * Pad `x` by `padWidth` per axis. `constant` mode (default) fills with `constantValues` (0);
 * `edge` repeats the border; `reflect` mirrors without repeating the border; `symmetric` mirrors
 * with it; `wrap` continues periodically.
 *
 * @example
 * np.pad(np.array([1, 2, 3]), 2)                               // [0, 0, 1, 2, 3, 0, 0]
 * np.pad(np.array([1, 2, 3]), [[1, 2]], { mode: 'reflect' })   // [2, 1, 2, 3, 2, 1]
 * np.pad(img, [[0, 0], [1, 1], [1, 1]], { constantValues: -1 })
 */
export function pad(
  x: TensorLike,
  padWidth: PadWidth,
  options: { mode?: PadMode; constantValues?: number } = {},
): Tensor {
  const a = asTensor('pad', x);
  const pairs = padPairs(a, padWidth);
  const mode = options.mode ?? 'constant';
  return freeIntermediates(() => {
    if (mode === 'constant') {
      const value = lax.full([], options.constantValues ?? 0, a.dtype, false, backendFor([a]));
      return lax.pad(
        a,
        value,
        pairs.map((p) => p[0]),
        pairs.map((p) => p[1]),
      );
    }
    if (!['edge', 'reflect', 'symmetric', 'wrap'].includes(mode)) {
      throw new ValueError(
        `pad: unknown mode '${mode}' (expected constant, edge, reflect, symmetric or wrap)`,
      );
    }
    let out = a;
    pairs.forEach(([lo, hi], axis) => {
      if (lo === 0 && hi === 0) return;
      const n = a.shape[axis] as number;
      if (n === 0)
        throw new ShapeError(
          `pad: cannot ${mode}-pad the empty axis ${axis} of ${fmtShape(a.shape)}`,
        );
      out = lax.gather(out, sourceIndices(mode, lo, lo + n + hi, n, backendFor([a])), axis);
    });
    return out;
  });
}

/**
 * Repeat the whole tensor `reps` times along each axis.
 *
 * @example
 * np.tile(np.array([1, 2]), 2)                  // [1, 2, 1, 2]
 * np.tile(np.array([[1, 2]]), [2, 1]).shape     // [2, 2]
 */
export function tile(x: TensorLike, reps: number | readonly number[]): Tensor {
  const a = asTensor('tile', x);
  const list = typeof reps === 'number' ? [reps] : [...reps];
  if (!list.every((r) => Number.isInteger(r) && r >= 0)) {
    throw new ValueError(`tile: reps must be non-negative integers, got ${JSON.stringify(reps)}`);
  }
  const ndim = Math.max(a.ndim, list.length);
  const shape = [...new Array<number>(ndim - a.ndim).fill(1), ...a.shape];
  const counts = [...new Array<number>(ndim - list.length).fill(1), ...list];
  return freeIntermediates(() => {
    const base = lax.reshape(a, shape);
    const interleaved = shape.flatMap((d, i) => [counts[i] as number, d]);
    const spread = lax.broadcastInDim(
      base,
      interleaved,
      shape.map((_, i) => 2 * i + 1),
    );
    return lax.reshape(
      spread,
      shape.map((d, i) => d * (counts[i] as number)),
    );
  });
}

/**
 * Repeat each element `repeats` times along `axis` (the flattened tensor when omitted).
 * `repeats` is one count or one count per element of the axis.
 *
 * @example
 * np.repeat(np.array([1, 2]), 2)                              // [1, 1, 2, 2]
 * np.repeat(np.array([[1, 2], [3, 4]]), [1, 2], { axis: 0 })  // [[1, 2], [3, 4], [3, 4]]
 */
export function repeat(
  x: TensorLike,
  repeats: number | readonly number[],
  options: { axis?: number } = {},
): Tensor {
  let a = asTensor('repeat', x);
  return freeIntermediates(() => {
    if (options.axis === undefined) a = lax.reshape(a, [a.size]);
    const axis = normalizeAxis('repeat', options.axis ?? 0, a.ndim);
    const n = a.shape[axis] as number;
    const counts = typeof repeats === 'number' ? [repeats] : [...repeats];
    if (!counts.every((r) => Number.isInteger(r) && r >= 0)) {
      throw new ValueError(
        `repeat: repeats must be non-negative integers, got ${JSON.stringify(repeats)}`,
      );
    }
    if (counts.length === 1) {
      const r = counts[0] as number;
      const spreadShape = [...a.shape.slice(0, axis + 1), r, ...a.shape.slice(axis + 1)];
      const spread = lax.broadcastInDim(
        a,
        spreadShape,
        a.shape.map((_, i) => (i <= axis ? i : i + 1)),
      );
      return lax.reshape(
        spread,
        a.shape.map((d, i) => (i === axis ? d * r : d)),
      );
    }
    if (counts.length !== n) {
      throw new ShapeError(
        `repeat: ${counts.length} repeat counts for axis ${axis} of size ${n} (shape ${fmtShape(a.shape)})`,
      );
    }
    const indices = counts.flatMap((r, i) => new Array<number>(r).fill(i));
    return gatherStatic(a, indices, axis);
  });
}

/**
 * Shift elements cyclically by `shift` along `axis` (the flattened tensor when omitted).
 *
 * @example
 * np.roll(np.array([1, 2, 3, 4]), 1)                      // [4, 1, 2, 3]
 * np.roll(m, [1, -1], { axis: [0, 1] })
 */
export function roll(
  x: TensorLike,
  shift: number | readonly number[],
  options: { axis?: number | readonly number[] } = {},
): Tensor {
  const a = asTensor('roll', x);
  return freeIntermediates(() => {
    if (options.axis === undefined) {
      if (typeof shift !== 'number')
        throw new ValueError('roll: a list of shifts needs a matching list of axes');
      return lax.reshape(roll(lax.reshape(a, [a.size]), shift, { axis: 0 }), a.shape);
    }
    const axes = (typeof options.axis === 'number' ? [options.axis] : options.axis).map((ax) =>
      normalizeAxis('roll', ax, a.ndim),
    );
    const shifts = typeof shift === 'number' ? axes.map(() => shift) : shift;
    if (shifts.length !== axes.length) {
      throw new ValueError(`roll: ${shifts.length} shifts for ${axes.length} axes`);
    }
    let out = a;
    axes.forEach((axis, k) => {
      const n = out.shape[axis] as number;
      if (n === 0) return;
      const s = (((shifts[k] as number) % n) + n) % n;
      if (s === 0) return;
      const part = (start: number, stop: number) =>
        lax.slice(
          out,
          out.shape.map((_, d) => (d === axis ? start : 0)),
          out.shape.map((m, d) => (d === axis ? stop : m)),
        );
      out = lax.concatenate([part(n - s, n), part(0, n - s)], axis);
    });
    return out;
  });
}
