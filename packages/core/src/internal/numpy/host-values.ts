/**
 * Reading tensors back into plain JS values: nested arrays (`toArray()`)
 * and single elements (`item()`). Bools come back as booleans and float16
 * bits as numbers.
 */
import type { NestedArray, Tensor } from '../core/tensor.js';
import type { DType, HostArray } from '../dtype.js';
import { ValueError } from '../errors.js';
import { float16BitsToNumber } from './float16.js';

function decode(dtype: DType, raw: number): number | boolean {
  if (dtype === 'bool') return raw !== 0;
  if (dtype === 'float16') return float16BitsToNumber(raw);
  return raw;
}

/**
 * `host` (the row-major elements of `x`) as nested JS arrays of `x`'s shape; a 0-d tensor gives
 * a bare number or boolean.
 *
 * @example
 * toNested(x, x.dataSync())  // [[1, 2], [3, 4]]
 */
export function toNested(x: Tensor, host: HostArray): NestedArray {
  const { shape, dtype } = x;
  const build = (depth: number, offset: number, stride: number): NestedArray => {
    if (depth === shape.length) return decode(dtype, host[offset] as number);
    const n = shape[depth] as number;
    const inner = stride / Math.max(n, 1);
    return Array.from({ length: n }, (_, i) => build(depth + 1, offset + i * inner, inner));
  };
  return build(0, 0, host.length);
}

/**
 * The only element of a size-1 tensor, read synchronously.
 *
 * @example
 * np.sum(np.array([1, 2])).item()  // 3
 */
export function item(x: Tensor): number | boolean {
  if (x.size !== 1)
    throw new ValueError(
      `item: only a tensor with one element can be converted to a scalar, got ${x.aval.toString()}`,
    );
  return decode(x.dtype, x.dataSync()[0] as number);
}
