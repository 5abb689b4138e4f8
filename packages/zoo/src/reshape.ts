/**
 * `reshape`: a parameterless layer giving each example a new shape while keeping the batch axis
 * (`[B, 6272]` → `[B, 128, 7, 7]`, or `[B, 1]` → `[B]` with shape `[]`), so a DCGAN generator's
 * linear projection can feed its transposed convolutions inside one `sequential`. PyTorch calls it
 * `nn.Unflatten`; nn's `flatten` is its inverse.
 */
import { ShapeError, scope, type Tensor } from '@tensile/core';
import { defineModule, Module } from '@tensile/nn';

/**
 * A reshape layer: the per-example shape it produces.
 *
 * @example
 * const r = reshape.init({ shape: [128, 7, 7] });
 * r.shape  // [128, 7, 7]
 */
export class Reshape extends Module {
  declare readonly shape: readonly number[];
}

const make = defineModule(Reshape, {
  children: [],
  statics: ['shape'],
  forward: (m, x) => [apply(m, x), null],
});

/**
 * A layer reshaping `[B, ...]` to `[B, ...shape]`.
 *
 * @example
 * const r = reshape.init({ shape: [64, 7, 7] });
 */
export function init(config: { shape: readonly number[] }): Reshape {
  const shape = [...config.shape];
  if (shape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new ShapeError(
      `reshape.init: shape must hold positive integers, got [${shape.join(', ')}]`,
    );
  }
  return make({ shape });
}

/**
 * `x` (`[B, ...]`) reshaped to `[B, ...m.shape]`; the element counts per example must agree.
 *
 * @example
 * reshape.apply(reshape.init({ shape: [2, 3] }), np.zeros([4, 6])).shape  // [4, 2, 3]
 */
export function apply(m: Reshape, x: Tensor): Tensor {
  const per = m.shape.reduce((a, b) => a * b, 1);
  if (x.ndim < 1 || x.size !== (x.shape[0] as number) * per) {
    throw new ShapeError(
      `reshape: cannot reshape [${x.shape.join(', ')}] to [B, ${m.shape.join(', ')}] (${per} elements per example)`,
    );
  }
  return scope(() => x.reshape([x.shape[0] as number, ...m.shape]));
}
