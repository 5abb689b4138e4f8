/**
 * Where the loop gets its batches: an *epoch data* factory, called once per epoch with the epoch
 * number and the batch index to start at, returning an Effect `Stream` (any `@tensile/data`
 * pipeline) or a plain `AsyncIterable` of batches. Resuming mid-epoch asks for `startIndex > 0`;
 * `epochBatches` wires that to `@tensile/data`'s `startEpoch`/`startIndex`, so a resumed run sees
 * exactly the batches an uninterrupted one would have seen. Errors of a plain iterable that are
 * data errors become `DataError`s; anything else it throws is a defect (a bug).
 */
import type { Tensor } from '@tensile/core';
import {
  type ArrayDataset,
  type BatchesOptions,
  batches,
  DataError,
  type HostColumns,
  isDataLoadError,
  type TensorColumns,
  toDataError,
} from '@tensile/data';
import { Stream } from 'effect';
import type { BatchData } from './train-step.js';

/** Which part of an epoch to produce. */
export interface EpochPosition {
  /** The epoch number (0-based). */
  readonly epoch: number;
  /** The first batch index to yield (0 unless resuming mid-epoch). */
  readonly startIndex: number;
}

/**
 * A batch as the loop consumes it: `@tensile/data`'s `Batch` fits. The loop owns it once received
 * and disposes it after the step (`dispose()`, else its tensors).
 */
export interface BatchLike<B extends BatchData = BatchData> {
  readonly data: B;
  /** Rows in the batch (default: the first dimension of its first tensor). */
  readonly size?: number;
  /** The batch's index within its epoch; batches below the requested `startIndex` are skipped. */
  readonly index?: number;
  dispose?(): void;
}

/** A stream or async iterable of batches. */
export type BatchSource<B extends BatchData = BatchData> =
  | Stream.Stream<BatchLike<B>, DataError>
  | AsyncIterable<BatchLike<B>>;

/**
 * Batches for one epoch, from `startIndex` on. Optional `stepsPerEpoch` / `examplesPerEpoch` let the
 * progress bar show totals and an ETA from the first step.
 *
 * @example
 * const trainData: EpochData<{ x: Tensor; y: Tensor }> = ({ epoch, startIndex }) =>
 *   batches(ds, { batchSize: 64, key, startEpoch: epoch, startIndex });
 */
export interface EpochData<B extends BatchData = BatchData> {
  (position: EpochPosition): BatchSource<B>;
  readonly stepsPerEpoch?: number;
  readonly examplesPerEpoch?: number;
}

/**
 * Epoch data over an in-memory dataset with `@tensile/data`'s `batches`: epoch `e` is shuffled by
 * `foldIn(key, e)`, and resuming at batch `i` skips exactly the first `i` batches. `stepsPerEpoch`
 * and `examplesPerEpoch` are filled in.
 *
 * @example
 * const trainData = epochBatches(train, {
 *   batchSize: 64,
 *   key: shuffleKey,
 *   map: ({ image, label }) => ({ x: castHost(image, 'float32', { scale: 1 / 255 }), y: label }),
 * });
 */
export function epochBatches<C extends HostColumns>(
  dataset: ArrayDataset<C>,
  options: Omit<BatchesOptions<C, C>, 'epochs' | 'startEpoch' | 'startIndex' | 'map'>,
): EpochData<TensorColumns<C>>;
export function epochBatches<C extends HostColumns, Out extends HostColumns>(
  dataset: ArrayDataset<C>,
  options: Omit<BatchesOptions<C, Out>, 'epochs' | 'startEpoch' | 'startIndex' | 'map'> & {
    readonly map: NonNullable<BatchesOptions<C, Out>['map']>;
  },
): EpochData<TensorColumns<Out>>;
export function epochBatches<C extends HostColumns, Out extends HostColumns = C>(
  dataset: ArrayDataset<C>,
  options: Omit<BatchesOptions<C, Out>, 'epochs' | 'startEpoch' | 'startIndex'>,
): EpochData<TensorColumns<Out>> {
  const n = dataset.length;
  const dropRemainder = options.dropRemainder ?? false;
  const stepsPerEpoch = dropRemainder
    ? Math.floor(n / options.batchSize)
    : Math.ceil(n / options.batchSize);
  const examplesPerEpoch = dropRemainder ? stepsPerEpoch * options.batchSize : n;
  const factory = ({ epoch, startIndex }: EpochPosition) =>
    batches(dataset, { ...options, epochs: 1, startEpoch: epoch, startIndex });
  return Object.assign(factory, { stepsPerEpoch, examplesPerEpoch });
}

/**
 * Any batch source as a Stream whose only typed failure is `DataError`.
 *
 * @internal
 */
export function toBatchStream<B extends BatchData>(
  source: BatchSource<B>,
): Stream.Stream<BatchLike<B>, DataError> {
  if (Stream.isStream(source)) return source as Stream.Stream<BatchLike<B>, DataError>;
  if (source === null || typeof source !== 'object' || !(Symbol.asyncIterator in source)) {
    return Stream.die(
      new TypeError('fit: the data factory must return a Stream or an AsyncIterable of batches'),
    );
  }
  return Stream.fromAsyncIterable(source, (error) => error).pipe(
    Stream.catch((error) =>
      error instanceof DataError
        ? Stream.fail(error)
        : isDataLoadError(error)
          ? Stream.fail(toDataError(error))
          : Stream.die(error),
    ),
  );
}

/** The number of rows of a batch. */
export function batchSize(batch: BatchLike): number {
  if (batch.size !== undefined) return batch.size;
  const first = Object.values(batch.data)[0] as Tensor | undefined;
  return first === undefined || first.shape.length === 0 ? 1 : (first.shape[0] as number);
}

/** Release a batch the loop has finished with. */
export function disposeBatch(batch: BatchLike): void {
  if (typeof batch.dispose === 'function') batch.dispose();
  else for (const t of Object.values(batch.data)) t.dispose();
}
