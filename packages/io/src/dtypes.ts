/**
 * The element types of the safetensors format, in the reference implementation's order.
 *
 * The order matters for writing: the reference writer (huggingface/safetensors) lays tensors out by
 * descending rank in this list, then by name, and files written here must match it byte for byte.
 * Which of these Tensile can load or store, and as what, is decided in `internal/conversions.ts`.
 */

/**
 * Every dtype name the format defines (`"F32"`, `"BF16"`, …), in the reference `Dtype` enum order.
 *
 * @example
 * SAFETENSORS_DTYPES.includes('BF16')  // true
 */
export const SAFETENSORS_DTYPES = [
  'BOOL',
  'F4',
  'F6_E2M3',
  'F6_E3M2',
  'U8',
  'I8',
  'F8_E5M2',
  'F8_E4M3',
  'F8_E8M0',
  'I16',
  'U16',
  'F16',
  'BF16',
  'I32',
  'U32',
  'F32',
  'C64',
  'F64',
  'I64',
  'U64',
] as const;

/**
 * A safetensors dtype name.
 *
 * @example
 * const stored: SafetensorsDType = 'BF16';
 */
export type SafetensorsDType = (typeof SAFETENSORS_DTYPES)[number];

const BITS: Readonly<Record<SafetensorsDType, number>> = {
  BOOL: 8,
  F4: 4,
  F6_E2M3: 6,
  F6_E3M2: 6,
  U8: 8,
  I8: 8,
  F8_E5M2: 8,
  F8_E4M3: 8,
  F8_E8M0: 8,
  I16: 16,
  U16: 16,
  F16: 16,
  BF16: 16,
  I32: 32,
  U32: 32,
  F32: 32,
  C64: 64,
  F64: 64,
  I64: 64,
  U64: 64,
};

/**
 * True when `name` is one of the format's dtype names.
 *
 * @example
 * isSafetensorsDType('F32')  // true
 * isSafetensorsDType('f32')  // false
 */
export function isSafetensorsDType(name: unknown): name is SafetensorsDType {
  return typeof name === 'string' && Object.hasOwn(BITS, name);
}

/**
 * Bits per element (sub-byte types such as `F4` pack several elements per byte).
 *
 * @example
 * bitsPerElement('BF16')  // 16
 */
export function bitsPerElement(dtype: SafetensorsDType): number {
  return BITS[dtype];
}

/**
 * Position in the reference `Dtype` enum; the writer lays out higher ranks first.
 *
 * @example
 * layoutRank('F32') > layoutRank('I32')  // true: F32 tensors come first in a file
 */
export function layoutRank(dtype: SafetensorsDType): number {
  return SAFETENSORS_DTYPES.indexOf(dtype);
}
