/**
 * `countParams`: the number of scalar parameters in a model, for summaries and sanity checks
 * against other frameworks (`sum(p.numel() for p in model.parameters())` in PyTorch).
 */
import { Tensor, tree } from '@tensile/core';
import { partition } from './filter.js';
import { isTrainable } from './frozen.js';

/**
 * Total size of the tensors in `t` (frozen ones included unless `trainableOnly`).
 *
 * @example
 * countParams(linear.init(random.key(0), { inFeatures: 784, outFeatures: 10 }))  // 7850
 */
export function countParams(t: unknown, options: { trainableOnly?: boolean } = {}): number {
  const source = options.trainableOnly ? partition(t, isTrainable)[0] : t;
  return tree
    .leaves(source)
    .reduce<number>((n, leaf) => n + (leaf instanceof Tensor ? leaf.size : 0), 0);
}
