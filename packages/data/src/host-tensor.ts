/**
 * `HostTensor`: an array that still lives in JS memory (a typed array plus a shape). Datasets keep
 * their columns as host tensors and pipelines shuffle, gather and batch them on the host; a batch
 * becomes device tensors only at the very end (`toTensors`), so nothing that a consumer never sees
 * ever holds backend memory. Host tensors may also be `uint8`, the storage type of image pixels,
 * which becomes `float32` (same values) when uploaded.
 */
import { type DType, fromHost, type Tensor, ValueError } from '@tensile/core';

/** The typed arrays that hold host data (core's host representations, plus `Uint8Array` for `uint8`). */
export type HostArray = Float32Array | Int32Array | Uint32Array | Uint16Array | Uint8Array;

/** A core dtype, or `uint8` (host-only storage; uploaded as `float32`). */
export type HostDType = DType | 'uint8';

/** A typed array with a shape and a dtype, row-major. */
export interface HostTensor {
  readonly data: HostArray;
  readonly shape: readonly number[];
  readonly dtype: HostDType;
}

/** A record of host tensors that share their first dimension: a dataset's columns or one batch. */
export type HostColumns = Readonly<Record<string, HostTensor>>;

const arrayTypes: Record<HostDType, new (n: number) => HostArray> = {
  float32: Float32Array,
  int32: Int32Array,
  uint32: Uint32Array,
  float16: Uint16Array,
  bool: Uint8Array,
  uint8: Uint8Array,
};

/** The number of elements of `shape`. */
export function sizeOfShape(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** A zero-filled typed array of the host representation of `dtype`. */
export function allocHostArray(dtype: HostDType, size: number): HostArray {
  return new arrayTypes[dtype](size);
}

function defaultDType(data: HostArray): HostDType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Uint32Array) return 'uint32';
  if (data instanceof Uint16Array) return 'float16';
  return 'uint8';
}

/**
 * A host tensor over `data` (not copied). `dtype` defaults from the array type (`Uint8Array` →
 * `uint8`, `Uint16Array` → `float16`); `shape` defaults to `[data.length]`.
 *
 * @example
 * const x = hostTensor(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]);
 */
export function hostTensor(
  data: HostArray,
  shape: readonly number[] = [data.length],
  dtype: HostDType = defaultDType(data),
): HostTensor {
  if (!(data instanceof arrayTypes[dtype])) {
    throw new ValueError(
      `hostTensor: ${dtype} data must be a ${arrayTypes[dtype].name}, got ${data.constructor.name}`,
    );
  }
  if (shape.some((d) => !Number.isInteger(d) || d < 0) || sizeOfShape(shape) !== data.length) {
    throw new ValueError(
      `hostTensor: ${data.length} elements do not fill shape [${shape.join(',')}]`,
    );
  }
  return { data, shape: [...shape], dtype };
}

/**
 * Upload a host tensor to a backend (the default one unless `backend` is given). `uint8` data is
 * converted to `float32` with the same values; every other dtype is uploaded as is. The caller owns
 * the result.
 *
 * @example
 * using x = toTensor(hostTensor(new Float32Array([1, 2]), [2]));
 */
export function toTensor(host: HostTensor, backend?: string): Tensor {
  const options = backend === undefined ? {} : { backend };
  if (host.dtype === 'uint8')
    return fromHost(Float32Array.from(host.data), host.shape, 'float32', options);
  return fromHost(host.data, host.shape, host.dtype, options);
}

/**
 * A copy of `host` as another dtype, each value multiplied by `scale` first (default 1); float to
 * integer conversion truncates toward zero. Use it to turn `uint8` pixels into `float32` in [0, 1].
 *
 * @example
 * const x = castHost(images, 'float32', { scale: 1 / 255 });
 */
export function castHost(
  host: HostTensor,
  dtype: Exclude<HostDType, 'float16'>,
  options: { scale?: number } = {},
): HostTensor {
  if (host.dtype === 'float16') {
    throw new ValueError('castHost: float16 host data (raw bits) cannot be converted on the host');
  }
  const scale = options.scale ?? 1;
  const out = allocHostArray(dtype, host.data.length);
  const src = host.data;
  if (dtype === 'bool')
    for (let i = 0; i < src.length; i++) out[i] = (src[i] as number) * scale !== 0 ? 1 : 0;
  else if (scale === 1) out.set(src);
  else for (let i = 0; i < src.length; i++) out[i] = (src[i] as number) * scale;
  return { data: out, shape: host.shape, dtype };
}

/**
 * `host` with a new shape holding the same number of elements (one dimension may be `-1`). The data
 * is shared, not copied.
 *
 * @example
 * reshapeHost(images, [-1, 28, 28, 1])
 */
export function reshapeHost(host: HostTensor, shape: readonly number[]): HostTensor {
  const known = shape.filter((d) => d !== -1);
  const inferred = shape.length - known.length;
  const knownSize = sizeOfShape(known);
  if (inferred > 1 || (inferred === 1 && (knownSize === 0 || host.data.length % knownSize !== 0))) {
    throw new ValueError(
      `reshapeHost: cannot reshape [${host.shape.join(',')}] to [${shape.join(',')}]`,
    );
  }
  const resolved = shape.map((d) => (d === -1 ? host.data.length / knownSize : d));
  return hostTensor(host.data, resolved, host.dtype);
}

/**
 * The rows `indices` (along the first dimension) of `host`, copied into a new host tensor.
 *
 * @example
 * gatherRows(images, [3, 1, 4])  // shape [3, 28, 28]
 */
export function gatherRows(host: HostTensor, indices: ArrayLike<number>): HostTensor {
  const rows = host.shape[0] ?? 0;
  const rowSize = rows === 0 ? 0 : host.data.length / rows;
  const out = allocHostArray(host.dtype, indices.length * rowSize);
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i] as number;
    if (!(r >= 0 && r < rows) || !Number.isInteger(r)) {
      throw new ValueError(`gatherRows: row index ${r} is out of range for ${rows} rows`);
    }
    if (rowSize === 1) out[i] = host.data[r] as number;
    else out.set(host.data.subarray(r * rowSize, (r + 1) * rowSize), i * rowSize);
  }
  return { data: out, shape: [indices.length, ...host.shape.slice(1)], dtype: host.dtype };
}

/**
 * Stack host tensors of one shape and dtype into one with a new leading dimension.
 *
 * @example
 * stackHost([a, b, c])  // shape [3, ...a.shape]
 */
export function stackHost(items: readonly HostTensor[], what = 'stackHost'): HostTensor {
  const first = items[0];
  if (first === undefined) throw new ValueError(`${what}: nothing to stack`);
  const size = first.data.length;
  const out = allocHostArray(first.dtype, items.length * size);
  items.forEach((item, i) => {
    if (item.dtype !== first.dtype || item.shape.join(',') !== first.shape.join(',')) {
      throw new ValueError(
        `${what}: item ${i} is ${item.dtype}[${item.shape.join(',')}], expected ${first.dtype}[${first.shape.join(',')}] like item 0`,
      );
    }
    out.set(item.data, i * size);
  });
  return { data: out, shape: [items.length, ...first.shape], dtype: first.dtype };
}
