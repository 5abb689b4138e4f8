/**
 * `saveWeights` / `loadWeights`: model weights in safetensors files, from a path, a URL (through
 * the download cache, with an optional sha256) or bytes. Loading verifies the file against the
 * model (names, shapes, dtypes) and either returns a complete model or throws and creates nothing.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { flattenWithPaths, type LoadOptions } from '@tensile/io';
import { saveSafetensors } from '@tensile/io/node';
import { WeightsError } from '../errors.js';
import { fitWeights } from '../internal/fit-weights.js';
import type { EncodeWeightsOptions } from '../weights.js';
import { cachedDownload, checkSha256, type DownloadOptions, sha256Hex } from './download.js';

/**
 * Where weights come from: a file path, an `http(s)://` or `file://` URL (string or `URL`), a URL
 * or path with the file's expected sha256, or the file's bytes.
 */
export type WeightsSource =
  | string
  | URL
  | Uint8Array
  | { readonly url: string | URL; readonly sha256?: string }
  | { readonly path: string; readonly sha256?: string };

/** Options of `loadWeights`. */
export interface LoadWeightsOptions extends LoadOptions, DownloadOptions {}

/**
 * Write the model's tensors to a safetensors file (atomically; parent directories are created).
 * Save `{ model, state }` to include batch-norm running statistics.
 *
 * @example
 * await saveWeights(model, 'out/lenet5.safetensors');
 * await saveWeights({ model, state }, 'out/resnet20.safetensors', { metadata: { epochs: '30' } });
 */
export async function saveWeights(
  model: unknown,
  path: string,
  options: EncodeWeightsOptions = {},
): Promise<void> {
  const tensors = flattenWithPaths(model);
  await mkdir(dirname(path), { recursive: true });
  await saveSafetensors(path, tensors, options.metadata);
}

function isHttp(s: string): boolean {
  return /^https?:\/\//i.test(s);
}

async function readLocal(who: string, path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new WeightsError(`${who}: cannot read ${path}: ${(error as Error).message}`);
  }
}

/** The bytes of `source` and a name for it in messages. */
async function resolve(
  who: string,
  source: WeightsSource,
  options: LoadWeightsOptions,
): Promise<[Uint8Array, string]> {
  if (source instanceof Uint8Array) return [source, 'the given bytes'];
  let location: string | URL;
  let sha256: string | undefined;
  if (typeof source === 'string' || source instanceof URL) {
    location = source;
  } else if (
    source !== null &&
    typeof source === 'object' &&
    ('url' in source || 'path' in source)
  ) {
    location = 'url' in source ? source.url : source.path;
    sha256 = source.sha256 === undefined ? undefined : checkSha256(who, source.sha256);
  } else {
    throw new WeightsError(
      `${who}: source must be a path, a URL, { url, sha256 }, { path, sha256 } or bytes, got ${typeof source}`,
    );
  }
  if (location instanceof URL || isHttp(location) || location.startsWith('file:')) {
    const url = location instanceof URL ? location : new URL(location);
    if (url.protocol !== 'file:')
      return [await cachedDownload(who, url, sha256, options), url.href];
    location = fileURLToPath(url);
  }
  const bytes = await readLocal(who, location);
  if (sha256 !== undefined && sha256Hex(bytes) !== sha256) {
    throw new WeightsError(
      `${who}: ${location} has sha256 ${sha256Hex(bytes)}, expected ${sha256}`,
    );
  }
  return [bytes, location];
}

/**
 * A model shaped like `template` with the weights from `source`. The file must hold exactly the
 * template's tensors (names, shapes, dtypes), else this throws naming each problem and creates
 * nothing; `template` is left as it is (dispose it when done). URLs are downloaded once into the
 * cache directory and verified against `sha256` when given; offline, the error says where to put
 * the file by hand.
 *
 * @example
 * let model = lenet5.init(random.key(0));
 * model = await loadWeights(model, 'out/lenet5.safetensors');
 * const pretrained = await loadWeights(resnet20.init(random.key(0)), {
 *   url: 'https://example.org/resnet20-cifar10.safetensors',
 *   sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
 * });
 */
export async function loadWeights<T>(
  template: T,
  source: WeightsSource,
  options: LoadWeightsOptions = {},
): Promise<T> {
  const who = 'loadWeights';
  const [bytes, name] = await resolve(who, source, options);
  return fitWeights(who, template, bytes, {
    source: name,
    backend: options.backend,
    float16: options.float16,
  });
}
