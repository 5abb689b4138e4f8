/**
 * The `random` namespace: JAX's counter-based PRNG (threefry2x32 with the
 * partitionable layout, JAX's default), built from primitives so every
 * function works under `jit`, `vmap` and `grad`.
 *
 * Keys are plain `uint32[2]` tensors; a function never mutates its key, so
 * the same key always gives the same numbers: `split` or `foldIn` for fresh
 * ones.
 *
 * Agreement with JAX 0.11.2 (CPU, float32), checked against
 * `fixtures/jax/jax-random-public.json` (seeds 0, 1, 42):
 * - bit-identical: `key`, `keyData`, `split`, `foldIn`, `bits`, `uniform`
 *   (any bounds: the multiply-add is fused as XLA fuses it), `bernoulli`,
 *   `randint`, `permutation` and `categorical`;
 * - `normal` and `truncatedNormal` apply the backend's `erfinv` (and `erf`):
 *   bit-identical on the CPU backend, whose kernels follow XLA's float32
 *   algorithms; other backends match where their `erfinv` does;
 * - `gumbel` applies the backend's `log` (not in the fixture), and `choice`
 *   is composed from the samplers above with JAX's algorithms.
 */
export { bernoulli } from './bernoulli.js';
export { bits } from './bits.js';
export { categorical, gumbel } from './categorical.js';
export { type ChoiceOptions, choice } from './choice.js';
export { key, keyData } from './key.js';
export { normal, truncatedNormal } from './normal.js';
export { permutation } from './permutation.js';
export { randint } from './randint.js';
export { foldIn, split } from './split.js';
export { type UniformOptions, uniform } from './uniform.js';
