/**
 * Host-side shape arithmetic on strided views: sizes, row-major strides, and merging dims so a
 * kernel runs at the lowest rank that describes all its operands (fewer index divisions on the
 * GPU, and fewer distinct kernels to compile).
 */

/**
 * Number of elements of a shape (1 for a scalar).
 *
 * @example
 * sizeOf([2, 3]) // 6
 */
export function sizeOf(shape: readonly number[]): number {
  let size = 1;
  for (const n of shape) size *= n;
  return size;
}

/**
 * Row-major strides of a contiguous array of `shape`.
 *
 * @example
 * contiguousStrides([2, 3, 4]) // [12, 4, 1]
 */
export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = stride;
    stride *= shape[d] as number;
  }
  return strides;
}

/**
 * Drop size-1 dims and merge neighbouring dims that every operand walks as one
 * (`stride[d] = stride[d+1] * shape[d+1]`), keeping row-major element order.
 *
 * @example
 * collapseDims([2, 3, 4], [[12, 4, 1], [0, 0, 1]]) // { shape: [6, 4], strides: [[4, 1], [0, 1]] }
 */
export function collapseDims(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d] as number;
    if (n === 1) continue;
    const last = outShape.length - 1;
    const mergeable =
      last >= 0 &&
      strides.every((s, k) => (outStrides[k] as number[])[last] === (s[d] as number) * n);
    if (mergeable) {
      outShape[last] = (outShape[last] as number) * n;
      strides.forEach((s, k) => {
        (outStrides[k] as number[])[last] = s[d] as number;
      });
    } else {
      outShape.push(n);
      strides.forEach((s, k) => {
        (outStrides[k] as number[]).push(s[d] as number);
      });
    }
  }
  return { shape: outShape, strides: outStrides };
}
