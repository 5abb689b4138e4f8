/**
 * PRNG keys. As in JAX's default (threefry2x32) implementation a key is a
 * `uint32[2]` tensor: `key(seed)` puts a 32-bit seed in the second word (the
 * first is the seed's high 32 bits, always 0 here: JAX without x64 wraps a
 * seed to 32 bits first). Every random function validates its key here, so a
 * wrong argument fails with a message naming the function.
 */
import { Tensor } from '../core/tensor.js';
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import * as lax from '../lax/primitive-ops.js';
import { freeIntermediates } from '../numpy/intermediates.js';
import { backendNameOf } from '../primitives/helpers.js';
import { getBackend } from '../registry.js';

/**
 * Check that `key` is one PRNG key (`uint32[2]`) and return it.
 *
 * @example
 * checkKey('normal', random.key(0))
 */
export function checkKey(op: string, key: unknown): Tensor {
  if (!(key instanceof Tensor)) {
    throw new ValueError(
      `${op}: key must be a PRNG key tensor (uint32[2], from random.key), got ${String(key)}`,
    );
  }
  if (key.dtype !== 'uint32') {
    throw new DTypeError(
      `${op}: key must be a uint32[2] PRNG key (from random.key), got ${key.aval}`,
    );
  }
  if (key.ndim > 1 && key.shape[key.ndim - 1] === 2) {
    throw new ShapeError(
      `${op}: expects a single key of shape [2], got a batch of keys ${key.aval}; use vmap to map over keys`,
    );
  }
  if (key.ndim !== 1 || key.shape[0] !== 2) {
    throw new ShapeError(
      `${op}: key must be a uint32[2] PRNG key (from random.key), got ${key.aval}`,
    );
  }
  return key;
}

/**
 * The two words of a key as uint32 scalars.
 *
 * @example
 * const [k0, k1] = keyWords(key);
 */
export function keyWords(key: Tensor): [Tensor, Tensor] {
  const word = (i: number) => lax.reshape(lax.slice(key, [i], [i + 1]), []);
  return [word(0), word(1)];
}

/**
 * A scalar JS integer or int32/uint32 scalar tensor as a uint32 word (wrapping modulo 2³²).
 *
 * @example
 * uint32Word('foldIn', 'data', -1)  // uint32 4294967295
 */
export function uint32Word(
  op: string,
  what: string,
  value: number | Tensor,
  backend?: string,
): Tensor {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value))
      throw new ValueError(`${op}: ${what} must be an integer, got ${value}`);
    return lax.full([], value >>> 0, 'uint32', false, backend ?? getBackend().name);
  }
  if (value.ndim !== 0 || (value.dtype !== 'int32' && value.dtype !== 'uint32')) {
    throw new DTypeError(`${op}: ${what} must be an int32 or uint32 scalar, got ${value.aval}`);
  }
  return value.dtype === 'uint32' ? value : lax.bitcastConvertType(value, 'uint32');
}

/**
 * A PRNG key from an integer seed: `uint32[2]` holding `[0, seed mod 2³²]`, the same key as
 * JAX's `jax.random.key_data(jax.random.key(seed))` (negative seeds wrap: `-1` → `[0, 4294967295]`).
 * A traced int32/uint32 scalar seed works too (under `jit`).
 *
 * @example
 * const k = random.key(42);
 * await k.toArray()  // [0, 42]
 */
export function key(seed: number | Tensor): Tensor {
  return freeIntermediates(() => {
    const low = uint32Word('key', 'seed', seed);
    const high = lax.full([1], 0, 'uint32', false, backendNameOf(low));
    return lax.concatenate([high, lax.reshape(low, [1])], 0);
  });
}

/**
 * The raw `uint32` data of a key or an array of keys (`[..., 2]`). Keys already are raw `uint32`
 * tensors, so this checks and returns its argument.
 *
 * @example
 * random.keyData(random.key(7))  // uint32 [0, 7]
 */
export function keyData(keys: Tensor): Tensor {
  if (
    !(keys instanceof Tensor) ||
    keys.dtype !== 'uint32' ||
    keys.ndim === 0 ||
    keys.shape[keys.ndim - 1] !== 2
  ) {
    const got = keys instanceof Tensor ? keys.aval.toString() : String(keys);
    throw new ShapeError(`keyData: expects PRNG keys (uint32 with a last dim of 2), got ${got}`);
  }
  return keys;
}
