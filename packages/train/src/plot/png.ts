/**
 * A minimal PNG encoder (RFC 2083 / ISO 15948): 8-bit RGB, no interlacing, every row with the "Up"
 * filter (charts are mostly flat colour, which it turns into runs of zeros). The zlib stream comes
 * from a pluggable `deflate`: `@tensile/train/node` passes `node:zlib`'s `deflateSync`; without one
 * `storedDeflate` wraps the bytes in uncompressed ("stored") deflate blocks, which every PNG reader
 * accepts, so this file needs no dependency and runs in a browser.
 */
import type { RasterImage } from './raster.js';

/** Options of `encodePng`. */
export interface PngOptions {
  /** zlib-format compression (e.g. `node:zlib`'s `deflateSync`); default `storedDeflate`. */
  readonly deflate?: (data: Uint8Array) => Uint8Array;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/**
 * CRC-32 (ISO 3309, as PNG and zlib's `crc32`) of `bytes`.
 *
 * @example
 * crc32(new TextEncoder().encode('IEND'))  // 0xae426082
 */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++)
    c = (CRC_TABLE[(c ^ (bytes[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * Adler-32 (zlib's checksum) of `bytes`.
 *
 * @example
 * adler32(new TextEncoder().encode('Wikipedia'))  // 0x11e60398
 */
export function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < bytes.length; ) {
    const end = Math.min(bytes.length, i + 5552); // the largest run before the sums can overflow
    for (; i < end; i++) {
      a += bytes[i] as number;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/**
 * A zlib stream of uncompressed deflate blocks (RFC 1950/1951): valid everywhere, no compression.
 *
 * @example
 * encodePng(image, { deflate: storedDeflate })
 */
export function storedDeflate(data: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(data.length / 65535));
  const out = new Uint8Array(2 + data.length + blocks * 5 + 4);
  out[0] = 0x78; // deflate, 32K window
  out[1] = 0x01; // no preset dictionary; (0x78 << 8 | 0x01) % 31 === 0
  let o = 2;
  for (let b = 0; b < blocks; b++) {
    const from = b * 65535;
    const len = Math.min(65535, data.length - from);
    out[o++] = b === blocks - 1 ? 1 : 0; // BFINAL, BTYPE = 00 (stored)
    out[o++] = len & 0xff;
    out[o++] = len >>> 8;
    out[o++] = ~len & 0xff;
    out[o++] = (~len >>> 8) & 0xff;
    out.set(data.subarray(from, from + len), o);
    o += len;
  }
  const check = adler32(data);
  out[o++] = check >>> 24;
  out[o++] = (check >>> 16) & 0xff;
  out[o++] = (check >>> 8) & 0xff;
  out[o++] = check & 0xff;
  return out;
}

/** The 8 bytes every PNG starts with. */
export const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out, 4, 8 + data.length));
  return out;
}

/**
 * Encode an RGBA raster as an RGB PNG (alpha is dropped: charts are opaque).
 *
 * @example
 * const bytes = encodePng(rasterizeHistory(history), { deflate: zlib.deflateSync });
 */
export function encodePng(image: RasterImage, options: PngOptions = {}): Uint8Array {
  const { width, height, data } = image;
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: truecolour (RGB)
  header[10] = 0; // compression: deflate
  header[11] = 0; // filter method 0
  header[12] = 0; // no interlace

  const stride = width * 3;
  const filtered = new Uint8Array(height * (stride + 1));
  const previous = new Uint8Array(stride);
  const row = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const s = (y * width + x) * 4;
      row[x * 3] = data[s] as number;
      row[x * 3 + 1] = data[s + 1] as number;
      row[x * 3 + 2] = data[s + 2] as number;
    }
    const o = y * (stride + 1);
    filtered[o] = 2; // Up: each byte minus the byte above
    for (let i = 0; i < stride; i++)
      filtered[o + 1 + i] = ((row[i] as number) - (previous[i] as number)) & 0xff;
    previous.set(row);
  }
  const deflate = options.deflate ?? storedDeflate;
  const parts = [
    PNG_SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', deflate(filtered)),
    chunk('IEND', new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
