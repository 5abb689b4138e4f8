/**
 * `conv`: XLA's ConvGeneralDilated in NC[spatial…] / OI[spatial…] layout,
 * with strides, low/high padding (negative crops), input (lhs) and kernel
 * (rhs) dilation, and feature or batch groups. It is what conv layers,
 * transposed convolutions and their gradients lower to.
 *
 * Backends may implement `conv`; otherwise the impl pads and dilates the
 * input, copies its windows into an im2col matrix and contracts it with the
 * kernel in one `dotGeneral` (groups become a batch dimension). Being
 * bilinear, each operand's transpose is another convolution, built as JAX's
 * `_conv_general_dilated_transpose_lhs/rhs`; batching folds the vmapped axis
 * into the batch, the output features or the groups.
 */
import { ShapedArray } from '../aval.js';
import type { ConvParams, DotDims, StridedView } from '../backend.js';
import { DeviceArray } from '../core/device-array.js';
import type { Tensor } from '../core/tensor.js';
import { DTypeError, fmtShape, ShapeError, ValueError } from '../errors.js';
import * as lax from '../lax/primitive-ops.js';
import { contiguousStrides, range, sizeOf } from '../shape.js';
import { addTangents, allocOut, backendNameOf, backendOf, moveAxis } from './helpers.js';
import {
  dilateDim,
  kernelTransposePadding,
  padDilate,
  transposePadding,
  windowCount,
} from './patches.js';
import type { PrimitiveRules, RuleSet } from './rules.js';
import { UndefinedPrimal } from './spec.js';

// ---------------------------------------------------------------- shape rule

const isCount = (n: number) => Number.isInteger(n) && n >= 1;

function convAval([l, r]: ShapedArray[], p: ConvParams): ShapedArray[] {
  const lhs = l as ShapedArray;
  const rhs = r as ShapedArray;
  const shapes = `${fmtShape(lhs.shape)} * ${fmtShape(rhs.shape)}`;
  if (lhs.ndim !== rhs.ndim || lhs.ndim < 2) {
    throw new ShapeError(`conv: lhs [N,C,…] and rhs [O,I,…] need the same rank ≥ 2, got ${shapes}`);
  }
  const spatial = lhs.ndim - 2;
  const lists = {
    windowStrides: p.windowStrides,
    padding: p.padding,
    lhsDilation: p.lhsDilation,
    rhsDilation: p.rhsDilation,
  };
  for (const [name, list] of Object.entries(lists)) {
    if (list.length !== spatial)
      throw new ValueError(
        `conv: ${name} has ${list.length} entries for ${spatial} spatial dims (${shapes})`,
      );
  }
  for (const [name, list] of Object.entries({
    windowStrides: p.windowStrides,
    lhsDilation: p.lhsDilation,
    rhsDilation: p.rhsDilation,
  })) {
    if (!list.every(isCount))
      throw new ValueError(`conv: ${name} must be positive integers, got ${JSON.stringify(list)}`);
  }
  if (!p.padding.every(([lo, hi]) => Number.isInteger(lo) && Number.isInteger(hi))) {
    throw new ValueError(`conv: padding must be integer pairs, got ${JSON.stringify(p.padding)}`);
  }
  const G = p.featureGroupCount;
  const B = p.batchGroupCount;
  if (!isCount(G) || !isCount(B))
    throw new ValueError(`conv: group counts must be positive integers, got ${G} and ${B}`);
  if (G > 1 && B > 1)
    throw new ValueError(
      `conv: featureGroupCount ${G} and batchGroupCount ${B} cannot both exceed 1`,
    );
  const [n, c, ...inSpatial] = lhs.shape as number[];
  const [o, i, ...kernel] = rhs.shape as number[];
  if ((c as number) % G !== 0 || (c as number) / G !== i) {
    throw new ShapeError(
      `conv: lhs channels ${c} / featureGroupCount ${G} must equal rhs input channels ${i}: ${shapes}`,
    );
  }
  if ((o as number) % G !== 0 || (o as number) % B !== 0) {
    throw new ShapeError(
      `conv: rhs output channels ${o} must divide into ${Math.max(G, B)} groups: ${shapes}`,
    );
  }
  if ((n as number) % B !== 0)
    throw new ShapeError(`conv: batch ${n} must divide into batchGroupCount ${B}: ${shapes}`);
  if (lhs.dtype !== rhs.dtype) throw new DTypeError(`conv: operand dtypes differ: ${lhs} * ${rhs}`);
  if (lhs.dtype === 'bool')
    throw new DTypeError(`conv: not defined for bool operands: ${lhs} * ${rhs}`);
  const outSpatial = inSpatial.map((d, k) => {
    const [lo, hi] = p.padding[k] as readonly [number, number];
    const padded = dilateDim(d, p.lhsDilation[k] as number) + lo + hi;
    if (padded < 0)
      throw new ShapeError(
        `conv: padding ${JSON.stringify(p.padding)} crops more than the input: ${shapes}`,
      );
    return windowCount(
      padded,
      dilateDim(kernel[k] as number, p.rhsDilation[k] as number),
      p.windowStrides[k] as number,
    );
  });
  return [
    new ShapedArray(
      [(n as number) / B, o as number, ...outSpatial],
      lhs.dtype,
      lhs.weakType && rhs.weakType,
    ),
  ];
}

// ---------------------------------------------------------------- fallback impl

/** `view` with axis `axis` split into `[outer, size / outer]` (valid for any strides). */
function splitAxis(view: StridedView, axis: number, outer: number): StridedView {
  const size = view.shape[axis] as number;
  const stride = view.strides[axis] as number;
  return {
    ...view,
    shape: [...view.shape.slice(0, axis), outer, size / outer, ...view.shape.slice(axis + 1)],
    strides: [
      ...view.strides.slice(0, axis),
      stride * (size / outer),
      stride,
      ...view.strides.slice(axis + 1),
    ],
  };
}

/**
 * im2col: pad and dilate the input, copy its windows contiguous as `[N, out…, C, k…]`, contract
 * `(C, k…)` with the kernel. With G feature (or B batch) groups the group is a batch dim of the
 * product, which is then reordered into the output channels.
 */
function convFallback(
  lhs: DeviceArray,
  rhs: DeviceArray,
  p: ConvParams,
  aval: ShapedArray,
): DeviceArray {
  const backend = lhs.backend;
  const spatial = lhs.ndim - 2;
  const [n, c] = lhs.shape as [number, number];
  const [o, cg, ...kernel] = rhs.shape as number[];
  const outSpatial = aval.shape.slice(2);
  if (aval.size === 0 || (cg as number) * sizeOf(kernel) === 0) {
    // Nothing to compute, or an empty contraction: all zeros.
    const out = allocOut(backend, aval);
    if (aval.size > 0) backend.fill(out.output, 0);
    return out;
  }
  const padded = padDilate(
    lhs,
    [0, 0, ...p.padding.map(([lo]) => lo)],
    [0, 0, ...p.padding.map(([, hi]) => hi)],
    [1, 1, ...p.lhsDilation],
    0,
  );
  const ps = contiguousStrides(padded.shape);
  const taps = range(spatial);
  const windows: StridedView = {
    buffer: padded.storage.buffer,
    dtype: padded.dtype,
    shape: [n, ...outSpatial, c, ...kernel],
    strides: [
      ps[0] as number,
      ...taps.map((k) => (ps[2 + k] as number) * (p.windowStrides[k] as number)),
      ps[1] as number,
      ...taps.map((k) => (ps[2 + k] as number) * (p.rhsDilation[k] as number)),
    ],
    offset: 0,
  };
  const patches = DeviceArray.empty(backend, new ShapedArray(windows.shape, lhs.dtype));
  backend.copy(windows, patches.output);
  padded.dispose();

  const groups = Math.max(p.featureGroupCount, p.batchGroupCount);
  if (groups === 1) {
    // [N, out…, C, k…] · [O, C, k…] → [N, out…, O]
    const dims: DotDims = {
      contracting: [
        [1 + spatial, ...taps.map((k) => 2 + spatial + k)],
        [1, ...taps.map((k) => 2 + k)],
      ],
      batch: [[], []],
    };
    const product = DeviceArray.empty(
      backend,
      new ShapedArray([n, ...outSpatial, o as number], lhs.dtype),
    );
    backend.dotGeneral(patches.view, rhs.view, dims, product.output);
    patches.dispose();
    const q = contiguousStrides(product.shape);
    const result = DeviceArray.view(
      product,
      aval,
      [q[0] as number, 1, ...q.slice(1, 1 + spatial)],
      0,
    );
    product.dispose();
    return result;
  }
  // Feature groups split C (lhs) and O (rhs); batch groups split N (lhs) and O (rhs).
  const featureGroups = p.featureGroupCount > 1;
  const lhsView = featureGroups
    ? splitAxis(patches.view, 1 + spatial, groups)
    : splitAxis(patches.view, 0, groups);
  const rhsView = splitAxis(rhs.view, 0, groups);
  const lhsGroupAxis = featureGroups ? 1 + spatial : 0;
  const dims: DotDims = {
    contracting: [
      [2 + spatial, ...taps.map((k) => 3 + spatial + k)],
      [2, ...taps.map((k) => 3 + k)],
    ],
    batch: [[lhsGroupAxis], [0]],
  };
  const nOut = aval.shape[0] as number;
  const perGroup = (o as number) / groups;
  // Product: [G, N', out…, O/G] → output [N', G, O/G, out…].
  const product = DeviceArray.empty(
    backend,
    new ShapedArray([groups, nOut, ...outSpatial, perGroup], lhs.dtype),
  );
  backend.dotGeneral(lhsView, rhsView, dims, product.output);
  patches.dispose();
  const q = contiguousStrides(product.shape);
  const reordered: StridedView = {
    ...product.view,
    shape: [nOut, groups, perGroup, ...outSpatial],
    strides: [q[1] as number, q[0] as number, 1, ...q.slice(2, 2 + spatial)],
  };
  const out = allocOut(backend, aval);
  backend.copy(reordered, { ...out.output, shape: reordered.shape });
  product.dispose();
  return out;
}

// ---------------------------------------------------------------- transposes

/** Swap axes 0 and 1. */
const swap01 = (x: Tensor) => lax.transpose(x, [1, 0, ...range(x.ndim, 2)]);

/** `x` with axis `axis` split into `[outer, size / outer]`. */
function splitDim(x: Tensor, axis: number, outer: number): Tensor {
  const shape = [...x.shape];
  shape.splice(axis, 1, outer, (x.shape[axis] as number) / outer);
  return lax.reshape(x, shape);
}

/** `x` with axes `axis` and `axis + 1` merged. */
function mergeDims(x: Tensor, axis: number): Tensor {
  const shape = [...x.shape];
  shape.splice(axis, 2, (x.shape[axis] as number) * (x.shape[axis + 1] as number));
  return lax.reshape(x, shape);
}

/** Swap axes `a` and `a + 1`. */
function swapAdjacent(x: Tensor, a: number): Tensor {
  const perm = range(x.ndim);
  perm[a] = a + 1;
  perm[a + 1] = a;
  return lax.transpose(x, perm);
}

/**
 * Cotangent of the input: the cotangent convolved with the spatially flipped kernel whose in/out
 * channels are swapped per group, with the forward strides as input dilation.
 */
function transposeLhs(ct: Tensor, lhs: ShapedArray, rhs: Tensor, p: ConvParams): Tensor {
  const groups = Math.max(p.featureGroupCount, p.batchGroupCount);
  const kernel = rhs.shape.slice(2);
  const spatial = kernel.length;
  // [O, Cg, k…] → [G, O/G, Cg, k…] → [G, Cg, O/G, k…] → [G·Cg, O/G, k…]
  const swapped =
    groups === 1 ? swap01(rhs) : mergeDims(swapAdjacent(splitDim(rhs, 0, groups), 1), 0);
  const flipped = lax.rev(swapped, range(spatial + 2, 2));
  const padding = transposePadding(
    lhs.shape.slice(2),
    kernel,
    p.windowStrides,
    ct.shape.slice(2),
    p.padding,
    p.lhsDilation,
    p.rhsDilation,
  );
  const out = lax.conv(ct, flipped, {
    windowStrides: p.lhsDilation,
    padding,
    lhsDilation: p.windowStrides,
    rhsDilation: p.rhsDilation,
    featureGroupCount: groups,
    batchGroupCount: 1,
  });
  if (p.batchGroupCount === 1) return out;
  // [N/B, B·C, …] → [N/B, B, C, …] → [B, N/B, C, …] → [N, C, …]
  return mergeDims(swapAdjacent(splitDim(out, 1, p.batchGroupCount), 0), 0);
}

/** Cotangent of the kernel: the input (batch and channels swapped) convolved with the cotangent. */
function transposeRhs(ct: Tensor, lhs: Tensor, rhs: ShapedArray, p: ConvParams): Tensor {
  if (ct.size === 0) return lax.full(rhs.shape, 0, rhs.dtype, false, backendNameOf(ct));
  const padding = kernelTransposePadding(
    lhs.shape.slice(2),
    rhs.shape.slice(2),
    p.windowStrides,
    ct.shape.slice(2),
    p.padding,
    p.lhsDilation,
    p.rhsDilation,
  );
  const out = lax.conv(swap01(lhs), swap01(ct), {
    windowStrides: p.rhsDilation,
    padding,
    lhsDilation: p.lhsDilation,
    rhsDilation: p.windowStrides,
    featureGroupCount: p.batchGroupCount,
    batchGroupCount: p.featureGroupCount,
  });
  return swap01(out);
}

// ---------------------------------------------------------------- batching

/** Batched input: fold the vmapped axis into N (inside each batch group when there are some). */
function vmapLhs(x: Tensor, w: Tensor, p: ConvParams, size: number): Tensor {
  const B = p.batchGroupCount;
  // x: [Z, N, C, …]
  const folded =
    B === 1 ? mergeDims(x, 0) : mergeDims(mergeDims(swapAdjacent(splitDim(x, 1, B), 0), 1), 0);
  return splitDim(lax.conv(folded, w, p), 0, size);
}

/** Batched kernel: fold the vmapped axis into O (inside each group when there are some). */
function vmapRhs(x: Tensor, w: Tensor, p: ConvParams, size: number): Tensor {
  const groups = Math.max(p.featureGroupCount, p.batchGroupCount);
  // w: [Z, O, I, …]
  if (groups === 1) return splitDim(lax.conv(x, mergeDims(w, 0), p), 1, size);
  const folded = mergeDims(mergeDims(swapAdjacent(splitDim(w, 1, groups), 0), 1), 0);
  const out = lax.conv(x, folded, p); // [N, G·Z·O/G, …]
  const perGroup = (w.shape[1] as number) / groups;
  const split = lax.reshape(out, [
    out.shape[0] as number,
    groups,
    size,
    perGroup,
    ...out.shape.slice(2),
  ]);
  return mergeDims(swapAdjacent(split, 1), 2);
}

/** Both batched: the vmapped axis becomes extra feature (or batch) groups. */
function vmapBoth(x: Tensor, w: Tensor, p: ConvParams, size: number): Tensor {
  // x: [Z, N, C, …], w: [Z, O, I, …]
  const kernel = mergeDims(w, 0);
  if (p.batchGroupCount > 1) {
    const out = lax.conv(mergeDims(x, 0), kernel, {
      ...p,
      batchGroupCount: p.batchGroupCount * size,
    });
    return splitDim(out, 1, size);
  }
  const lhs = mergeDims(swapAdjacent(x, 0), 1);
  const out = lax.conv(lhs, kernel, { ...p, featureGroupCount: p.featureGroupCount * size });
  return splitDim(out, 1, size);
}

// ---------------------------------------------------------------- the rules

const convRulesFor: PrimitiveRules<'conv'> = {
  abstractEval: convAval,
  impl: ([a, b], params) => {
    const lhs = a as DeviceArray;
    const rhs = b as DeviceArray;
    const backend = backendOf('conv', [lhs, rhs]);
    const [aval] = convAval([lhs.aval, rhs.aval], params);
    if (!backend.conv) return [convFallback(lhs, rhs, params, aval as ShapedArray)];
    const out = allocOut(backend, aval as ShapedArray);
    if (out.size > 0) backend.conv(lhs.view, rhs.view, params, out.output);
    return [out];
  },
  jvp: ([x, w], [tx, tw], params) => {
    const out = lax.conv(x as Tensor, w as Tensor, params);
    const t = addTangents(
      tx ? lax.conv(tx, w as Tensor, params) : null,
      tw ? lax.conv(x as Tensor, tw, params) : null,
    );
    return [[out], [t]];
  },
  vmap: ([x, w], [dx, dw], params, size) => {
    const bx = dx ?? null;
    const bw = dw ?? null;
    if (bx !== null && bw !== null)
      return [
        [vmapBoth(moveAxis(x as Tensor, bx, 0), moveAxis(w as Tensor, bw, 0), params, size)],
        [1],
      ];
    if (bx !== null)
      return [[vmapLhs(moveAxis(x as Tensor, bx, 0), w as Tensor, params, size)], [0]];
    return [[vmapRhs(x as Tensor, moveAxis(w as Tensor, bw as number, 0), params, size)], [1]];
  },
  transpose: ([ct], [x, w], params) => {
    if (!ct) return [null, null];
    return [
      x instanceof UndefinedPrimal ? transposeLhs(ct, x.aval, w as Tensor, params) : null,
      w instanceof UndefinedPrimal ? transposeRhs(ct, x as Tensor, w.aval, params) : null,
    ];
  },
};

/**
 * Rules of the convolution primitive.
 *
 * @example
 * import { convRules } from './conv.js';
 * const params = { windowStrides: [1, 1], padding: [[1, 1], [1, 1]], lhsDilation: [1, 1], rhsDilation: [1, 1],
 *   featureGroupCount: 1, batchGroupCount: 1 };
 * convRules.conv.abstractEval([xAval, wAval], params);  // f32[N,O,H,W] for a 3×3 kernel
 */
export const convRules: RuleSet<'conv'> = { conv: convRulesFor };
