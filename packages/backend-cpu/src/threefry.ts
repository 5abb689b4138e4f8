/**
 * The Threefry-2x32 block cipher (Random123, 20 rounds), elementwise over uint32 views: the hash
 * behind `jax.random`. Bit-for-bit the same as JAX's `threefry2x32`, so Tensile's keys and
 * random streams reproduce JAX's.
 */
import {
  type ArrayOut,
  type ArrayView,
  checkShape,
  contiguousStrides,
  forEachRow,
} from './strided.js';

/** Rotation amounts of the even and odd groups of four rounds. */
const ROTATIONS = [
  [13, 15, 26, 6],
  [17, 29, 16, 24],
];

/** Key-schedule parity constant of Threefry. */
const PARITY = 0x1bd11bda;

/**
 * `(out0, out1) = threefry2x32((key0, key1), (x0, x1))` for every element.
 *
 * @example
 * // key [0x13198a2e, 0x03707344], counter [0x243f6a88, 0x85a308d3] → [0xc4923a9c, 0x483df7a0]
 * threefry2x32(key0, key1, x0, x1, out0, out1);
 */
export function threefry2x32(
  key0: ArrayView,
  key1: ArrayView,
  x0: ArrayView,
  x1: ArrayView,
  out0: ArrayOut,
  out1: ArrayOut,
): void {
  const { shape } = x0;
  const operands = { key0, key1, x1, out0, out1 };
  for (const [what, operand] of Object.entries(operands))
    checkShape('threefry2x32', what, operand.shape, shape);
  const dense = contiguousStrides(shape);
  const keys = new Int32Array(3);
  const [k0, k1, c0, c1, o0, o1] = [key0.data, key1.data, x0.data, x1.data, out0.data, out1.data];
  forEachRow(
    shape,
    [key0.strides, key1.strides, x0.strides, x1.strides, dense],
    [key0.offset, key1.offset, x0.offset, x1.offset, 0],
    (n, at, step) => {
      let [p0, p1, p2, p3] = at;
      const [s0, s1, s2, s3] = step;
      for (let oi = at[4], end = oi + n; oi < end; oi++, p0 += s0, p1 += s1, p2 += s2, p3 += s3) {
        keys[0] = k0[p0];
        keys[1] = k1[p1];
        keys[2] = keys[0] ^ keys[1] ^ PARITY;
        let a = (c0[p2] + keys[0]) | 0;
        let b = (c1[p3] + keys[1]) | 0;
        // Five groups of four rounds, each followed by a key injection.
        for (let group = 0; group < 5; group++) {
          const rotations = ROTATIONS[group & 1];
          for (let r = 0; r < 4; r++) {
            const rotation = rotations[r];
            a = (a + b) | 0;
            b = (b << rotation) | (b >>> (32 - rotation));
            b ^= a;
          }
          a = (a + keys[(group + 1) % 3]) | 0;
          b = (b + keys[(group + 2) % 3] + group + 1) | 0;
        }
        o0[oi] = a;
        o1[oi] = b;
      }
    },
  );
}
