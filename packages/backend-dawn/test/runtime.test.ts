/**
 * The WebGPU runtime on Dawn, beyond conformance: batching (many dispatches, one submission per
 * read), buffer reuse through the pool, typed errors for a lost device and for oversized
 * allocations, the Effect layer's lifecycle, and the no-adapter error's advice.
 */
import { WebGpuDeviceLostError, WebGpuOutOfMemoryError } from '@tensile/backend-webgpu';
import {
  getBackend,
  jit,
  listBackends,
  np,
  registerBackend,
  type Tensor,
  unregisterBackend,
  withBackend,
} from '@tensile/core';
import { Effect } from 'effect';
import { afterAll, describe, expect, it } from 'vitest';
import { createDawnBackend, DawnBackend, DawnNoAdapterError, dawnLayer } from '../src/index.js';
import { tryCreateDawnBackend } from './gpu.js';

const backend = await tryCreateDawnBackend({ name: 'dawn-runtime' });

const f32 = (values: number[]) => new Uint8Array(new Float32Array(values).buffer);
const floats = (bytes: Uint8Array) => Array.from(new Float32Array(bytes.slice().buffer));

describe.skipIf(backend === null)('dawn runtime', () => {
  const gpu = backend as NonNullable<typeof backend>;
  afterAll(() => gpu.dispose?.());

  it('batches a chain of dispatches into one submission at the read', async () => {
    await gpu.sync();
    const submissions: number[] = [];
    gpu.onSubmit = (dispatches) => submissions.push(dispatches);
    const x = gpu.alloc(16);
    gpu.write(x, f32([1, 2, 3, 4]));
    const buffers = [x];
    for (let i = 0; i < 20; i++) {
      const out = gpu.alloc(16);
      const previous = buffers[buffers.length - 1] as number;
      const view = {
        buffer: previous,
        dtype: 'float32' as const,
        shape: [4],
        strides: [1],
        offset: 0,
      };
      gpu.binary('add', view, view, { buffer: out, dtype: 'float32', shape: [4] });
      buffers.push(out);
    }
    const result = floats(await gpu.read(buffers[20] as number, 0, 16));
    gpu.onSubmit = undefined;
    expect(result).toEqual([1, 2, 3, 4].map((v) => v * 2 ** 20));
    expect(submissions).toEqual([20]);
    for (const b of buffers) gpu.free(b);
  });

  it('reuses freed buffers once their work has completed', async () => {
    await gpu.sync();
    const first = gpu.alloc(4096);
    gpu.free(first);
    await gpu.sync();
    const before = gpu.stats().pooledBytes;
    const second = gpu.alloc(4000);
    expect(gpu.stats().pooledBytes).toBe(before - 4096);
    gpu.free(second);
  });

  it('rejects allocations beyond the device limits with a typed error', () => {
    expect(() => gpu.alloc(2 ** 50)).toThrow(WebGpuOutOfMemoryError);
  });

  it('turns a lost device into a typed error instead of a hang', async () => {
    const doomed = await createDawnBackend({ allowFallback: true, name: 'doomed' });
    const x = doomed.alloc(16);
    doomed.fill({ buffer: x, dtype: 'float32', shape: [4] }, 1);
    doomed.device.destroy();
    await expect(doomed.read(x, 0, 16)).rejects.toThrow(WebGpuDeviceLostError);
    expect(() => doomed.fill({ buffer: x, dtype: 'float32', shape: [4] }, 2)).toThrow(
      WebGpuDeviceLostError,
    );
    doomed.dispose?.();
  });

  it('jit fuses a chain of elementwise ops into one dispatch, exactly as unfused', async () => {
    registerBackend(gpu);
    try {
      const chain = (x: Tensor) => x.mul(2).add(1).tanh().mul(x).sub(0.5).abs();
      const values = Array.from({ length: 1000 }, (_, i) => i / 100 - 5);
      const [fusedValues, unfusedValues, dispatches] = await withBackend(gpu.name, async () => {
        const x = np.array(values);
        const fused = jit(chain);
        fused(x).dispose(); // trace and compile
        await gpu.sync();
        const before = gpu.stats().dispatches;
        const y = fused(x);
        const dispatched = gpu.stats().dispatches - before;
        const z = chain(x);
        const result = [
          Array.from(await y.data()),
          Array.from(await z.data()),
          dispatched,
        ] as const;
        for (const t of [x, y, z]) t.dispose();
        return result;
      });
      expect(dispatches).toBe(1);
      expect(fusedValues).toEqual(unfusedValues);
    } finally {
      unregisterBackend(gpu.name);
    }
  });

  it('the Effect layer registers the backend for its scope and releases it after', async () => {
    const name = await Effect.runPromise(
      Effect.provide(
        Effect.gen(function* () {
          const service = yield* DawnBackend;
          expect(getBackend(service.name)).toBe(service);
          return service.name;
        }),
        dawnLayer({ allowFallback: true, name: 'dawn-layer' }),
      ),
    );
    expect(name).toBe('dawn-layer');
    expect(listBackends()).not.toContain('dawn-layer');
  });
});

describe('dawn adapter errors', () => {
  it('says what to install when no adapter matches', async () => {
    const error = await createDawnBackend({ adapter: 'no such adapter' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DawnNoAdapterError);
    expect((error as Error).message).toMatch(/mesa-vulkan-drivers/);
  });
});
