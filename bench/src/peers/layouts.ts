/**
 * Channels-last copies of the canonical (channels-first) CNN parameters, for libraries whose
 * convolutions are NHWC-only (TensorFlow.js). Permuting the weights, rather than the library's
 * activations, keeps each library on its native layout while computing exactly the same model.
 */

/**
 * `[O, I, kh, kw]` conv weights as `[kh, kw, I, O]` (TensorFlow's HWIO).
 *
 * @example
 * const hwio = oihwToHwio(w, 32, 1, 3, 3);
 */
export function oihwToHwio(
  w: Float32Array,
  outputs: number,
  inputs: number,
  kh: number,
  kw: number,
): Float32Array {
  const out = new Float32Array(w.length);
  for (let o = 0; o < outputs; o++)
    for (let i = 0; i < inputs; i++)
      for (let y = 0; y < kh; y++)
        for (let x = 0; x < kw; x++)
          out[((y * kw + x) * inputs + i) * outputs + o] = w[
            ((o * inputs + i) * kh + y) * kw + x
          ] as number;
  return out;
}

/**
 * A dense weight whose rows follow a flattened `[C, H, W]` feature map, reordered for a
 * flattened `[H, W, C]` one.
 *
 * @example
 * const w = chwRowsToHwc(fc1.w, 64, 7, 7, 128);
 */
export function chwRowsToHwc(
  w: Float32Array,
  channels: number,
  height: number,
  width: number,
  outputs: number,
): Float32Array {
  const out = new Float32Array(w.length);
  for (let c = 0; c < channels; c++)
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        const from = ((c * height + y) * width + x) * outputs;
        const to = ((y * width + x) * channels + c) * outputs;
        out.set(w.subarray(from, from + outputs), to);
      }
  return out;
}
