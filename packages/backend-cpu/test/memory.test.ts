import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { createCpuBackend } from '../src/index.js';
import { setup } from './helpers.js';

describe('cpu backend memory', () => {
  it('reports its name and capabilities', () => {
    const backend = createCpuBackend();
    expect(backend.name).toBe('cpu');
    expect(backend.capabilities).toEqual({
      dtypes: ['float32', 'int32', 'uint32', 'bool'],
      syncRead: true,
      threads: availableParallelism(),
    });
    expect(backend.threads).toBe(availableParallelism());
    expect(createCpuBackend({ name: 'cpu-2' }).name).toBe('cpu-2');
  });

  it('writes and reads bytes at offsets, sync and async', async () => {
    const backend = createCpuBackend();
    const id = backend.alloc(8);
    backend.write(id, new Uint8Array([1, 2, 3]), 2);
    expect(Array.from(backend.readSync?.(id, 0, 8) ?? [])).toEqual([0, 0, 1, 2, 3, 0, 0, 0]);
    expect(Array.from(await backend.read(id, 3, 2))).toEqual([2, 3]);
    backend.flush();
    await backend.sync();
  });

  it('returns copies, not views of live memory', () => {
    const backend = createCpuBackend();
    const id = backend.alloc(4);
    const before = backend.readSync?.(id, 0, 4);
    backend.write(id, new Uint8Array([9, 9, 9, 9]));
    expect(Array.from(before ?? [])).toEqual([0, 0, 0, 0]);
  });

  it('counts live buffers and bytes, back to zero after frees', () => {
    const backend = createCpuBackend();
    const a = backend.alloc(12);
    const b = backend.alloc(5);
    expect(backend.stats()).toEqual({ buffers: 2, bytes: 17 });
    backend.free(a);
    expect(backend.stats()).toEqual({ buffers: 1, bytes: 5 });
    backend.free(b);
    expect(backend.stats()).toEqual({ buffers: 0, bytes: 0 });
  });

  it('returns to zero after a run of kernels once inputs and outputs are freed', () => {
    const { backend, view, output } = setup();
    const x = view('float32', [1, 2, 3, 4], [2, 2]);
    const sum = output('float32', [2]);
    const product = output('float32', [2, 2]);
    backend.reduce('sum', x, [0], sum);
    backend.dotGeneral(x, x, { contracting: [[1], [0]], batch: [[], []] }, product);
    for (const id of [x.buffer, sum.buffer, product.buffer]) backend.free(id);
    expect(backend.stats()).toEqual({ buffers: 0, bytes: 0 });
  });

  it('dispose drops everything', () => {
    const backend = createCpuBackend();
    backend.alloc(4);
    backend.dispose?.();
    expect(backend.stats()).toEqual({ buffers: 0, bytes: 0 });
  });

  it('rejects unknown buffers, out-of-range access and views outside their buffer', () => {
    const { backend, view, output } = setup();
    const id = backend.alloc(4);
    expect(() => backend.write(id, new Uint8Array(5))).toThrow(/write: 5 bytes/);
    expect(() => backend.readSync?.(id, 2, 4)).toThrow(/read:/);
    backend.free(id);
    expect(() => backend.free(id)).toThrow(/free: unknown or freed buffer/);
    expect(() => backend.alloc(-1)).toThrow(/alloc:/);
    const x = view('float32', [1, 2, 3], [3]);
    const out = output('float32', [4]);
    expect(() => backend.copy({ ...x, shape: [4], strides: [1] }, out)).toThrow(
      /copy: view .* reaches elements 0\.\.3/,
    );
    expect(() => backend.copy({ ...x, offset: -1 }, output('float32', [3]))).toThrow(
      /reaches elements -1\.\.1/,
    );
    expect(() => backend.copy(x, output('float32', [5]))).toThrow(
      /copy: output has shape \[5\], expected \[3\]/,
    );
    expect(() => backend.copy(x, { ...out, shape: [5] })).toThrow(/does not fit buffer/);
  });

  it('rejects dtypes it does not hold', () => {
    const { backend, output } = setup();
    expect(() => backend.fill(output('float16', [2]), 1)).toThrow(/does not support dtype float16/);
  });
});
