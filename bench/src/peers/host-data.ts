/**
 * The inputs and initial parameters of every workload, generated once on the host from a fixed
 * seed and handed to each library as the same typed arrays. Identical data makes the libraries'
 * first losses comparable, which is how the harness checks that the models really are the same.
 *
 * Layouts are the PyTorch/JAX ones: dense weights `[in, out]`, conv weights `[O, I, kh, kw]`,
 * images `[N, C, H, W]`, and the first CNN dense layer's rows in `(c, h, w)` order (see
 * `layouts.ts` for the channels-last versions).
 */
import { CNN, ELEMENTWISE, LSTM, MATMUL, MLP } from './spec.js';

/** Mulberry32: a tiny, fast, seedable uniform generator on [0, 1). */
function uniformSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `size` standard normals times `scale` (Box–Muller). */
function normal(seed: number, size: number, scale = 1): Float32Array {
  const next = uniformSource(seed);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - next()));
    const theta = 2 * Math.PI * next();
    out[i] = scale * r * Math.cos(theta);
    if (i + 1 < size) out[i + 1] = scale * r * Math.sin(theta);
  }
  return out;
}

/** `size` uniforms on [lo, hi). */
function uniform(seed: number, size: number, lo: number, hi: number): Float32Array {
  const next = uniformSource(seed);
  return Float32Array.from({ length: size }, () => lo + (hi - lo) * next());
}

/** One-hot rows for the labels `i mod classes`, as a `[batch, classes]` float matrix. */
function oneHotLabels(batch: number, classes: number): Float32Array {
  const out = new Float32Array(batch * classes);
  for (let i = 0; i < batch; i++) out[i * classes + (i % classes)] = 1;
  return out;
}

/** A dense layer `x @ w + b` with `w` row-major `[inputs, outputs]`. */
export interface DenseParams {
  readonly inputs: number;
  readonly outputs: number;
  readonly w: Float32Array;
  readonly b: Float32Array;
}

/** He-style initialisation (`N(0, 1/fan_in)`), zero bias. */
function dense(seed: number, inputs: number, outputs: number): DenseParams {
  return {
    inputs,
    outputs,
    w: normal(seed, inputs * outputs, 1 / Math.sqrt(inputs)),
    b: new Float32Array(outputs),
  };
}

/** Square matmul operands. */
export interface MatmulData {
  readonly a: Float32Array;
  readonly b: Float32Array;
}

/** MLP parameters and one batch (`x` is `[batch, 784]`, `labels` one-hot `[batch, 10]`). */
export interface MlpData {
  readonly layers: readonly DenseParams[];
  readonly x: Float32Array;
  readonly labels: Float32Array;
}

/** A conv layer: `w` is `[O, I, k, k]`, `b` is `[O]`. */
export interface ConvParams {
  readonly outputs: number;
  readonly inputs: number;
  readonly w: Float32Array;
  readonly b: Float32Array;
}

/** CNN parameters and one batch (`x` is `[N, 1, 28, 28]`). */
export interface CnnData {
  readonly convs: readonly ConvParams[];
  /** `fc[0]` rows are in `(c, h, w)` order of the flattened `[N, C, H, W]` features. */
  readonly fc: readonly DenseParams[];
  readonly x: Float32Array;
  readonly labels: Float32Array;
}

/**
 * LSTM classifier parameters and one batch. Gates are packed `[i, f, g, o]` along the last axis
 * of `wx` (`[embed, 4·hidden]`), `wh` (`[hidden, 4·hidden]`) and `b`.
 */
export interface LstmData {
  readonly embedding: Float32Array;
  readonly wx: Float32Array;
  readonly wh: Float32Array;
  readonly b: Float32Array;
  readonly head: DenseParams;
  /** `[batch, seq]` token ids in `[0, vocab)`. */
  readonly tokens: Int32Array;
  readonly labels: Float32Array;
}

/** The elementwise input, uniform on [-3, 3). */
export interface ElementwiseData {
  readonly x: Float32Array;
}

const cache = new Map<string, unknown>();
function once<T>(key: string, make: () => T): T {
  if (!cache.has(key)) cache.set(key, make());
  return cache.get(key) as T;
}

/**
 * The matmul operands (standard normal).
 *
 * @example
 * const { a, b } = matmulData();  // two 1024×1024 Float32Arrays
 */
export function matmulData(): MatmulData {
  const size = MATMUL.n * MATMUL.n;
  return once('matmul', () => ({ a: normal(1, size), b: normal(2, size) }));
}

/**
 * The MLP's initial parameters and batch.
 *
 * @example
 * const { layers, x, labels } = mlpData();
 */
export function mlpData(): MlpData {
  return once('mlp', () => ({
    layers: MLP.sizes.slice(1).map((outputs, i) => dense(10 + i, MLP.sizes[i] as number, outputs)),
    x: normal(20, MLP.batch * (MLP.sizes[0] as number)),
    labels: oneHotLabels(MLP.batch, MLP.sizes[MLP.sizes.length - 1] as number),
  }));
}

/** Spatial size after the two 2×2 poolings. */
export const CNN_POOLED = CNN.image / 4;

/**
 * The CNN's initial parameters and batch.
 *
 * @example
 * const { convs, fc, x, labels } = cnnData();
 */
export function cnnData(): CnnData {
  return once('cnn', () => {
    const k = CNN.kernel;
    const convs = [0, 1].map((i) => {
      const inputs = CNN.channels[i] as number;
      const outputs = CNN.channels[i + 1] as number;
      return {
        inputs,
        outputs,
        w: normal(30 + i, outputs * inputs * k * k, 1 / Math.sqrt(inputs * k * k)),
        b: new Float32Array(outputs),
      };
    });
    const flat = (CNN.channels[2] as number) * CNN_POOLED * CNN_POOLED;
    return {
      convs,
      fc: [dense(40, flat, CNN.hidden), dense(41, CNN.hidden, CNN.classes)],
      x: uniform(50, CNN.batch * CNN.image * CNN.image, 0, 1),
      labels: oneHotLabels(CNN.batch, CNN.classes),
    };
  });
}

/**
 * The LSTM classifier's initial parameters and batch.
 *
 * @example
 * const { embedding, wx, wh, b, head, tokens, labels } = lstmData();
 */
export function lstmData(): LstmData {
  return once('lstm', () => {
    const gates = 4 * LSTM.hidden;
    const next = uniformSource(60);
    return {
      embedding: normal(61, LSTM.vocab * LSTM.embed),
      wx: normal(62, LSTM.embed * gates, 1 / Math.sqrt(LSTM.embed)),
      wh: normal(63, LSTM.hidden * gates, 1 / Math.sqrt(LSTM.hidden)),
      b: new Float32Array(gates),
      head: dense(64, LSTM.hidden, LSTM.classes),
      tokens: Int32Array.from({ length: LSTM.batch * LSTM.seq }, () =>
        Math.floor(next() * LSTM.vocab),
      ),
      labels: oneHotLabels(LSTM.batch, LSTM.classes),
    };
  });
}

/**
 * The elementwise input.
 *
 * @example
 * const { x } = elementwiseData();  // 2^20 floats
 */
export function elementwiseData(): ElementwiseData {
  return once('elementwise', () => ({ x: uniform(70, ELEMENTWISE.size, -3, 3) }));
}

/**
 * A cheap, order-sensitive fingerprint of an output (sum of its first 4096 values), used to
 * check that the libraries compute the same thing.
 *
 * @example
 * checksum(new Float32Array([1, 2, 3]))  // 6
 */
export function checksum(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < Math.min(values.length, 4096); i++) s += values[i] as number;
  return s;
}
