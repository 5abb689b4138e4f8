/**
 * Moving data between JS and backends: upload a typed array as a tensor.
 */
import { ShapedArray } from '../aval.js';
import { allocHost, type DType, type HostArray } from '../dtype.js';
import { fmtShape, ShapeError } from '../errors.js';
import { getBackend } from '../registry.js';
import { sizeOf } from '../shape.js';
import { DeviceArray } from './device-array.js';

/**
 * Upload `data` (already in `dtype`'s host representation) as a tensor of `shape`.
 *
 * @example
 * const x = fromHost(new Float32Array([1, 2, 3, 4]), [2, 2], 'float32');
 */
export function fromHost(
  data: HostArray,
  shape: readonly number[],
  dtype: DType,
  options: { backend?: string; weakType?: boolean } = {},
): DeviceArray {
  if (data.length !== sizeOf(shape)) {
    throw new ShapeError(`fromHost: ${data.length} elements do not fill shape ${fmtShape(shape)}`);
  }
  const expected = allocHost(dtype, 0).constructor;
  if (data.constructor !== expected) {
    throw new ShapeError(
      `fromHost: ${dtype} data must be a ${expected.name}, got ${data.constructor.name}`,
    );
  }
  return DeviceArray.fromHost(
    getBackend(options.backend),
    new ShapedArray(shape, dtype, options.weakType ?? false),
    data,
  );
}
