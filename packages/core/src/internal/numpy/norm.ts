/**
 * `np.linalg.norm`: vector p-norms along one axis and the matrix norms that
 * need no decomposition (Frobenius, 1, ∞) over a pair of axes. Norms that
 * need an SVD (2, nuclear) are reported as unsupported.
 */
import { Tensor } from '../core/tensor.js';
import { ValueError } from '../errors.js';
import * as lax from '../lax/primitive-ops.js';
import { normalizeAxis, range } from '../shape.js';
import { freeIntermediates } from './intermediates.js';
import { constantLike, toFloat } from './promotion.js';

/** Options of `norm`. */
export interface NormOptions {
  /** Order: a number, `Infinity`/`-Infinity`, or `'fro'` for matrices (default: 2-norm / Frobenius). */
  ord?: number | 'fro' | 'nuc';
  /** One axis (vector norm) or two (matrix norm); all axes flattened when omitted. */
  axis?: number | readonly [number, number];
  keepdims?: boolean;
}

function sumOver(x: Tensor, axes: readonly number[]): Tensor {
  return lax.reduce('sum', x, axes);
}

function vectorNorm(a: Tensor, axis: number, ord: number): Tensor {
  const magnitude = lax.abs(a);
  if (ord === Number.POSITIVE_INFINITY) return lax.reduce('max', magnitude, [axis]);
  if (ord === Number.NEGATIVE_INFINITY) return lax.reduce('min', magnitude, [axis]);
  if (ord === 0)
    return sumOver(lax.convertElementType(lax.ne(a, constantLike(a, 0)), a.dtype, false), [axis]);
  if (ord === 1) return sumOver(magnitude, [axis]);
  if (ord === 2) return lax.sqrt(sumOver(lax.mul(a, a), [axis]));
  const powered = sumOver(lax.pow(magnitude, constantLike(a, ord)), [axis]);
  return lax.pow(powered, constantLike(powered, 1 / ord));
}

function matrixNorm(
  a: Tensor,
  [rows, cols]: readonly [number, number],
  ord: number | 'fro' | 'nuc',
): Tensor {
  if (ord === 'fro') return lax.sqrt(sumOver(lax.mul(a, a), [rows, cols].sort()));
  const magnitude = lax.abs(a);
  const pick = (summed: number, over: number, op: 'max' | 'min') => {
    const sums = sumOver(magnitude, [summed]);
    return lax.reduce(op, sums, [over > summed ? over - 1 : over]);
  };
  if (ord === 1) return pick(rows, cols, 'max');
  if (ord === -1) return pick(rows, cols, 'min');
  if (ord === Number.POSITIVE_INFINITY) return pick(cols, rows, 'max');
  if (ord === Number.NEGATIVE_INFINITY) return pick(cols, rows, 'min');
  throw new ValueError(
    `norm: matrix norm ord=${String(ord)} needs an SVD and is not supported (use 'fro', 1, -1, Infinity or -Infinity)`,
  );
}

/**
 * Vector or matrix norm.
 *
 * @example
 * np.linalg.norm(np.array([3, 4]))                              // 5
 * np.linalg.norm(x, { axis: -1, keepdims: true })               // row norms
 * np.linalg.norm(np.array([[1, -2], [3, 4]]), { ord: Infinity, axis: [0, 1] })  // 7
 */
export function norm(x: Tensor, options: NormOptions = {}): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(`norm: expected a tensor, got ${typeof x}`);
  return freeIntermediates(() => {
    const a = toFloat(x);
    const { ord, keepdims = false } = options;
    let axes: number[];
    if (options.axis === undefined) {
      if (ord === undefined) {
        const flat = lax.sqrt(sumOver(lax.mul(a, a), range(a.ndim)));
        return keepdims
          ? lax.reshape(
              flat,
              a.shape.map(() => 1),
            )
          : flat;
      }
      if (a.ndim !== 1 && a.ndim !== 2)
        throw new ValueError(
          `norm: ord=${String(ord)} without axis needs a 1-D or 2-D tensor, got ${a.aval}`,
        );
      axes = range(a.ndim);
    } else {
      axes = (typeof options.axis === 'number' ? [options.axis] : [...options.axis]).map((ax) =>
        normalizeAxis('norm', ax, a.ndim),
      );
    }
    let out: Tensor;
    if (axes.length === 1) {
      if (typeof ord === 'string')
        throw new ValueError(`norm: ord='${ord}' is a matrix norm; give two axes`);
      out = vectorNorm(a, axes[0] as number, ord ?? 2);
    } else if (axes.length === 2 && axes[0] !== axes[1]) {
      out = matrixNorm(a, axes as [number, number], ord ?? 'fro');
    } else {
      throw new ValueError(
        `norm: axis must be one axis or two different axes, got ${JSON.stringify(options.axis)}`,
      );
    }
    return keepdims
      ? lax.reshape(
          out,
          a.shape.map((d, i) => (axes.includes(i) ? 1 : d)),
        )
      : out;
  });
}
