/**
 * Making tensors: from JS data (`array`, `asarray`, `scalar`), constants
 * (`zeros`, `ones`, `full`, …), ranges (`arange`, `linspace`) and matrices
 * (`eye`, `tri`, `tril`, `triu`). Constants and ranges bind the `fill` and
 * `iota` primitives, so under `jit` they are staged instead of uploaded;
 * only host data goes through `fromHost`.
 */
import { DeviceArray } from '../core/device-array.js';
import { fromHost } from '../core/host.js';
import { type NestedArray, Tensor, type TensorLike } from '../core/tensor.js';
import { allocHost, checkDType, type DType, type HostArray, isFloat } from '../dtype.js';
import { ShapeError, ValueError } from '../errors.js';
import * as lax from '../lax/primitive-ops.js';
import { getBackend } from '../registry.js';
import { checkShape } from '../shape.js';
import { numberToFloat16Bits } from './float16.js';
import { freeIntermediates } from './intermediates.js';
import { backendFor, broadcastToShape, constantLike, dtypeInfo } from './promotion.js';

/** Where and as what a new tensor is created. */
export interface CreationOptions {
  /** Element type (each function documents its default). */
  dtype?: DType;
  /** Backend name (default: the current default backend). */
  backend?: string;
}

type TypedArrayInput =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint8Array
  | Uint8ClampedArray
  | Uint16Array
  | Uint32Array;

/** Anything `np.array` accepts: nested JS arrays, a typed array, a scalar or a tensor. */
export type ArrayInput = NestedArray | readonly NestedArray[] | TypedArrayInput | Tensor;

function backendName(options: CreationOptions): string {
  return getBackend(options.backend).name;
}

function dtypeOption(op: string, dtype: DType | undefined, fallback: DType): DType {
  return dtype === undefined ? fallback : checkDType(op, dtype);
}

/** Shape of nested arrays, rejecting ragged input. */
function nestedShape(data: NestedArray): number[] {
  const shape: number[] = [];
  let level: NestedArray = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (level.length === 0) break;
    level = level[0] as NestedArray;
  }
  const check = (node: NestedArray, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (Array.isArray(node)) {
        throw new ShapeError(
          `array: ragged nested array: ${path} is an array, expected a number at depth ${depth}`,
        );
      }
      if (typeof node !== 'number' && typeof node !== 'boolean') {
        throw new ValueError(
          `array: elements must be numbers or booleans, got ${typeof node} at ${path}`,
        );
      }
      return;
    }
    if (!Array.isArray(node)) {
      throw new ShapeError(
        `array: ragged nested array: ${path} is a ${typeof node}, expected an array at depth ${depth}`,
      );
    }
    if (node.length !== shape[depth]) {
      throw new ShapeError(
        `array: ragged nested array: ${path} has length ${node.length}, expected ${shape[depth]} (shape so far [${shape.slice(0, depth + 1).join(',')}])`,
      );
    }
    node.forEach((child, i) => {
      check(child, depth + 1, `${path}[${i}]`);
    });
  };
  check(data, 0, 'data');
  return shape;
}

/**
 * Infer JAX's default dtype for JS values: all booleans → bool, all integers that fit int32 →
 * int32, otherwise float32 (JS cannot tell `1e30` from an integer, so out-of-range ones are floats).
 */
function inferDType(values: readonly (number | boolean)[]): DType {
  let allBool = true;
  let allInt = true;
  for (const v of values) {
    if (typeof v === 'number') {
      allBool = false;
      if (!Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31) allInt = false;
    }
  }
  if (values.length === 0) return 'float32';
  return allBool ? 'bool' : allInt ? 'int32' : 'float32';
}

/** Encode JS numbers as host data of `dtype`. */
function encode(values: ArrayLike<number | boolean>, dtype: DType): HostArray {
  const out = allocHost(dtype, values.length);
  for (let i = 0; i < values.length; i++) {
    const v = Number(values[i]);
    if (dtype === 'bool') out[i] = v !== 0 ? 1 : 0;
    else if (dtype === 'float16') out[i] = numberToFloat16Bits(v);
    else out[i] = dtype === 'float32' ? v : Math.trunc(v);
  }
  return out;
}

function typedArrayDType(data: TypedArrayInput): DType {
  if (data instanceof Float32Array || data instanceof Float64Array) return 'float32';
  if (data instanceof Uint32Array) return 'uint32';
  return 'int32';
}

/**
 * A new tensor from nested JS arrays, a typed array, a scalar or another tensor.
 *
 * The dtype defaults as in JAX: all booleans → `bool`, all integers (within the int32 range) →
 * `int32`, otherwise `float32`; `Float32Array`/`Float64Array` → `float32`, `Uint32Array` → `uint32`, other integer
 * typed arrays → `int32`. Typed arrays are 1-D (reshape afterwards). Ragged input is an error.
 *
 * @example
 * np.array([[1, 2], [3, 4]])                      // i32[2,2]
 * np.array([1.5, 2])                              // f32[2]
 * np.array([true, false])                         // bool[2]
 * np.array(new Float32Array([1, 2, 3]))           // f32[3]
 * np.array([1, 2], { dtype: 'float32' })          // f32[2]
 */
export function array(data: ArrayInput, options: CreationOptions = {}): Tensor {
  if (data instanceof Tensor) {
    const dtype = dtypeOption('array', options.dtype, data.dtype);
    if (data.dtype !== dtype || data.weakType) return lax.convertElementType(data, dtype, false);
    if (data instanceof DeviceArray)
      return DeviceArray.view(data, data.aval, data.strides, data.offset);
    return data;
  }
  if (ArrayBuffer.isView(data)) {
    const typed = data as TypedArrayInput;
    const dtype = dtypeOption('array', options.dtype, typedArrayDType(typed));
    const host =
      typed.constructor === allocHost(dtype, 0).constructor &&
      dtype !== 'bool' &&
      dtype !== 'float16'
        ? (typed as HostArray)
        : encode(typed, dtype);
    return fromHost(host, [typed.length], dtype, { backend: options.backend });
  }
  if (typeof data === 'number' || typeof data === 'boolean') {
    const dtype = dtypeOption('array', options.dtype, inferDType([data]));
    return fromHost(encode([data], dtype), [], dtype, { backend: options.backend });
  }
  if (!Array.isArray(data)) {
    throw new ValueError(
      `array: expected nested arrays, a typed array, a number or a tensor, got ${typeof data}`,
    );
  }
  const shape = nestedShape(data as NestedArray);
  const flat: (number | boolean)[] = [];
  const collect = (node: NestedArray): void => {
    if (Array.isArray(node)) for (const child of node) collect(child);
    else flat.push(node);
  };
  collect(data as NestedArray);
  const dtype = dtypeOption('array', options.dtype, inferDType(flat));
  return fromHost(encode(flat, dtype), shape, dtype, { backend: options.backend });
}

/**
 * Like `array`, but returns a tensor argument unchanged when no conversion is needed.
 *
 * @example
 * np.asarray(x) === x  // true
 */
export function asarray(data: ArrayInput, options: CreationOptions = {}): Tensor {
  if (data instanceof Tensor && (options.dtype === undefined || options.dtype === data.dtype))
    return data;
  return array(data, options);
}

/**
 * A 0-d tensor holding `value` (dtype inferred like `array` unless given).
 *
 * @example
 * np.scalar(3.5)  // f32[] 3.5
 */
export function scalar(value: number | boolean, options: CreationOptions = {}): Tensor {
  const dtype = dtypeOption('scalar', options.dtype, inferDType([value]));
  return lax.full([], Number(value), dtype, false, backendName(options));
}

/**
 * A tensor of `shape` filled with `value`. The dtype defaults to `value`'s (int32 for integers,
 * float32 otherwise, bool for booleans). A tensor `value` is broadcast to `shape`.
 *
 * @example
 * np.full([2, 3], 7)        // i32[2,3]
 * np.full([2], 0.5)         // f32[2]
 */
export function full(
  shape: readonly number[],
  value: TensorLike,
  options: CreationOptions = {},
): Tensor {
  checkShape('full', shape);
  if (value instanceof Tensor) {
    return freeIntermediates(() => {
      const dtype = dtypeOption('full', options.dtype, value.dtype);
      const converted = value.dtype === dtype ? value : lax.convertElementType(value, dtype, false);
      if (converted.ndim > shape.length) {
        throw new ShapeError(
          `full: cannot broadcast a value of shape [${value.shape}] to [${shape}]`,
        );
      }
      shape.slice(shape.length - converted.ndim).forEach((d, i) => {
        const s = converted.shape[i] as number;
        if (s !== 1 && s !== d)
          throw new ShapeError(
            `full: cannot broadcast a value of shape [${value.shape}] to [${shape}]`,
          );
      });
      return broadcastToShape(converted, shape);
    });
  }
  const dtype = dtypeOption('full', options.dtype, dtypeInfo('full', value).dtype);
  return lax.full(shape, Number(value), dtype, false, backendName(options));
}

/**
 * A tensor of zeros (float32 unless `dtype`).
 *
 * @example
 * np.zeros([2, 3])                     // f32[2,3]
 * np.zeros([4], { dtype: 'int32' })    // i32[4]
 */
export function zeros(shape: readonly number[], options: CreationOptions = {}): Tensor {
  checkShape('zeros', shape);
  return lax.full(
    shape,
    0,
    dtypeOption('zeros', options.dtype, 'float32'),
    false,
    backendName(options),
  );
}

/**
 * A tensor of ones (float32 unless `dtype`).
 *
 * @example
 * np.ones([3])  // [1, 1, 1]
 */
export function ones(shape: readonly number[], options: CreationOptions = {}): Tensor {
  checkShape('ones', shape);
  return lax.full(
    shape,
    1,
    dtypeOption('ones', options.dtype, 'float32'),
    false,
    backendName(options),
  );
}

/**
 * An "uninitialised" tensor; tensors are immutable, so this is `zeros`.
 *
 * @example
 * np.empty([2, 2])  // zeros
 */
export function empty(shape: readonly number[], options: CreationOptions = {}): Tensor {
  checkShape('empty', shape);
  return zeros(shape, options);
}

/** Options of the `*Like` constructors. */
export interface LikeOptions {
  /** Element type (default: `x`'s). */
  dtype?: DType;
  /** Shape (default: `x`'s). */
  shape?: readonly number[];
}

function likeArgs(
  op: string,
  x: unknown,
  options: LikeOptions,
): { shape: readonly number[]; dtype: DType; backend: string } {
  if (!(x instanceof Tensor)) throw new ValueError(`${op}: expected a tensor, got ${typeof x}`);
  return {
    shape: options.shape === undefined ? x.shape : checkShape(op, options.shape),
    dtype: dtypeOption(op, options.dtype, x.dtype),
    backend: backendFor([x]),
  };
}

/**
 * Zeros with the shape and dtype of `x`.
 *
 * @example
 * np.zerosLike(x)
 */
export function zerosLike(x: Tensor, options: LikeOptions = {}): Tensor {
  const { shape, dtype, backend } = likeArgs('zerosLike', x, options);
  return lax.full(shape, 0, dtype, false, backend);
}

/**
 * Ones with the shape and dtype of `x`.
 *
 * @example
 * np.onesLike(x)
 */
export function onesLike(x: Tensor, options: LikeOptions = {}): Tensor {
  const { shape, dtype, backend } = likeArgs('onesLike', x, options);
  return lax.full(shape, 1, dtype, false, backend);
}

/**
 * `value` everywhere, with the shape and dtype of `x`.
 *
 * @example
 * np.fullLike(x, 3)
 */
export function fullLike(x: Tensor, value: number | boolean, options: LikeOptions = {}): Tensor {
  const { shape, dtype, backend } = likeArgs('fullLike', x, options);
  return lax.full(shape, Number(value), dtype, false, backend);
}

/** Options of `arange`/`linspace`. */
export type RangeOptions = CreationOptions;

/**
 * Evenly spaced values in `[start, stop)` with `step`; `arange(n)` is `0..n-1`. The dtype is
 * int32 when all arguments are integers, else float32.
 *
 * @example
 * np.arange(4)           // [0, 1, 2, 3]
 * np.arange(1, 2, 0.25)  // [1, 1.25, 1.5, 1.75]
 */
export function arange(start: number, stop?: number, step = 1, options: RangeOptions = {}): Tensor {
  const [lo, hi] = stop === undefined ? [0, start] : [start, stop];
  for (const [name, v] of [
    ['start', lo],
    ['stop', hi],
    ['step', step],
  ] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new ValueError(`arange: ${name} must be a finite number, got ${v}`);
  }
  if (step === 0) throw new ValueError('arange: step must not be zero');
  const inferred = [lo, hi, step].every(Number.isInteger) ? 'int32' : 'float32';
  const dtype = dtypeOption('arange', options.dtype, inferred);
  const length = Math.max(0, Math.ceil((hi - lo) / step));
  return freeIntermediates(() => {
    const backend = backendName(options);
    const exactInt = !isFloat(dtype) && Number.isInteger(lo) && Number.isInteger(step);
    let out = lax.iota([length], exactInt ? 'int32' : 'float32', 0, backend);
    if (step !== 1) out = lax.mul(out, constantLike(out, step));
    if (lo !== 0) out = lax.add(out, constantLike(out, lo));
    if (out.dtype === dtype) return out;
    return lax.convertElementType(
      exactInt || isFloat(dtype) ? out : lax.unary('floor', out),
      dtype,
      false,
    );
  });
}

/**
 * `num` evenly spaced values from `start` to `stop` (inclusive unless `endpoint: false`).
 *
 * @example
 * np.linspace(0, 1, 5)                       // [0, 0.25, 0.5, 0.75, 1]
 * np.linspace(0, 1, 4, { endpoint: false })  // [0, 0.25, 0.5, 0.75]
 */
export function linspace(
  start: number,
  stop: number,
  num = 50,
  options: RangeOptions & { endpoint?: boolean } = {},
): Tensor {
  if (!Number.isInteger(num) || num < 0)
    throw new ValueError(`linspace: num must be a non-negative integer, got ${num}`);
  const dtype = dtypeOption('linspace', options.dtype, 'float32');
  const endpoint = options.endpoint ?? true;
  return freeIntermediates(() => {
    const backend = backendName(options);
    const divisions = endpoint ? num - 1 : num;
    const delta = divisions > 0 ? (stop - start) / divisions : 0;
    const index = lax.iota([num], 'float32', 0, backend);
    let out = lax.add(lax.mul(index, constantLike(index, delta)), constantLike(index, start));
    if (endpoint && num > 1) {
      out = lax.select(lax.eq(index, constantLike(index, num - 1)), constantLike(out, stop), out);
    }
    if (dtype === 'float32') return out;
    return lax.convertElementType(isFloat(dtype) ? out : lax.unary('floor', out), dtype, false);
  });
}

/** `col - row` over an `[n, m]` grid (int32). */
function diagonalOffsets(n: number, m: number, backend: string): Tensor {
  const rows = lax.iota([n, m], 'int32', 0, backend);
  const cols = lax.iota([n, m], 'int32', 1, backend);
  return lax.sub(cols, rows);
}

function matrixSize(op: string, n: number, m: number | undefined, k: number): number {
  for (const [name, v] of [
    ['n', n],
    ['m', m ?? n],
  ] as const) {
    if (!Number.isInteger(v) || v < 0)
      throw new ValueError(`${op}: ${name} must be a non-negative integer, got ${v}`);
  }
  if (!Number.isInteger(k)) throw new ValueError(`${op}: k must be an integer, got ${k}`);
  return m ?? n;
}

/**
 * An `[n, m]` matrix with ones on diagonal `k` (0: main, >0: above) and zeros elsewhere.
 *
 * @example
 * np.eye(3)                 // 3×3 identity (float32)
 * np.eye(2, 3, { k: 1 })    // [[0, 1, 0], [0, 0, 1]]
 */
export function eye(n: number, m?: number, options: CreationOptions & { k?: number } = {}): Tensor {
  const k = options.k ?? 0;
  const cols = matrixSize('eye', n, m, k);
  const dtype = dtypeOption('eye', options.dtype, 'float32');
  return freeIntermediates(() => {
    const offsets = diagonalOffsets(n, cols, backendName(options));
    return lax.convertElementType(lax.eq(offsets, constantLike(offsets, k)), dtype, false);
  });
}

/**
 * The `[n, n]` identity matrix.
 *
 * @example
 * np.identity(2)  // [[1, 0], [0, 1]]
 */
export function identity(n: number, options: CreationOptions = {}): Tensor {
  return eye(n, n, options);
}

/**
 * An `[n, m]` matrix with ones on and below diagonal `k`.
 *
 * @example
 * np.tri(3)  // [[1, 0, 0], [1, 1, 0], [1, 1, 1]]
 */
export function tri(n: number, m?: number, options: CreationOptions & { k?: number } = {}): Tensor {
  const k = options.k ?? 0;
  const cols = matrixSize('tri', n, m, k);
  const dtype = dtypeOption('tri', options.dtype, 'float32');
  return freeIntermediates(() => {
    const offsets = diagonalOffsets(n, cols, backendName(options));
    return lax.convertElementType(lax.le(offsets, constantLike(offsets, k)), dtype, false);
  });
}

function triangle(op: 'tril' | 'triu', x: Tensor, k: number): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(`${op}: expected a tensor, got ${typeof x}`);
  if (x.ndim < 2)
    throw new ShapeError(`${op}: needs a tensor of rank >= 2, got ${x.aval.toString()}`);
  if (!Number.isInteger(k)) throw new ValueError(`${op}: k must be an integer, got ${k}`);
  return freeIntermediates(() => {
    const n = x.shape[x.ndim - 2] as number;
    const m = x.shape[x.ndim - 1] as number;
    const offsets = diagonalOffsets(n, m, backendFor([x]));
    const bound = constantLike(offsets, k);
    const keep = op === 'tril' ? lax.le(offsets, bound) : lax.ge(offsets, bound);
    const mask = broadcastToShape(keep, x.shape);
    return lax.select(mask, x, constantLike(x, 0));
  });
}

/**
 * `x` with the elements above diagonal `k` zeroed (on the last two axes).
 *
 * @example
 * np.tril(np.ones([3, 3]))  // lower triangle of ones
 */
export function tril(x: Tensor, options: { k?: number } = {}): Tensor {
  return triangle('tril', x, options.k ?? 0);
}

/**
 * `x` with the elements below diagonal `k` zeroed (on the last two axes).
 *
 * @example
 * np.triu(np.ones([3, 3]), { k: 1 })  // strictly upper triangle of ones
 */
export function triu(x: Tensor, options: { k?: number } = {}): Tensor {
  return triangle('triu', x, options.k ?? 0);
}
