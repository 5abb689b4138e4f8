/**
 * Schedules accept the step count as an int32 tensor (the optimizer state's `count`, possibly a
 * tracer under `jit`) or as a JS number; this module turns either into an int32 tensor and checks
 * it is an integer count.
 */
import { DTypeError, isInteger, np, Tensor } from '@tensile/core';

/**
 * The step count as an int32 tensor (any shape: a schedule evaluates elementwise).
 *
 * @example
 * asCount(3);  // int32 scalar 3
 */
export function asCount(op: string, count: Tensor | number): Tensor {
  if (!(count instanceof Tensor)) {
    if (!Number.isInteger(count)) {
      throw new DTypeError(`${op}: the step count must be an integer, got ${count}`);
    }
    return np.array(count, { dtype: 'int32' });
  }
  if (!isInteger(count.dtype)) {
    throw new DTypeError(`${op}: the step count must be an integer tensor, got ${count.dtype}`);
  }
  return count.dtype === 'int32' ? count : count.astype('int32');
}
