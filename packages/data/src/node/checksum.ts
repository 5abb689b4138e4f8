/**
 * Checksums of dataset files. Upstream projects publish different things (Fashion-MNIST publishes
 * the MD5 of each `.gz` as served; Debian ships the same data recompressed), so a file is accepted
 * when the digest of its bytes as stored matches, or the SHA-256 of its decompressed contents
 * matches: the contents are what matter, and they are the same wherever the file came from.
 */
import { createHash } from 'node:crypto';

/** Expected digests of one file (lowercase hex); at least one must be given. */
export interface FileChecksum {
  /** SHA-256 of the decompressed contents (for an uncompressed file: of the file). */
  readonly sha256?: string;
  /** MD5 of the file as stored (e.g. the `.gz` as published upstream). */
  readonly md5?: string;
}

/** Hex digest of `bytes`. */
export function digest(algorithm: 'sha256' | 'md5', bytes: Uint8Array): string {
  return createHash(algorithm).update(bytes).digest('hex');
}

/**
 * `undefined` when `stored` (the file's bytes) or `contents` (decompressed) match `expected`,
 * otherwise a sentence saying what differs.
 *
 * @internal
 */
export function checksumMismatch(
  stored: Uint8Array,
  contents: Uint8Array,
  expected: FileChecksum,
): string | undefined {
  if (expected.md5 !== undefined && digest('md5', stored) === expected.md5) return undefined;
  if (expected.sha256 !== undefined) {
    const actual = digest('sha256', contents);
    if (actual === expected.sha256) return undefined;
    return `sha256 of the contents is ${actual}, expected ${expected.sha256}`;
  }
  return `md5 of the file is ${digest('md5', stored)}, expected ${expected.md5}`;
}
