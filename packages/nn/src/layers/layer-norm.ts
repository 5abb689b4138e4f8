/**
 * `layerNorm`: normalisation over the trailing `normalizedShape` axes of each example, with a
 * learned elementwise scale and shift, as PyTorch's `nn.LayerNorm` (biased variance).
 */
import { np, ShapeError, scope, type Tensor, ValueError } from '@tensile/core';
import { checkInput, positiveInt } from '../internal/config.js';
import { defineModule, Module } from '../module.js';

/**
 * A layer-norm layer.
 *
 * @example
 * const ln = layerNorm.init({ normalizedShape: 64 });
 * ln.weight?.shape  // [64]
 */
export class LayerNorm extends Module {
  /** `normalizedShape` scale (ones), or `null` without `elementwiseAffine`. */
  declare readonly weight: Tensor | null;
  /** `normalizedShape` shift (zeros), or `null`. */
  declare readonly bias: Tensor | null;
  declare readonly normalizedShape: readonly number[];
  declare readonly eps: number;
}

/** Options of `layerNorm.init` (PyTorch's `LayerNorm` arguments). */
export interface LayerNormConfig {
  /** The trailing shape to normalise over: a number or a shape. */
  normalizedShape: number | readonly number[];
  /** Default 1e-5. */
  eps?: number;
  /** Learn a scale and shift (default true). */
  elementwiseAffine?: boolean;
}

const make = defineModule(LayerNorm, {
  children: ['weight', 'bias'],
  statics: ['normalizedShape', 'eps'],
  forward: (m, x) => [apply(m, x), null],
});

/**
 * A layer-norm layer (weight ones, bias zeros).
 *
 * @example
 * const ln = layerNorm.init({ normalizedShape: [16, 8] });
 */
export function init(config: LayerNormConfig): LayerNorm {
  const op = 'layerNorm.init';
  const shape =
    typeof config.normalizedShape === 'number'
      ? [config.normalizedShape]
      : [...config.normalizedShape];
  for (const d of shape) positiveInt(op, 'normalizedShape', d);
  if (shape.length === 0) throw new ValueError(`${op}: normalizedShape must not be empty`);
  const eps = config.eps ?? 1e-5;
  if (!(eps > 0)) throw new ValueError(`${op}: eps must be positive, got ${eps}`);
  const affine = config.elementwiseAffine ?? true;
  return make({
    weight: affine ? np.ones(shape) : null,
    bias: affine ? np.zeros(shape) : null,
    normalizedShape: shape,
    eps,
  });
}

/**
 * Normalise each example over the trailing `normalizedShape` axes.
 *
 * @example
 * const y = layerNorm.apply(ln, x);  // x [..., 64]
 */
export function apply(m: LayerNorm, x: Tensor): Tensor {
  const op = 'layerNorm';
  checkInput(op, x, null);
  const n = m.normalizedShape.length;
  const trailing = x.shape.slice(x.ndim - n);
  if (x.ndim < n || trailing.join() !== m.normalizedShape.join()) {
    throw new ShapeError(
      `${op}: input [${x.shape.join(', ')}] must end with normalizedShape [${m.normalizedShape.join(', ')}]`,
    );
  }
  const axes = Array.from({ length: n }, (_, i) => x.ndim - n + i);
  return scope(() => {
    const centered = x.sub(x.mean({ axis: axes, keepdims: true }));
    const variance = centered.square().mean({ axis: axes, keepdims: true });
    let y = centered.mul(variance.add(m.eps).sqrt().reciprocal());
    if (m.weight) y = y.mul(m.weight);
    if (m.bias) y = y.add(m.bias);
    return y;
  });
}
