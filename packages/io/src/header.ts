/**
 * Reading and validating a safetensors header without touching tensor data.
 *
 * A file is: 8 bytes N (little-endian u64), N bytes of UTF-8 JSON (an object mapping each tensor
 * name to {dtype, shape, data_offsets}, plus an optional `__metadata__` string map), then the data
 * section. This module checks everything the reference reader checks — and says which file and
 * which tensor is wrong — so that loaders can refuse a bad file before creating any tensor:
 * the length prefix fits the file, the header is UTF-8 JSON starting with `{`, every entry is
 * well formed, each tensor's byte span equals its element count times its dtype size, and the
 * spans tile the data section exactly (no overlap, no gap, nothing missing or left over).
 */
import { bitsPerElement, isSafetensorsDType, type SafetensorsDType } from './dtypes.js';
import { SafetensorsError } from './errors.js';

/** Where one tensor's bytes are and how to read them. */
export interface SafetensorsTensorInfo {
  readonly dtype: SafetensorsDType;
  readonly shape: readonly number[];
  /** `[begin, end)` byte offsets relative to the start of the data section. */
  readonly dataOffsets: readonly [number, number];
}

/** A validated safetensors header. */
export interface SafetensorsHeader {
  /** N: length of the JSON header in bytes, padding included. */
  readonly headerLength: number;
  /** Offset of the data section in the file (`8 + N`). */
  readonly dataStart: number;
  /** The `__metadata__` string map, or `undefined` when the file has none. */
  readonly metadata: Readonly<Record<string, string>> | undefined;
  /** Tensor entries in the order their bytes are laid out. */
  readonly tensors: Readonly<Record<string, SafetensorsTensorInfo>>;
}

/**
 * The largest header the reference implementation accepts (bytes).
 *
 * @example
 * if (headerLength > MAX_HEADER_LENGTH) throw new Error('corrupted header length');
 */
export const MAX_HEADER_LENGTH = 100_000_000;

const METADATA_KEY = '__metadata__';

/**
 * `who: source: ` — the start of every message about one file.
 *
 * @example
 * messagePrefix('loadCheckpoint', 'a.safetensors')  // 'loadCheckpoint: a.safetensors: '
 */
export function messagePrefix(who: string, source: string | undefined): string {
  return source === undefined ? `${who}: ` : `${who}: ${source}: `;
}

/**
 * Parse and validate the header of a complete safetensors file.
 *
 * @example
 * const header = readSafetensorsHeader(bytes, { source: 'model.safetensors' });
 * header.tensors['fc.weight']  // { dtype: 'F32', shape: [10, 784], dataOffsets: [0, 31360] }
 */
export function readSafetensorsHeader(
  bytes: Uint8Array,
  options: { source?: string } = {},
): SafetensorsHeader {
  return parseHeader(bytes, 'readSafetensorsHeader', options.source);
}

/**
 * `readSafetensorsHeader` with the caller's name in messages.
 *
 * @example
 * const header = parseHeader(bytes, 'decodeSafetensors', 'model.safetensors');
 */
export function parseHeader(
  bytes: Uint8Array,
  who: string,
  source: string | undefined,
): SafetensorsHeader {
  const at = messagePrefix(who, source);
  const fail = (detail: string): never => {
    throw new SafetensorsError(at + detail);
  };
  if (!(bytes instanceof Uint8Array)) {
    fail(`expected the file's bytes as a Uint8Array, got ${describe(bytes)}`);
  }
  if (bytes.byteLength < 8) {
    fail(`file is ${bytes.byteLength} bytes, too short for the 8-byte header length (truncated?)`);
  }
  const prefix = new DataView(bytes.buffer, bytes.byteOffset, 8);
  const headerLength = prefix.getUint32(0, true) + prefix.getUint32(4, true) * 2 ** 32;
  if (headerLength > MAX_HEADER_LENGTH) {
    fail(
      `header length ${headerLength} exceeds the ${MAX_HEADER_LENGTH}-byte limit (corrupted header length?)`,
    );
  }
  if (8 + headerLength > bytes.byteLength) {
    fail(
      `header length ${headerLength} runs past the end of the file (${bytes.byteLength} bytes): truncated or corrupted`,
    );
  }
  let text = '';
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(
      bytes.subarray(8, 8 + headerLength),
    );
  } catch {
    fail('header is not valid UTF-8');
  }
  if (!text.startsWith('{')) {
    fail(`header does not start with '{' (starts with ${JSON.stringify(text.slice(0, 16))})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    fail(`header is not valid JSON (${(error as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    fail('header JSON is not an object');
  }

  let metadata: Record<string, string> | undefined;
  const entries: Array<[string, SafetensorsTensorInfo]> = [];
  for (const [name, value] of Object.entries(json as Record<string, unknown>)) {
    if (name === METADATA_KEY) metadata = parseMetadata(value, fail);
    else entries.push([name, parseTensorInfo(name, value, fail)]);
  }

  entries.sort(
    ([, a], [, b]) => a.dataOffsets[0] - b.dataOffsets[0] || a.dataOffsets[1] - b.dataOffsets[1],
  );
  const dataLength = bytes.byteLength - 8 - headerLength;
  let covered = 0;
  let previous: [string, SafetensorsTensorInfo] | undefined;
  for (const entry of entries) {
    const [name, { dataOffsets }] = entry;
    if (dataOffsets[0] < covered && previous) {
      fail(
        `tensor '${name}' data_offsets [${dataOffsets}] overlap tensor '${previous[0]}' [${previous[1].dataOffsets}]`,
      );
    }
    if (dataOffsets[0] > covered) {
      fail(
        `data bytes [${covered},${dataOffsets[0]}) belong to no tensor (gap before tensor '${name}')`,
      );
    }
    covered = dataOffsets[1];
    previous = entry;
  }
  if (covered > dataLength) {
    fail(
      `tensors need ${covered} data bytes but the file holds ${dataLength} after the header: truncated`,
    );
  }
  if (covered < dataLength) {
    fail(`${dataLength - covered} bytes after the last tensor belong to no tensor`);
  }
  return {
    headerLength,
    dataStart: 8 + headerLength,
    metadata,
    tensors: Object.fromEntries(entries),
  };
}

function parseMetadata(value: unknown, fail: (detail: string) => never): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(`${METADATA_KEY} must be an object of strings, got ${describe(value)}`);
  }
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') {
      fail(`${METADATA_KEY} must map strings to strings; key '${key}' holds ${describe(item)}`);
    }
  }
  return { ...(value as Record<string, string>) };
}

function parseTensorInfo(
  name: string,
  value: unknown,
  fail: (detail: string) => never,
): SafetensorsTensorInfo {
  const bad = (detail: string): never => fail(`tensor '${name}': ${detail}`);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return bad(`entry must be an object {dtype, shape, data_offsets}, got ${describe(value)}`);
  }
  const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
  if (!isSafetensorsDType(dtype)) return bad(`unknown dtype ${JSON.stringify(dtype)}`);
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    return bad(`shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
    return bad(`data_offsets must be [begin, end] byte offsets, got ${JSON.stringify(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin) return bad(`data_offsets [${begin},${end}] end before they begin`);
  const elements = shape.reduce((n: number, d: number) => n * d, 1);
  const bits = elements * bitsPerElement(dtype);
  if (!Number.isSafeInteger(bits) || bits % 8 !== 0) {
    return bad(`shape [${shape}] of ${dtype} is not a whole number of bytes`);
  }
  if (end - begin !== bits / 8) {
    return bad(
      `${dtype} [${shape}] needs ${bits / 8} bytes but data_offsets [${begin},${end}] span ${end - begin}`,
    );
  }
  return { dtype, shape: shape as number[], dataOffsets: [begin, end] };
}

function isCount(x: unknown): x is number {
  return Number.isSafeInteger(x) && (x as number) >= 0;
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  if (typeof x === 'object') return (x as object).constructor?.name ?? 'an object';
  return typeof x === 'string'
    ? `a string ${JSON.stringify(x.slice(0, 32))}`
    : `${typeof x} ${String(x)}`;
}
