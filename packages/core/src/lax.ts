/**
 * `lax`: the primitive-level API (JAX's `jax.lax`): operations with exact
 * shape/dtype semantics, convolution and pooling, and structured control flow.
 *
 * @example
 * import { lax } from '@tensile/core';
 * const [carry, ys] = lax.scan((c, x) => [c.add(x), c.add(x)], np.zeros([]), xs);
 */
export * from './internal/lax/control-flow.js';
// The user-facing conv/reduceWindow (padding strings, layouts) replace the raw primitive wrappers.
export {
  type ConvOptions,
  conv,
  convGeneralDilated,
  convTranspose,
  type DimensionNumbers,
  type Padding,
  padtypeToPads,
  reduceWindow,
  type WindowOptions,
} from './internal/lax/convolution.js';
export * from './internal/lax/primitive-ops.js';
