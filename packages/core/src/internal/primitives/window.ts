/**
 * Pooling primitives. `reduceWindow` reduces sliding windows with sum, max
 * or min. Max/min pooling differentiate through two linear helpers, as in
 * JAX: `selectAndGatherAdd` (JVP: each window's tangent at the operand's
 * first max) and its transpose `selectAndScatterAdd` (VJP: each window's
 * cotangent added at that position). Backends may implement `reduceWindow`;
 * otherwise, and always for the two helpers, the impls compose required
 * methods over padded, zero-copy window views (`patches.ts`).
 */
import { ShapedArray } from '../aval.js';
import type { WindowParams } from '../backend.js';
import { DeviceArray } from '../core/device-array.js';
import type { Tensor } from '../core/tensor.js';
import { isFloat } from '../dtype.js';
import { DTypeError, fmtShape, ShapeError, TensileError, ValueError } from '../errors.js';
import * as lax from '../lax/primitive-ops.js';
import { contiguousStrides, range, shapesEqual, sizeOf } from '../shape.js';
import { allocOut, backendNameOf, backendOf, batchAt0 } from './helpers.js';
import {
  dilateDim,
  highest,
  lowest,
  padDilate,
  transposePadding,
  unpadDilate,
  windowCount,
  windowsView,
} from './patches.js';
import type { PrimitiveRules, RuleSet } from './rules.js';

type Pooling = 'sum' | 'max' | 'min';

// ---------------------------------------------------------------- window geometry

const isPositiveInt = (n: number) => Number.isInteger(n) && n >= 1;

/** Validate `window` against an operand of `shape` and return the output shape. */
function windowOutShape(op: string, shape: readonly number[], window: WindowParams): number[] {
  const { windowDimensions, windowStrides, padding, baseDilation, windowDilation } = window;
  const lists = { windowDimensions, windowStrides, padding, baseDilation, windowDilation };
  for (const [name, list] of Object.entries(lists)) {
    if (list.length !== shape.length) {
      throw new ValueError(
        `${op}: ${name} has ${list.length} entries for an operand of shape ${fmtShape(shape)}`,
      );
    }
  }
  const positive = { windowDimensions, windowStrides, baseDilation, windowDilation };
  for (const [name, list] of Object.entries(positive)) {
    if (!list.every(isPositiveInt)) {
      throw new ValueError(`${op}: ${name} must be positive integers, got ${JSON.stringify(list)}`);
    }
  }
  if (!padding.every(([lo, hi]) => Number.isInteger(lo) && Number.isInteger(hi))) {
    throw new ValueError(`${op}: padding must be integer pairs, got ${JSON.stringify(padding)}`);
  }
  return shape.map((d, i) => {
    const [lo, hi] = padding[i] as readonly [number, number];
    const padded = dilateDim(d, baseDilation[i] as number) + lo + hi;
    if (padded < 0) {
      throw new ShapeError(
        `${op}: padding ${JSON.stringify(padding)} crops more than dim ${i} of ${fmtShape(shape)}`,
      );
    }
    return windowCount(
      padded,
      dilateDim(windowDimensions[i] as number, windowDilation[i] as number),
      windowStrides[i] as number,
    );
  });
}

/** The window parameters with a trivial window (size 1, no padding) inserted for a batch axis at `axis`. */
function withBatchAxis(window: WindowParams, axis: number): WindowParams {
  const insert = <T>(list: readonly T[], value: T): T[] => [
    ...list.slice(0, axis),
    value,
    ...list.slice(axis),
  ];
  return {
    windowDimensions: insert(window.windowDimensions, 1),
    windowStrides: insert(window.windowStrides, 1),
    padding: insert(window.padding, [0, 0] as const),
    baseDilation: insert(window.baseDilation, 1),
    windowDilation: insert(window.windowDilation, 1),
  };
}

const lows = (window: WindowParams) => window.padding.map(([lo]) => lo);
const highs = (window: WindowParams) => window.padding.map(([, hi]) => hi);

// ---------------------------------------------------------------- fallbacks on required methods

/** `reduceWindow` from a padded array, a window view and one `reduce` over the window axes. */
function reduceWindowFallback(
  op: Pooling,
  x: DeviceArray,
  window: WindowParams,
  out: DeviceArray,
): void {
  if (out.size === 0) return;
  const identity = op === 'sum' ? 0 : op === 'max' ? lowest(x.dtype) : highest(x.dtype);
  const padded = padDilate(x, lows(window), highs(window), window.baseDilation, identity);
  const windows = windowsView(
    padded,
    window.windowDimensions,
    window.windowStrides,
    window.windowDilation,
    out.shape,
  );
  out.backend.reduce(op, windows, range(2 * x.ndim, x.ndim), out.output);
  padded.dispose();
}

/**
 * For each window of `operand`, the flat index (into the padded, dilated operand) of its first
 * max, as an int32 array of the window-output shape. Padding holds the dtype's lowest value, so
 * it wins only in windows with no operand element.
 */
function argmaxPositions(
  operand: DeviceArray,
  window: WindowParams,
  outShape: readonly number[],
): DeviceArray {
  const backend = operand.backend;
  const int32 = (shape: readonly number[]) => new ShapedArray(shape, 'int32');
  const padded = padDilate(
    operand,
    lows(window),
    highs(window),
    window.baseDilation,
    lowest(operand.dtype),
  );
  const paddedStrides = contiguousStrides(padded.shape);
  const { windowDimensions, windowStrides, windowDilation } = window;
  const taps = sizeOf(windowDimensions);

  // The windows, copied contiguous as [...out, taps], then the argmax over the taps.
  const windows = windowsView(padded, windowDimensions, windowStrides, windowDilation, outShape);
  const copied = DeviceArray.empty(backend, new ShapedArray(windows.shape, operand.dtype));
  backend.copy(windows, copied.output);
  padded.dispose();
  const local = DeviceArray.empty(backend, int32(outShape));
  const flatWindows = {
    ...copied.view,
    shape: [...outShape, taps],
    strides: contiguousStrides([...outShape, taps]),
  };
  backend.argReduce('argmax', flatWindows, outShape.length, local.output);
  copied.dispose();

  // Tap index → offset from the window's first element, then add each window's start offset.
  const tapOffsets = new Int32Array(taps);
  const tapStrides = contiguousStrides(windowDimensions);
  tapOffsets.forEach((_, t) => {
    tapOffsets[t] = windowDimensions.reduce(
      (sum, size, i) =>
        sum +
        (Math.floor(t / (tapStrides[i] as number)) % size) *
          (windowDilation[i] as number) *
          (paddedStrides[i] as number),
      0,
    );
  });
  const table = DeviceArray.fromHost(backend, int32([taps]), tapOffsets);
  let positions = DeviceArray.empty(backend, int32(outShape));
  backend.gather(table.view, local.view, 0, positions.output);
  table.dispose();
  local.dispose();
  outShape.forEach((size, axis) => {
    const step = (windowStrides[axis] as number) * (paddedStrides[axis] as number);
    if (size <= 1 || step === 0) return;
    const starts = DeviceArray.fromHost(
      backend,
      int32([size]),
      Int32Array.from(range(size), (o) => o * step),
    );
    const startsView = {
      ...starts.view,
      shape: outShape,
      strides: outShape.map((_, i) => (i === axis ? 1 : 0)),
    };
    const next = DeviceArray.empty(backend, int32(outShape));
    backend.binary('add', positions.view, startsView, next.output);
    starts.dispose();
    positions.dispose();
    positions = next;
  });
  return positions;
}

/** The padded shape `padDilate` gives `shape` under `window`. */
function paddedShape(shape: readonly number[], window: WindowParams): number[] {
  return shape.map((d, i) => {
    const [lo, hi] = window.padding[i] as readonly [number, number];
    return dilateDim(d, window.baseDilation[i] as number) + lo + hi;
  });
}

function selectAndGatherAddImpl(
  tangent: DeviceArray,
  operand: DeviceArray,
  window: WindowParams,
  out: DeviceArray,
): void {
  if (out.size === 0) return;
  const positions = argmaxPositions(operand, window, out.shape);
  const padded = padDilate(tangent, lows(window), highs(window), window.baseDilation, 0);
  const flat = { ...padded.view, shape: [padded.size], strides: [1] };
  out.backend.gather(flat, positions.view, 0, out.output);
  positions.dispose();
  padded.dispose();
}

function selectAndScatterAddImpl(
  source: DeviceArray,
  operand: DeviceArray,
  window: WindowParams,
): DeviceArray {
  const backend = operand.backend;
  const aval = new ShapedArray(operand.shape, source.dtype);
  if (source.size === 0 || operand.size === 0) {
    const zeros = allocOut(backend, aval);
    if (aval.size > 0) backend.fill(zeros.output, 0);
    return zeros;
  }
  const positions = argmaxPositions(operand, window, source.shape);
  const shape = paddedShape(operand.shape, window);
  const size = sizeOf(shape);
  const zero = DeviceArray.empty(backend, new ShapedArray([], source.dtype));
  backend.fill(zero.output, 0);
  const scattered = DeviceArray.empty(backend, new ShapedArray(shape, source.dtype));
  const flatOut = { ...scattered.output, shape: [size] };
  backend.scatterAdd(
    { ...zero.view, shape: [size], strides: [0] },
    positions.view,
    source.view,
    0,
    flatOut,
  );
  zero.dispose();
  positions.dispose();
  const out = unpadDilate(scattered, operand.shape, lows(window), window.baseDilation);
  scattered.dispose();
  return out;
}

// ---------------------------------------------------------------- reduceWindow

const reduceWindowRules: PrimitiveRules<'reduceWindow'> = {
  abstractEval: ([x], { op, window }) => {
    const a = x as ShapedArray;
    if (op === 'sum' && a.dtype === 'bool')
      throw new DTypeError(`reduceWindow: sum is not defined for ${a}`);
    return [new ShapedArray(windowOutShape('reduceWindow', a.shape, window), a.dtype, a.weakType)];
  },
  impl: ([x], { op, window }) => {
    const xv = x as DeviceArray;
    const backend = backendOf('reduceWindow', [xv]);
    const [aval] = reduceWindowRules.abstractEval([xv.aval], { op, window });
    const out = allocOut(backend, aval as ShapedArray);
    if (backend.reduceWindow) {
      if (out.size > 0) backend.reduceWindow(op, xv.view, window, out.output);
    } else {
      reduceWindowFallback(op, xv, window, out);
    }
    return [out];
  },
  jvp: ([x], [t], { op, window }) => {
    const xv = x as Tensor;
    const out = lax.reduceWindow(op, xv, window);
    if (!t || !isFloat(xv.dtype)) return [[out], [null]];
    if (op === 'sum') return [[out], [lax.reduceWindow('sum', t, window)]];
    // The tangent of a max (min) is the tangent at the first max (of -x for min), as JAX.
    return [[out], [lax.selectAndGatherAdd(t, op === 'max' ? xv : lax.neg(xv), window)]];
  },
  vmap: ([x], [d], { op, window }) => {
    const axis = d as number;
    return [[lax.reduceWindow(op, x as Tensor, withBatchAxis(window, axis))], [axis]];
  },
  transpose: ([ct], [x], { op, window }) => {
    if (op !== 'sum')
      throw new TensileError(`reduceWindow: ${op} pooling is not linear and cannot be transposed`);
    if (!ct) return [null];
    // JAX's `_reduce_window_sum_transpose_rule`: spread the cotangent with holes at the strides,
    // pad it, and sum it over the same (dilated) window moving with the base dilation as stride.
    const aval = (x as { aval: ShapedArray }).aval;
    const pads = transposePadding(
      aval.shape,
      window.windowDimensions,
      window.windowStrides,
      ct.shape,
      window.padding,
      window.baseDilation,
      window.windowDilation,
    );
    const zero = lax.full([], 0, ct.dtype, false, backendNameOf(ct));
    const spread = lax.pad(
      ct,
      zero,
      pads.map(([lo]) => lo),
      pads.map(([, hi]) => hi),
      window.windowStrides.map((s) => s - 1),
    );
    const ones = aval.shape.map(() => 1);
    return [
      lax.reduceWindow('sum', spread, {
        windowDimensions: window.windowDimensions,
        windowStrides: window.baseDilation,
        padding: aval.shape.map(() => [0, 0] as const),
        baseDilation: ones,
        windowDilation: window.windowDilation,
      }),
    ];
  },
};

// ---------------------------------------------------------------- max-pool derivatives

function checkSameOperands(op: string, a: ShapedArray, b: ShapedArray, what: string): void {
  if (a.dtype !== b.dtype)
    throw new DTypeError(`${op}: ${what} and operand dtypes differ: ${a} and ${b}`);
}

const selectAndGatherAddRules: PrimitiveRules<'selectAndGatherAdd'> = {
  abstractEval: ([t, x], { window }) => {
    const tangent = t as ShapedArray;
    const operand = x as ShapedArray;
    if (!shapesEqual(tangent.shape, operand.shape)) {
      throw new ShapeError(
        `selectAndGatherAdd: tangent ${tangent} and operand ${operand} shapes differ`,
      );
    }
    checkSameOperands('selectAndGatherAdd', tangent, operand, 'tangent');
    return [
      new ShapedArray(
        windowOutShape('selectAndGatherAdd', operand.shape, window),
        tangent.dtype,
        tangent.weakType,
      ),
    ];
  },
  impl: ([t, x], { window }) => {
    const tangent = t as DeviceArray;
    const operand = x as DeviceArray;
    const backend = backendOf('selectAndGatherAdd', [tangent, operand]);
    const [aval] = selectAndGatherAddRules.abstractEval([tangent.aval, operand.aval], { window });
    const out = allocOut(backend, aval as ShapedArray);
    selectAndGatherAddImpl(tangent, operand, window, out);
    return [out];
  },
  jvp: ([t, x], [dt], { window }) => {
    const out = lax.selectAndGatherAdd(t as Tensor, x as Tensor, window);
    return [[out], [dt ? lax.selectAndGatherAdd(dt, x as Tensor, window) : null]];
  },
  vmap: ([t, x], [dt, dx], { window }, size) => {
    const tangent = batchAt0(t as Tensor, dt ?? null, size);
    const operand = batchAt0(x as Tensor, dx ?? null, size);
    return [[lax.selectAndGatherAdd(tangent, operand, withBatchAxis(window, 0))], [0]];
  },
  transpose: ([ct], [, x], { window }) => [
    ct ? lax.selectAndScatterAdd(ct, x as Tensor, window) : null,
    null,
  ],
};

const selectAndScatterAddRules: PrimitiveRules<'selectAndScatterAdd'> = {
  abstractEval: ([s, x], { window }) => {
    const source = s as ShapedArray;
    const operand = x as ShapedArray;
    const expected = windowOutShape('selectAndScatterAdd', operand.shape, window);
    if (!shapesEqual(source.shape, expected)) {
      throw new ShapeError(
        `selectAndScatterAdd: source ${source} must have the window-output shape ${fmtShape(expected)} of operand ${operand}`,
      );
    }
    checkSameOperands('selectAndScatterAdd', source, operand, 'source');
    return [new ShapedArray(operand.shape, source.dtype, source.weakType)];
  },
  impl: ([s, x], { window }) => {
    const source = s as DeviceArray;
    const operand = x as DeviceArray;
    backendOf('selectAndScatterAdd', [source, operand]);
    selectAndScatterAddRules.abstractEval([source.aval, operand.aval], { window });
    return [selectAndScatterAddImpl(source, operand, window)];
  },
  jvp: ([s, x], [ds], { window }) => {
    const out = lax.selectAndScatterAdd(s as Tensor, x as Tensor, window);
    return [[out], [ds ? lax.selectAndScatterAdd(ds, x as Tensor, window) : null]];
  },
  vmap: ([s, x], [ds, dx], { window }, size) => {
    const source = batchAt0(s as Tensor, ds ?? null, size);
    const operand = batchAt0(x as Tensor, dx ?? null, size);
    return [[lax.selectAndScatterAdd(source, operand, withBatchAxis(window, 0))], [0]];
  },
  transpose: ([ct], [, x], { window }) => [
    ct ? lax.selectAndGatherAdd(ct, x as Tensor, window) : null,
    null,
  ],
};

/**
 * Rules of the pooling primitives.
 *
 * @example
 * import { windowRules } from './window.js';
 * const window = { windowDimensions: [1, 1, 2, 2], windowStrides: [1, 1, 2, 2], padding: [[0, 0], [0, 0], [0, 0], [0, 0]],
 *   baseDilation: [1, 1, 1, 1], windowDilation: [1, 1, 1, 1] };
 * windowRules.reduceWindow.abstractEval([xAval], { op: 'max', window });  // f32[N,C,H/2,W/2]
 */
export const windowRules: RuleSet<'reduceWindow' | 'selectAndGatherAdd' | 'selectAndScatterAdd'> = {
  reduceWindow: reduceWindowRules,
  selectAndGatherAdd: selectAndGatherAddRules,
  selectAndScatterAdd: selectAndScatterAddRules,
};
