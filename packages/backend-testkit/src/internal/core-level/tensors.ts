/**
 * Moving host tensors in and out of `@tensile/core` on the backend under test, and running a
 * case with every tensor it creates released afterwards (inputs, intermediates, outputs).
 */
import { fromHost, scope, type Tensor, withBackend } from '@tensile/core';
import { decode, encode, type HostTensor } from '../host-data.js';

/**
 * Upload a host tensor onto backend `backend` through the public `fromHost`.
 *
 * @example
 * const x = toTensor(hostTensor('float32', [2], [1, 2]), 'cpu');
 */
export function toTensor(host: HostTensor, backend: string): Tensor {
  const bytes = encode(host.dtype, host.values);
  const buffer = bytes.buffer as ArrayBuffer;
  const data =
    host.dtype === 'float32'
      ? new Float32Array(buffer)
      : host.dtype === 'int32'
        ? new Int32Array(buffer)
        : host.dtype === 'uint32'
          ? new Uint32Array(buffer)
          : host.dtype === 'float16'
            ? new Uint16Array(buffer)
            : bytes;
  return fromHost(data, host.shape, host.dtype, { backend });
}

/**
 * The elements of a tensor as JS numbers (async read: works on every backend).
 *
 * @example
 * await readTensor(x) // [1, 2]
 */
export async function readTensor(x: Tensor): Promise<number[]> {
  const data = await x.data();
  return decode(x.dtype, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

/**
 * Upload `inputs`, run `body` on them with `backend` as the default backend inside `scope`, read
 * every output, and dispose everything.
 *
 * @example
 * const [sum] = await evaluate('cpu', [x, y], (a, b) => [lax.add(a, b)]);
 */
export async function evaluate(
  backend: string,
  inputs: readonly HostTensor[],
  body: (...args: Tensor[]) => Tensor[],
): Promise<{ dtype: Tensor['dtype']; shape: readonly number[]; values: number[] }[]> {
  const args = inputs.map((x) => toTensor(x, backend));
  try {
    const outs = withBackend(backend, () => scope(() => body(...args)));
    try {
      return await Promise.all(
        outs.map(async (o) => ({ dtype: o.dtype, shape: o.shape, values: await readTensor(o) })),
      );
    } finally {
      for (const o of outs) o.dispose();
    }
  } finally {
    for (const a of args) a.dispose();
  }
}
