/**
 * The convolution shared by `conv1d` and `conv2d`: one `Conv` module class whose kernel rank
 * decides the number of spatial dims, PyTorch's layouts (input `[N, C, ...spatial]` or unbatched
 * `[C, ...spatial]`, weight `[out, in/groups, ...kernel]`) and default initialisation.
 */
import { lax, random, scope, type Tensor, ValueError } from '@tensile/core';
import * as initializers from '../init.js';
import { defineModule, Module } from '../module.js';
import { checkInput, nonNegativeInt, positiveInt, tuple } from './config.js';

/**
 * Padding of a convolution: `'SAME'` (output size ⌈in/stride⌉, extra padding at the end),
 * `'VALID'` (none), a number or one number per spatial dim (both sides, as PyTorch), or explicit
 * `[low, high]` pairs per spatial dim.
 */
export type ConvPadding =
  | 'SAME'
  | 'VALID'
  | 'same'
  | 'valid'
  | number
  | readonly number[]
  | readonly (readonly [number, number])[];

/**
 * A convolution layer (1-D or 2-D by the length of `kernelSize`).
 *
 * @example
 * const c = conv2d.init(random.key(0), { inChannels: 3, outChannels: 8, kernelSize: 3 });
 * c.weight.shape  // [8, 3, 3, 3]
 */
export class Conv extends Module {
  /** `[outChannels, inChannels / groups, ...kernelSize]`. */
  declare readonly weight: Tensor;
  /** `[outChannels]`, or `null`. */
  declare readonly bias: Tensor | null;
  declare readonly inChannels: number;
  declare readonly outChannels: number;
  declare readonly kernelSize: readonly number[];
  declare readonly stride: readonly number[];
  /** `'SAME'`, `'VALID'` or `[low, high]` per spatial dim. */
  declare readonly padding: 'SAME' | 'VALID' | readonly (readonly [number, number])[];
  declare readonly dilation: readonly number[];
  declare readonly groups: number;
}

/** Options of `conv1d.init`/`conv2d.init` (PyTorch's `Conv1d`/`Conv2d` arguments). */
export interface ConvConfig {
  inChannels: number;
  outChannels: number;
  /** A number or one per spatial dim. */
  kernelSize: number | readonly number[];
  /** Default 1. */
  stride?: number | readonly number[];
  /** Default 0. */
  padding?: ConvPadding;
  /** Default 1. */
  dilation?: number | readonly number[];
  /** Default 1; `inChannels` and `outChannels` must be divisible by it. */
  groups?: number;
  /** Default true. */
  bias?: boolean;
}

const make = defineModule(Conv, {
  children: ['weight', 'bias'],
  statics: ['inChannels', 'outChannels', 'kernelSize', 'stride', 'padding', 'dilation', 'groups'],
  forward: (m, x) => [applyConv(`conv${m.kernelSize.length}d`, m, x), null],
});

/** Normalise a padding option into `'SAME'`, `'VALID'` or `[low, high]` pairs. */
export function normalizePadding(
  op: string,
  padding: ConvPadding,
  n: number,
): 'SAME' | 'VALID' | [number, number][] {
  if (typeof padding === 'string') {
    const upper = padding.toUpperCase();
    if (upper !== 'SAME' && upper !== 'VALID') {
      throw new ValueError(`${op}: padding must be 'SAME', 'VALID' or numbers, got '${padding}'`);
    }
    return upper;
  }
  if (typeof padding === 'number' || padding.every((p) => typeof p === 'number')) {
    return tuple(op, 'padding', padding as number | number[], n, nonNegativeInt).map((p) => [p, p]);
  }
  const pairs = padding as readonly (readonly [number, number])[];
  if (pairs.length !== n || pairs.some((p) => !Array.isArray(p) || p.length !== 2)) {
    throw new ValueError(
      `${op}: padding needs ${n} [low, high] pairs, got ${JSON.stringify(padding)}`,
    );
  }
  return pairs.map(([lo, hi]) => [
    nonNegativeInt(op, 'padding', lo),
    nonNegativeInt(op, 'padding', hi),
  ]);
}

/** Check `groups` divides both channel counts. */
export function checkGroups(
  op: string,
  inChannels: number,
  outChannels: number,
  groups: number,
): void {
  if (inChannels % groups !== 0 || outChannels % groups !== 0) {
    throw new ValueError(
      `${op}: inChannels (${inChannels}) and outChannels (${outChannels}) must be divisible by groups (${groups})`,
    );
  }
}

/** A convolution with `n` spatial dims initialised as PyTorch's `ConvNd`. */
export function initConv(layer: string, n: number, key: Tensor, config: ConvConfig): Conv {
  const op = `${layer}.init`;
  const inChannels = positiveInt(op, 'inChannels', config.inChannels);
  const outChannels = positiveInt(op, 'outChannels', config.outChannels);
  const groups = positiveInt(op, 'groups', config.groups ?? 1);
  checkGroups(op, inChannels, outChannels, groups);
  const kernelSize = tuple(op, 'kernelSize', config.kernelSize, n);
  const fanIn = (inChannels / groups) * kernelSize.reduce((a, b) => a * b, 1);
  return scope(() => {
    const [kw, kb] = random.split(key);
    const bound = 1 / Math.sqrt(fanIn);
    return make({
      weight: initializers.kaimingUniform({ a: Math.sqrt(5) })(kw, [
        outChannels,
        inChannels / groups,
        ...kernelSize,
      ]),
      bias:
        config.bias === false
          ? null
          : initializers.uniform({ low: -bound, high: bound })(kb, [outChannels]),
      inChannels,
      outChannels,
      kernelSize,
      stride: tuple(op, 'stride', config.stride ?? 1, n),
      padding: normalizePadding(op, config.padding ?? 0, n),
      dilation: tuple(op, 'dilation', config.dilation ?? 1, n),
      groups,
    });
  });
}

/** Run `body` on `x` with a batch axis, adding one for an unbatched input of rank `n + 1`. */
export function withBatch(x: Tensor, n: number, body: (batched: Tensor) => Tensor): Tensor {
  if (x.ndim === n + 2) return body(x);
  return body(x.expandDims(0)).squeeze(0);
}

/** Apply a `Conv` module to `[N, C, ...]` or `[C, ...]`. */
export function applyConv(op: string, m: Conv, x: Tensor): Tensor {
  const n = m.kernelSize.length;
  if (op !== `conv${n}d`) {
    throw new ValueError(`${op}: the module is a conv${n}d layer (kernelSize [${m.kernelSize}])`);
  }
  checkInput(op, x, [n + 1, n + 2], { axis: -(n + 1), size: m.inChannels, what: 'channels' });
  return scope(() =>
    withBatch(x, n, (batched) => {
      const y = lax.convGeneralDilated(batched, m.weight, m.stride, m.padding as lax.Padding, {
        rhsDilation: m.dilation,
        featureGroupCount: m.groups,
      });
      return m.bias ? y.add(m.bias.reshape([m.outChannels, ...new Array(n).fill(1)])) : y;
    }),
  );
}
