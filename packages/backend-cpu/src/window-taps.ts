/**
 * Sliding-window geometry shared by `conv` and `reduceWindow`.
 *
 * Both slide a window over a (padded, dilated) input: output position `o` and window tap `t`
 * along a dim read the dilated, padded input at `p = o*stride + t*windowDilation - padLow`, which
 * is a real input element `p / baseDilation` when it is a multiple of the base dilation inside
 * the input, and padding or a dilation hole otherwise. Padding is never materialised: per dim we
 * list the valid (tap, input) pairs of every output index once, and for each output position
 * enumerate their product into reused scratch arrays of element offsets.
 */

/**
 * How a window slides over an input, per dim (`padLow` may be negative, which crops).
 *
 * @example
 * // 3×3 window, stride 2, padding 1 on a 5×5 input → 3×3 output
 * const geometry: WindowGeometry = {
 *   inputShape: [5, 5], outputShape: [3, 3], windowShape: [3, 3], strides: [2, 2],
 *   padLow: [1, 1], baseDilation: [1, 1], windowDilation: [1, 1],
 * };
 */
export interface WindowGeometry {
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  readonly windowShape: readonly number[];
  readonly strides: readonly number[];
  readonly padLow: readonly number[];
  readonly baseDilation: readonly number[];
  readonly windowDilation: readonly number[];
}

/**
 * Output size along one dim, as XLA computes it (0 when the window does not fit once).
 *
 * @example
 * windowOutputSize(5, 3, 2, 1, 1, 1, 1) // 3: padded size 7, window 3, stride 2
 */
export function windowOutputSize(
  inputSize: number,
  windowSize: number,
  stride: number,
  padLow: number,
  padHigh: number,
  baseDilation: number,
  windowDilation: number,
): number {
  const dilatedInput = inputSize === 0 ? 0 : (inputSize - 1) * baseDilation + 1;
  const padded = dilatedInput + padLow + padHigh;
  const dilatedWindow = windowSize === 0 ? 0 : (windowSize - 1) * windowDilation + 1;
  return padded < dilatedWindow ? 0 : Math.floor((padded - dilatedWindow) / stride) + 1;
}

/**
 * Called once per output position (row-major `outputIndex`) with its `count` valid taps: the
 * input element offsets and tap offsets of tap `j` are `inputOffsets[j]` and `tapOffsets[j]`.
 * The arrays are reused: read them before returning.
 *
 * @example
 * // Max over each window's taps.
 * const maxPool: WindowVisitor = (o, count, inputs) => {
 *   let best = -Infinity;
 *   for (let j = 0; j < count; j++) best = Math.max(best, data[inputs[j]]);
 *   out[o] = best;
 * };
 */
export type WindowVisitor = (
  outputIndex: number,
  count: number,
  inputOffsets: Int32Array,
  tapOffsets: Int32Array,
) => void;

/**
 * Visit every output position of a sliding window with the offsets of the taps that land on
 * real input elements (padding and dilation holes are skipped). Input offsets are relative to the
 * input's first element, using `inputStrides`; tap offsets use `tapStrides` over the window dims.
 *
 * @example
 * // A width-2 window, stride 1, no padding, over 3 elements: outputs 0 and 1.
 * forEachWindow(
 *   { inputShape: [3], outputShape: [2], windowShape: [2], strides: [1], padLow: [0], baseDilation: [1], windowDilation: [1] },
 *   [1], [1],
 *   (o, count, inputs, taps) => console.log(o, [...inputs.subarray(0, count)]), // 0 [0, 1], then 1 [1, 2]
 * );
 */
export function forEachWindow(
  geometry: WindowGeometry,
  inputStrides: readonly number[],
  tapStrides: readonly number[],
  visit: WindowVisitor,
): void {
  const { outputShape, windowShape } = geometry;
  const rank = outputShape.length;
  const dims = outputShape.map((_, d) => validTaps(geometry, d));
  let maxTaps = 1;
  for (const n of windowShape) maxTaps *= n;
  const inputOffsets = new Int32Array(maxTaps);
  const tapOffsets = new Int32Array(maxTaps);
  const outputIndex = new Int32Array(rank);
  const cursor = new Int32Array(rank);
  let total = 1;
  for (const n of outputShape) total *= n;
  for (let flat = 0; flat < total; flat++) {
    let count = 0;
    let empty = false;
    for (let d = 0; d < rank; d++) {
      const { starts } = dims[d];
      cursor[d] = starts[outputIndex[d]];
      if (cursor[d] === starts[outputIndex[d] + 1]) empty = true;
    }
    while (!empty) {
      let inputOffset = 0;
      let tapOffset = 0;
      for (let d = 0; d < rank; d++) {
        inputOffset += dims[d].inputs[cursor[d]] * inputStrides[d];
        tapOffset += dims[d].taps[cursor[d]] * tapStrides[d];
      }
      inputOffsets[count] = inputOffset;
      tapOffsets[count] = tapOffset;
      count++;
      // Next combination of per-dim taps (odometer); done when every dim has wrapped.
      let d = rank - 1;
      for (; d >= 0; d--) {
        const { starts } = dims[d];
        if (++cursor[d] < starts[outputIndex[d] + 1]) break;
        cursor[d] = starts[outputIndex[d]];
      }
      empty = d < 0;
    }
    visit(flat, count, inputOffsets, tapOffsets);
    for (let d = rank - 1; d >= 0; d--) {
      if (++outputIndex[d] < outputShape[d]) break;
      outputIndex[d] = 0;
    }
  }
}

/**
 * The valid taps along dim `d`: for output index `o`, entries `starts[o]` to `starts[o + 1]` of
 * `taps` (window index) and `inputs` (input index).
 */
function validTaps(
  geometry: WindowGeometry,
  d: number,
): { starts: Int32Array; taps: Int32Array; inputs: Int32Array } {
  const inputSize = geometry.inputShape[d];
  const outputSize = geometry.outputShape[d];
  const windowSize = geometry.windowShape[d];
  const stride = geometry.strides[d];
  const padLow = geometry.padLow[d];
  const baseDilation = geometry.baseDilation[d];
  const windowDilation = geometry.windowDilation[d];
  const last = (inputSize - 1) * baseDilation;
  const starts = new Int32Array(outputSize + 1);
  const taps: number[] = [];
  const inputs: number[] = [];
  for (let o = 0; o < outputSize; o++) {
    for (let t = 0; t < windowSize; t++) {
      const p = o * stride + t * windowDilation - padLow;
      if (p >= 0 && p <= last && p % baseDilation === 0) {
        taps.push(t);
        inputs.push(p / baseDilation);
      }
    }
    starts[o + 1] = taps.length;
  }
  return { starts, taps: Int32Array.from(taps), inputs: Int32Array.from(inputs) };
}
