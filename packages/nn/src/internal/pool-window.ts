/**
 * Window arithmetic shared by the 2-D pooling layers: PyTorch's output size (floor or ceil mode)
 * and the explicit `[low, high]` padding of the last two axes that produces it with
 * `lax.reduceWindow`.
 */
import { ShapeError, ValueError } from '@tensile/core';

/** One spatial dim of a pooling window. */
export interface WindowDim {
  size: number;
  kernel: number;
  stride: number;
  padding: number;
  dilation: number;
  ceilMode: boolean;
}

/** Output length of one dim, as PyTorch's `pooling_output_shape`. */
export function pooledSize(op: string, d: WindowDim): number {
  const span = d.dilation * (d.kernel - 1) + 1;
  const numerator = d.size + 2 * d.padding - span;
  let out = Math.floor((d.ceilMode ? numerator + d.stride - 1 : numerator) / d.stride) + 1;
  // In ceil mode the last window must start inside the input or the left padding.
  if (d.ceilMode && (out - 1) * d.stride >= d.size + d.padding) out -= 1;
  if (numerator < 0 || out < 1) {
    throw new ShapeError(
      `${op}: input size ${d.size} is too small for kernel ${d.kernel} (dilation ${d.dilation}, padding ${d.padding})`,
    );
  }
  return out;
}

/** `[low, high]` padding making `reduceWindow`'s output `pooledSize` long. */
export function windowPadding(op: string, d: WindowDim): [number, number] {
  const out = pooledSize(op, d);
  const span = d.dilation * (d.kernel - 1) + 1;
  const extra = Math.max(0, (out - 1) * d.stride + span - (d.size + 2 * d.padding));
  return [d.padding, d.padding + extra];
}

/** PyTorch requires `padding ≤ kernel / 2`. */
export function checkPoolPadding(
  op: string,
  kernel: readonly number[],
  padding: readonly number[],
): void {
  padding.forEach((p, i) => {
    if (p > (kernel[i] as number) / 2) {
      throw new ValueError(
        `${op}: padding (${p}) must be at most half the kernel size (${kernel[i]})`,
      );
    }
  });
}
