/**
 * Gzip detection and a browser-safe `gunzip` (the standard `DecompressionStream`). The Node entry
 * uses `node:zlib` instead (`node/files.ts`), which is faster for large files; both turn a corrupt
 * or truncated stream into a `DataFormatError` naming the file.
 */
import { DataFormatError } from '../errors.js';

/**
 * True when `bytes` starts with the gzip magic number (0x1f 0x8b).
 *
 * @example
 * isGzip(await file.bytes())
 */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Decompress gzip bytes with the platform's `DecompressionStream` (browsers, Node ≥ 18).
 *
 * @example
 * const raw = await gunzip(bytes, 'train-images-idx3-ubyte.gz');
 */
export async function gunzip(
  bytes: Uint8Array,
  source = '<bytes>',
  op = 'gunzip',
): Promise<Uint8Array> {
  try {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>])
      .stream()
      .pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (error) {
    throw new DataFormatError(
      `${op}: ${source}: gzip data is corrupt or truncated (${error instanceof Error ? error.message : String(error)})`,
      source,
    );
  }
}
