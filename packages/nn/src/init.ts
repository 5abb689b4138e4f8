/**
 * Parameter initializers (`nn.init`), each an `Initializer`: `(key, shape, dtype?) → Tensor`.
 * `zeros` and `ones` are initializers; the others are factories taking their options, as in
 * `jax.nn.initializers`. Distributions and gains follow `torch.nn.init`, and so do fans: for a
 * weight of shape `[out, in, ...kernel]` (PyTorch's layout for linear and convolution layers),
 * `fanIn = in·∏kernel` and `fanOut = out·∏kernel`. `lecunNormal` follows JAX (a truncated normal),
 * since PyTorch has none.
 *
 * Everything is built from `random` and `np` ops, so initializers run on every backend (the
 * orthogonal one does its QR by Gram-Schmidt on the device) and under `jit`/`vmap`.
 */
import { type DType, np, random, scope, type Tensor, ValueError } from '@tensile/core';

/** A function producing an initial parameter of `shape` from a PRNG key. */
export type Initializer = (key: Tensor, shape: readonly number[], dtype?: DType) => Tensor;

/** Nonlinearities known to `calculateGain` (PyTorch's names in camelCase). */
export type Nonlinearity =
  | 'linear'
  | 'conv1d'
  | 'conv2d'
  | 'convTranspose2d'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leakyRelu'
  | 'selu';

/** Which fan scales a variance-scaling initializer. */
export type FanMode = 'fanIn' | 'fanOut';

function cast(x: Tensor, dtype: DType | undefined): Tensor {
  return dtype === undefined || dtype === x.dtype ? x : x.astype(dtype);
}

/**
 * Zeros.
 *
 * @example
 * init.zeros(key, [3])  // [0, 0, 0]
 */
export const zeros: Initializer = (_key, shape, dtype) => np.zeros(shape, { dtype });

/**
 * Ones.
 *
 * @example
 * init.ones(key, [2, 2])
 */
export const ones: Initializer = (_key, shape, dtype) => np.ones(shape, { dtype });

/**
 * Every element equal to `value`.
 *
 * @example
 * init.constant(0.1)(key, [4])
 */
export function constant(value: number): Initializer {
  return (_key, shape, dtype) => np.full(shape, value, { dtype: dtype ?? 'float32' });
}

/**
 * Normal samples `N(mean, std²)` (torch's `normal_`).
 *
 * @example
 * init.normal({ std: 0.02 })(key, [768, 768])
 */
export function normal(options: { mean?: number; std?: number } = {}): Initializer {
  const { mean = 0, std = 1 } = options;
  return (key, shape, dtype) =>
    scope(() => cast(random.normal(key, shape).mul(std).add(mean), dtype));
}

/**
 * Uniform samples in `[low, high)` (torch's `uniform_(a, b)`).
 *
 * @example
 * init.uniform({ low: -0.1, high: 0.1 })(key, [10])
 */
export function uniform(options: { low?: number; high?: number } = {}): Initializer {
  const { low = 0, high = 1 } = options;
  return (key, shape, dtype) =>
    cast(random.uniform(key, shape, { minval: low, maxval: high }), dtype);
}

/**
 * `N(mean, std²)` truncated to `[a, b]` (absolute bounds, as torch's `trunc_normal_`).
 *
 * @example
 * init.truncatedNormal({ std: 0.02 })(key, [512, 512])  // values in [-2, 2]
 */
export function truncatedNormal(
  options: { mean?: number; std?: number; a?: number; b?: number } = {},
): Initializer {
  const { mean = 0, std = 1, a = -2, b = 2 } = options;
  if (!(std > 0)) throw new ValueError(`init.truncatedNormal: std must be positive, got ${std}`);
  return (key, shape, dtype) =>
    scope(() =>
      cast(
        random
          .truncatedNormal(key, (a - mean) / std, (b - mean) / std, shape)
          .mul(std)
          .add(mean),
        dtype,
      ),
    );
}

/**
 * `[fanIn, fanOut]` of a weight shape in PyTorch's convention (`[out, in, ...kernel]`).
 *
 * @example
 * init.fans([64, 3, 3, 3])  // [27, 576]
 */
export function fans(shape: readonly number[]): [number, number] {
  if (shape.length < 2) {
    throw new ValueError(
      `init: fans need a weight with at least 2 dims ([out, in, ...kernel]), got shape [${shape.join(', ')}]`,
    );
  }
  const receptive = shape.slice(2).reduce((n, k) => n * k, 1);
  return [(shape[1] as number) * receptive, (shape[0] as number) * receptive];
}

/**
 * The recommended gain for a nonlinearity (torch's `calculate_gain`); `param` is leaky ReLU's
 * negative slope (default 0.01).
 *
 * @example
 * init.calculateGain('relu')       // √2
 * init.calculateGain('tanh')       // 5/3
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear':
    case 'conv1d':
    case 'conv2d':
    case 'convTranspose2d':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leakyRelu': {
      const slope = param ?? 0.01;
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new ValueError(`init.calculateGain: unknown nonlinearity '${String(nonlinearity)}'`);
  }
}

/**
 * Glorot/Xavier uniform: `U(-b, b)`, `b = gain·√(6 / (fanIn + fanOut))`.
 *
 * @example
 * init.xavierUniform()(key, [256, 128])
 */
export function xavierUniform(options: { gain?: number } = {}): Initializer {
  const gain = options.gain ?? 1;
  return (key, shape, dtype) => {
    const [fanIn, fanOut] = fans(shape);
    const bound = gain * Math.sqrt(6 / (fanIn + fanOut));
    return uniform({ low: -bound, high: bound })(key, shape, dtype);
  };
}

/**
 * Glorot/Xavier normal: `N(0, std²)`, `std = gain·√(2 / (fanIn + fanOut))`.
 *
 * @example
 * init.xavierNormal({ gain: init.calculateGain('tanh') })(key, [256, 128])
 */
export function xavierNormal(options: { gain?: number } = {}): Initializer {
  const gain = options.gain ?? 1;
  return (key, shape, dtype) => {
    const [fanIn, fanOut] = fans(shape);
    return normal({ std: gain * Math.sqrt(2 / (fanIn + fanOut)) })(key, shape, dtype);
  };
}

/** Options of the He/Kaiming initializers (torch's `kaiming_*_` arguments). */
export interface KaimingOptions {
  /** Negative slope of the leaky ReLU that follows (default 0). */
  a?: number;
  /** `fanIn` (default) preserves the forward variance, `fanOut` the backward one. */
  mode?: FanMode;
  /** Default `leakyRelu` (with slope `a`), as in PyTorch. */
  nonlinearity?: Nonlinearity;
}

function kaimingStd(shape: readonly number[], options: KaimingOptions): number {
  const { a = 0, mode = 'fanIn', nonlinearity = 'leakyRelu' } = options;
  const [fanIn, fanOut] = fans(shape);
  return calculateGain(nonlinearity, a) / Math.sqrt(mode === 'fanIn' ? fanIn : fanOut);
}

/**
 * He/Kaiming uniform: `U(-b, b)`, `b = gain·√(3 / fan)`. PyTorch's default for linear and
 * convolution weights is `kaimingUniform({ a: √5 })`, i.e. `b = 1/√fanIn`.
 *
 * @example
 * init.kaimingUniform({ nonlinearity: 'relu' })(key, [128, 64])
 */
export function kaimingUniform(options: KaimingOptions = {}): Initializer {
  return (key, shape, dtype) => {
    const bound = Math.sqrt(3) * kaimingStd(shape, options);
    return uniform({ low: -bound, high: bound })(key, shape, dtype);
  };
}

/**
 * He/Kaiming normal: `N(0, std²)`, `std = gain / √fan`.
 *
 * @example
 * init.kaimingNormal({ mode: 'fanOut', nonlinearity: 'relu' })(key, [64, 3, 3, 3])
 */
export function kaimingNormal(options: KaimingOptions = {}): Initializer {
  return (key, shape, dtype) => normal({ std: kaimingStd(shape, options) })(key, shape, dtype);
}

/**
 * LeCun uniform: `U(-b, b)`, `b = √(3 / fanIn)`.
 *
 * @example
 * init.lecunUniform()(key, [64, 32])
 */
export function lecunUniform(): Initializer {
  return (key, shape, dtype) => {
    const bound = Math.sqrt(3 / fans(shape)[0]);
    return uniform({ low: -bound, high: bound })(key, shape, dtype);
  };
}

/** Standard deviation of a standard normal truncated to [-2, 2] (JAX's variance-scaling constant). */
const TRUNCATED_STD = 0.8796256610342398;

/**
 * LeCun normal as in JAX: a normal truncated to ±2 standard deviations, scaled so the variance is
 * `1 / fanIn` (the SELU initialisation).
 *
 * @example
 * init.lecunNormal()(key, [64, 32])
 */
export function lecunNormal(): Initializer {
  return (key, shape, dtype) => {
    const std = Math.sqrt(1 / fans(shape)[0]) / TRUNCATED_STD;
    return truncatedNormal({ std, a: -2 * std, b: 2 * std })(key, shape, dtype);
  };
}

/**
 * A (semi-)orthogonal matrix (torch's `orthogonal_`): the `[rows, ∏rest]` flattening has
 * orthonormal rows or columns (whichever are fewer), scaled by `gain`. Computed as the Q factor of
 * a Gaussian matrix with a positive-diagonal R (Gram-Schmidt, re-orthogonalised once), which is the
 * distribution torch's sign-corrected QR samples. The usual choice for recurrent weights.
 *
 * @example
 * init.orthogonal()(key, [128, 128])
 */
export function orthogonal(options: { gain?: number } = {}): Initializer {
  const gain = options.gain ?? 1;
  return (key, shape, dtype) => {
    if (shape.length < 2) {
      throw new ValueError(
        `init.orthogonal: needs at least 2 dims, got shape [${shape.join(', ')}]`,
      );
    }
    const rows = shape[0] as number;
    const cols = shape.slice(1).reduce((n, k) => n * k, 1);
    return scope(() => {
      const sample = random.normal(key, [rows, cols]);
      const tall = rows < cols ? sample.T : sample;
      const basis: Tensor[] = [];
      for (const column of tall.T) {
        let v = column;
        if (basis.length > 0) {
          const q = np.stack(basis, { axis: 1 });
          for (let pass = 0; pass < 2; pass++) v = v.sub(q.matmul(q.T.matmul(v)));
        }
        basis.push(v.div(np.linalg.norm(v)));
      }
      const q = np.stack(basis, { axis: 1 });
      return cast((rows < cols ? q.T : q).reshape(shape).mul(gain), dtype);
    });
  };
}

/** Alias of `xavierUniform` (JAX's name). @example init.glorotUniform()(key, [256, 128]) */
export const glorotUniform = xavierUniform;
/** Alias of `xavierNormal` (JAX's name). @example init.glorotNormal()(key, [256, 128]) */
export const glorotNormal = xavierNormal;
/** Alias of `kaimingUniform` (JAX's name). @example init.heUniform()(key, [128, 64]) */
export const heUniform = kaimingUniform;
/** Alias of `kaimingNormal` (JAX's name). @example init.heNormal()(key, [128, 64]) */
export const heNormal = kaimingNormal;
