/**
 * `Tensor`: the one value type users see. Concrete tensors (`DeviceArray`)
 * and the tracers that transforms pass through user functions share this
 * base, so the same code runs eagerly, under `grad`, `vmap` and `jit`.
 *
 * Methods delegate to the `np`/`lax` functions through a late-bound table
 * (`installTensorMethods`), which keeps this file free of import cycles.
 */
import type { ShapedArray } from '../aval.js';
import type { DType, HostArray } from '../dtype.js';
import type * as methods from '../methods.js';
import type { CumulativeOptions } from '../numpy/cumulative.js';
import type { IndexArray, TakeOptions } from '../numpy/indexing.js';
import type { ArgReduceOptions, VarianceOptions } from '../numpy/reductions.js';
import type { SortOptions } from '../numpy/sorting.js';
import type { Trace } from './trace.js';

/** What a JS value can be where a tensor is expected: a tensor, a number or a boolean (weakly typed). */
export type TensorLike = Tensor | number | boolean;

/** Nested JS arrays as produced by `toArray()`. */
export type NestedArray = number | boolean | NestedArray[];

type Methods = typeof methods;
let impl: Methods | undefined;

/** Called once by the public index to connect tensor methods to `np`/`lax`. */
export function installTensorMethods(m: Methods): void {
  impl = m;
}

function m(): Methods {
  if (!impl) throw new Error('tensile: tensor methods used before @tensile/core finished loading');
  return impl;
}

/**
 * An immutable n-dimensional array. Create one with `np.array`, `np.zeros`, `random.normal`, …
 *
 * @example
 * const x = np.array([[1, 2], [3, 4]]);
 * x.shape          // [2, 2]
 * x.add(1).T       // [[2, 4], [3, 5]]
 * await x.toArray()
 */
export abstract class Tensor {
  /** Shape, dtype and weak type. */
  abstract readonly aval: ShapedArray;
  /** The trace this value belongs to (`undefined` for concrete tensors). */
  abstract readonly _trace: Trace | undefined;

  get shape(): readonly number[] {
    return this.aval.shape;
  }
  get dtype(): DType {
    return this.aval.dtype;
  }
  get ndim(): number {
    return this.aval.shape.length;
  }
  get size(): number {
    return this.aval.size;
  }
  /** True when the dtype came from a JS number (it adapts to the other operand in binary ops). */
  get weakType(): boolean {
    return this.aval.weakType;
  }

  /** The elements as a typed array (float16 as raw bits in a `Uint16Array`). */
  abstract data(): Promise<HostArray>;
  /** Synchronous `data()`; only on backends with synchronous reads (CPU). */
  abstract dataSync(): HostArray;
  /** Release this tensor's buffer reference. Safe to call twice; a no-op on tracers. */
  abstract dispose(): void;
  /** True once disposed. */
  abstract get isDisposed(): boolean;

  /** The elements as nested JS arrays (bools as booleans). */
  async toArray(): Promise<NestedArray> {
    return m().toNested(this, await this.data());
  }
  /** Synchronous `toArray()`. */
  toArraySync(): NestedArray {
    return m().toNested(this, this.dataSync());
  }
  /** The single element of a size-1 tensor, synchronously. */
  item(): number | boolean {
    return m().item(this);
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  /** Iterate over the first axis: `const [k1, k2] = random.split(key)`. */
  *[Symbol.iterator](): Iterator<Tensor> {
    if (this.ndim === 0) throw new TypeError(`cannot iterate over a 0-d tensor ${this.aval}`);
    for (let i = 0; i < (this.shape[0] as number); i++) yield m().slice(this, i);
  }

  // ---- arithmetic ----
  add(y: TensorLike): Tensor {
    return m().add(this, y);
  }
  sub(y: TensorLike): Tensor {
    return m().subtract(this, y);
  }
  mul(y: TensorLike): Tensor {
    return m().multiply(this, y);
  }
  div(y: TensorLike): Tensor {
    return m().divide(this, y);
  }
  pow(y: TensorLike): Tensor {
    return m().power(this, y);
  }
  mod(y: TensorLike): Tensor {
    return m().mod(this, y);
  }
  maximum(y: TensorLike): Tensor {
    return m().maximum(this, y);
  }
  minimum(y: TensorLike): Tensor {
    return m().minimum(this, y);
  }
  neg(): Tensor {
    return m().negative(this);
  }
  abs(): Tensor {
    return m().abs(this);
  }
  square(): Tensor {
    return m().square(this);
  }
  sqrt(): Tensor {
    return m().sqrt(this);
  }
  exp(): Tensor {
    return m().exp(this);
  }
  log(): Tensor {
    return m().log(this);
  }
  tanh(): Tensor {
    return m().tanh(this);
  }
  sin(): Tensor {
    return m().sin(this);
  }
  cos(): Tensor {
    return m().cos(this);
  }
  reciprocal(): Tensor {
    return m().reciprocal(this);
  }
  clip(min?: TensorLike, max?: TensorLike): Tensor {
    return m().clip(this, min, max);
  }
  matmul(y: Tensor): Tensor {
    return m().matmul(this, y);
  }
  dot(y: Tensor): Tensor {
    return m().dot(this, y);
  }

  // ---- comparisons ----
  eq(y: TensorLike): Tensor {
    return m().equal(this, y);
  }
  ne(y: TensorLike): Tensor {
    return m().notEqual(this, y);
  }
  lt(y: TensorLike): Tensor {
    return m().less(this, y);
  }
  le(y: TensorLike): Tensor {
    return m().lessEqual(this, y);
  }
  gt(y: TensorLike): Tensor {
    return m().greater(this, y);
  }
  ge(y: TensorLike): Tensor {
    return m().greaterEqual(this, y);
  }

  // ---- reductions ----
  sum(options?: ReduceOptions): Tensor {
    return m().sum(this, options);
  }
  mean(options?: ReduceOptions): Tensor {
    return m().mean(this, options);
  }
  max(options?: ReduceOptions): Tensor {
    return m().max(this, options);
  }
  min(options?: ReduceOptions): Tensor {
    return m().min(this, options);
  }
  prod(options?: ReduceOptions): Tensor {
    return m().prod(this, options);
  }
  argmax(options?: ArgReduceOptions): Tensor {
    return m().argmax(this, options);
  }
  argmin(options?: ArgReduceOptions): Tensor {
    return m().argmin(this, options);
  }
  var(options?: VarianceOptions): Tensor {
    return m().var(this, options);
  }
  std(options?: VarianceOptions): Tensor {
    return m().std(this, options);
  }
  all(options?: ReduceOptions): Tensor {
    return m().all(this, options);
  }
  any(options?: ReduceOptions): Tensor {
    return m().any(this, options);
  }
  cumsum(options?: CumulativeOptions): Tensor {
    return m().cumsum(this, options);
  }
  sort(options?: SortOptions): Tensor {
    return m().sort(this, options);
  }
  argsort(options?: SortOptions): Tensor {
    return m().argsort(this, options);
  }

  // ---- shape ----
  reshape(shape: readonly number[]): Tensor {
    return m().reshape(this, shape);
  }
  transpose(axes?: readonly number[]): Tensor {
    return m().transpose(this, axes);
  }
  /** Reverse all axes (`x.transpose()`). */
  get T(): Tensor {
    return m().transpose(this);
  }
  flatten(): Tensor {
    return m().ravel(this);
  }
  ravel(): Tensor {
    return m().ravel(this);
  }
  swapaxes(axis1: number, axis2: number): Tensor {
    return m().swapaxes(this, axis1, axis2);
  }
  squeeze(axis?: number | readonly number[]): Tensor {
    return m().squeeze(this, axis);
  }
  expandDims(axis: number | readonly number[]): Tensor {
    return m().expandDims(this, axis);
  }
  broadcastTo(shape: readonly number[]): Tensor {
    return m().broadcastTo(this, shape);
  }
  astype(dtype: DType): Tensor {
    return m().astype(this, dtype);
  }
  flip(axis?: number | readonly number[]): Tensor {
    return m().flip(this, axis);
  }
  /** NumPy-style basic slicing, e.g. `x.slice([null, [1, 3]])` is `x[:, 1:3]`; see `np.slice`. */
  slice(...index: SliceIndex[]): Tensor {
    return m().slice(this, ...index);
  }
  take(indices: IndexArray, options?: TakeOptions): Tensor {
    return m().take(this, indices, options);
  }
  /** Functional index update, as JAX's `x.at[idx].set(v)`: `x.at(0).set(5)`. */
  at(...index: SliceIndex[]): IndexUpdater {
    return m().at(this, ...index);
  }

  /** A short description such as `Tensor(f32[2,3])`. */
  toString(): string {
    return `Tensor(${this.aval.toString()})`;
  }
}

/** `axis` (a number or list) and `keepdims` options shared by reductions. */
export interface ReduceOptions {
  axis?: number | readonly number[] | null;
  keepdims?: boolean;
}

/**
 * One entry of an index, as in NumPy: a number selects (and drops) an axis; `null` keeps the
 * whole axis (`:`); `[start, stop?, step?]` is a Python slice (`null` for open ends, negative
 * steps allowed); `'...'` is an ellipsis; `'newaxis'` inserts a size-1 axis; an integer tensor is
 * an integer-array ("advanced") index. Number arrays always mean slices — wrap integer lists with
 * `np.array` to index with them.
 */
export type SliceIndex =
  | number
  | null
  | '...'
  | 'newaxis'
  | readonly [number | null, (number | null)?, (number | null)?]
  | Tensor;

/** Returned by `x.at(...)`: pure functional updates of the indexed elements. */
export interface IndexUpdater {
  set(values: TensorLike): Tensor;
  add(values: TensorLike): Tensor;
  multiply(values: TensorLike): Tensor;
  get(): Tensor;
}
