/**
 * Fashion-MNIST (Zalando, MIT): 60,000 training and 10,000 test images, 28×28 grayscale, 10
 * classes. `fashionMnist` looks for the files, in this order:
 *
 * 1. the cache directory (`cacheDir`, default `$TENSILE_CACHE_DIR` or `~/.cache/tensile`, plus
 *    `/fashion-mnist`), where downloads are kept;
 * 2. the Debian package `dataset-fashion-mnist` (`/usr/share/datasets/fashion-mnist/`);
 * 3. a download from the official URLs (then the GitHub mirror) into the cache, written atomically;
 * 4. the small slice committed to the repository (`fixtures/fashion-mnist/`: 2,000 training and 500
 *    test images), with a notice saying so — unless `fallbackToSlice: false`, in which case it fails
 *    with a `DatasetUnavailableError` listing what was tried.
 *
 * Every file found is checked against its checksum (a bad cache entry is replaced by a fresh
 * download), decompressed, and parsed as IDX with its dims checked.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ValueError } from '@tensile/core';
import { Effect } from 'effect';
import { ArrayDataset } from '../array-dataset.js';
import { type DataError, toDataError } from '../data-error.js';
import { ChecksumError, DataFormatError, DatasetUnavailableError } from '../errors.js';
import type { HostTensor } from '../host-tensor.js';
import { attempt, runPlain } from '../internal/effect.js';
import { parseIdx } from '../readers/idx.js';
import { checksumMismatch, type FileChecksum } from './checksum.js';
import { downloadBytes } from './download.js';
import { maybeGunzip, readBytes, writeFileAtomic } from './files.js';
import { fixturesPath } from './fixtures.js';

/** The class names, by label. */
export const FASHION_MNIST_CLASSES: readonly string[] = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

/** The official download location, then the upstream repository's copy. */
export const FASHION_MNIST_MIRRORS: readonly string[] = [
  'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/',
  'https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/',
];

/** Where the Debian package `dataset-fashion-mnist` installs the files. */
export const FASHION_MNIST_SYSTEM_DIRS: readonly string[] = ['/usr/share/datasets/fashion-mnist'];

/**
 * Checksums of the four files: `md5` is the official MD5 of each `.gz` as published in the
 * upstream README; `sha256` is of the decompressed IDX contents (measured on the Debian package's
 * files, which are recompressed — their `.gz` MD5s differ — but hold the same data).
 */
export const FASHION_MNIST_CHECKSUMS: Readonly<Record<string, FileChecksum>> = {
  'train-images-idx3-ubyte.gz': {
    md5: '8d4fb7e6c68d591d4c3dfef9ec88bf0d',
    sha256: 'c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888',
  },
  'train-labels-idx1-ubyte.gz': {
    md5: '25c81989df183df01b3e8a0aad5dffbe',
    sha256: 'bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9',
  },
  't10k-images-idx3-ubyte.gz': {
    md5: 'bef4ecab320f06d8554ea6380940ec79',
    sha256: '5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b',
  },
  't10k-labels-idx1-ubyte.gz': {
    md5: 'bb300cfdad3c16e7a12a480ee83cd310',
    sha256: '0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34',
  },
};

/** SHA-256 of the decompressed contents of the committed slice (`fixtures/fashion-mnist/README.md`). */
export const FASHION_MNIST_SLICE_CHECKSUMS: Readonly<Record<string, FileChecksum>> = {
  'train-images-idx3-ubyte.gz': {
    sha256: '71a9f8cec24060d6752b3e4940ce6d6fd729334afa47b735dd553481aa83b53e',
  },
  'train-labels-idx1-ubyte.gz': {
    sha256: '8983259dfbc9f185f92698916f7daf361704b43ba7d19568cc7bcdeefdc1bece',
  },
  't10k-images-idx3-ubyte.gz': {
    sha256: 'c9bd0ed7148856eb2287d902861921296d6c36d95a5113341a35554343e84123',
  },
  't10k-labels-idx1-ubyte.gz': {
    sha256: '9f5f7b9143df7bffff73a8bf7d8a53545dbf787f86e5e195c64401d2c6f8f372',
  },
};

/** Where the files were found. */
export type FashionMnistSource = 'cache' | 'system' | 'download' | 'slice';

/** Options of `fashionMnist`. */
export interface FashionMnistOptions {
  /** `'train'` (60,000 images, default) or `'test'` (10,000). */
  readonly split?: 'train' | 'test';
  /** The directory holding (or receiving) the downloaded files. */
  readonly cacheDir?: string;
  /** Directories of a system installation (default: the Debian package's). */
  readonly systemDirs?: readonly string[];
  /** Base URLs to download from, tried in order (default `FASHION_MNIST_MIRRORS`). */
  readonly mirrors?: readonly string[];
  /** Allow downloading (default true). */
  readonly download?: boolean;
  /** Per-request timeout in milliseconds (default 60,000). */
  readonly timeoutMs?: number;
  /** Fall back to the committed slice when nothing else works (default true). */
  readonly fallbackToSlice?: boolean;
  /** The slice directory (default `<repo>/fixtures/fashion-mnist`). */
  readonly sliceDir?: string;
  /** Checksums of the full files by name (default `FASHION_MNIST_CHECKSUMS`). */
  readonly checksums?: Readonly<Record<string, FileChecksum>>;
  /** Checksums of the slice files (default `FASHION_MNIST_SLICE_CHECKSUMS`). */
  readonly sliceChecksums?: Readonly<Record<string, FileChecksum>>;
  /** Receives notices such as "using the slice" (default `console.warn`). */
  readonly onNotice?: (message: string) => void;
}

/** A loaded split. */
export interface FashionMnist {
  /** `image: uint8[N,28,28]` (0–255) and `label: int32[N]` (0–9). */
  readonly dataset: ArrayDataset<{ image: HostTensor; label: HostTensor }>;
  /** Where the files came from. */
  readonly source: FashionMnistSource;
  /** The files read. */
  readonly files: { readonly images: string; readonly labels: string };
  /** Class names by label. */
  readonly classes: readonly string[];
}

const op = 'fashionMnist';

/** The default cache directory: `$TENSILE_CACHE_DIR/fashion-mnist` or `$XDG_CACHE_HOME|~/.cache` + `/tensile/fashion-mnist`. */
export function defaultFashionMnistCacheDir(): string {
  const base =
    process.env.TENSILE_CACHE_DIR ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'tensile');
  return join(base, 'fashion-mnist');
}

interface Found {
  readonly path: string;
  readonly contents: Uint8Array;
}

/** Read `path` and check it; a missing file is `undefined`, a bad one a reason string. */
function readChecked(
  path: string,
  expected: FileChecksum | undefined,
): Effect.Effect<Found | string | undefined, DataError> {
  return readBytes(path, op).pipe(
    Effect.flatMap((stored) =>
      maybeGunzip(stored, path, op).pipe(
        Effect.map((contents) => {
          const mismatch =
            expected === undefined ? undefined : checksumMismatch(stored, contents, expected);
          return mismatch === undefined ? { path, contents } : `${path}: ${mismatch}`;
        }),
      ),
    ),
    Effect.catchTag('DataError', (error) =>
      Effect.succeed(error.kind === 'read' ? undefined : `${path}: ${error.message}`),
    ),
  );
}

/** Download `name` from the first mirror that serves a file with the right checksum, into `cacheDir`. */
function download(
  name: string,
  options: Required<Pick<FashionMnistOptions, 'mirrors' | 'timeoutMs'>> & { cacheDir: string },
  expected: FileChecksum | undefined,
  tried: string[],
): Effect.Effect<Found | undefined, DataError> {
  return Effect.gen(function* () {
    for (const mirror of options.mirrors) {
      const url = new URL(name, mirror.endsWith('/') ? mirror : `${mirror}/`).href;
      const got = yield* downloadBytes(url, op, options.timeoutMs).pipe(
        Effect.flatMap((stored) =>
          maybeGunzip(stored, url, op).pipe(
            Effect.flatMap((contents) => {
              const mismatch =
                expected === undefined ? undefined : checksumMismatch(stored, contents, expected);
              if (mismatch !== undefined) {
                return Effect.fail(
                  toDataError(new ChecksumError(`${op}: ${name} from ${url}: ${mismatch}`, url)),
                );
              }
              const path = join(options.cacheDir, name);
              return Effect.as(writeFileAtomic(path, stored, op), { path, contents });
            }),
          ),
        ),
        Effect.catchTag('DataError', (error) => Effect.succeed(error.message)),
      );
      if (typeof got !== 'string') return got;
      tried.push(`download: ${got}`);
    }
    return undefined;
  });
}

function parseSplit(images: Found, labels: Found): HostTensor[] {
  const x = parseIdx(images.contents, { source: images.path, op });
  const y = parseIdx(labels.contents, { source: labels.path, op });
  const problem = (file: string, what: string) =>
    new DataFormatError(`${op}: ${file}: ${what}`, file);
  if (x.dtype !== 'uint8' || x.shape.length !== 3 || x.shape[1] !== 28 || x.shape[2] !== 28) {
    throw problem(
      images.path,
      `expected uint8 images [N,28,28], got ${x.dtype}[${x.shape.join(',')}]`,
    );
  }
  if (y.dtype !== 'uint8' || y.shape.length !== 1) {
    throw problem(labels.path, `expected uint8 labels [N], got ${y.dtype}[${y.shape.join(',')}]`);
  }
  if (x.shape[0] !== y.shape[0]) {
    throw problem(labels.path, `${y.shape[0]} labels for ${x.shape[0]} images in ${images.path}`);
  }
  const bad = (y.data as Uint8Array).findIndex((v) => v > 9);
  if (bad >= 0)
    throw problem(labels.path, `label ${y.data[bad]} at index ${bad} is not a class 0–9`);
  return [x, { data: Int32Array.from(y.data), shape: y.shape, dtype: 'int32' }];
}

/**
 * `fashionMnist` as an Effect.
 *
 * @example
 * const { dataset, source } = yield* fashionMnistEffect({ split: 'test' });
 */
export function fashionMnistEffect(
  options: FashionMnistOptions = {},
): Effect.Effect<FashionMnist, DataError> {
  const split = options.split ?? 'train';
  if (split !== 'train' && split !== 'test') {
    throw new ValueError(`fashionMnist: split must be 'train' or 'test', got ${String(split)}`);
  }
  const prefix = split === 'train' ? 'train' : 't10k';
  const names = [`${prefix}-images-idx3-ubyte.gz`, `${prefix}-labels-idx1-ubyte.gz`] as const;
  const cacheDir = options.cacheDir ?? defaultFashionMnistCacheDir();
  const checksums = options.checksums ?? FASHION_MNIST_CHECKSUMS;
  const notice = options.onNotice ?? ((message: string) => console.warn(message));
  const tried: string[] = [];

  const fromDir = (dir: string, label: string, sums: Readonly<Record<string, FileChecksum>>) =>
    Effect.gen(function* () {
      const found: Array<Found | undefined> = [];
      for (const name of names) {
        const got = yield* readChecked(join(dir, name), sums[name]);
        if (typeof got === 'string') tried.push(`${label}: ${got}`);
        else if (got === undefined) tried.push(`${label}: ${join(dir, name)} not found`);
        found.push(typeof got === 'string' ? undefined : got);
      }
      return found;
    });

  const resolve = Effect.gen(function* () {
    const cached = yield* fromDir(cacheDir, 'cache', checksums);
    if (cached.every((f) => f !== undefined))
      return { source: 'cache' as const, found: cached as Found[] };

    for (const dir of options.systemDirs ?? FASHION_MNIST_SYSTEM_DIRS) {
      const system = yield* fromDir(dir, 'system', checksums);
      if (system.every((f) => f !== undefined))
        return { source: 'system' as const, found: system as Found[] };
    }

    if (options.download !== false) {
      const settings = {
        mirrors: options.mirrors ?? FASHION_MNIST_MIRRORS,
        timeoutMs: options.timeoutMs ?? 60_000,
        cacheDir,
      };
      const found: Found[] = [];
      for (const [i, name] of names.entries()) {
        const file = cached[i] ?? (yield* download(name, settings, checksums[name], tried));
        if (file === undefined) break;
        found.push(file);
      }
      if (found.length === names.length) return { source: 'download' as const, found };
    } else tried.push('download: turned off (download: false)');

    if (options.fallbackToSlice !== false) {
      const sliceDir = options.sliceDir ?? fixturesPath('fashion-mnist');
      const slice = yield* fromDir(
        sliceDir,
        'slice',
        options.sliceChecksums ?? FASHION_MNIST_SLICE_CHECKSUMS,
      );
      if (slice.every((f) => f !== undefined)) {
        yield* Effect.sync(() =>
          notice(
            `fashionMnist: the full Fashion-MNIST ${split} split is not available, using the small committed slice in ${sliceDir} instead. Tried:\n  ${tried.join('\n  ')}\nInstall the Debian package dataset-fashion-mnist or allow a download to get the full data.`,
          ),
        );
        return { source: 'slice' as const, found: slice as Found[] };
      }
    }
    return yield* attempt(() => {
      throw new DatasetUnavailableError(
        `fashionMnist: cannot find the Fashion-MNIST ${split} split. Tried:\n  ${tried.join('\n  ')}\nInstall the Debian package dataset-fashion-mnist, put the files in ${cacheDir}, or allow a download (no network here?).`,
      );
    });
  });

  return Effect.gen(function* () {
    const { source, found } = yield* resolve;
    const [images, labels] = found as [Found, Found];
    const [image, label] = (yield* attempt(() => parseSplit(images, labels))) as [
      HostTensor,
      HostTensor,
    ];
    return {
      dataset: ArrayDataset.fromColumns({ image, label }),
      source,
      files: { images: images.path, labels: labels.path },
      classes: FASHION_MNIST_CLASSES,
    };
  });
}

/**
 * Load a Fashion-MNIST split as an `ArrayDataset` (`image: uint8[N,28,28]`, `label: int32[N]`),
 * from the cache, the Debian package, a download, or the committed slice (see the file header).
 *
 * @example
 * const { dataset, source } = await fashionMnist({ split: 'train' });
 * console.log(source, dataset.length);  // 'system' 60000
 */
export function fashionMnist(options: FashionMnistOptions = {}): Promise<FashionMnist> {
  return runPlain(fashionMnistEffect(options));
}
