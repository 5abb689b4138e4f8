/**
 * Element types and JAX's type-promotion lattice.
 *
 * Every tensor carries a `DType`; mixing dtypes in a binary op promotes
 * them the way `jax.numpy.promote_types` does (with 64-bit types disabled),
 * and JS numbers are *weakly typed*: they adopt the dtype of the tensor they
 * meet instead of forcing float32.
 */
import { DTypeError } from './errors.js';

/** The element types Tensile understands. `float16` only where a backend reports it. */
export type DType = 'float32' | 'float16' | 'int32' | 'uint32' | 'bool';

/** All dtypes, in a fixed order (useful for parametrized tests). */
export const DTYPES: readonly DType[] = ['float32', 'float16', 'int32', 'uint32', 'bool'];

/** Typed array used to hold host data of each dtype (`float16` is held as raw `Uint16Array` bits). */
export type TypedArrayFor<D extends DType> = D extends 'float32'
  ? Float32Array
  : D extends 'int32'
    ? Int32Array
    : D extends 'uint32'
      ? Uint32Array
      : D extends 'float16'
        ? Uint16Array
        : Uint8Array;

/** Any typed array a tensor may hold on the host. */
export type HostArray = Float32Array | Int32Array | Uint32Array | Uint16Array | Uint8Array;

/** Bytes per element of a dtype. */
export function itemSize(dtype: DType): number {
  switch (dtype) {
    case 'float32':
    case 'int32':
    case 'uint32':
      return 4;
    case 'float16':
      return 2;
    case 'bool':
      return 1;
  }
}

/** A fresh, zeroed host array of `size` elements of `dtype`. */
export function allocHost(dtype: DType, size: number): HostArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size);
    case 'int32':
      return new Int32Array(size);
    case 'uint32':
      return new Uint32Array(size);
    case 'float16':
      return new Uint16Array(size);
    case 'bool':
      return new Uint8Array(size);
  }
}

/** View raw bytes as the host array of `dtype` (no copy when aligned). */
export function viewHost(dtype: DType, bytes: Uint8Array): HostArray {
  const n = bytes.byteLength / itemSize(dtype);
  const aligned = bytes.byteOffset % itemSize(dtype) === 0;
  const src = aligned ? bytes : bytes.slice();
  switch (dtype) {
    case 'float32':
      return new Float32Array(src.buffer, src.byteOffset, n);
    case 'int32':
      return new Int32Array(src.buffer, src.byteOffset, n);
    case 'uint32':
      return new Uint32Array(src.buffer, src.byteOffset, n);
    case 'float16':
      return new Uint16Array(src.buffer, src.byteOffset, n);
    case 'bool':
      return new Uint8Array(src.buffer, src.byteOffset, n);
  }
}

/** True for `float32` and `float16`. */
export function isFloat(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float16';
}

/** True for `int32` and `uint32`. */
export function isInteger(dtype: DType): boolean {
  return dtype === 'int32' || dtype === 'uint32';
}

/** The dtype of `x` as it would be inferred for a JS value (numbers are float32 unless integral). */
export function dtypeOfScalar(x: number | boolean): DType {
  if (typeof x === 'boolean') return 'bool';
  return Number.isInteger(x) ? 'int32' : 'float32';
}

/** Position in JAX's lattice: bool < int < float. */
function kind(dtype: DType): number {
  return dtype === 'bool' ? 0 : isInteger(dtype) ? 1 : 2;
}

/**
 * Promote two dtypes with weak-type information, following JAX.
 *
 * A weak dtype (from a JS number) only fixes the *kind* (bool, int, float): it
 * takes the other operand's dtype when that one is at least as general.
 *
 * @example
 * promoteTypes('float32', 'int32')                 // 'float32'
 * promoteTypes('int32', 'float32', false, true)    // weak float + int32 → 'float32'
 * promoteTypes('float16', 'float32', false, true)  // weak float + f16 → 'float16'
 */
export function promoteTypes(
  a: DType,
  b: DType,
  aWeak = false,
  bWeak = false,
): { dtype: DType; weak: boolean } {
  if (a === b) return { dtype: a, weak: aWeak && bWeak };
  if (aWeak && !bWeak)
    return kind(a) <= kind(b) ? { dtype: b, weak: false } : { dtype: a, weak: true };
  if (bWeak && !aWeak)
    return kind(b) <= kind(a) ? { dtype: a, weak: false } : { dtype: b, weak: true };
  if (aWeak && bWeak)
    return kind(a) >= kind(b) ? { dtype: a, weak: true } : { dtype: b, weak: true };
  const ka = kind(a);
  const kb = kind(b);
  if (ka !== kb) return { dtype: ka > kb ? a : b, weak: false };
  if (ka === 2) return { dtype: 'float32', weak: false }; // f16 + f32
  return { dtype: 'int32', weak: false }; // int32 + uint32 → int64 → int32 without x64, as JAX
}

/** Throws unless `dtype` is one of Tensile's dtypes. */
export function checkDType(op: string, dtype: unknown): DType {
  if (typeof dtype === 'string' && (DTYPES as readonly string[]).includes(dtype))
    return dtype as DType;
  throw new DTypeError(
    `${op}: unknown dtype ${JSON.stringify(dtype)}; expected one of ${DTYPES.join(', ')}`,
  );
}
