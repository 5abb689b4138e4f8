/**
 * `dotGeneral`: the one contraction primitive (`lax.dot_general`) that
 * matmul, `np.dot`, `einsum`-style products and dense layers lower to. The
 * output holds the batch dims, then the lhs free dims, then the rhs free dims.
 * It is bilinear, so its JVP is two products and each operand's transpose is
 * another `dotGeneral` followed by an axis permutation (as JAX's
 * `_dot_general_transpose_lhs/rhs`).
 */
import { ShapedArray } from '../aval.js';
import type { DotDims } from '../backend.js';
import type { DeviceArray } from '../core/device-array.js';
import type { Tensor } from '../core/tensor.js';
import { DTypeError, fmtShape, ShapeError, ValueError } from '../errors.js';
import * as lax from '../lax/primitive-ops.js';
import { range } from '../shape.js';
import { addTangents, allocOut, backendOf, moveAxis } from './helpers.js';
import type { PrimitiveRules, RuleSet } from './rules.js';
import { UndefinedPrimal } from './spec.js';

/** The dims of an operand of rank `ndim` that are neither contracted nor batch dims, in order. */
function freeDims(
  ndim: number,
  contracting: readonly number[],
  batch: readonly number[],
): number[] {
  return range(ndim).filter((d) => !contracting.includes(d) && !batch.includes(d));
}

function checkDims(
  side: string,
  dims: readonly number[],
  ndim: number,
  lhs: ShapedArray,
  rhs: ShapedArray,
): void {
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0 || d >= ndim) {
      throw new ValueError(
        `dotGeneral: ${side} dim ${d} is out of range for ${fmtShape(side.startsWith('lhs') ? lhs.shape : rhs.shape)} ` +
          `(${fmtShape(lhs.shape)} @ ${fmtShape(rhs.shape)})`,
      );
    }
  }
}

function dotAval([l, r]: ShapedArray[], { dims }: { dims: DotDims }): ShapedArray[] {
  const lhs = l as ShapedArray;
  const rhs = r as ShapedArray;
  const [lc, rc] = dims.contracting;
  const [lb, rb] = dims.batch;
  const shapes = `${fmtShape(lhs.shape)} @ ${fmtShape(rhs.shape)}`;
  if (lc.length !== rc.length) {
    throw new ValueError(
      `dotGeneral: ${lc.length} lhs and ${rc.length} rhs contracting dims: ${shapes}`,
    );
  }
  if (lb.length !== rb.length) {
    throw new ValueError(`dotGeneral: ${lb.length} lhs and ${rb.length} rhs batch dims: ${shapes}`);
  }
  checkDims('lhs contracting', lc, lhs.ndim, lhs, rhs);
  checkDims('lhs batch', lb, lhs.ndim, lhs, rhs);
  checkDims('rhs contracting', rc, rhs.ndim, lhs, rhs);
  checkDims('rhs batch', rb, rhs.ndim, lhs, rhs);
  if (
    new Set([...lc, ...lb]).size !== lc.length + lb.length ||
    new Set([...rc, ...rb]).size !== rc.length + rb.length
  ) {
    throw new ValueError(
      `dotGeneral: repeated dim in contracting ${JSON.stringify(dims.contracting)} / batch ${JSON.stringify(dims.batch)}: ${shapes}`,
    );
  }
  if (lc.some((d, i) => lhs.shape[d] !== rhs.shape[rc[i] as number])) {
    throw new ShapeError(`dotGeneral: contracting dims differ: ${shapes}`);
  }
  if (lb.some((d, i) => lhs.shape[d] !== rhs.shape[rb[i] as number])) {
    throw new ShapeError(`dotGeneral: batch dims differ: ${shapes}`);
  }
  if (lhs.dtype !== rhs.dtype)
    throw new DTypeError(`dotGeneral: operand dtypes differ: ${lhs} @ ${rhs}`);
  if (lhs.dtype === 'bool')
    throw new DTypeError(`dotGeneral: not defined for bool operands: ${lhs} @ ${rhs}`);
  const shape = [
    ...lb.map((d) => lhs.shape[d] as number),
    ...freeDims(lhs.ndim, lc, lb).map((d) => lhs.shape[d] as number),
    ...freeDims(rhs.ndim, rc, rb).map((d) => rhs.shape[d] as number),
  ];
  return [new ShapedArray(shape, lhs.dtype, lhs.weakType && rhs.weakType)];
}

/** `[start, start + n)` for each length in turn: the output positions of consecutive groups of dims. */
function consecutiveRanges(...lengths: number[]): number[][] {
  let start = 0;
  return lengths.map((n) => {
    const r = range(start + n, start);
    start += n;
    return r;
  });
}

/**
 * Cotangent of the lhs `x` of `dotGeneral(x, y, dims)` given the output cotangent `ct`
 * (`swapped`: `x` is really the rhs, so its free dims come last in `ct`).
 */
function transposeLhs(
  ct: Tensor,
  xAval: ShapedArray,
  y: Tensor,
  dims: DotDims,
  swapped: boolean,
): Tensor {
  const [xc, yc] = dims.contracting;
  const [xb, yb] = dims.batch;
  const xKept = freeDims(xAval.ndim, xc, xb);
  const yKept = freeDims(y.ndim, yc, yb);
  const ranges = swapped
    ? consecutiveRanges(xb.length, yKept.length, xKept.length)
    : consecutiveRanges(xb.length, xKept.length, yKept.length);
  const ctBatch = ranges[0] as number[];
  const ctY = ranges[swapped ? 1 : 2] as number[];
  const product = lax.dotGeneral(ct, y, { contracting: [ctY, yKept], batch: [ctBatch, yb] });
  // The product's dims are x's batch dims, x's free dims, then x's contracting dims in y's order.
  const xContractByY = argsort(yc).map((i) => xc[i] as number);
  return lax.transpose(product, argsort([...xb, ...xKept, ...xContractByY]));
}

/** Indices that sort `xs` ascending. */
function argsort(xs: readonly number[]): number[] {
  return range(xs.length).sort((a, b) => (xs[a] as number) - (xs[b] as number));
}

/** Shift dims by one (a new axis 0 was inserted). */
const shift = (dims: readonly number[]) => dims.map((d) => d + 1);

const dotGeneralRules: PrimitiveRules<'dotGeneral'> = {
  abstractEval: dotAval,
  impl: ([a, b], params) => {
    const lhs = a as DeviceArray;
    const rhs = b as DeviceArray;
    const backend = backendOf('dotGeneral', [lhs, rhs]);
    const [aval] = dotAval([lhs.aval, rhs.aval], params);
    const out = allocOut(backend, aval as ShapedArray);
    backend.dotGeneral(lhs.view, rhs.view, params.dims, out.output);
    return [out];
  },
  jvp: ([x, y], [tx, ty], { dims }) => {
    const out = lax.dotGeneral(x as Tensor, y as Tensor, dims);
    const t = addTangents(
      tx ? lax.dotGeneral(tx, y as Tensor, dims) : null,
      ty ? lax.dotGeneral(x as Tensor, ty, dims) : null,
    );
    return [[out], [t]];
  },
  vmap: ([x, y], [dx, dy], { dims }) => {
    const lhs = x as Tensor;
    const rhs = y as Tensor;
    const [lc, rc] = dims.contracting;
    const [lb, rb] = dims.batch;
    const lx = dx ?? null;
    const ly = dy ?? null;
    if (lx !== null && ly !== null) {
      // Both batched: the vmapped axis becomes a leading batch dimension of the product.
      const newDims: DotDims = {
        contracting: [shift(lc), shift(rc)],
        batch: [
          [0, ...shift(lb)],
          [0, ...shift(rb)],
        ],
      };
      return [[lax.dotGeneral(moveAxis(lhs, lx, 0), moveAxis(rhs, ly, 0), newDims)], [0]];
    }
    if (lx !== null) {
      // Only lhs batched: the axis is lhs's first free dim, right after the batch dims.
      const newDims: DotDims = { contracting: [shift(lc), rc], batch: [shift(lb), rb] };
      return [[lax.dotGeneral(moveAxis(lhs, lx, 0), rhs, newDims)], [lb.length]];
    }
    // Only rhs batched: the axis is rhs's first free dim, after the batch and lhs free dims.
    const newDims: DotDims = { contracting: [lc, shift(rc)], batch: [lb, shift(rb)] };
    const lhsFree = lhs.ndim - lc.length - lb.length;
    return [[lax.dotGeneral(lhs, moveAxis(rhs, ly as number, 0), newDims)], [lb.length + lhsFree]];
  },
  transpose: ([ct], [x, y], { dims }) => {
    if (!ct) return [null, null];
    const swappedDims: DotDims = {
      contracting: [dims.contracting[1], dims.contracting[0]],
      batch: [dims.batch[1], dims.batch[0]],
    };
    return [
      x instanceof UndefinedPrimal ? transposeLhs(ct, x.aval, y as Tensor, dims, false) : null,
      y instanceof UndefinedPrimal
        ? transposeLhs(ct, y.aval, x as Tensor, swappedDims, true)
        : null,
    ];
  },
};

/**
 * The contraction family's rules.
 *
 * @example
 * import { dotRules } from './dot.js';
 * dotRules.dotGeneral.abstractEval([lhsAval, rhsAval], { dims: { contracting: [[1], [0]], batch: [[], []] } });
 */
export const dotRules: RuleSet<'dotGeneral'> = { dotGeneral: dotGeneralRules };
