/**
 * The basic residual block of CIFAR-style ResNets (He et al., 2016, §4.2):
 * `relu(bn(conv3×3(relu(bn(conv3×3(x, stride))))) + shortcut(x))`. When the block changes the
 * shape (stride 2 and/or more channels) the shortcut is either
 *
 * - option A (the paper's CIFAR choice, parameter-free): take every `stride`-th pixel and pad the
 *   new channels with zeros (half before, half after, as the widely used PyTorch port);
 * - option B: a projection, `bn(conv1×1(x, stride))`.
 *
 * Otherwise it is the identity. The block is an nn module with the forward protocol, so it can
 * sit in a `sequential`, which threads its batch-norm state (`{ bn1, bn2, projection }`).
 */
import {
  nn as F,
  lax,
  np,
  random,
  ShapeError,
  scope,
  type Tensor,
  ValueError,
} from '@tensile/core';
import type { BatchNormState, Conv, Sequential } from '@tensile/nn';
import { type BatchNorm, batchNorm, conv2d, defineModule, Module, sequential } from '@tensile/nn';
import { positiveInt } from './internal/config.js';
import { heConv } from './internal/he-conv.js';

/** Which shortcut a block uses when its output shape differs from its input's. */
export type ShortcutOption = 'A' | 'B';

/**
 * A residual block's layers and configuration.
 *
 * @example
 * const block = basicBlock.init(random.key(0), { inChannels: 16, outChannels: 32, stride: 2, shortcut: 'A' });
 * block.projection  // null: option A has no parameters
 */
export class BasicBlock extends Module {
  declare readonly conv1: Conv;
  declare readonly bn1: BatchNorm;
  declare readonly conv2: Conv;
  declare readonly bn2: BatchNorm;
  /** Option B's `[conv1×1, batchNorm]` when the shape changes, else `null`. */
  declare readonly projection: Sequential | null;
  declare readonly inChannels: number;
  declare readonly outChannels: number;
  declare readonly stride: number;
  declare readonly shortcut: ShortcutOption;
}

/** The batch-norm running statistics of a block. */
export interface BasicBlockState {
  bn1: BatchNormState;
  bn2: BatchNormState;
  /** The projection's `sequential` state (option B with a shape change), else `null`. */
  projection: unknown[] | null;
}

/** Options of `basicBlock.init`. */
export interface BasicBlockConfig {
  inChannels: number;
  outChannels: number;
  /** Stride of the first convolution (and of the shortcut), default 1. */
  stride?: number;
  /** Default `'A'`. */
  shortcut?: ShortcutOption;
}

const make = defineModule(BasicBlock, {
  children: ['conv1', 'bn1', 'conv2', 'bn2', 'projection'],
  statics: ['inChannels', 'outChannels', 'stride', 'shortcut'],
  forward: (m, x, { state, train }) => apply(m, x, state as BasicBlockState, { train }),
  initState: (m) => initState(m),
});

/**
 * A basic block (convolutions He-normal initialised, batch norms ones/zeros).
 *
 * @example
 * const block = basicBlock.init(key, { inChannels: 16, outChannels: 16 });
 */
export function init(key: Tensor, config: BasicBlockConfig): BasicBlock {
  const op = 'basicBlock.init';
  const inChannels = positiveInt(op, 'inChannels', config.inChannels);
  const outChannels = positiveInt(op, 'outChannels', config.outChannels);
  const stride = positiveInt(op, 'stride', config.stride ?? 1);
  const shortcut = config.shortcut ?? 'A';
  if (shortcut !== 'A' && shortcut !== 'B') {
    throw new ValueError(`${op}: shortcut must be 'A' or 'B', got ${JSON.stringify(shortcut)}`);
  }
  if (shortcut === 'A' && outChannels < inChannels) {
    throw new ValueError(
      `${op}: option A shortcuts can only add channels, got ${inChannels} → ${outChannels} (use shortcut 'B')`,
    );
  }
  const changesShape = stride !== 1 || inChannels !== outChannels;
  return scope(() => {
    const [k1, k2, k3] = [...random.split(key, 3)] as Tensor[];
    return make({
      conv1: heConv(k1 as Tensor, { inChannels, outChannels, kernelSize: 3, stride, padding: 1 }),
      bn1: batchNorm.init({ numFeatures: outChannels }),
      conv2: heConv(k2 as Tensor, {
        inChannels: outChannels,
        outChannels,
        kernelSize: 3,
        stride: 1,
        padding: 1,
      }),
      bn2: batchNorm.init({ numFeatures: outChannels }),
      projection:
        shortcut === 'B' && changesShape
          ? sequential([
              heConv(k3 as Tensor, { inChannels, outChannels, kernelSize: 1, stride, padding: 0 }),
              batchNorm.init({ numFeatures: outChannels }),
            ])
          : null,
      inChannels,
      outChannels,
      stride,
      shortcut,
    });
  });
}

/**
 * Fresh running statistics for the block's batch norms.
 *
 * @example
 * const state = basicBlock.initState(block);
 */
export function initState(m: BasicBlock): BasicBlockState {
  return {
    bn1: batchNorm.initState(m.bn1) as BatchNormState,
    bn2: batchNorm.initState(m.bn2) as BatchNormState,
    projection: m.projection ? sequential.initState(m.projection) : null,
  };
}

/** Option A: subsample by the stride and zero-pad the new channels (half before, half after). */
function optionA(m: BasicBlock, x: Tensor): Tensor {
  let s = x;
  if (m.stride !== 1) {
    s = lax.slice(x, [0, 0, 0, 0], x.shape, [1, 1, m.stride, m.stride]);
  }
  const extra = m.outChannels - m.inChannels;
  if (extra === 0) return s;
  const before = Math.floor(extra / 2);
  return np.pad(s, [
    [0, 0],
    [before, extra - before],
    [0, 0],
    [0, 0],
  ]);
}

/**
 * Run the block on `[N, inChannels, H, W]`: `[y, newState]`, `y` of shape
 * `[N, outChannels, ⌈H/stride⌉, ⌈W/stride⌉]`.
 *
 * @example
 * const [y, next] = basicBlock.apply(block, x, state, { train: true });
 */
export function apply(
  m: BasicBlock,
  x: Tensor,
  state: BasicBlockState,
  options: { train?: boolean } = {},
): [Tensor, BasicBlockState] {
  if (x.ndim !== 4) {
    throw new ShapeError(`basicBlock: expected [N, C, H, W], got [${x.shape.join(', ')}]`);
  }
  if (!state?.bn1 || !state.bn2) {
    throw new ValueError(
      'basicBlock: pass the block state (basicBlock.initState, or initState(model))',
    );
  }
  const train = options.train ?? false;
  return scope(() => {
    const [h1, bn1] = batchNorm.apply(m.bn1, conv2d.apply(m.conv1, x), state.bn1, { train });
    const [h2, bn2] = batchNorm.apply(m.bn2, conv2d.apply(m.conv2, F.relu(h1)), state.bn2, {
      train,
    });
    let residual: Tensor;
    let projection: unknown[] | null = null;
    if (m.projection) {
      [residual, projection] = sequential.apply(m.projection, x, {
        state: state.projection,
        train,
      });
    } else {
      residual = m.shortcut === 'A' ? optionA(m, x) : x;
    }
    return [
      F.relu(h2.add(residual)),
      { bn1: bn1 as BatchNormState, bn2: bn2 as BatchNormState, projection },
    ];
  });
}
