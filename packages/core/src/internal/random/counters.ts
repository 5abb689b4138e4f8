/**
 * The heart of JAX's partitionable threefry PRNG (`jax_threefry_partitionable`,
 * the default since JAX 0.5): every element of an output of `shape` gets the
 * counter equal to its row-major position, as a 64-bit number split into a
 * high and a low uint32 word, and is hashed with the key by threefry2x32.
 * `split` stacks the two output words into new keys; `bits` xors them.
 */
import type { Tensor } from '../core/tensor.js';
import { fmtShape, ValueError } from '../errors.js';
import * as lax from '../lax/primitive-ops.js';
import { backendNameOf } from '../primitives/helpers.js';
import { sizeOf } from '../shape.js';
import { keyWords } from './key.js';

/**
 * `threefry2x32(key, (hi, lo))` where `(hi, lo)` is the 64-bit row-major position of each element
 * of `shape` (JAX's `iota_2x32_shape`). Returns the two uint32 output words, each of `shape`.
 *
 * @example
 * const [w0, w1] = hashPositions('bits', key, [3]);
 */
export function hashPositions(op: string, key: Tensor, shape: readonly number[]): [Tensor, Tensor] {
  const size = sizeOf(shape);
  if (size >= 2 ** 32) {
    throw new ValueError(
      `${op}: ${fmtShape(shape)} has ${size} elements; at most 2^32 - 1 are supported`,
    );
  }
  const name = backendNameOf(key);
  // Positions below 2^32 have a zero high word.
  const high = lax.full(shape, 0, 'uint32', false, name);
  const low = lax.reshape(lax.iota([size], 'uint32', 0, name), shape);
  const [k0, k1] = keyWords(key).map((w) => lax.broadcastInDim(w, shape, [])) as [Tensor, Tensor];
  return lax.threefry2x32(k0, k1, high, low);
}
