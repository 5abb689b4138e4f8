/**
 * How each dtype lives in GPU memory and in WGSL.
 *
 * Every buffer is bound as `array<u32>` and holds the same bytes as the host's typed array:
 * float32/int32/uint32 one element per word, float16 two per word (IEEE half bits), bool four
 * per word (one byte each, 0 or 1) — so `write`/`read` move bytes unchanged. Kernels compute
 * float16 in f32 (exact widening on load, round-to-nearest-even on store) and bool as WGSL
 * `bool`. A kernel that writes a packed dtype writes whole words: each invocation produces all
 * the elements of the words it owns, so no two invocations write the same word.
 */
import type { DType } from '@tensile/core';

/**
 * The WGSL type a dtype's values have inside a kernel.
 *
 * @example
 * valueType('float16') // 'f32'
 */
export function valueType(dtype: DType): 'f32' | 'i32' | 'u32' | 'bool' {
  switch (dtype) {
    case 'float32':
    case 'float16':
      return 'f32';
    case 'int32':
      return 'i32';
    case 'uint32':
      return 'u32';
    case 'bool':
      return 'bool';
  }
}

/**
 * Elements of `dtype` per 32-bit word.
 *
 * @example
 * elementsPerWord('bool') // 4
 */
export function elementsPerWord(dtype: DType): number {
  return dtype === 'bool' ? 4 : dtype === 'float16' ? 2 : 1;
}

/**
 * A WGSL function `name(i: i32) -> T` reading element `i` of the `array<u32>` binding `array`.
 *
 * @example
 * loadFunction('ld0', 'in0', 'bool') // unpacks byte i of in0
 */
export function loadFunction(name: string, array: string, dtype: DType): string {
  const type = valueType(dtype);
  switch (dtype) {
    case 'float32':
      return `fn ${name}(i: i32) -> f32 { return bitcast<f32>(${array}[i]); }`;
    case 'int32':
      return `fn ${name}(i: i32) -> i32 { return bitcast<i32>(${array}[i]); }`;
    case 'uint32':
      return `fn ${name}(i: i32) -> u32 { return ${array}[i]; }`;
    case 'float16':
      return `fn ${name}(i: i32) -> ${type} { return unpack2x16float(${array}[i >> 1u])[i & 1]; }`;
    case 'bool':
      return `fn ${name}(i: i32) -> bool { return ((${array}[i >> 2u] >> (u32(i & 3) * 8u)) & 0xffu) != 0u; }`;
  }
}

/**
 * A WGSL expression giving the storage bits (low `32 / elementsPerWord` bits of a u32) of
 * `value`, a value of `dtype`'s value type.
 *
 * @example
 * storeBits('float32', 'r0') // 'bitcast<u32>(r0)'
 */
export function storeBits(dtype: DType, value: string): string {
  switch (dtype) {
    case 'float32':
    case 'int32':
      return `bitcast<u32>(${value})`;
    case 'uint32':
      return value;
    case 'float16':
      return `f32_to_f16(${value})`;
    case 'bool':
      return `select(0u, 1u, ${value})`;
  }
}

/**
 * The library entries that loading or storing `dtype` needs.
 *
 * @example
 * dtypeLibrary('float16') // ['f16']
 */
export function dtypeLibrary(dtype: DType): string[] {
  return dtype === 'float16' ? ['f16'] : [];
}

/**
 * A WGSL literal of `value` (already a value of `dtype`) in its value type; NaN and ±∞ go
 * through the library's bit-pattern helpers.
 *
 * @example
 * literal('float32', 0.5) // 'f32(0.5)'
 * literal('uint32', 7)    // '7u'
 */
export function literal(dtype: DType, value: number): string {
  switch (valueType(dtype)) {
    case 'bool':
      return value !== 0 ? 'true' : 'false';
    case 'i32':
      return value === -2147483648 ? '(-2147483647 - 1)' : `${value}i`;
    case 'u32':
      return `${value >>> 0}u`;
    case 'f32': {
      if (Number.isNaN(value)) return 'nan_f()';
      if (value === Number.POSITIVE_INFINITY) return 'inf_f()';
      if (value === Number.NEGATIVE_INFINITY) return '(-inf_f())';
      const bits = new Uint32Array(new Float32Array([value]).buffer)[0] as number;
      return `bitcast<f32>(${bits}u)`;
    }
  }
}
