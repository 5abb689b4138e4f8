/**
 * The writing side of the header: where each tensor goes and the exact header bytes, laid out as
 * the reference writer (huggingface/safetensors `serialize`) lays them out, so files match it byte
 * for byte:
 *   - tensors ordered by descending dtype rank (`layoutRank`), ties by name in UTF-8 byte order;
 *   - compact JSON: `__metadata__` first when given (keys sorted in byte order: the reference keeps
 *     a HashMap, so its order is unspecified for more than one key), then
 *     `"name":{"dtype":…,"shape":[…],"data_offsets":[begin,end]}` per tensor in layout order;
 *   - the JSON padded with spaces to a multiple of 8 bytes, preceded by its length as a u64 LE.
 * JSON.stringify escapes strings exactly as serde_json does (`\"`, `\\`, `\n`-style short escapes,
 * `\u00xx` lowercase for other control characters, everything else raw UTF-8).
 */
import { layoutRank, type SafetensorsDType } from '../dtypes.js';
import { SafetensorsError } from '../errors.js';

/** One tensor to lay out. */
export interface LayoutEntry {
  readonly name: string;
  readonly dtype: SafetensorsDType;
  readonly shape: readonly number[];
  readonly byteLength: number;
}

/** A tensor's place in the data section. */
export interface PlacedEntry extends LayoutEntry {
  readonly begin: number;
}

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * Compare strings by their UTF-8 bytes (= code point order; JS `<` compares UTF-16 units instead).
 *
 * @example
 * const enc = new TextEncoder();
 * compareUtf8(enc.encode('\u{ff5e}'), enc.encode('\u{1f600}')) < 0  // true, though '\u{ff5e}' > '\u{1f600}' in JS
 */
export function compareUtf8(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  }
  return a.length - b.length;
}

/**
 * Order `entries` as the reference writer does, give each its offset, and build the 8-byte length
 * prefix plus the padded JSON header.
 *
 * @example
 * const { header, placed } = layoutHeader([{ name: 'w', dtype: 'F32', shape: [2], byteLength: 8 }]);
 */
export function layoutHeader(
  entries: readonly LayoutEntry[],
  metadata: Readonly<Record<string, string>> | undefined,
  who: string,
): { header: Uint8Array; placed: PlacedEntry[]; dataLength: number } {
  const keyed = entries.map((entry) => ({ entry, key: utf8Name(entry.name, who) }));
  keyed.sort(
    (a, b) => layoutRank(b.entry.dtype) - layoutRank(a.entry.dtype) || compareUtf8(a.key, b.key),
  );
  let offset = 0;
  const placed = keyed.map(({ entry }) => {
    const begin = offset;
    offset += entry.byteLength;
    return { ...entry, begin };
  });

  const parts: string[] = [];
  if (metadata !== undefined) {
    const keys = Object.keys(metadata)
      .map((key) => ({ key, bytes: utf8Name(key, who) }))
      .sort((a, b) => compareUtf8(a.bytes, b.bytes));
    const fields = keys.map(({ key }) => {
      const value = metadata[key];
      if (typeof value !== 'string') {
        throw new SafetensorsError(
          `${who}: metadata values must be strings; '${key}' is ${typeof value} (JSON.stringify it)`,
        );
      }
      return `${JSON.stringify(key)}:${JSON.stringify(value)}`;
    });
    parts.push(`"__metadata__":{${fields.join(',')}}`);
  }
  for (const p of placed) {
    parts.push(
      `${JSON.stringify(p.name)}:{"dtype":"${p.dtype}","shape":[${p.shape.join(',')}],` +
        `"data_offsets":[${p.begin},${p.begin + p.byteLength}]}`,
    );
  }
  const json = utf8.encode(`{${parts.join(',')}}`);
  const padded = json.length + ((8 - (json.length % 8)) % 8);
  const header = new Uint8Array(8 + padded).fill(0x20, 8 + json.length);
  const length = new DataView(header.buffer);
  length.setUint32(0, padded % 2 ** 32, true);
  length.setUint32(4, Math.floor(padded / 2 ** 32), true);
  header.set(json, 8);
  return { header, placed, dataLength: offset };
}

/** UTF-8 bytes of a name; refuses strings with unpaired surrogates (not representable in UTF-8). */
function utf8Name(name: string, who: string): Uint8Array {
  const bytes = utf8.encode(name);
  if (utf8Decoder.decode(bytes) !== name) {
    throw new SafetensorsError(`${who}: name ${JSON.stringify(name)} is not valid Unicode`);
  }
  return bytes;
}
