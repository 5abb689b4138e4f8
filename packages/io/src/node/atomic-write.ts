/**
 * Writing a file so that readers only ever see the old contents or the complete new contents:
 * write a temporary file next to the target (`<path>.tmp-<pid>-<random>`), fsync it, rename it over
 * the target (atomic on POSIX file systems and on NTFS), then fsync the directory so the rename
 * itself survives a power loss (skipped where directories cannot be opened, e.g. Windows). If
 * anything fails before the rename, the temporary file is removed and the target is untouched; a
 * process killed mid-write leaves at most a stray `*.tmp-*` file, never a partial target.
 */

import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import { dirname } from 'node:path';

/** An open file, as `writeFileAtomic` uses it (node's `FileHandle` fits). */
export interface AtomicFileHandle {
  writeFile(data: Uint8Array): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The file operations `writeFileAtomic` performs; `node:fs/promises` fits. Pass another
 * implementation to write elsewhere or to inject failures in tests.
 */
export interface AtomicFileSystem {
  open(path: string, flags: string, mode?: number): Promise<AtomicFileHandle>;
  rename(from: string, to: string): Promise<void>;
  rm(path: string, options: { force: boolean }): Promise<void>;
}

/** Options of `writeFileAtomic` and the savers built on it. */
export interface AtomicWriteOptions {
  /** File operations to use (default `node:fs/promises`). */
  readonly fileSystem?: AtomicFileSystem;
}

/**
 * Replace the file at `path` with `data` atomically (temp file + fsync + rename + directory fsync).
 *
 * @example
 * await writeFileAtomic('out/model.safetensors', bytes);
 */
export async function writeFileAtomic(
  path: string,
  data: Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const files = options.fileSystem ?? fs;
  const temp = `${path}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
  // 'wx': create exclusively, so an existing file is never written into (or removed below).
  const handle = await files.open(temp, 'wx', 0o666);
  try {
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await files.rename(temp, path);
  } catch (error) {
    await files.rm(temp, { force: true }).catch(() => {});
    throw error;
  }
  await syncDirectory(files, dirname(path));
}

/** fsync a directory so a rename in it is durable; a no-op where directories cannot be opened. */
async function syncDirectory(files: AtomicFileSystem, directory: string): Promise<void> {
  let handle: AtomicFileHandle | undefined;
  try {
    handle = await files.open(directory, 'r');
    await handle.sync();
  } catch {
    // Windows cannot open or fsync directories (EISDIR/EPERM); the rename is still atomic there.
  } finally {
    await handle?.close().catch(() => {});
  }
}
