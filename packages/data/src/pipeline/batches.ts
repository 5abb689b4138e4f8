/**
 * `batches(dataset, options)`: the standard training pipeline for an in-memory dataset, as one
 * Effect `Stream`: for each epoch, a permutation of the row indices from the key (or dataset order),
 * cut into batches; each batch's rows gathered on the host and optionally transformed by `map`; a
 * bounded prefetch buffer; and finally the upload to device tensors, one `Batch` per pull, owned by
 * the consumer.
 */
import { type Tensor, ValueError } from '@tensile/core';
import { Effect, Stream } from 'effect';
import type { ArrayDataset } from '../array-dataset.js';
import type { HostColumns } from '../host-tensor.js';
import type { Batch, HostBatch, TensorColumns } from './batch.js';
import { epochs, prefetch, toTensors } from './operators.js';
import { shuffledIndicesEffect } from './permutation.js';

/** Where a batch sits, as `map` sees it. */
export interface BatchPosition {
  readonly epoch: number;
  readonly index: number;
  readonly size: number;
}

/** Options of `batches` and `hostBatches`. */
export interface BatchesOptions<C extends HostColumns, Out extends HostColumns = C> {
  /** Rows per batch. */
  readonly batchSize: number;
  /** Shuffle each epoch with `random.permutation(random.foldIn(key, epoch), n)`; dataset order when omitted. Not consumed. */
  readonly key?: Tensor;
  /** How many epochs (default 1; `Infinity` for no end). */
  readonly epochs?: number;
  /** The first epoch's number (default 0); with `key`, epoch `e` has the same order whatever `startEpoch` is. */
  readonly startEpoch?: number;
  /** Skip this many batches at the start of `startEpoch` (default 0), to resume mid-epoch. */
  readonly startIndex?: number;
  /** Drop the last batch of an epoch when it has fewer than `batchSize` rows (default false). */
  readonly dropRemainder?: boolean;
  /** A host-side transform of each batch's columns (normalize, reshape, add a mask, …). */
  readonly map?: (columns: C, position: BatchPosition) => Out;
  /** Host batches prepared ahead of the consumer (default 2; 0 turns prefetching off). */
  readonly prefetch?: number;
  /** The backend to upload batches to (`batches` only; default backend when omitted). */
  readonly backend?: string;
}

/**
 * The batches of `dataset` as host arrays (no tensors): `batches` before the upload.
 *
 * @example
 * const host = hostBatches(ds, { batchSize: 128, key });  // Stream<HostBatch<...>>
 */
export function hostBatches<C extends HostColumns, Out extends HostColumns = C>(
  dataset: ArrayDataset<C>,
  options: BatchesOptions<C, Out>,
): Stream.Stream<HostBatch<Out>> {
  const { batchSize, key, dropRemainder = false, startEpoch = 0, startIndex = 0, map } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new ValueError(`batches: batchSize must be a positive integer, got ${batchSize}`);
  }
  if (!Number.isInteger(startIndex) || startIndex < 0) {
    throw new ValueError(`batches: startIndex must be a non-negative integer, got ${startIndex}`);
  }
  const n = dataset.length;
  const perEpoch = dropRemainder ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
  const oneEpoch = (epoch: number): Stream.Stream<HostBatch<Out>> => {
    const order: Effect.Effect<Int32Array | undefined> =
      key === undefined ? Effect.succeed(undefined) : shuffledIndicesEffect(key, n, { epoch });
    const first = epoch === startEpoch ? startIndex : 0;
    return Stream.unwrap(
      Effect.map(order, (indices) => {
        function* positions() {
          for (let index = first; index < perEpoch; index++) yield index;
        }
        return Stream.fromIterable(positions(), { chunkSize: 1 }).pipe(
          Stream.map((index): HostBatch<Out> => {
            const from = index * batchSize;
            const to = Math.min(n, from + batchSize);
            const rows =
              indices?.subarray(from, to) ??
              Int32Array.from({ length: to - from }, (_, i) => from + i);
            const position = { epoch, index, size: to - from };
            const gathered = dataset.rows(rows);
            const columns =
              map === undefined ? (gathered as unknown as Out) : map(gathered, position);
            return { columns, ...position };
          }),
        );
      }),
    );
  };
  return epochs(options.epochs ?? 1, oneEpoch, { start: startEpoch });
}

/**
 * Shuffled (by key), batched, prefetched device batches of an in-memory dataset, as an Effect
 * `Stream`. Each `Batch` belongs to the consumer, who must dispose it; batches not yet pulled when
 * the stream stops (interruption, `take`, `break`) are never uploaded or are disposed.
 *
 * @example
 * const train = batches(ds, {
 *   batchSize: 64,
 *   key: random.key(0),
 *   epochs: 10,
 *   map: ({ image, label }) => ({ x: castHost(image, 'float32', { scale: 1 / 255 }), y: label }),
 * });
 * await Effect.runPromise(Stream.runForEach(train, (b) => Effect.sync(() => { step(b.data); b.dispose(); })));
 * // or, without Effect:
 * for await (const b of toAsyncIterable(train)) { using _ = b; step(b.data); }
 */
export function batches<C extends HostColumns, Out extends HostColumns = C>(
  dataset: ArrayDataset<C>,
  options: BatchesOptions<C, Out>,
): Stream.Stream<Batch<TensorColumns<Out>>> {
  const ahead = options.prefetch ?? 2;
  if (!Number.isInteger(ahead) || ahead < 0) {
    throw new ValueError(`batches: prefetch must be a non-negative integer, got ${ahead}`);
  }
  const host = hostBatches(dataset, options);
  const buffered = ahead === 0 ? host : host.pipe(prefetch(ahead));
  return buffered.pipe(
    toTensors(options.backend === undefined ? {} : { backend: options.backend }),
  );
}
