/**
 * Fashion-MNIST for the commands: `@tensile/data`'s loader (cache → Debian package → download →
 * committed slice), capped by `--limit`, optionally restricted to some classes (the transfer demo),
 * and the host-side map that turns a batch of uint8 images into float32 `[B, 1, 28, 28]` in [0, 1]
 * (or [−1, 1] for the GAN), NCHW as the zoo's convolutional models expect.
 */
import { ArrayDataset, castHost, type HostTensor, hostTensor } from '@tensile/data';
import { FASHION_MNIST_CLASSES, fashionMnist } from '@tensile/data/node';
import type { CliContext } from './context.js';

/** Fashion-MNIST rows: `image: uint8[N,28,28]`, `label: int32[N]`. */
export type FashionColumns = { image: HostTensor; label: HostTensor };

/** A loaded split. */
export interface FashionSplit {
  readonly dataset: ArrayDataset<FashionColumns>;
  /** `'cache' | 'system' | 'download' | 'slice'`. */
  readonly source: string;
  /** The image file read. */
  readonly file: string;
}

export const CLASS_NAMES: readonly string[] = FASHION_MNIST_CLASSES;

/** Options of `loadFashion`. */
export interface LoadFashionOptions {
  readonly split: 'train' | 'test';
  /** Keep at most this many rows (after the class filter). */
  readonly limit?: number | undefined;
  /** Keep only these labels. */
  readonly classes?: readonly number[];
  /** Relabel kept rows as their position in `classes` (0..k−1). */
  readonly relabel?: boolean;
  /** Use the committed slice even when the full data is available (tests). */
  readonly slice?: boolean;
}

/**
 * Load one split of Fashion-MNIST, with the limit and class filter applied.
 *
 * @example
 * const { dataset, source } = await loadFashion(ctx, { split: 'train', limit: 1000 });
 */
export async function loadFashion(
  ctx: CliContext,
  options: LoadFashionOptions,
): Promise<FashionSplit> {
  const loaded = await fashionMnist({
    split: options.split,
    ...(options.slice === true
      ? { cacheDir: '/nonexistent', systemDirs: [], download: false }
      : {}),
    onNotice: (message) => ctx.warn(`notice: ${message}`),
  });
  let dataset = loaded.dataset;
  if (options.classes !== undefined) {
    const wanted = new Map(options.classes.map((c, i) => [c, i]));
    const labels = dataset.columns.label.data;
    const rows: number[] = [];
    for (let i = 0; i < labels.length; i++) if (wanted.has(labels[i] as number)) rows.push(i);
    dataset = dataset.take(rows);
    if (options.relabel === true) {
      const relabelled = Int32Array.from(dataset.columns.label.data, (l) => wanted.get(l) ?? -1);
      dataset = ArrayDataset.fromColumns({
        image: dataset.columns.image,
        label: hostTensor(relabelled, [relabelled.length], 'int32'),
      });
    }
  }
  if (options.limit !== undefined && options.limit < dataset.length) {
    dataset = dataset.slice(0, options.limit);
  }
  return { dataset, source: loaded.source, file: loaded.files.images };
}

/**
 * A batch of Fashion-MNIST rows as model inputs: `x` float32 `[B, 1, 28, 28]` scaled to [0, 1]
 * (or to [−1, 1] with `range: 'symmetric'`), `y` the int32 labels.
 *
 * @example
 * batches(dataset, { batchSize: 64, map: toImageInputs })
 */
export function toImageInputs(columns: FashionColumns): { x: HostTensor; y: HostTensor } {
  const x = castHost(columns.image, 'float32', { scale: 1 / 255 });
  const n = columns.image.shape[0] as number;
  return { x: hostTensor(x.data, [n, 1, 28, 28], 'float32'), y: columns.label };
}

/** Images scaled to [−1, 1] (the GAN's tanh range), `[B, 1, 28, 28]`. */
export function toSymmetricImages(columns: FashionColumns): { x: HostTensor } {
  const n = columns.image.shape[0] as number;
  const src = columns.image.data;
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = (src[i] as number) / 127.5 - 1;
  return { x: hostTensor(out, [n, 1, 28, 28], 'float32') };
}

/** "system (/usr/share/datasets/fashion-mnist/…)" — where the data came from, for the log. */
export function describeSource(split: FashionSplit): string {
  const where = split.file.replace(/\/[^/]+$/, '');
  return `${split.source}: ${where}`;
}

/** Count of each label in a dataset. */
export function labelCounts(dataset: ArrayDataset<FashionColumns>, classes = 10): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (const l of dataset.columns.label.data) counts[l as number] = (counts[l as number] ?? 0) + 1;
  return counts;
}
