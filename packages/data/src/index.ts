/**
 * @tensile/data — datasets and input pipelines. Effect `Stream`s inside (read, decode, shuffle,
 * batch, prefetch, with typed `DataError`s and interruption that releases files and tensors); plain
 * `AsyncIterable`s and Promises outside for code that does not use Effect. This entry works in
 * browsers and Node (bytes and strings in); file readers and the dataset loaders live in
 * `@tensile/data/node`.
 *
 * Ownership: pipelines keep data on the host until the last step; every `Batch` of tensors a stream
 * hands out belongs to the consumer, who disposes it (`batch.dispose()` or `using`).
 *
 * @example
 * import { ArrayDataset, batches, castHost, toAsyncIterable } from '@tensile/data';
 * import { random } from '@tensile/core';
 * const stream = batches(ds, {
 *   batchSize: 64,
 *   key: random.key(0),
 *   map: ({ image, label }) => ({ x: castHost(image, 'float32', { scale: 1 / 255 }), y: label }),
 * });
 * for await (const batch of toAsyncIterable(stream)) {
 *   using _ = batch;
 *   step(batch.data.x, batch.data.y);
 * }
 *
 * @packageDocumentation
 */
export { ArrayDataset } from './array-dataset.js';
export { DataError, type DataErrorKind, isDataLoadError, toDataError } from './data-error.js';
export {
  ChecksumError,
  DataFormatError,
  type DataLoadError,
  DataReadError,
  DatasetUnavailableError,
  DownloadError,
} from './errors.js';
export {
  castHost,
  gatherRows,
  type HostArray,
  type HostColumns,
  type HostDType,
  type HostTensor,
  hostTensor,
  reshapeHost,
  stackHost,
  toTensor,
} from './host-tensor.js';
export { toAsyncIterable } from './pipeline/async-iterable.js';
export { Batch, type HostBatch, type TensorColumns } from './pipeline/batch.js';
export {
  type BatchesOptions,
  type BatchPosition,
  batches,
  hostBatches,
} from './pipeline/batches.js';
export {
  type BatchExamplesOptions,
  batch,
  type Example,
  type ExampleColumns,
  epochs,
  mapTensors,
  prefetch,
  shuffle,
  toTensors,
} from './pipeline/operators.js';
export { shuffledIndices, shuffledIndicesEffect } from './pipeline/permutation.js';
export {
  type DatasetSplit,
  type SplitOptions,
  trainValidationSplit,
  trainValidationSplitEffect,
} from './pipeline/split.js';
export { slidingWindows, type WindowOptions } from './pipeline/windows.js';
export {
  type CsvOptions,
  CsvParser,
  type CsvRecord,
  type CsvTable,
  type NumericColumnsOptions,
  numericColumns,
  parseCsv,
} from './readers/csv.js';
export { gunzip, isGzip } from './readers/gzip.js';
export { decodeIdx, type IdxSource, parseIdx } from './readers/idx.js';
export { type EmailText, parseEmail } from './text/email.js';
export { type PaddedSequences, type PadOptions, padSequences } from './text/padding.js';
export { tokenize } from './text/tokenize.js';
export {
  OOV_ID,
  OOV_TOKEN,
  PAD_ID,
  PAD_TOKEN,
  Vocabulary,
  type VocabularyOptions,
} from './text/vocabulary.js';
