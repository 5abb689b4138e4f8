/**
 * Safetensors files on disk (Node): `decodeSafetensors`/`encodeSafetensors` plus file I/O, with
 * writes made atomic by `writeFileAtomic`.
 */
import { readFile } from 'node:fs/promises';
import type { Tensor } from '@tensile/core';
import { type DecodedSafetensors, type DecodeOptions, decodeSafetensors } from '../decode.js';
import { type EncodeOptions, encodeSafetensors } from '../encode.js';
import { type AtomicWriteOptions, writeFileAtomic } from './atomic-write.js';

/**
 * Write named tensors to a safetensors file, atomically (the previous file stays intact until the
 * new one is complete).
 *
 * @example
 * await saveSafetensors('model.safetensors', flattenWithPaths(params), { format: 'pt' });
 */
export async function saveSafetensors(
  path: string,
  tensors: Readonly<Record<string, Tensor>>,
  metadata?: Readonly<Record<string, string>>,
  options: EncodeOptions & AtomicWriteOptions = {},
): Promise<void> {
  await writeFileAtomic(path, await encodeSafetensors(tensors, metadata, options), options);
}

/**
 * Read every tensor of a safetensors file (errors name the file; see `decodeSafetensors`).
 *
 * @example
 * const { tensors, metadata } = await loadSafetensors('model.safetensors');
 */
export async function loadSafetensors(
  path: string,
  options: Omit<DecodeOptions, 'source'> = {},
): Promise<DecodedSafetensors> {
  return decodeSafetensors(await readFile(path), { ...options, source: path });
}
