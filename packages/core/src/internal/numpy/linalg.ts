/**
 * Products of tensors: `matmul` (NumPy semantics: 1-D operands are
 * vectors, leading batch dims broadcast), `dot`, `vdot`, `inner`, `outer`,
 * `tensordot`, plus `diagonal` and `trace`. Everything lowers to the
 * `dotGeneral` primitive with explicit batch and contracting dims.
 */
import type { DotDims } from '../backend.js';
import { Tensor, type TensorLike } from '../core/tensor.js';
import { fmtShape, ShapeError, ValueError } from '../errors.js';
import * as lax from '../lax/primitive-ops.js';
import { normalizeAxis, range, shapesEqual } from '../shape.js';
import { multiply } from './arithmetic.js';
import { freeIntermediates } from './intermediates.js';
import { backendFor, broadcastToShape, constantLike, promoteDTypes } from './promotion.js';

/**
 * `dotGeneral` on promoted operands; bools are multiplied as int32 and turned back into bools.
 *
 * @example
 * contract(a, b, { contracting: [[1], [0]], batch: [[], []] })  // a @ b
 */
export function contract(a: Tensor, b: Tensor, dims: DotDims): Tensor {
  if (a.dtype !== 'bool') return lax.dotGeneral(a, b, dims);
  const product = lax.dotGeneral(
    lax.convertElementType(a, 'int32', false),
    lax.convertElementType(b, 'int32', false),
    dims,
  );
  return lax.ne(product, constantLike(product, 0));
}

function tensorOperands(op: string, x: TensorLike, y: TensorLike): [Tensor, Tensor] {
  for (const v of [x, y]) {
    if (!(v instanceof Tensor))
      throw new ValueError(`${op}: operands must be tensors, got ${typeof v}`);
  }
  return promoteDTypes(op, x, y) as [Tensor, Tensor];
}

/**
 * Matrix product with NumPy semantics: a 1-D left operand is a row vector and a 1-D right operand
 * a column vector (that axis is dropped from the result); leading batch dims broadcast.
 *
 * @example
 * np.matmul(np.ones([2, 3]), np.ones([3, 4])).shape        // [2, 4]
 * np.matmul(np.ones([5, 2, 3]), np.ones([3])).shape        // [5, 2]
 * np.matmul(np.ones([2, 1, 3, 4]), np.ones([5, 4, 2])).shape // [2, 5, 3, 2]
 */
export function matmul(x: Tensor, y: Tensor): Tensor {
  return freeIntermediates(() => {
    const [a0, b0] = tensorOperands('matmul', x, y);
    if (a0.ndim === 0 || b0.ndim === 0) {
      throw new ShapeError(
        `matmul: operands must be at least 1-D, got ${fmtShape(a0.shape)} @ ${fmtShape(b0.shape)}`,
      );
    }
    const a = a0.ndim === 1 ? lax.reshape(a0, [1, a0.shape[0] as number]) : a0;
    const b = b0.ndim === 1 ? lax.reshape(b0, [b0.shape[0] as number, 1]) : b0;
    if (a.shape[a.ndim - 1] !== b.shape[b.ndim - 2]) {
      throw new ShapeError(
        `matmul: contracting dims differ: ${fmtShape(a0.shape)} @ ${fmtShape(b0.shape)}`,
      );
    }
    const batchA = a.shape.slice(0, -2);
    const batchB = b.shape.slice(0, -2);
    let out: Tensor;
    if (batchB.length === 0) {
      out = contract(a, b, { contracting: [[a.ndim - 1], [0]], batch: [[], []] });
    } else if (batchA.length === 0) {
      // [m, k] · [...batch, k, n] → [m, ...batch, n] → [...batch, m, n]
      const product = contract(a, b, { contracting: [[1], [b.ndim - 2]], batch: [[], []] });
      const nb = batchB.length;
      out = lax.transpose(product, [...range(nb + 1, 1), 0, nb + 1]);
    } else {
      const nb = Math.max(batchA.length, batchB.length);
      const batch = new Array<number>(nb);
      for (let i = 0; i < nb; i++) {
        const da = batchA[batchA.length - nb + i] ?? 1;
        const db = batchB[batchB.length - nb + i] ?? 1;
        if (da !== db && da !== 1 && db !== 1) {
          throw new ShapeError(
            `matmul: batch dims cannot be broadcast together: ${fmtShape(a0.shape)} @ ${fmtShape(b0.shape)}`,
          );
        }
        batch[i] = da === 1 ? db : da;
      }
      const m = a.shape[a.ndim - 2] as number;
      const k = a.shape[a.ndim - 1] as number;
      const n = b.shape[b.ndim - 1] as number;
      const ab = broadcastToShape(a, [...batch, m, k]);
      const bb = broadcastToShape(b, [...batch, k, n]);
      out = contract(ab, bb, { contracting: [[nb + 1], [nb]], batch: [range(nb), range(nb)] });
    }
    if (a0.ndim === 1)
      out = lax.reshape(out, [...out.shape.slice(0, -2), out.shape[out.ndim - 1] as number]);
    if (b0.ndim === 1) out = lax.reshape(out, out.shape.slice(0, -1));
    return out;
  });
}

/**
 * NumPy `dot`: scalars multiply; otherwise contract the last axis of `x` with the only axis of a
 * 1-D `y`, or with the second-to-last axis of `y`.
 *
 * @example
 * np.dot(np.array([1, 2, 3]), np.array([4, 5, 6]))  // 32
 * np.dot(np.ones([2, 3]), np.ones([4, 3, 5])).shape  // [2, 4, 5]
 */
export function dot(x: TensorLike, y: TensorLike): Tensor {
  return freeIntermediates(() => {
    if (!(x instanceof Tensor) || !(y instanceof Tensor) || x.ndim === 0 || y.ndim === 0)
      return multiply(x, y);
    const [a, b] = tensorOperands('dot', x, y);
    const bAxis = b.ndim === 1 ? 0 : b.ndim - 2;
    if (a.shape[a.ndim - 1] !== b.shape[bAxis]) {
      throw new ShapeError(
        `dot: contracting dims differ: ${fmtShape(a.shape)} · ${fmtShape(b.shape)}`,
      );
    }
    return contract(a, b, { contracting: [[a.ndim - 1], [bAxis]], batch: [[], []] });
  });
}

/**
 * Dot product of the flattened operands.
 *
 * @example
 * np.vdot(np.array([[1, 2], [3, 4]]), np.array([[1, 1], [1, 1]]))  // 10
 */
export function vdot(x: Tensor, y: Tensor): Tensor {
  return freeIntermediates(() => {
    const [a, b] = tensorOperands('vdot', x, y);
    if (a.size !== b.size)
      throw new ShapeError(`vdot: sizes differ: ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
    return contract(lax.reshape(a, [a.size]), lax.reshape(b, [b.size]), {
      contracting: [[0], [0]],
      batch: [[], []],
    });
  });
}

/**
 * Sum product over the last axes of both operands.
 *
 * @example
 * np.inner(np.ones([2, 3]), np.ones([4, 3])).shape  // [2, 4]
 */
export function inner(x: TensorLike, y: TensorLike): Tensor {
  return freeIntermediates(() => {
    if (!(x instanceof Tensor) || !(y instanceof Tensor) || x.ndim === 0 || y.ndim === 0)
      return multiply(x, y);
    const [a, b] = tensorOperands('inner', x, y);
    if (a.shape[a.ndim - 1] !== b.shape[b.ndim - 1]) {
      throw new ShapeError(
        `inner: last dims differ: ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`,
      );
    }
    return contract(a, b, { contracting: [[a.ndim - 1], [b.ndim - 1]], batch: [[], []] });
  });
}

/**
 * Outer product of the flattened operands: `out[i, j] = x[i] * y[j]`.
 *
 * @example
 * np.outer(np.array([1, 2]), np.array([1, 10, 100]))  // [[1, 10, 100], [2, 20, 200]]
 */
export function outer(x: TensorLike, y: TensorLike): Tensor {
  return freeIntermediates(() => {
    const [a, b] = promoteDTypes('outer', x, y) as [Tensor, Tensor];
    return multiply(lax.reshape(a, [a.size, 1]), lax.reshape(b, [1, b.size]));
  });
}

/**
 * Contract `axes` of `x` with `axes` of `y`: a count `N` means the last `N` axes of `x` with
 * the first `N` of `y`; a pair of lists names them. Result: free axes of `x`, then of `y`.
 *
 * @example
 * np.tensordot(np.ones([2, 3, 4]), np.ones([3, 4, 5])).shape              // [2, 5]
 * np.tensordot(np.ones([3, 2]), np.ones([3, 4]), [[0], [0]]).shape        // [2, 4]
 */
export function tensordot(
  x: Tensor,
  y: Tensor,
  axes: number | readonly [number | readonly number[], number | readonly number[]] = 2,
): Tensor {
  return freeIntermediates(() => {
    const [a, b] = tensorOperands('tensordot', x, y);
    let axesA: number[];
    let axesB: number[];
    if (typeof axes === 'number') {
      if (!Number.isInteger(axes) || axes < 0 || axes > a.ndim || axes > b.ndim) {
        throw new ValueError(
          `tensordot: cannot contract ${axes} axes of ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`,
        );
      }
      axesA = range(a.ndim, a.ndim - axes);
      axesB = range(axes);
    } else {
      const list = (v: number | readonly number[]) => (typeof v === 'number' ? [v] : [...v]);
      axesA = list(axes[0]).map((ax) => normalizeAxis('tensordot', ax, a.ndim));
      axesB = list(axes[1]).map((ax) => normalizeAxis('tensordot', ax, b.ndim));
      if (axesA.length !== axesB.length) {
        throw new ValueError(`tensordot: ${axesA.length} axes of x but ${axesB.length} axes of y`);
      }
    }
    const da = axesA.map((ax) => a.shape[ax]);
    const db = axesB.map((ax) => b.shape[ax]);
    if (!shapesEqual(da as number[], db as number[])) {
      throw new ShapeError(
        `tensordot: contracting dims differ: ${fmtShape(a.shape)} axes [${axesA}] vs ${fmtShape(b.shape)} axes [${axesB}]`,
      );
    }
    return contract(a, b, { contracting: [axesA, axesB], batch: [[], []] });
  });
}

/** Options of `diagonal`/`trace`. */
export interface DiagonalOptions {
  /** Diagonal offset: > 0 above the main diagonal, < 0 below. */
  offset?: number;
  /** First axis of the 2-D sub-arrays (default 0). */
  axis1?: number;
  /** Second axis of the 2-D sub-arrays (default 1). */
  axis2?: number;
}

/**
 * The diagonal of the 2-D sub-arrays over `axis1`/`axis2`; those axes are removed and the
 * diagonal becomes the last axis.
 *
 * @example
 * np.diagonal(np.array([[1, 2], [3, 4]]))  // [1, 4]
 */
export function diagonal(x: Tensor, options: DiagonalOptions = {}): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(`diagonal: expected a tensor, got ${typeof x}`);
  if (x.ndim < 2)
    throw new ShapeError(`diagonal: needs a tensor of rank >= 2, got ${x.aval.toString()}`);
  const axis1 = normalizeAxis('diagonal', options.axis1 ?? 0, x.ndim);
  const axis2 = normalizeAxis('diagonal', options.axis2 ?? 1, x.ndim);
  if (axis1 === axis2)
    throw new ValueError(`diagonal: axis1 and axis2 must differ, got ${axis1} twice`);
  const offset = options.offset ?? 0;
  if (!Number.isInteger(offset))
    throw new ValueError(`diagonal: offset must be an integer, got ${offset}`);
  return freeIntermediates(() => {
    const rest = range(x.ndim).filter((i) => i !== axis1 && i !== axis2);
    const moved = lax.transpose(x, [...rest, axis1, axis2]);
    const n = x.shape[axis1] as number;
    const m = x.shape[axis2] as number;
    const length = Math.max(0, offset >= 0 ? Math.min(n, m - offset) : Math.min(n + offset, m));
    const flat = lax.reshape(moved, [...rest.map((i) => x.shape[i] as number), n * m]);
    // Element i of the diagonal sits at flat position i·(m + 1) + start.
    const index = lax.iota([length], 'int32', 0, backendFor([x]));
    const start = offset >= 0 ? offset : -offset * m;
    const positions = lax.add(
      lax.mul(index, constantLike(index, m + 1)),
      constantLike(index, start),
    );
    return lax.gather(flat, positions, rest.length);
  });
}

/**
 * Sum along a diagonal (see `diagonal` for the options).
 *
 * @example
 * np.trace(np.array([[1, 2], [3, 4]]))  // 5
 */
export function trace(x: Tensor, options: DiagonalOptions = {}): Tensor {
  return freeIntermediates(() => {
    const d = diagonal(x, options);
    const summed = d.dtype === 'bool' ? lax.convertElementType(d, 'int32', false) : d;
    return lax.reduce('sum', summed, [summed.ndim - 1]);
  });
}
