/**
 * The primitive table's types: every primitive's name and parameters, and
 * the signatures of its rules. Rule tables elsewhere are exhaustive mapped
 * types over `Primitive`, so a primitive missing a rule is a compile error.
 */
import type { ShapedArray } from '../aval.js';
import type {
  ArgReduceOp,
  BinaryOp,
  ConvParams,
  DotDims,
  ReduceOp,
  UnaryOp,
  WindowParams,
} from '../backend.js';
import type { DeviceArray } from '../core/device-array.js';
import type { Tensor } from '../core/tensor.js';
import type { DType } from '../dtype.js';
import type { ClosedJaxpr, Jaxpr } from '../jaxpr/jaxpr.js';

type NoParams = Record<string, never>;

/** Parameters of every primitive, by name. */
export interface PrimitiveParams extends Record<UnaryOp | BinaryOp, NoParams> {
  /** `(cond, onTrue, onFalse)`. */
  select: NoParams;
  convertElementType: { dtype: DType; weakType: boolean };
  /** Reinterpret the bits as another dtype of the same item size. */
  bitcastConvertType: { dtype: DType };
  /** No inputs: a tensor of `shape` filled with `value`. */
  fill: {
    shape: readonly number[];
    dtype: DType;
    weakType: boolean;
    value: number;
    backend: string;
  };
  /** No inputs: `out[..., i, ...] = i` along `axis`. */
  iota: { shape: readonly number[]; dtype: DType; axis: number; backend: string };
  reduce: { op: ReduceOp; axes: readonly number[] };
  argReduce: { op: ArgReduceOp; axis: number };
  dotGeneral: { dims: DotDims };
  reshape: { shape: readonly number[] };
  transpose: { perm: readonly number[] };
  /** `operand` dims map to `broadcastDimensions` of `shape`. */
  broadcastInDim: { shape: readonly number[]; broadcastDimensions: readonly number[] };
  /** Static slice with positive steps. */
  slice: { start: readonly number[]; limit: readonly number[]; strides: readonly number[] };
  /** `(operand, paddingValue)`: low/high (may be negative) and interior padding per dim. */
  pad: { low: readonly number[]; high: readonly number[]; interior: readonly number[] };
  /** Reverse the order of elements along `axes`. */
  rev: { axes: readonly number[] };
  concatenate: { axis: number };
  /** `(x, indices)`: `x.take(indices, axis)` with indices clamped into range. */
  gather: { axis: number };
  /** `(operand, indices, updates)`: add `updates` at `indices` along `axis`. */
  scatterAdd: { axis: number };
  /** `(x, ...starts)`: slice of `sizes` at scalar int32 start indices (clamped so it fits). */
  dynamicSlice: { sizes: readonly number[] };
  /** `(x, update, ...starts)`: write `update` at clamped scalar start indices. */
  dynamicUpdateSlice: NoParams;
  /** `(lhs, rhs)` in NC…/OI… layout. */
  conv: ConvParams;
  /** Pooling. */
  reduceWindow: { op: 'sum' | 'max' | 'min'; window: WindowParams };
  /** `(tangent, operand)`: per window, the tangent at the operand's max (max-pool JVP). */
  selectAndGatherAdd: { window: WindowParams };
  /** `(source, operand)`: scatter each window's source value to the operand's max (max-pool VJP). */
  selectAndScatterAdd: { window: WindowParams };
  cumulative: { op: 'sum' | 'prod' | 'max' | 'min'; axis: number; reverse: boolean };
  /** Variadic: sorts all operands along `axis` by the first `numKeys`. */
  sort: { axis: number; numKeys: number };
  /** `(k0, k1, x0, x1)` → two uint32 outputs. */
  threefry2x32: NoParams;
  /** Identity whose derivative is zero. */
  stopGradient: NoParams;
  /*
   * Higher-order primitives hold open jaxprs: their constants are hoisted into explicit leading
   * inputs, so transformations see every value that flows in.
   */
  /** A staged, compiled call (`jit`): inputs are the jaxpr's inputs (hoisted constants first). */
  jit: { jaxpr: Jaxpr; name: string; donated: readonly boolean[] };
  /** `(consts…, carry…, xs…)` → `(carry…, ys…)`; `body` maps `(consts…, carry…, x…)` → `(carry…, y…)`. */
  scan: { body: Jaxpr; length: number; reverse: boolean; numConsts: number; numCarry: number };
  /** `(index, operands…)`: runs `branches[clamp(index)]` on the operands. */
  cond: { branches: readonly Jaxpr[] };
  /** `(condConsts…, bodyConsts…, init…)`. */
  whileLoop: { cond: Jaxpr; body: Jaxpr; condNumConsts: number; bodyNumConsts: number };
  /** A function with a user-defined JVP. */
  customJvpCall: { fun: ClosedJaxpr; jvp: CustomJvpRule; numNonDiff: number };
  /** A function with a user-defined VJP. */
  customVjpCall: {
    fun: ClosedJaxpr;
    fwd: CustomVjpForward;
    bwd: CustomVjpBackward;
    numNonDiff: number;
  };
  /** The linear tangent map of a `customVjpCall`: `(residuals…, tangents…)`; transposes to `bwd`. */
  customLin: { bwd: CustomVjpBackward; numResiduals: number; outAvals: readonly ShapedArray[] };
  /** Rematerialisation: residuals are recomputed in the backward pass. */
  checkpoint: { jaxpr: Jaxpr };
}

/** Name of a primitive. */
export type Primitive = keyof PrimitiveParams;
/** Parameters of primitive `P`. */
export type Params<P extends Primitive> = PrimitiveParams[P];

/** User JVP of `customJvp`: flat primals and tangents → flat outputs and output tangents. */
export type CustomJvpRule = (primals: Tensor[], tangents: Tensor[]) => [Tensor[], Tensor[]];
/** Forward of `customVjp`: flat primals → flat outputs and flat residuals. */
export type CustomVjpForward = (primals: Tensor[]) => [Tensor[], Tensor[]];
/** Backward of `customVjp`: residuals and output cotangents → input cotangents. */
export type CustomVjpBackward = (residuals: Tensor[], cotangents: Tensor[]) => Tensor[];

/** Shape/dtype rule; also validates and throws errors that name the primitive. */
export type AbstractEvalRule<P extends Primitive> = (
  avals: ShapedArray[],
  params: Params<P>,
) => ShapedArray[];

/** Runs the primitive on concrete arrays (backend calls or zero-copy view changes). */
export type ImplRule<P extends Primitive> = (
  args: DeviceArray[],
  params: Params<P>,
) => DeviceArray[];

/**
 * Forward-mode rule. `null` tangents are symbolic zeros; return `null` for an output whose tangent
 * is zero (or whose dtype is not a float).
 */
export type JvpRule<P extends Primitive> = (
  primals: Tensor[],
  tangents: (Tensor | null)[],
  params: Params<P>,
) => [Tensor[], (Tensor | null)[]];

/** Batching rule: `dims[i]` is the batch axis of `args[i]` or `null` if unbatched. */
export type VmapRule<P extends Primitive> = (
  args: Tensor[],
  dims: (number | null)[],
  params: Params<P>,
  axisSize: number,
) => [Tensor[], (number | null)[]];

/** Marks an argument of a linear primitive that is a linear input (no value, only its aval). */
export class UndefinedPrimal {
  constructor(readonly aval: ShapedArray) {}
}

/**
 * Transpose rule of a linear primitive: given output cotangents (null = zero) and the arguments
 * (linear ones as `UndefinedPrimal`), return a cotangent per argument (`null` for non-linear
 * arguments or zero cotangents).
 */
export type TransposeRule<P extends Primitive> = (
  cotangents: (Tensor | null)[],
  args: (Tensor | UndefinedPrimal)[],
  params: Params<P>,
) => (Tensor | null)[];
