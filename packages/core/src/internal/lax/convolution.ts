/**
 * User-facing convolution and pooling (`lax.convGeneralDilated`,
 * `lax.conv`, `lax.convTranspose`, `lax.reduceWindow`): padding strings
 * ("SAME"/"VALID"), dimension-number layouts such as NHWC/HWIO, and
 * validation with clear messages, on top of the raw `conv` and
 * `reduceWindow` primitives (which use NC…/OI… layout and explicit pads).
 */
import type { Tensor } from '../core/tensor.js';
import { fmtShape, ShapeError, ValueError } from '../errors.js';
import * as prim from './primitive-ops.js';

/** Padding: a string rule or explicit `[low, high]` per spatial dim. */
export type Padding = 'SAME' | 'SAME_LOWER' | 'VALID' | readonly (readonly [number, number])[];

/** Layouts of lhs, rhs and output, e.g. `['NHWC', 'HWIO', 'NHWC']`. Default NC…/OI…/NC…. */
export type DimensionNumbers = readonly [lhs: string, rhs: string, out: string];

/** Options of `convGeneralDilated`. */
export interface ConvOptions {
  lhsDilation?: readonly number[];
  rhsDilation?: readonly number[];
  dimensionNumbers?: DimensionNumbers;
  featureGroupCount?: number;
  batchGroupCount?: number;
}

/**
 * Explicit pads for a padding rule (JAX's `padtype_to_pads`).
 *
 * @example
 * padtypeToPads([28, 28], [3, 3], [1, 1], 'SAME')  // [[1, 1], [1, 1]]
 */
export function padtypeToPads(
  inShape: readonly number[],
  windowShape: readonly number[],
  strides: readonly number[],
  padding: Padding,
): [number, number][] {
  if (typeof padding !== 'string') return padding.map(([lo, hi]) => [lo, hi]);
  if (padding === 'VALID') return inShape.map(() => [0, 0]);
  if (padding !== 'SAME' && padding !== 'SAME_LOWER') {
    throw new ValueError(
      `padding must be 'SAME', 'SAME_LOWER', 'VALID' or [low, high] pairs, got ${JSON.stringify(padding)}`,
    );
  }
  return inShape.map((n, i) => {
    const s = strides[i] as number;
    const out = Math.ceil(n / s);
    const total = Math.max((out - 1) * s + (windowShape[i] as number) - n, 0);
    const small = Math.floor(total / 2);
    return padding === 'SAME' ? [small, total - small] : [total - small, small];
  });
}

function layoutPerm(
  op: string,
  spec: string,
  first: string,
  second: string,
  rank: number,
): number[] {
  if (spec.length !== rank)
    throw new ValueError(`${op}: layout '${spec}' has ${spec.length} letters for rank ${rank}`);
  const a = spec.indexOf(first);
  const b = spec.indexOf(second);
  if (a < 0 || b < 0)
    throw new ValueError(`${op}: layout '${spec}' must contain '${first}' and '${second}'`);
  const spatial = [...spec].map((_, i) => i).filter((i) => i !== a && i !== b);
  return [a, b, ...spatial];
}

function dilate(n: number, d: number): number {
  return n === 0 ? 0 : (n - 1) * d + 1;
}

/**
 * General dilated convolution (JAX's `lax.conv_general_dilated`).
 *
 * @example
 * // x: [N, C, H, W], w: [O, C, kh, kw]
 * const y = lax.convGeneralDilated(x, w, [1, 1], 'SAME');
 * // channels-last:
 * const z = lax.convGeneralDilated(xNhwc, wHwio, [2, 2], 'VALID', { dimensionNumbers: ['NHWC', 'HWIO', 'NHWC'] });
 */
export function convGeneralDilated(
  lhs: Tensor,
  rhs: Tensor,
  windowStrides: readonly number[],
  padding: Padding,
  options: ConvOptions = {},
): Tensor {
  const op = 'convGeneralDilated';
  const rank = lhs.ndim;
  if (rank < 3 || rhs.ndim !== rank) {
    throw new ShapeError(
      `${op}: lhs ${fmtShape(lhs.shape)} and rhs ${fmtShape(rhs.shape)} must have the same rank ≥ 3`,
    );
  }
  const nsp = rank - 2;
  const [lhsSpec, rhsSpec, outSpec] = options.dimensionNumbers ?? [null, null, null];
  const lhsPerm = lhsSpec ? layoutPerm(op, lhsSpec, 'N', 'C', rank) : [...Array(rank).keys()];
  const rhsPerm = rhsSpec ? layoutPerm(op, rhsSpec, 'O', 'I', rank) : [...Array(rank).keys()];
  const x = prim.transpose(lhs, lhsPerm);
  const w = prim.transpose(rhs, rhsPerm);
  const lhsDilation = options.lhsDilation ?? new Array(nsp).fill(1);
  const rhsDilation = options.rhsDilation ?? new Array(nsp).fill(1);
  for (const [name, v] of [
    ['windowStrides', windowStrides],
    ['lhsDilation', lhsDilation],
    ['rhsDilation', rhsDilation],
  ] as const) {
    if (v.length !== nsp || !v.every((s) => Number.isInteger(s) && s >= 1)) {
      throw new ValueError(
        `${op}: ${name} must be ${nsp} positive integers, got ${JSON.stringify(v)}`,
      );
    }
  }
  const inSpatial = x.shape.slice(2).map((n, i) => dilate(n, lhsDilation[i] as number));
  const window = w.shape.slice(2).map((k, i) => dilate(k, rhsDilation[i] as number));
  const pads = padtypeToPads(inSpatial, window, windowStrides, padding);
  if (pads.length !== nsp)
    throw new ValueError(`${op}: padding needs ${nsp} [low, high] pairs, got ${pads.length}`);
  const y = prim.conv(x, w, {
    windowStrides,
    padding: pads,
    lhsDilation,
    rhsDilation,
    featureGroupCount: options.featureGroupCount ?? 1,
    batchGroupCount: options.batchGroupCount ?? 1,
  });
  if (!outSpec) return y;
  // y is N C spatial…; permute into the requested output layout.
  const outPerm = layoutPerm(op, outSpec, 'N', 'C', rank);
  const inverse = new Array<number>(rank);
  outPerm.forEach((p, i) => {
    inverse[p] = i;
  });
  return prim.transpose(y, inverse);
}

/**
 * Convolution with no dilation or groups, NC…/OI… layout (JAX's `lax.conv`).
 *
 * @example
 * const y = lax.conv(x, w, [1, 1], 'SAME');
 */
export function conv(
  lhs: Tensor,
  rhs: Tensor,
  windowStrides: readonly number[],
  padding: Padding,
): Tensor {
  return convGeneralDilated(lhs, rhs, windowStrides, padding);
}

/**
 * Transposed convolution (gradient of `conv` w.r.t. its input; "deconvolution"), as JAX's
 * `lax.conv_transpose` with `transposeKernel: true` semantics: `rhs` is `[I, O, k…]` like
 * PyTorch's `ConvTranspose` weight. `padding` applies to the *output* like PyTorch's `padding`
 * when given as a number per dim; strings follow JAX.
 *
 * @example
 * // upsample 2×: x [N, Cin, H, W], w [Cin, Cout, 4, 4]
 * const y = lax.convTranspose(x, w, [2, 2], [[1, 1], [1, 1]]);  // like torch conv_transpose2d(stride=2, padding=1)
 */
export function convTranspose(
  lhs: Tensor,
  rhs: Tensor,
  strides: readonly number[],
  padding: Padding,
  options: { rhsDilation?: readonly number[]; outputPadding?: readonly number[] } = {},
): Tensor {
  const nsp = lhs.ndim - 2;
  const rhsDilation = options.rhsDilation ?? new Array(nsp).fill(1);
  const kernel = rhs.shape.slice(2).map((k, i) => dilate(k, rhsDilation[i] as number));
  const outPad = options.outputPadding ?? new Array(nsp).fill(0);
  let pads: [number, number][];
  if (typeof padding === 'string') {
    // JAX's conv_transpose padding rule.
    pads = kernel.map((k, i) => {
      const s = strides[i] as number;
      if (padding === 'VALID') {
        const total = k + s - 2 + Math.max(k - s, 0);
        return [k - 1, total - (k - 1)];
      }
      const total = k + s - 2;
      const lo = s > k - 1 ? k - 1 : Math.ceil(total / 2);
      return [lo, total - lo];
    });
  } else {
    // PyTorch-style output cropping p: pad the dilated input by k-1-p on each side.
    pads = padding.map(([lo, hi], i) => [
      (kernel[i] as number) - 1 - lo,
      (kernel[i] as number) - 1 - hi + (outPad[i] as number),
    ]);
  }
  // Flip spatial dims and swap I/O: a [I, O, k…] weight becomes an [O, I, k…] forward kernel.
  const spatial = Array.from({ length: nsp }, (_, i) => i + 2);
  const w = prim.rev(prim.transpose(rhs, [1, 0, ...spatial]), spatial);
  return convGeneralDilated(lhs, w, new Array(nsp).fill(1), pads, {
    lhsDilation: strides,
    rhsDilation,
  });
}

/** Options of `reduceWindow`. */
export interface WindowOptions {
  baseDilation?: readonly number[];
  windowDilation?: readonly number[];
}

/**
 * Sliding-window reduction over every dim (pooling), as JAX's `lax.reduce_window` with a
 * built-in reducer. Padding uses the reducer's identity (−∞ for max, 0 for sum).
 *
 * @example
 * // 2×2 max pooling with stride 2 of an [N, C, H, W] tensor
 * const y = lax.reduceWindow(x, 'max', [1, 1, 2, 2], [1, 1, 2, 2], 'VALID');
 */
export function reduceWindow(
  x: Tensor,
  op: 'sum' | 'max' | 'min',
  windowDimensions: readonly number[],
  windowStrides: readonly number[],
  padding: Padding,
  options: WindowOptions = {},
): Tensor {
  const rank = x.ndim;
  if (windowDimensions.length !== rank || windowStrides.length !== rank) {
    throw new ShapeError(
      `reduceWindow: windowDimensions ${fmtShape(windowDimensions)} and windowStrides ${fmtShape(windowStrides)} must have one entry per dim of ${fmtShape(x.shape)}`,
    );
  }
  const baseDilation = options.baseDilation ?? new Array(rank).fill(1);
  const windowDilation = options.windowDilation ?? new Array(rank).fill(1);
  const inShape = x.shape.map((n, i) => dilate(n, baseDilation[i] as number));
  const window = windowDimensions.map((k, i) => dilate(k, windowDilation[i] as number));
  const pads = padtypeToPads(inShape, window, windowStrides, padding);
  return prim.reduceWindow(op, x, {
    windowDimensions,
    windowStrides,
    padding: pads,
    baseDilation,
    windowDilation,
  });
}
