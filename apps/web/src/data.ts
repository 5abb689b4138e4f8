/**
 * The Fashion-MNIST slice in the page: the four gzipped IDX files of `fixtures/fashion-mnist/`
 * (Vite's public folder) fetched and decoded with @tensile/data's browser-safe `decodeIdx`
 * (`DecompressionStream('gzip')` + the IDX header checks). Images stay on the host as float32 in
 * [0, 1], `[N, 1, 28, 28]`; labels as int32 `[N]`. Batches are gathered on the host and uploaded
 * per step.
 */
import { castHost, decodeIdx, type HostTensor, reshapeHost } from '@tensile/data';

/** Class names of Fashion-MNIST, by label. */
export const CLASS_NAMES = [
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
] as const;

/** Images `[N, 1, 28, 28]` float32 in [0, 1] and labels `[N]` int32, on the host. */
export interface Split {
  readonly images: HostTensor;
  readonly labels: HostTensor;
  readonly size: number;
}

/** The training and test slices. */
export interface FashionMnist {
  readonly train: Split;
  readonly test: Split;
}

async function fetchIdx(base: string, file: string): Promise<HostTensor> {
  const url = new URL(file, base).href;
  const response = await fetch(url);
  if (!response.ok) throw new Error(`fetching ${url}: HTTP ${response.status}`);
  return decodeIdx(new Uint8Array(await response.arrayBuffer()), { source: url });
}

async function loadSplit(base: string, prefix: string): Promise<Split> {
  const [images, labels] = await Promise.all([
    fetchIdx(base, `${prefix}-images-idx3-ubyte.gz`),
    fetchIdx(base, `${prefix}-labels-idx1-ubyte.gz`),
  ]);
  const [n, h, w] = images.shape as [number, number, number];
  if (labels.shape[0] !== n) {
    throw new Error(`${prefix}: ${n} images but ${labels.shape[0]} labels`);
  }
  return {
    images: reshapeHost(castHost(images, 'float32', { scale: 1 / 255 }), [n, 1, h, w]),
    labels: castHost(labels, 'int32'),
    size: n,
  };
}

/**
 * Fetch and decode the slice served next to the page (2,000 training, 500 test images).
 *
 * @example
 * const { train, test } = await loadFashionMnist(import.meta.env.BASE_URL);
 */
export async function loadFashionMnist(base: string): Promise<FashionMnist> {
  const [train, test] = await Promise.all([loadSplit(base, 'train'), loadSplit(base, 't10k')]);
  return { train, test };
}

/**
 * A reproducible stream of shuffled mini-batch indices: a Fisher–Yates permutation per epoch
 * (mulberry32 PRNG), batches cut from it in order.
 */
export class BatchSampler {
  #state: number;
  #order: number[] = [];
  #position = 0;

  constructor(
    readonly size: number,
    seed: number,
  ) {
    this.#state = seed >>> 0;
  }

  #random(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** The next `batchSize` row indices (a new permutation whenever the current one runs out). */
  next(batchSize: number): number[] {
    if (this.#position + batchSize > this.#order.length) {
      this.#order = Array.from({ length: this.size }, (_, i) => i);
      for (let i = this.size - 1; i > 0; i--) {
        const j = Math.floor(this.#random() * (i + 1));
        [this.#order[i], this.#order[j]] = [this.#order[j] as number, this.#order[i] as number];
      }
      this.#position = 0;
    }
    const batch = this.#order.slice(this.#position, this.#position + batchSize);
    this.#position += batchSize;
    return batch;
  }
}
