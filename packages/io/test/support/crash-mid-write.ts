/**
 * Child process for the checkpoint atomicity test: saves a checkpoint to argv[2] through a file
 * system whose write puts half the bytes into the temporary file and then SIGKILLs this process,
 * exactly like a crash mid-write. Run with: node --conditions=source --import tsx <this> <path>.
 */
import * as fs from 'node:fs/promises';
import { createCpuBackend } from '@tensile/backend-cpu';
import { fromHost, registerBackend } from '@tensile/core';
import { type AtomicFileSystem, saveCheckpoint } from '@tensile/io/node';

registerBackend(createCpuBackend());
const target = process.argv[2] as string;

const crashingFs: AtomicFileSystem = {
  open: async (path, flags, mode) => {
    const handle = await fs.open(path, flags, mode);
    return {
      writeFile: async (data) => {
        await handle.write(data, 0, data.length >> 1);
        await handle.sync();
        process.stdout.write(`wrote half of ${data.length} bytes to ${path}\n`);
        process.kill(process.pid, 'SIGKILL');
      },
      sync: () => handle.sync(),
      close: () => handle.close(),
    };
  },
  rename: fs.rename,
  rm: fs.rm,
};

const params = {
  w: fromHost(
    Float32Array.from({ length: 4096 }, (_, i) => i),
    [64, 64],
    'float32',
  ),
};
await saveCheckpoint(target, { params, step: 2 }, { fileSystem: crashingFs });
process.stdout.write('not reached: the process was to be killed\n');
