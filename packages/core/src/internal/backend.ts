/**
 * The backend plugin contract.
 *
 * A backend owns device memory and runs kernels on *strided views* of it:
 * every input is a `StridedView` (buffer + shape + strides + offset, in
 * elements), so reshape, transpose, broadcast, slice and flip never copy.
 * Every output is a fresh contiguous row-major `OutputSpec` allocated by the
 * core with `alloc`, which lets `jit` plan memory and reuse buffers.
 *
 * The required set is small; every optional method has a core fallback, so a
 * third-party backend can start with the minimum and pass
 * `@tensile/backend-testkit`.
 */
import type { DType } from './dtype.js';

/** Opaque handle to a device buffer, issued by `Backend.alloc`. */
export type BufferId = number;

/** A read-only strided window onto a device buffer. Strides and offset are in elements. */
export interface StridedView {
  readonly buffer: BufferId;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

/** Where a kernel writes: a contiguous row-major buffer of `shape` and `dtype`. */
export interface OutputSpec {
  readonly buffer: BufferId;
  readonly dtype: DType;
  readonly shape: readonly number[];
}

/** Elementwise ops on one operand. Integer and bool inputs accept the subset that makes sense (`neg`, `abs`, `sign`, `not`). */
export type UnaryOp =
  | 'neg'
  | 'abs'
  | 'sign'
  | 'floor'
  | 'ceil'
  | 'round'
  | 'exp'
  | 'exp2'
  | 'log'
  | 'log1p'
  | 'expm1'
  | 'sqrt'
  | 'rsqrt'
  | 'cbrt'
  | 'sin'
  | 'cos'
  | 'tan'
  | 'asin'
  | 'acos'
  | 'atan'
  | 'sinh'
  | 'cosh'
  | 'tanh'
  | 'asinh'
  | 'acosh'
  | 'atanh'
  | 'logistic'
  | 'erf'
  | 'erfinv'
  | 'not'
  | 'isFinite'
  | 'reciprocal';

/**
 * Elementwise ops on two operands of the same shape (broadcasting is done with zero strides).
 * Comparisons write `bool`. `shiftLeft`/`shiftRightLogical`/`shiftRightArithmetic` and the
 * bitwise ops take integers (and bool for `and`/`or`/`xor`). `rem` is C-style (sign of the dividend);
 * integer `div` truncates toward zero, as `lax.div`. Integer division by zero gives 0 and `rem(x, 0)`
 * gives `x` (so `div(x, y) * y + rem(x, y) = x` always holds). Shift amounts ≥ 32 give 0
 * (arithmetic right shifts fill with the sign bit). Float `max`/`min` propagate NaN.
 */
export type BinaryOp =
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'rem'
  | 'pow'
  | 'max'
  | 'min'
  | 'atan2'
  | 'eq'
  | 'ne'
  | 'lt'
  | 'le'
  | 'gt'
  | 'ge'
  | 'and'
  | 'or'
  | 'xor'
  | 'shiftLeft'
  | 'shiftRightLogical'
  | 'shiftRightArithmetic';

/** Reductions over a set of axes. `and`/`or` are for bool. */
export type ReduceOp = 'sum' | 'prod' | 'max' | 'min' | 'and' | 'or';

/** Index-returning reductions over one axis (first occurrence wins; NaN wins for floats, as NumPy). */
export type ArgReduceOp = 'argmax' | 'argmin';

/** Contracting and batch dimensions of a `dotGeneral`, as in `lax.dot_general`. */
export interface DotDims {
  readonly contracting: readonly [readonly number[], readonly number[]];
  readonly batch: readonly [readonly number[], readonly number[]];
}

/**
 * A general convolution in NC[spatial…] / OI[spatial…] layout (any number of spatial dims).
 * `padding` is `[low, high]` per spatial dim; `lhsDilation` inserts holes between input elements
 * (transposed convolution), `rhsDilation` between filter taps (atrous). With `featureGroupCount`
 * G, input channels and output channels split into G groups; with `batchGroupCount` B the batch
 * splits into B groups matched with output-feature groups (used by the filter gradient of grouped
 * convolutions), as in XLA.
 */
export interface ConvParams {
  readonly windowStrides: readonly number[];
  readonly padding: readonly (readonly [number, number])[];
  readonly lhsDilation: readonly number[];
  readonly rhsDilation: readonly number[];
  readonly featureGroupCount: number;
  readonly batchGroupCount: number;
}

/**
 * A sliding-window reduction (pooling) over every dim of the operand.
 * `padding` pads with the reduction's identity; `baseDilation` inserts identity holes between
 * operand elements; `windowDilation` spreads the window taps.
 */
export interface WindowParams {
  readonly windowDimensions: readonly number[];
  readonly windowStrides: readonly number[];
  readonly padding: readonly (readonly [number, number])[];
  readonly baseDilation: readonly number[];
  readonly windowDilation: readonly number[];
}

/** What a backend can do; the core and the testkit read this to pick paths and skip tests. */
export interface BackendCapabilities {
  /** dtypes the backend stores and computes with. */
  readonly dtypes: readonly DType[];
  /** True when `readSync` is available (so `dataSync()` works). */
  readonly syncRead: boolean;
  /** Subgroup (warp) operations, for GPU backends. */
  readonly subgroups?: boolean;
  /** Largest number of storage buffers one kernel may bind (fusion respects it). */
  readonly maxBindings?: number;
}

/**
 * One operand a `KernelGraph` reads: a strided view whose `shape` is the graph's domain
 * (`KernelGraph.shape`) or, in a graph with a `reduce` node, the reduced domain (`shape` without
 * the reduced axes). The kernel is only ever called with views of exactly these `strides`
 * (elements; 0 along broadcast dims), at any offset, so `compile` may specialise on them.
 */
export interface KernelInput {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
}

/** A value a `KernelGraph` writes: node `node`, contiguous row-major, of its node's domain `shape`. */
export interface KernelOutput {
  readonly node: number;
  readonly dtype: DType;
  readonly shape: readonly number[];
}

/**
 * A fused kernel handed to `Backend.compile` by `jit`'s fusion pass: a DAG of elementwise
 * nodes, optionally with one `reduce` node followed by an elementwise epilogue.
 *
 * How to read it (for backend authors):
 * - Nodes are in topological order; `args` refer to earlier nodes. `dtype` is the node's result
 *   dtype and every node's value is exactly what the matching `Backend` method would store in a
 *   buffer of that dtype (float32 rounding, 32-bit integer wrapping after *every* node), so the
 *   fused result equals the unfused one.
 * - Without a `reduce` node every node is evaluated once per position of `shape`.
 * - With one, `shape` is the domain the reduction reads. The `reduce` node, every node that uses
 *   it (directly or not) and every node reading an input of the reduced shape live in the
 *   *reduced domain* (`shape` without `axes`) and are evaluated once per output position, after
 *   the reduction; all other nodes live in the full domain. No node mixes the two. `const`
 *   nodes are scalars usable in both.
 * - A float32 `sum`/`prod` accumulates in float64 and rounds once, visiting the reduced
 *   positions in the order `Backend.reduce` would for the reduce node's operand: by decreasing
 *   |stride| of that operand when it is an `input` node, row-major otherwise.
 * - Outputs may come from either domain (a reduction kernel can also write full-domain values
 *   it computes on the way, e.g. softmax's `exp(x - max)`).
 *
 * @example
 * // tanh(x * 2 + 1) over f32[1024]:
 * const graph: KernelGraph = {
 *   shape: [1024],
 *   inputs: [{ dtype: 'float32', shape: [1024], strides: [1] }],
 *   nodes: [
 *     { kind: 'input', index: 0 },
 *     { kind: 'const', value: 2, dtype: 'float32' },
 *     { kind: 'binary', op: 'mul', args: [0, 1], dtype: 'float32' },
 *     { kind: 'const', value: 1, dtype: 'float32' },
 *     { kind: 'binary', op: 'add', args: [2, 3], dtype: 'float32' },
 *     { kind: 'unary', op: 'tanh', arg: 4, dtype: 'float32' },
 *   ],
 *   outputs: [{ node: 5, dtype: 'float32', shape: [1024] }],
 * };
 */
export interface KernelGraph {
  /** The iteration domain (the reduction's operand shape when there is a `reduce` node). */
  readonly shape: readonly number[];
  readonly inputs: readonly KernelInput[];
  readonly nodes: readonly KernelNode[];
  readonly outputs: readonly KernelOutput[];
}

/**
 * One node of a `KernelGraph`: an input load, a constant (already converted to `dtype` as
 * `Backend.fill` converts), an op over earlier nodes, or the graph's single reduction.
 */
export type KernelNode =
  | { readonly kind: 'input'; readonly index: number }
  | { readonly kind: 'const'; readonly value: number; readonly dtype: DType }
  | { readonly kind: 'unary'; readonly op: UnaryOp; readonly arg: number; readonly dtype: DType }
  | {
      readonly kind: 'binary';
      readonly op: BinaryOp;
      readonly args: readonly [number, number];
      readonly dtype: DType;
    }
  | {
      readonly kind: 'select';
      readonly args: readonly [number, number, number];
      readonly dtype: DType;
    }
  | { readonly kind: 'cast'; readonly arg: number; readonly dtype: DType }
  | {
      readonly kind: 'reduce';
      readonly op: ReduceOp;
      readonly arg: number;
      /** Axes of `KernelGraph.shape` reduced away (ascending, non-empty). */
      readonly axes: readonly number[];
      readonly dtype: DType;
    };

/**
 * A compiled fused kernel: call it with one view per `KernelGraph` input (with the graph's
 * strides) and one freshly allocated contiguous output per graph output.
 */
export type CompiledKernel = (
  inputs: readonly StridedView[],
  outputs: readonly OutputSpec[],
) => void;

/**
 * The interface a backend implements. Methods that compute are synchronous *enqueue* calls: a GPU
 * backend records them and submits on `flush()`/reads, a CPU backend may run them at once.
 *
 * @example
 * import { registerBackend, type Backend } from '@tensile/core';
 * const myBackend: Backend = { name: 'mine', capabilities: { dtypes: ['float32'], syncRead: true }, ... };
 * registerBackend(myBackend);
 */
export interface Backend {
  /** Unique name used by the registry (`'cpu'`, `'webgpu'`, …). */
  readonly name: string;
  readonly capabilities: BackendCapabilities;

  // ---- memory ----
  /** Allocate `byteLength` bytes (zero-initialised is not required). */
  alloc(byteLength: number): BufferId;
  /** Release a buffer. Work already enqueued that reads it must still see its contents. */
  free(buffer: BufferId): void;
  /** Copy host bytes into a buffer at `byteOffset`. */
  write(buffer: BufferId, data: Uint8Array, byteOffset?: number): void;
  /** Read `byteLength` bytes from `byteOffset` after all enqueued work finishes. */
  read(buffer: BufferId, byteOffset: number, byteLength: number): Promise<Uint8Array>;
  /** Synchronous read, for backends whose memory the host can see (CPU). */
  readSync?(buffer: BufferId, byteOffset: number, byteLength: number): Uint8Array;
  /** Submit batched work now. */
  flush(): void;
  /** Resolve when all submitted work has finished. */
  sync(): Promise<void>;
  /** Release everything the backend holds (device, worker threads). */
  dispose?(): void;

  // ---- compute on strided views ----
  /** Write `value` (cast to `out.dtype`) everywhere. */
  fill(out: OutputSpec, value: number): void;
  /** Materialise a strided view contiguously (same dtype). */
  copy(x: StridedView, out: OutputSpec): void;
  unary(op: UnaryOp, x: StridedView, out: OutputSpec): void;
  binary(op: BinaryOp, a: StridedView, b: StridedView, out: OutputSpec): void;
  /** `out = cond ? onTrue : onFalse`; `cond` is bool. */
  select(cond: StridedView, onTrue: StridedView, onFalse: StridedView, out: OutputSpec): void;
  /** Convert element type (float→int truncates toward zero; to bool is `x != 0`). */
  cast(x: StridedView, out: OutputSpec): void;
  /** Reduce `axes` away (the output shape is `x.shape` without them). */
  reduce(op: ReduceOp, x: StridedView, axes: readonly number[], out: OutputSpec): void;
  /** Index of the max/min along `axis` (int32 output, `axis` removed). */
  argReduce(op: ArgReduceOp, x: StridedView, axis: number, out: OutputSpec): void;
  /** `lax.dot_general`: output dims are batch, then lhs free, then rhs free. */
  dotGeneral(a: StridedView, b: StridedView, dims: DotDims, out: OutputSpec): void;
  /** `out[..., i, ...] = i` along `axis`. */
  iota(axis: number, out: OutputSpec): void;
  /**
   * `out = x.take(indices, axis)`: output shape is `x.shape[:axis] + indices.shape + x.shape[axis+1:]`.
   * Indices are int32 and already clamped into range by the core.
   */
  gather(x: StridedView, indices: StridedView, axis: number, out: OutputSpec): void;
  /**
   * `out = operand` with `updates` added at `indices` along `axis` (duplicates accumulate).
   * `updates.shape` is `operand.shape[:axis] + indices.shape + operand.shape[axis+1:]`.
   */
  scatterAdd(
    operand: StridedView,
    indices: StridedView,
    updates: StridedView,
    axis: number,
    out: OutputSpec,
  ): void;
  /** Threefry-2x32 hash, elementwise over uint32 views of one shape; writes two uint32 outputs. */
  threefry2x32(
    key0: StridedView,
    key1: StridedView,
    x0: StridedView,
    x1: StridedView,
    out0: OutputSpec,
    out1: OutputSpec,
  ): void;

  // ---- optional fast paths (the core falls back to compositions of the methods above) ----
  conv?(lhs: StridedView, rhs: StridedView, params: ConvParams, out: OutputSpec): void;
  reduceWindow?(
    op: 'sum' | 'max' | 'min',
    x: StridedView,
    params: WindowParams,
    out: OutputSpec,
  ): void;
  /** Inclusive scan along `axis`; `reverse` scans from the end. */
  cumulative?(
    op: 'sum' | 'prod' | 'max' | 'min',
    x: StridedView,
    axis: number,
    reverse: boolean,
    out: OutputSpec,
  ): void;
  /**
   * Stable ascending sort of several same-shape operands along `axis`, ordered lexicographically
   * by the first `numKeys` of them (NaNs last); every operand is permuted the same way.
   */
  sort?(
    operands: readonly StridedView[],
    axis: number,
    numKeys: number,
    outs: readonly OutputSpec[],
  ): void;
  /**
   * Compile a fused kernel for `jit`; return `undefined` to decline (the core then runs the
   * group's ops one by one). Called once per distinct graph: the core caches the result.
   */
  compile?(graph: KernelGraph): CompiledKernel | undefined;
}
