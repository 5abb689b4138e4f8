/**
 * `@tensile/data/node` — file readers and dataset loaders for Node: IDX/CSV/text files,
 * Fashion-MNIST (cache → Debian package → checksummed download → committed slice), the SpamAssassin
 * corpus, and yearly sunspot numbers. Every loader comes as a Promise (`fashionMnist`) and as an
 * Effect (`fashionMnistEffect`, failing with `DataError`). The main entry `@tensile/data` stays
 * browser-safe.
 *
 * @example
 * import { fashionMnist, spamAssassin, sunspots } from '@tensile/data/node';
 * const { dataset, source } = await fashionMnist({ split: 'train' });  // source: 'cache' | 'system' | 'download' | 'slice'
 *
 * @packageDocumentation
 */
export { digest, type FileChecksum } from './node/checksum.js';
export {
  defaultFashionMnistCacheDir,
  FASHION_MNIST_CHECKSUMS,
  FASHION_MNIST_CLASSES,
  FASHION_MNIST_MIRRORS,
  FASHION_MNIST_SLICE_CHECKSUMS,
  FASHION_MNIST_SYSTEM_DIRS,
  type FashionMnist,
  type FashionMnistOptions,
  type FashionMnistSource,
  fashionMnist,
  fashionMnistEffect,
} from './node/fashion-mnist.js';
export { fixturesPath } from './node/fixtures.js';
export {
  csvRowsStream,
  linesStream,
  type ReadCsvOptions,
  readCsv,
  readCsvEffect,
  readIdx,
  readIdxEffect,
  readLines,
} from './node/readers.js';
export {
  type SpamAssassinOptions,
  type SpamEmail,
  type SpamGroup,
  spamAssassin,
  spamAssassinEffect,
} from './node/spam-assassin.js';
export { type Sunspots, sunspots, sunspotsEffect } from './node/sunspots.js';
