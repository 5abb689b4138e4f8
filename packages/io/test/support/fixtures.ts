/**
 * Test support: the committed safetensors fixtures written by scripts/golden/safetensors_files.py,
 * their expected values, hand-built (deliberately simple, independent of src/) safetensors bytes
 * for corruption tests, and a live-tensor counter.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type DType, fromHost, memory, type Tensor } from '@tensile/core';

export const fixtureDir = fileURLToPath(
  new URL('../../../../fixtures/safetensors/', import.meta.url),
);

/** Bytes of a committed fixture file. */
export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(fixtureDir + name));
}

export type ExpectedValue = number | boolean | 'inf' | '-inf' | 'nan';

export interface ExpectedTensor {
  dtype: string;
  shape: number[];
  values: ExpectedValue[];
  source?: number[];
}

export interface ExpectedFile {
  metadata: Record<string, string> | null;
  tensors: Record<string, ExpectedTensor>;
  checkpoint?: { step: number; metadata: unknown };
}

export const expected = JSON.parse(readFileSync(`${fixtureDir}expected.json`, 'utf8')) as {
  files: Record<string, ExpectedFile>;
  narrowing: { float32_bits: number[]; f16_bits: number[]; bf16_bits: number[] };
};

/** An expected value as the number a loaded tensor holds (bools as 0/1). */
export function asNumber(v: ExpectedValue): number {
  if (v === 'inf') return Number.POSITIVE_INFINITY;
  if (v === '-inf') return Number.NEGATIVE_INFINITY;
  if (v === 'nan') return Number.NaN;
  return typeof v === 'boolean' ? Number(v) : v;
}

/** A CPU tensor from plain numbers (bools as 0/1). */
export function tensorOf(
  values: readonly number[],
  shape: readonly number[],
  dtype: DType,
): Tensor {
  const data =
    dtype === 'float32'
      ? Float32Array.from(values)
      : dtype === 'int32'
        ? Int32Array.from(values)
        : dtype === 'uint32'
          ? Uint32Array.from(values)
          : Uint8Array.from(values);
  return fromHost(data, shape, dtype);
}

/** Live tensors on a backend (default cpu). */
export function liveTensors(backend = 'cpu'): number {
  return memory()[backend]?.tensors ?? 0;
}

/** safetensors bytes from a header object and a data section, built by hand (8-byte padded). */
export function craft(header: unknown, data: Uint8Array | number = 0): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  const body = typeof data === 'number' ? new Uint8Array(data) : data;
  const out = new Uint8Array(8 + padded + body.length).fill(0x20, 8, 8 + padded);
  new DataView(out.buffer).setUint32(0, padded, true);
  out.set(json, 8);
  out.set(body, 8 + padded);
  return out;
}

/** Header length N of safetensors bytes. */
export function headerLength(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
}

/** The JSON header text (padding included) of safetensors bytes. */
export function headerText(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes.subarray(8, 8 + headerLength(bytes)));
}

/** `value`, or a failed test when it is missing (instead of a non-null assertion). */
export function must<T>(value: T | undefined, what = 'value'): T {
  if (value === undefined) throw new Error(`test setup: ${what} is missing`);
  return value;
}
