/**
 * encode → decode round trips for every dtype and shape kind, the optional stored-dtype
 * conversions and their refusals, and F16 on a backend that has float16.
 */
import { createCpuBackend } from '@tensile/backend-cpu';
import {
  fromHost,
  np,
  random,
  registerBackend,
  scope,
  tree,
  unregisterBackend,
} from '@tensile/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  decodeSafetensors,
  encodeSafetensors,
  readSafetensorsHeader,
  SafetensorsError,
} from '../src/index.js';
import { fixture, liveTensors, must, tensorOf } from './support/fixtures.js';

describe('round trips', () => {
  test('every Tensile dtype, scalars and zero-size tensors come back identical', async () => {
    const tensors = {
      f: scope(() => random.normal(random.key(0), [3, 4, 5])),
      scalar: tensorOf([-7.5], [], 'float32'),
      none: tensorOf([], [2, 0], 'float32'),
      i: tensorOf([-2147483648, -1, 0, 2147483647], [2, 2], 'int32'),
      u: tensorOf([0, 1, 4294967295], [3], 'uint32'),
      b: tensorOf([1, 0, 0, 1], [4], 'bool'),
    };
    const back = decodeSafetensors(
      await encodeSafetensors(tensors, { note: 'x', '': 'empty key' }),
    );
    expect(back.metadata).toEqual({ note: 'x', '': 'empty key' });
    for (const [name, t] of Object.entries(tensors)) {
      const u = must(back.tensors[name], name);
      expect([u.dtype, u.shape], name).toEqual([t.dtype, t.shape]);
      expect(await u.data(), name).toEqual(await t.data());
    }
    tree.dispose([tensors, back.tensors]);
  });

  test('metadata is omitted when not given and kept (even empty) when given', async () => {
    expect(decodeSafetensors(await encodeSafetensors({})).metadata).toBeUndefined();
    expect(decodeSafetensors(await encodeSafetensors({}, {})).metadata).toEqual({});
  });

  test('names that JavaScript objects order specially ("10" before "9", "__proto__") survive', async () => {
    const tensors = Object.fromEntries(
      ['9', '10', '__proto__', 'constructor'].map((name, i) => [name, tensorOf([i], [1], 'int32')]),
    );
    const back = decodeSafetensors(await encodeSafetensors(tensors));
    expect(Object.keys(back.tensors).sort()).toEqual(['10', '9', '__proto__', 'constructor']);
    const proto = '__proto__';
    expect(await back.tensors[proto]?.data()).toEqual(Int32Array.from([2]));
    tree.dispose([Object.values(tensors), Object.values(back.tensors)]);
  });

  test('decoding from an unaligned view of a larger buffer', async () => {
    const file = fixture('written.safetensors');
    const shifted = new Uint8Array(file.length + 3);
    shifted.set(file, 3);
    const a = decodeSafetensors(file);
    const b = decodeSafetensors(shifted.subarray(3));
    for (const name of Object.keys(a.tensors)) {
      expect(await b.tensors[name]?.data(), name).toEqual(await a.tensors[name]?.data());
    }
    tree.dispose([a.tensors, b.tensors]);
  });

  test('storeAs: bool and int32 as U8 load back as int32 values', async () => {
    const tensors = {
      b: tensorOf([1, 0, 1], [3], 'bool'),
      i: tensorOf([0, 200, 255], [3], 'int32'),
    };
    const bytes = await encodeSafetensors(tensors, undefined, { storeAs: { b: 'U8', i: 'U8' } });
    expect(readSafetensorsHeader(bytes).tensors.b?.dtype).toBe('U8');
    const back = decodeSafetensors(bytes);
    expect(await back.tensors.b?.toArray()).toEqual([1, 0, 1]);
    expect(await back.tensors.i?.toArray()).toEqual([0, 200, 255]);
    tree.dispose([tensors, back.tensors]);
  });
});

describe('refusals when encoding', () => {
  const refuse = async (promise: Promise<unknown>, pattern: RegExp) => {
    await expect(promise).rejects.toThrow(SafetensorsError);
    await expect(promise).rejects.toThrow(pattern);
  };
  test('a conversion storeAs does not allow', async () => {
    const x = tensorOf([1], [1], 'int32');
    await refuse(
      encodeSafetensors({ x }, undefined, { storeAs: { x: 'F16' } }),
      /tensor 'x': a int32 tensor cannot be stored as F16 \(allowed: I32, U8\)/,
    );
    x.dispose();
  });
  test('a value outside U8', async () => {
    const x = tensorOf([3, 300], [2], 'int32');
    await refuse(
      encodeSafetensors({ x }, undefined, { storeAs: { x: 'U8' } }),
      /tensor 'x': element 1 = 300 does not fit in U8/,
    );
    x.dispose();
  });
  test('storeAs naming a tensor that is not there', async () => {
    await refuse(encodeSafetensors({}, undefined, { storeAs: { y: 'F16' } }), /storeAs names 'y'/);
  });
  test('the reserved name __metadata__, non-tensors and non-string metadata', async () => {
    const x = tensorOf([1], [1], 'float32');
    await refuse(encodeSafetensors({ __metadata__: x }), /'__metadata__' is reserved/);
    await refuse(encodeSafetensors({ y: 3 as never }), /tensor 'y' is not a Tensor/);
    await refuse(
      encodeSafetensors({ x }, { step: 3 as never }),
      /metadata values must be strings; 'step' is number/,
    );
    x.dispose();
  });
  test('a disposed tensor', async () => {
    const x = tensorOf([1], [1], 'float32');
    x.dispose();
    await expect(encodeSafetensors({ x })).rejects.toThrow(/after dispose/);
  });
});

describe('F16 on a backend with float16', () => {
  // The CPU backend's memory is byte-level, so a copy that declares float16 can hold such tensors.
  const name = 'cpu-f16';
  beforeAll(() => {
    const cpu = createCpuBackend({ name });
    registerBackend({
      ...cpu,
      capabilities: { ...cpu.capabilities, dtypes: [...cpu.capabilities.dtypes, 'float16'] },
    });
  });
  afterAll(() => unregisterBackend(name));

  test("'auto' keeps the stored bits as float16; 'float32' widens", async () => {
    const file = fixture('written.safetensors');
    const header = readSafetensorsHeader(file);
    const [begin, end] = must(header.tensors.half).dataOffsets;
    const storedBits = new Uint16Array(
      file.slice(header.dataStart + begin, header.dataStart + end).buffer,
    );

    const native = decodeSafetensors(file, { backend: name });
    expect(native.tensors.half?.dtype).toBe('float16');
    expect(await native.tensors.half?.data()).toEqual(storedBits);
    expect(native.tensors.brain?.dtype).toBe('float32');

    const widened = decodeSafetensors(file, { backend: name, float16: 'float32' });
    expect(widened.tensors.half?.dtype).toBe('float32');

    // A float16 tensor is written back as F16, unchanged: the whole file is reproduced.
    const storeAs = { brain: 'BF16', pixels: 'U8' } as const;
    expect(await encodeSafetensors(native.tensors, native.metadata, { storeAs })).toEqual(file);
    tree.dispose([native.tensors, widened.tensors]);
    expect(liveTensors(name)).toBe(0);
  });

  test('float16 tensors can be stored as F32', async () => {
    const h = fromHost(Uint16Array.from([0x3c00, 0xc000, 0x0001]), [3], 'float16', {
      backend: name,
    });
    const back = decodeSafetensors(
      await encodeSafetensors({ h }, undefined, { storeAs: { h: 'F32' } }),
    );
    expect(await back.tensors.h?.toArray()).toEqual([1, -2, 2 ** -24]);
    tree.dispose([h, back.tensors]);
    expect(liveTensors(name)).toBe(0);
  });
});

test('np-created tensors encode like fromHost ones', async () => {
  const a = scope(() => np.arange(6).reshape([2, 3]));
  const b = tensorOf([0, 1, 2, 3, 4, 5], [2, 3], 'int32');
  expect(await encodeSafetensors({ a })).toEqual(await encodeSafetensors({ a: b }));
  tree.dispose([a, b]);
});
