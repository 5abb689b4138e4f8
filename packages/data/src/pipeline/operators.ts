/**
 * Stream operators for building pipelines by hand (`batches()` composes them for in-memory
 * datasets): `shuffle`, `batch`, `toTensors`, `mapTensors`, `prefetch`, `epochs`. Each is a plain
 * function from `Stream` to `Stream`, for `stream.pipe(...)`. Elements that hold tensors are owned
 * by the pipeline until the consumer pulls them; stopping early disposes the rest.
 */
import { type Tensor, ValueError } from '@tensile/core';
import { Effect, Stream } from 'effect';
import {
  allocHostArray,
  type HostColumns,
  type HostDType,
  type HostTensor,
  stackHost,
  toTensor,
} from '../host-tensor.js';
import { Batch, type HostBatch, type TensorColumns } from './batch.js';
import { withPending } from './owned.js';
import { shuffledIndicesEffect } from './permutation.js';

function checkPositiveInteger(op: string, what: string, n: number): void {
  if (!Number.isInteger(n) || n < 1)
    throw new ValueError(`${op}: ${what} must be a positive integer, got ${n}`);
}

/**
 * Shuffle a finite stream by a PRNG key: collects every element, then emits them in the order
 * `random.permutation(key, count)`. The same key and input give the same order. For in-memory
 * datasets prefer `batches(ds, { key })`, which shuffles indices without collecting.
 *
 * @example
 * Stream.fromIterable(lines).pipe(shuffle(random.key(0)))
 */
export function shuffle(key: Tensor) {
  return <A, E, R>(self: Stream.Stream<A, E, R>): Stream.Stream<A, E, R> =>
    withPending<A, E, R>((pending) =>
      Stream.unwrap(
        Effect.gen(function* () {
          const items: A[] = [];
          yield* Stream.runForEach(self, (a) => Effect.sync(() => void items.push(pending.add(a))));
          const order = yield* shuffledIndicesEffect(key, items.length);
          return Stream.fromIterable(
            Array.from(order, (i) => items[i] as A),
            { chunkSize: 1 },
          );
        }),
      ),
    );
}

/** One example of a stream to `batch`: numbers (scalars) or host tensors, by column name. */
export type Example = Readonly<Record<string, number | HostTensor>>;

/** The host columns `batch` makes from examples of type `X`. */
export type ExampleColumns<X extends Example> = { readonly [K in keyof X]: HostTensor };

/** Options of `batch`. */
export interface BatchExamplesOptions {
  /** Drop a last batch smaller than `size` (default false: keep it). */
  readonly dropRemainder?: boolean;
  /** The dtype of each scalar (number) column (default `float32`). */
  readonly dtypes?: Readonly<Record<string, HostDType>>;
}

/**
 * Group examples into host batches of `size` rows, stacking each column (numbers become a `[size]`
 * column, host tensors of shape `s` a `[size, ...s]` column).
 *
 * @example
 * Stream.fromIterable([{ x: 1, y: 0 }, { x: 2, y: 1 }, { x: 3, y: 0 }]).pipe(batch(2))
 * // HostBatch { columns: { x: float32[2], y: float32[2] }, index: 0, size: 2 }, then one of size 1
 */
export function batch<X extends Example>(size: number, options: BatchExamplesOptions = {}) {
  checkPositiveInteger('batch', 'size', size);
  return <E, R>(self: Stream.Stream<X, E, R>): Stream.Stream<HostBatch<ExampleColumns<X>>, E, R> =>
    Stream.suspend(() => {
      let index = 0;
      return self.pipe(
        Stream.grouped(size),
        Stream.filter((rows) => !(options.dropRemainder && rows.length < size)),
        Stream.map((rows) => {
          const columns: Record<string, HostTensor> = {};
          for (const name of Object.keys(rows[0] as X)) {
            const values = rows.map((row, i) => {
              const value = row[name];
              if (value === undefined)
                throw new ValueError(`batch: example ${index * size + i} has no '${name}'`);
              return value;
            });
            if (typeof values[0] === 'number') {
              if (values.some((v) => typeof v !== 'number')) {
                throw new ValueError(`batch: column '${name}' mixes numbers and host tensors`);
              }
              columns[name] = numbersColumn(
                values as number[],
                options.dtypes?.[name] ?? 'float32',
              );
            } else {
              columns[name] = stackHost(values as HostTensor[], `batch: column '${name}'`);
            }
          }
          return {
            columns: columns as ExampleColumns<X>,
            epoch: 0,
            index: index++,
            size: rows.length,
          };
        }),
      );
    });
}

/** Numbers as a `[n]` host column of `dtype` (bools: nonzero → 1). */
function numbersColumn(values: readonly number[], dtype: HostDType): HostTensor {
  if (dtype === 'float16')
    throw new ValueError('batch: numbers cannot be stacked as float16 on the host');
  const data = allocHostArray(dtype, values.length);
  values.forEach((v, i) => {
    data[i] = dtype === 'bool' ? (v !== 0 ? 1 : 0) : v;
  });
  return { data, shape: [values.length], dtype };
}

/**
 * Upload each host batch as a `Batch` of tensors (on `backend`, or the default backend). `uint8`
 * columns become `float32`. The consumer owns every batch it receives.
 *
 * @example
 * hostBatches.pipe(toTensors())  // Stream<Batch<{ x: Tensor, y: Tensor }>>
 */
export function toTensors(options: { backend?: string } = {}) {
  return <C extends HostColumns, E, R>(
    self: Stream.Stream<HostBatch<C>, E, R>,
  ): Stream.Stream<Batch<TensorColumns<C>>, E, R> =>
    self.pipe(
      Stream.rechunk(1),
      Stream.map((host) => {
        const data: Record<string, Tensor> = {};
        try {
          for (const [name, column] of Object.entries(host.columns))
            data[name] = toTensor(column, options.backend);
        } catch (error) {
          for (const t of Object.values(data)) t.dispose();
          throw error;
        }
        return new Batch(data as TensorColumns<C>, host.epoch, host.index, host.size);
      }),
    );
}

/**
 * Transform the tensors of each batch. `f` receives the batch's tensors and returns new ones; input
 * tensors that `f` does not return are disposed afterwards, so `f` need not clean up.
 *
 * @example
 * batches.pipe(mapTensors(({ image, label }) => ({ x: image.div(255).reshape([-1, 28, 28, 1]), y: label })))
 */
export function mapTensors<
  T extends Readonly<Record<string, Tensor>>,
  U extends Readonly<Record<string, Tensor>>,
>(f: (data: T, batch: Batch<T>) => U) {
  return <E, R>(self: Stream.Stream<Batch<T>, E, R>): Stream.Stream<Batch<U>, E, R> =>
    self.pipe(
      Stream.rechunk(1),
      Stream.map((input) => {
        let output: U;
        try {
          output = f(input.data, input);
        } catch (error) {
          input.dispose();
          throw error;
        }
        const kept = new Set<Tensor>(Object.values(output));
        for (const t of Object.values(input.data)) if (!kept.has(t)) t.dispose();
        return new Batch(output, input.epoch, input.index, input.size);
      }),
    );
}

/**
 * Let the producer run up to `capacity` elements ahead of the consumer (a bounded buffer), so
 * reading and decoding overlap with training. Order is preserved. Elements still buffered when the
 * stream stops early are disposed.
 *
 * @example
 * readBatches.pipe(prefetch(4))
 */
export function prefetch(capacity: number) {
  checkPositiveInteger('prefetch', 'capacity', capacity);
  return <A, E, R>(self: Stream.Stream<A, E, R>): Stream.Stream<A, E, R> =>
    withPending<A, E, R>((pending) =>
      self.pipe(
        Stream.rechunk(1),
        Stream.map((a) => pending.add(a)),
        Stream.buffer({ capacity }),
      ),
    );
}

/**
 * Run `epoch(e)` for `e = start, start + 1, …` (`count` epochs; `Infinity` for no end), one after
 * the other.
 *
 * @example
 * epochs(10, (e) => batches(ds, { batchSize: 64, key, epoch: e }))
 */
export function epochs<A, E, R>(
  count: number,
  epoch: (index: number) => Stream.Stream<A, E, R>,
  options: { start?: number } = {},
): Stream.Stream<A, E, R> {
  const start = options.start ?? 0;
  if (!(count === Number.POSITIVE_INFINITY || (Number.isInteger(count) && count >= 0))) {
    throw new ValueError(`epochs: count must be a non-negative integer or Infinity, got ${count}`);
  }
  if (!Number.isInteger(start) || start < 0)
    throw new ValueError(`epochs: start must be a non-negative integer, got ${start}`);
  function* numbers() {
    for (let e = start; e < start + count; e++) yield e;
  }
  return Stream.fromIterable(numbers(), { chunkSize: 1 }).pipe(Stream.flatMap(epoch));
}
