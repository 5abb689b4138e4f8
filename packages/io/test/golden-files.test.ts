/**
 * Files written by scripts/golden/safetensors_files.py (the published format implemented by hand in
 * Python, cross-checked there against the reference serializer) are read with the values numpy /
 * torch stored, and the same tensors written from TypeScript give the same bytes.
 */
import { type DType, fromHost, tree } from '@tensile/core';
import { describe, expect, test } from 'vitest';
import {
  decodeSafetensors,
  encodeCheckpoint,
  encodeSafetensors,
  readSafetensorsHeader,
  type SafetensorsDType,
} from '../src/index.js';
import {
  asNumber,
  type ExpectedFile,
  expected,
  fixture,
  headerLength,
  headerText,
  must,
  tensorOf,
} from './support/fixtures.js';

/** The dtype each stored dtype loads as on the CPU backend (which has no float16). */
const LOADS_AS: Record<string, DType> = {
  F32: 'float32',
  F16: 'float32',
  BF16: 'float32',
  F64: 'float32',
  I32: 'int32',
  I64: 'int32',
  I16: 'int32',
  U16: 'int32',
  I8: 'int32',
  U8: 'int32',
  U32: 'uint32',
  BOOL: 'bool',
};

describe('reading files written by the Python script', () => {
  for (const file of [
    'written.safetensors',
    'wide.safetensors',
    'checkpoint.safetensors',
    'empty.safetensors',
  ]) {
    test(`${file}: every tensor and the metadata`, async () => {
      const want = expected.files[file] as ExpectedFile;
      const { tensors, metadata } = decodeSafetensors(fixture(file), { source: file });
      expect(metadata).toEqual(want.metadata ?? undefined);
      expect(Object.keys(tensors).sort()).toEqual(Object.keys(want.tensors).sort());
      for (const [name, spec] of Object.entries(want.tensors)) {
        const t = tensors[name];
        expect(t?.dtype, name).toBe(LOADS_AS[spec.dtype]);
        expect(t?.shape, name).toEqual(spec.shape);
        expect(Array.from(await t?.data()), name).toEqual(spec.values.map(asNumber));
      }
      tree.dispose(tensors);
    });
  }

  test('the header lays tensors out by descending dtype rank, then by UTF-8 bytes of the name', () => {
    const header = readSafetensorsHeader(fixture('written.safetensors'));
    expect(header.headerLength % 8).toBe(0);
    expect(header.dataStart).toBe(8 + header.headerLength);
    // F32 names in byte order ('Z' < 'e' < 'l'…; U+FF5E < U+1F600 < … although UTF-16 orders them
    // the other way; 'é' (0xC3) after 'w'), then U32, I32, BF16, F16, U8, BOOL.
    expect(Object.keys(header.tensors)).toEqual([
      'Zeta',
      'empty',
      'layers.10.w',
      'layers.9.w',
      'scalar',
      'sym～',
      'sym😀',
      'weight',
      'été',
      'hash',
      'ids',
      'brain',
      'half',
      'pixels',
      'mask',
    ]);
    expect(header.tensors.weight).toEqual({ dtype: 'F32', shape: [2, 3], dataOffsets: [24, 48] });
    expect(header.metadata).toEqual({ format: 'pt' });
  });
});

describe('writing byte-identical files', () => {
  test('written.safetensors: every dtype Tensile writes, F16/BF16/U8 through storeAs', async () => {
    const file = expected.files['written.safetensors'] as ExpectedFile;
    const storeAs: Record<string, SafetensorsDType> = {};
    const tensors = Object.fromEntries(
      Object.entries(file.tensors).map(([name, spec]) => {
        if (spec.dtype === 'F16' || spec.dtype === 'BF16' || spec.dtype === 'U8')
          storeAs[name] = spec.dtype;
        const values = spec.source ?? spec.values.map(asNumber);
        const dtype: DType = spec.dtype === 'U8' ? 'int32' : (LOADS_AS[spec.dtype] as DType);
        return [name, tensorOf(values, spec.shape, dtype)];
      }),
    );
    const bytes = await encodeSafetensors(tensors, file.metadata ?? undefined, { storeAs });
    expect(bytes).toEqual(fixture('written.safetensors'));
    tree.dispose(tensors);
  });

  test('empty.safetensors: no tensors → {} padded with six spaces', async () => {
    expect(await encodeSafetensors({})).toEqual(fixture('empty.safetensors'));
  });

  test('checkpoint.safetensors: encodeCheckpoint of the same params, state, step and metadata', async () => {
    const file = expected.files['checkpoint.safetensors'] as ExpectedFile;
    const t = (name: string) => {
      const spec = must(file.tensors[name], name);
      return tensorOf(spec.values.map(asNumber), spec.shape, LOADS_AS[spec.dtype] as DType);
    };
    const layers = (prefix: string) =>
      [0, 1].map((i) => ({
        weight: t(`${prefix}layers.${i}.weight`),
        bias: t(`${prefix}layers.${i}.bias`),
      }));
    const params = { layers: layers('params.') };
    const optState = { count: t('opt_state.count'), mu: { layers: layers('opt_state.mu.') } };
    const bytes = await encodeCheckpoint({
      params,
      optState,
      step: must(file.checkpoint).step,
      metadata: must(file.checkpoint).metadata,
    });
    expect(bytes).toEqual(fixture('checkpoint.safetensors'));
    tree.dispose([params, optState]);
  });

  // Byte layouts asserted by the reference crate's own unit tests (safetensors/src/tensor.rs).
  test('the reference crate test vectors', async () => {
    const x = fromHost(Float32Array.from([0, 1, 2, 3, 4, 5]), [1, 2, 3], 'float32');
    const y = fromHost(Float32Array.from([0, 1, 2, 3, 4, 5]), [1, 1, 2, 3], 'float32');
    const data = new Uint8Array(Float32Array.from([0, 1, 2, 3, 4, 5]).buffer);

    const a = await encodeSafetensors({ 'attn.0': x });
    expect(headerLength(a)).toBe(64);
    expect(headerText(a)).toBe('{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}');
    expect(a.subarray(72)).toEqual(data);

    const b = await encodeSafetensors({ attn0: y });
    expect(headerLength(b)).toBe(72);
    expect(headerText(b)).toBe(
      `{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}${' '.repeat(7)}`,
    );
    expect(b.subarray(80)).toEqual(data);

    const c = await encodeSafetensors({}, { framework: 'pt' });
    expect(headerLength(c)).toBe(40);
    expect(headerText(c)).toBe(`{"__metadata__":{"framework":"pt"}}${' '.repeat(5)}`);
    expect(c.length).toBe(48);
    x.dispose();
    y.dispose();
  });

  test('float32 → F16 and → BF16 round to nearest even exactly as numpy and torch', async () => {
    const { float32_bits: bits, f16_bits: f16, bf16_bits: bf16 } = expected.narrowing;
    const x = fromHost(new Float32Array(Uint32Array.from(bits).buffer), [bits.length], 'float32');
    const bytes = await encodeSafetensors({ h: x, b: x }, undefined, {
      storeAs: { h: 'F16', b: 'BF16' },
    });
    const { tensors } = readSafetensorsHeader(bytes);
    const start = 8 + headerLength(bytes);
    const stored = (name: string) => {
      const [begin, end] = must(tensors[name], name).dataOffsets;
      return Array.from(new Uint16Array(bytes.slice(start + begin, start + end).buffer));
    };
    expect(stored('h')).toEqual(f16);
    expect(stored('b')).toEqual(bf16);
    x.dispose();
  });

  test('a NaN stays a NaN in F16 and BF16', async () => {
    const x = fromHost(new Float32Array([Number.NaN, -Number.NaN]), [2], 'float32');
    const bytes = await encodeSafetensors({ h: x }, undefined, { storeAs: { h: 'F16' } });
    const back = decodeSafetensors(bytes);
    expect(Array.from(await back.tensors.h?.data()).every(Number.isNaN)).toBe(true);
    const bf = decodeSafetensors(
      await encodeSafetensors({ b: x }, undefined, { storeAs: { b: 'BF16' } }),
    );
    expect(Array.from(await bf.tensors.b?.data()).every(Number.isNaN)).toBe(true);
    tree.dispose([x, back.tensors, bf.tensors]);
  });
});
