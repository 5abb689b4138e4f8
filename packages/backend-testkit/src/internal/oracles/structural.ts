/**
 * Reference data movement, for checking the core's view-changing and indexing primitives:
 * transpose, broadcastInDim, slice, pad, rev, concatenate, dynamicSlice and
 * dynamicUpdateSlice — each as "for every output index, which input element (or padding)".
 */
import { type HostTensor, sizeOf } from '../host-data.js';
import { forEachIndex, ravel } from './ndarray.js';
import type { Reference } from './reference.js';

/** Build a reference by asking, for each output index, for its value. */
function generate(shape: readonly number[], valueAt: (index: number[]) => number): Reference {
  const values: number[] = [];
  forEachIndex(shape, (index) => values.push(valueAt(index)));
  return { shape, values };
}

const at = (x: HostTensor, index: readonly number[]): number =>
  x.values[ravel(index, x.shape)] as number;

/**
 * `out[i_0, …] = x[i_perm⁻¹…]`: output dim `d` is input dim `perm[d]`.
 *
 * @example
 * transposeReference(x23, [1, 0]).shape // [3, 2]
 */
export function transposeReference(x: HostTensor, perm: readonly number[]): Reference {
  return generate(
    perm.map((p) => x.shape[p] as number),
    (index) => {
      const source = new Array<number>(perm.length);
      perm.forEach((p, d) => {
        source[p] = index[d] as number;
      });
      return at(x, source);
    },
  );
}

/**
 * Broadcast `x` into `shape`, operand dim `k` landing on output dim `dims[k]` (size 1 repeats).
 *
 * @example
 * broadcastInDimReference(row3, [2, 3], [1]).values // the row twice
 */
export function broadcastInDimReference(
  x: HostTensor,
  shape: readonly number[],
  dims: readonly number[],
): Reference {
  return generate(shape, (index) =>
    at(
      x,
      dims.map((d, k) => (x.shape[k] === 1 ? 0 : (index[d] as number))),
    ),
  );
}

/**
 * Static slice `[start, limit)` with `strides`.
 *
 * @example
 * sliceReference(x, [1], [5], [2]) // elements 1 and 3
 */
export function sliceReference(
  x: HostTensor,
  start: readonly number[],
  limit: readonly number[],
  strides: readonly number[],
): Reference {
  const shape = start.map((s, d) =>
    Math.max(0, Math.ceil(((limit[d] as number) - s) / (strides[d] as number))),
  );
  return generate(shape, (index) =>
    at(
      x,
      index.map((i, d) => (start[d] as number) + i * (strides[d] as number)),
    ),
  );
}

/**
 * Pad with `value`: `low`/`high` elements at the ends (negative crops) and `interior` between.
 *
 * @example
 * padReference(hostTensor('float32', [2], [1, 2]), 0, [1], [0], [1]).values // [0, 1, 0, 2]
 */
export function padReference(
  x: HostTensor,
  value: number,
  low: readonly number[],
  high: readonly number[],
  interior: readonly number[],
): Reference {
  const shape = x.shape.map((n, d) => {
    const dilated = n === 0 ? 0 : n + (n - 1) * (interior[d] as number);
    return Math.max(0, (low[d] as number) + dilated + (high[d] as number));
  });
  return generate(shape, (index) => {
    const source: number[] = [];
    for (const [d, i] of index.entries()) {
      const p = i - (low[d] as number);
      const step = (interior[d] as number) + 1;
      if (p < 0 || p % step !== 0 || p / step >= (x.shape[d] as number)) return value;
      source.push(p / step);
    }
    return at(x, source);
  });
}

/**
 * Reverse along `axes`.
 *
 * @example
 * revReference(hostTensor('int32', [3], [1, 2, 3]), [0]).values // [3, 2, 1]
 */
export function revReference(x: HostTensor, axes: readonly number[]): Reference {
  return generate(x.shape, (index) =>
    at(
      x,
      index.map((i, d) => (axes.includes(d) ? (x.shape[d] as number) - 1 - i : i)),
    ),
  );
}

/**
 * Join along `axis`.
 *
 * @example
 * concatenateReference([a2, b3], 0).shape // [5]
 */
export function concatenateReference(xs: readonly HostTensor[], axis: number): Reference {
  const first = xs[0] as HostTensor;
  const shape = first.shape.map((n, d) =>
    d === axis ? xs.reduce((sum, x) => sum + (x.shape[d] as number), 0) : n,
  );
  return generate(shape, (index) => {
    let i = index[axis] as number;
    for (const x of xs) {
      const n = x.shape[axis] as number;
      if (i < n)
        return at(
          x,
          index.map((j, d) => (d === axis ? i : j)),
        );
      i -= n;
    }
    throw new Error('testkit: concatenate index out of range');
  });
}

/** Start indices clamped so a window of `sizes` fits in `shape` (as XLA). */
function clampStarts(
  shape: readonly number[],
  sizes: readonly number[],
  starts: readonly number[],
): number[] {
  return starts.map((s, d) =>
    Math.min(Math.max(s, 0), (shape[d] as number) - (sizes[d] as number)),
  );
}

/**
 * Slice of `sizes` at `starts`, clamped so it fits.
 *
 * @example
 * dynamicSliceReference(hostTensor('int32', [4], [1, 2, 3, 4]), [3], [2]).values // [3, 4]
 */
export function dynamicSliceReference(
  x: HostTensor,
  starts: readonly number[],
  sizes: readonly number[],
): Reference {
  const clamped = clampStarts(x.shape, sizes, starts);
  return generate(sizes, (index) =>
    at(
      x,
      index.map((i, d) => i + (clamped[d] as number)),
    ),
  );
}

/**
 * `x` with `update` written at `starts`, clamped so it fits.
 *
 * @example
 * dynamicUpdateSliceReference(zeros4, hostTensor('float32', [2], [7, 8]), [5]).values // [0, 0, 7, 8]
 */
export function dynamicUpdateSliceReference(
  x: HostTensor,
  update: HostTensor,
  starts: readonly number[],
): Reference {
  const clamped = clampStarts(x.shape, update.shape, starts);
  return generate(x.shape, (index) => {
    const inside = index.map((i, d) => i - (clamped[d] as number));
    const within = inside.every((i, d) => i >= 0 && i < (update.shape[d] as number));
    return within && sizeOf(update.shape) > 0 ? at(update, inside) : at(x, index);
  });
}
