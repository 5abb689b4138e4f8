/**
 * A train/validation split of an in-memory dataset, deterministic by PRNG key: the validation set is
 * the first `validation` rows of `random.permutation(key, n)`, the training set the rest; each keeps
 * the dataset's original row order.
 */
import { type Tensor, ValueError } from '@tensile/core';
import { Effect } from 'effect';
import type { ArrayDataset } from '../array-dataset.js';
import type { HostColumns } from '../host-tensor.js';
import { shuffledIndicesEffect } from './permutation.js';

/** Options of `trainValidationSplit`. */
export interface SplitOptions {
  /** The key that decides which rows go where (not consumed). */
  readonly key: Tensor;
  /** The validation share: a fraction in (0, 1) of the rows (rounded), or a row count ≥ 1. */
  readonly validation: number;
}

/** The two parts of a split. */
export interface DatasetSplit<C extends HostColumns> {
  readonly train: ArrayDataset<C>;
  readonly validation: ArrayDataset<C>;
}

function validationCount(n: number, validation: number): number {
  const count = validation > 0 && validation < 1 ? Math.round(n * validation) : validation;
  if (!Number.isInteger(count) || count < 0 || count > n) {
    throw new ValueError(
      `trainValidationSplit: validation must be a fraction in (0, 1) or a row count in [0, ${n}], got ${validation}`,
    );
  }
  return count;
}

/**
 * `trainValidationSplit` as an Effect.
 *
 * @example
 * const { train, validation } = yield* trainValidationSplitEffect(ds, { key, validation: 0.1 });
 */
export function trainValidationSplitEffect<C extends HostColumns>(
  dataset: ArrayDataset<C>,
  options: SplitOptions,
): Effect.Effect<DatasetSplit<C>> {
  const count = validationCount(dataset.length, options.validation);
  return Effect.map(shuffledIndicesEffect(options.key, dataset.length), (order) => {
    const ascending = (rows: Int32Array) => Int32Array.from(rows).sort();
    return {
      validation: dataset.take(ascending(order.subarray(0, count))),
      train: dataset.take(ascending(order.subarray(count))),
    };
  });
}

/**
 * Split `dataset` into training and validation sets by `key`; the same key always gives the same
 * split.
 *
 * @example
 * const { train, validation } = await trainValidationSplit(ds, { key: random.key(42), validation: 0.1 });
 */
export function trainValidationSplit<C extends HostColumns>(
  dataset: ArrayDataset<C>,
  options: SplitOptions,
): Promise<DatasetSplit<C>> {
  return Effect.runPromise(trainValidationSplitEffect(dataset, options));
}
