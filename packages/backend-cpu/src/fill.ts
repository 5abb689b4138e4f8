/**
 * Kernels that write an output without reading any input: `fill` (a constant) and `iota`
 * (the index along one axis).
 */
import { castValue } from './elementwise.js';
import { type ArrayOut, sizeOf } from './strided.js';

/**
 * Write `value`, converted to `out.dtype` as `castValue` does, to every element.
 *
 * @example
 * fill({ data: new Int32Array(3), dtype: 'int32', shape: [3] }, 2.9); // [2, 2, 2]
 */
export function fill(out: ArrayOut, value: number): void {
  out.data.fill(castValue(value, out.dtype), 0, sizeOf(out.shape));
}

/**
 * `out[..., i, ...] = i` along `axis`.
 *
 * @example
 * iota(1, { data: new Int32Array(6), dtype: 'int32', shape: [2, 3] }); // [0, 1, 2, 0, 1, 2]
 */
export function iota(axis: number, out: ArrayOut): void {
  const { data, shape } = out;
  if (!(axis >= 0 && axis < shape.length)) {
    throw new Error(`iota: axis ${axis} is out of range for shape [${shape}]`);
  }
  const length = shape[axis];
  const inner = sizeOf(shape.slice(axis + 1));
  const outer = sizeOf(shape.slice(0, axis));
  let w = 0;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < length; i++) {
      for (let end = w + inner; w < end; w++) data[w] = i;
    }
  }
}
