/**
 * `random`: JAX-compatible counter-based PRNG (threefry2x32 keys, `split`, `foldIn`, samplers).
 *
 * @example
 * import { random } from '@tensile/core';
 * const [k1, k2] = random.split(random.key(0));
 * const w = random.normal(k1, [784, 512]);
 */
export * from './internal/random/index.js';
