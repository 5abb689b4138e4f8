/**
 * `convTranspose2d`: the transposed ("fractionally strided") 2-D convolution of PyTorch's
 * `nn.ConvTranspose2d` — the gradient of `conv2d` with respect to its input — including
 * `outputPadding`, dilation and groups. Weight layout `[in, out/groups, kh, kw]` as PyTorch.
 *
 * It is computed as an ordinary convolution of the input dilated by `stride` (`lhsDilation`)
 * with the spatially flipped kernel whose in/out axes are swapped within each group, padded by
 * `dilation·(k−1) − padding` (plus `outputPadding` at the end). Output size per dim:
 * `(in − 1)·stride − 2·padding + dilation·(k − 1) + outputPadding + 1`.
 */
import { lax, random, scope, type Tensor, ValueError } from '@tensile/core';
import * as initializers from '../init.js';
import { checkInput, nonNegativeInt, positiveInt, tuple } from '../internal/config.js';
import { checkGroups, withBatch } from '../internal/conv-nd.js';
import { defineModule, Module } from '../module.js';

/**
 * A transposed 2-D convolution layer.
 *
 * @example
 * const up = convTranspose2d.init(random.key(0), { inChannels: 16, outChannels: 8, kernelSize: 4, stride: 2, padding: 1 });
 * up.weight.shape  // [16, 8, 4, 4]
 */
export class ConvTranspose2d extends Module {
  /** `[inChannels, outChannels / groups, kh, kw]`. */
  declare readonly weight: Tensor;
  /** `[outChannels]`, or `null`. */
  declare readonly bias: Tensor | null;
  declare readonly inChannels: number;
  declare readonly outChannels: number;
  declare readonly kernelSize: readonly number[];
  declare readonly stride: readonly number[];
  declare readonly padding: readonly number[];
  declare readonly outputPadding: readonly number[];
  declare readonly dilation: readonly number[];
  declare readonly groups: number;
}

/** Options of `convTranspose2d.init` (PyTorch's `ConvTranspose2d` arguments). */
export interface ConvTranspose2dConfig {
  inChannels: number;
  outChannels: number;
  kernelSize: number | readonly number[];
  /** Default 1. */
  stride?: number | readonly number[];
  /** Rows/columns removed from both sides of the full output (default 0). */
  padding?: number | readonly number[];
  /** Extra rows/columns added at the end (default 0; less than stride or dilation). */
  outputPadding?: number | readonly number[];
  /** Default 1. */
  dilation?: number | readonly number[];
  /** Default 1. */
  groups?: number;
  /** Default true. */
  bias?: boolean;
}

const make = defineModule(ConvTranspose2d, {
  children: ['weight', 'bias'],
  statics: [
    'inChannels',
    'outChannels',
    'kernelSize',
    'stride',
    'padding',
    'outputPadding',
    'dilation',
    'groups',
  ],
  forward: (m, x) => [apply(m, x), null],
});

/**
 * A transposed convolution initialised as PyTorch's (`U(±1/√fanIn)` with PyTorch's fan of this
 * weight layout, `fanIn = (outChannels/groups)·kh·kw`).
 *
 * @example
 * const up = convTranspose2d.init(key, { inChannels: 64, outChannels: 32, kernelSize: 4, stride: 2, padding: 1 });
 */
export function init(key: Tensor, config: ConvTranspose2dConfig): ConvTranspose2d {
  const op = 'convTranspose2d.init';
  const inChannels = positiveInt(op, 'inChannels', config.inChannels);
  const outChannels = positiveInt(op, 'outChannels', config.outChannels);
  const groups = positiveInt(op, 'groups', config.groups ?? 1);
  checkGroups(op, inChannels, outChannels, groups);
  const kernelSize = tuple(op, 'kernelSize', config.kernelSize, 2);
  const stride = tuple(op, 'stride', config.stride ?? 1, 2);
  const dilation = tuple(op, 'dilation', config.dilation ?? 1, 2);
  const outputPadding = tuple(op, 'outputPadding', config.outputPadding ?? 0, 2, nonNegativeInt);
  outputPadding.forEach((p, i) => {
    if (p >= Math.max(stride[i] as number, dilation[i] as number)) {
      throw new ValueError(
        `${op}: outputPadding (${p}) must be smaller than stride or dilation (${stride[i]}, ${dilation[i]})`,
      );
    }
  });
  const shape = [inChannels, outChannels / groups, ...kernelSize];
  const fanIn = initializers.fans(shape)[0];
  return scope(() => {
    const [kw, kb] = random.split(key);
    const bound = 1 / Math.sqrt(fanIn);
    return make({
      weight: initializers.kaimingUniform({ a: Math.sqrt(5) })(kw, shape),
      bias:
        config.bias === false
          ? null
          : initializers.uniform({ low: -bound, high: bound })(kb, [outChannels]),
      inChannels,
      outChannels,
      kernelSize,
      stride,
      padding: tuple(op, 'padding', config.padding ?? 0, 2, nonNegativeInt),
      outputPadding,
      dilation,
      groups,
    });
  });
}

/**
 * The transposed convolution of `x` (`[N, inChannels, H, W]` or `[inChannels, H, W]`).
 *
 * @example
 * const y = convTranspose2d.apply(up, x);  // [N, 32, 2H, 2W] for kernel 4, stride 2, padding 1
 */
export function apply(m: ConvTranspose2d, x: Tensor): Tensor {
  const op = 'convTranspose2d';
  checkInput(op, x, [3, 4], { axis: -3, size: m.inChannels, what: 'channels' });
  const g = m.groups;
  const [kh, kw] = m.kernelSize as [number, number];
  const pads = m.kernelSize.map((k, i) => {
    const full = (m.dilation[i] as number) * (k - 1);
    return [
      full - (m.padding[i] as number),
      full - (m.padding[i] as number) + (m.outputPadding[i] as number),
    ] as [number, number];
  });
  return scope(() => {
    // [in, out/g, kh, kw] → per group [out/g, in/g] → [out, in/g, kh, kw], spatially flipped.
    const w = m.weight
      .reshape([g, m.inChannels / g, m.outChannels / g, kh, kw])
      .transpose([0, 2, 1, 3, 4])
      .reshape([m.outChannels, m.inChannels / g, kh, kw])
      .flip([2, 3]);
    return withBatch(x, 2, (batched) => {
      const y = lax.convGeneralDilated(batched, w, [1, 1], pads, {
        lhsDilation: m.stride,
        rhsDilation: m.dilation,
        featureGroupCount: g,
      });
      return m.bias ? y.add(m.bias.reshape([m.outChannels, 1, 1])) : y;
    });
  });
}
