/**
 * Fixed-length batches from variable-length id sequences: pad with `PAD_ID` (0) or truncate each
 * sequence to `length`, at the end (`'post'`, default) or the start (`'pre'`), and record which
 * positions hold real tokens (`mask`) and how many there are (`lengths`).
 */
import { ValueError } from '@tensile/core';
import type { HostTensor } from '../host-tensor.js';
import { PAD_ID } from './vocabulary.js';

/** Options of `padSequences`. */
export interface PadOptions {
  /** The length of every output row. */
  readonly length: number;
  /** Where padding goes: after the tokens (`'post'`, default) or before (`'pre'`). */
  readonly padding?: 'pre' | 'post';
  /** Which end of a too-long sequence is cut: the end (`'post'`, default) or the start (`'pre'`). */
  readonly truncating?: 'pre' | 'post';
  /** The padding id (default `PAD_ID` = 0). */
  readonly value?: number;
}

/** Padded ids `int32[n, length]`, a `float32[n, length]` mask (1 = token, 0 = padding), and `int32[n]` lengths. */
export interface PaddedSequences {
  readonly ids: HostTensor;
  readonly mask: HostTensor;
  readonly lengths: HostTensor;
}

/**
 * Pad or truncate each sequence to `length`.
 *
 * @example
 * const { ids, mask, lengths } = padSequences([[5, 6, 7], [8]], { length: 2 });
 * // ids [[5, 6], [8, 0]], mask [[1, 1], [1, 0]], lengths [2, 1]
 */
export function padSequences(
  sequences: readonly ArrayLike<number>[],
  options: PadOptions,
): PaddedSequences {
  const { length, padding = 'post', truncating = 'post', value = PAD_ID } = options;
  if (!Number.isInteger(length) || length < 1) {
    throw new ValueError(`padSequences: length must be a positive integer, got ${length}`);
  }
  for (const [name, side] of [
    ['padding', padding],
    ['truncating', truncating],
  ] as const) {
    if (side !== 'pre' && side !== 'post')
      throw new ValueError(`padSequences: ${name} must be 'pre' or 'post', got ${String(side)}`);
  }
  const n = sequences.length;
  const ids = new Int32Array(n * length).fill(value);
  const mask = new Float32Array(n * length);
  const lengths = new Int32Array(n);
  sequences.forEach((sequence, row) => {
    const kept = Math.min(sequence.length, length);
    const from = truncating === 'pre' ? sequence.length - kept : 0;
    const at = row * length + (padding === 'pre' ? length - kept : 0);
    for (let i = 0; i < kept; i++) {
      const id = sequence[from + i] as number;
      if (!Number.isInteger(id))
        throw new ValueError(`padSequences: sequence ${row} holds ${id}, not an integer id`);
      ids[at + i] = id;
      mask[at + i] = 1;
    }
    lengths[row] = kept;
  });
  return {
    ids: { data: ids, shape: [n, length], dtype: 'int32' },
    mask: { data: mask, shape: [n, length], dtype: 'float32' },
    lengths: { data: lengths, shape: [n], dtype: 'int32' },
  };
}
