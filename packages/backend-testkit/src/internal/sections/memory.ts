/**
 * The contract's shape and its memory half: required methods and capabilities are present,
 * and alloc/write/read/readSync/free/flush/sync move bytes faithfully — sub-ranges, unaligned
 * ranges, independent buffers, reads that wait for enqueued work, and frees that do not
 * disturb work already enqueued.
 */
import type { Backend } from '@tensile/core';
import { EXACT, expectValues } from '../compare.js';
import { viewOf, withDevice } from '../device.js';
import { hostTensor } from '../host-data.js';
import type { SuiteContext } from '../suite-context.js';

/** The methods every backend must implement. */
const REQUIRED_METHODS = [
  'alloc',
  'free',
  'write',
  'read',
  'flush',
  'sync',
  'fill',
  'copy',
  'unary',
  'binary',
  'select',
  'cast',
  'reduce',
  'argReduce',
  'dotGeneral',
  'iota',
  'gather',
  'scatterAdd',
  'threefry2x32',
] as const satisfies readonly (keyof Backend)[];

/** dtypes the core itself needs (indices, masks, PRNG bits), beyond whatever else a backend adds. */
const CORE_DTYPES = ['float32', 'int32', 'uint32', 'bool'] as const;

const bytes = (n: number, start = 0): Uint8Array =>
  Uint8Array.from({ length: n }, (_, i) => (start + i * 7) & 0xff);

function expectBytes(what: string, actual: Uint8Array, expected: Uint8Array): void {
  expectValues(Array.from(actual), {
    what,
    dtype: 'uint32',
    expected: Array.from(expected),
    tolerance: EXACT,
  });
}

/**
 * Register the contract-shape and memory tests.
 *
 * @example
 * registerMemoryTests(suite);
 */
export function registerMemoryTests(suite: SuiteContext): void {
  const { backend, registrar } = suite;

  registrar.test(
    'contract/shape',
    'required methods, name and capabilities are present',
    {},
    () => {
      const missing = REQUIRED_METHODS.filter((m) => typeof backend[m] !== 'function');
      if (missing.length > 0)
        throw new Error(`backend lacks required methods: ${missing.join(', ')}`);
      if (typeof backend.name !== 'string' || backend.name === '')
        throw new Error('backend.name must be a non-empty string');
      const { dtypes, syncRead } = backend.capabilities;
      const absent = CORE_DTYPES.filter((d) => !dtypes.includes(d));
      if (absent.length > 0) {
        throw new Error(
          `capabilities.dtypes lacks ${absent.join(', ')}, which the core needs (indices, masks, random bits)`,
        );
      }
      if (syncRead !== (typeof backend.readSync === 'function')) {
        throw new Error(
          `capabilities.syncRead is ${syncRead} but readSync is ${typeof backend.readSync}`,
        );
      }
    },
  );

  registrar.test(
    'memory/write-read',
    'bytes written come back, whole and as sub-ranges',
    {},
    async () => {
      const buffer = backend.alloc(64);
      try {
        backend.write(buffer, bytes(64));
        expectBytes('read of the whole buffer', await backend.read(buffer, 0, 64), bytes(64));
        expectBytes(
          'read of bytes 8..23',
          await backend.read(buffer, 8, 16),
          bytes(64).subarray(8, 24),
        );
        backend.write(buffer, bytes(8, 100), 12);
        const expected = bytes(64);
        expected.set(bytes(8, 100), 12);
        expectBytes(
          'read after a write at byte offset 12',
          await backend.read(buffer, 0, 64),
          expected,
        );
      } finally {
        backend.free(buffer);
      }
    },
  );

  registrar.test(
    'memory/unaligned-ranges',
    'writes and reads at byte offsets that are not multiples of 4',
    {},
    async () => {
      const buffer = backend.alloc(16);
      try {
        backend.write(buffer, new Uint8Array(16));
        backend.write(buffer, bytes(5, 1), 3);
        const expected = new Uint8Array(16);
        expected.set(bytes(5, 1), 3);
        expectBytes(
          'read of 7 bytes at offset 1',
          await backend.read(buffer, 1, 7),
          expected.subarray(1, 8),
        );
      } finally {
        backend.free(buffer);
      }
    },
  );

  registrar.test(
    'memory/read-sync',
    'readSync returns what was written',
    { syncRead: true },
    () => {
      const buffer = backend.alloc(32);
      try {
        backend.write(buffer, bytes(32));
        const readSync = backend.readSync as NonNullable<Backend['readSync']>;
        expectBytes(
          'readSync of bytes 4..19',
          readSync.call(backend, buffer, 4, 16),
          bytes(32).subarray(4, 20),
        );
      } finally {
        backend.free(buffer);
      }
    },
  );

  registrar.test(
    'memory/independent-buffers',
    'buffers do not alias; freeing one leaves the others intact',
    {},
    async () => {
      const buffers = Array.from({ length: 50 }, () => backend.alloc(12));
      try {
        for (const [i, b] of buffers.entries()) backend.write(b, bytes(12, i));
        for (const [i, b] of buffers.entries()) {
          if (i % 2 === 0) backend.free(b);
        }
        for (const [i, b] of buffers.entries()) {
          if (i % 2 === 1)
            expectBytes(
              `buffer ${i} after freeing its neighbours`,
              await backend.read(b, 0, 12),
              bytes(12, i),
            );
        }
      } finally {
        buffers.forEach((b, i) => {
          if (i % 2 === 1) backend.free(b);
        });
      }
    },
  );

  registrar.test(
    'memory/flush-sync',
    'flush() returns and sync() resolves, with and without pending work',
    {},
    () =>
      withDevice(backend, async (device) => {
        backend.flush();
        await backend.sync();
        const out = device.output('float32', [4]);
        backend.fill(out, 3);
        backend.flush();
        await backend.sync();
        expectValues(await device.read(out), {
          what: 'fill after flush/sync',
          dtype: 'float32',
          expected: [3, 3, 3, 3],
          tolerance: EXACT,
        });
      }),
  );

  registrar.test(
    'memory/reads-wait-for-work',
    'read() sees a chain of enqueued kernels without flush/sync',
    {},
    () =>
      withDevice(backend, async (device) => {
        const x = device.upload(hostTensor('float32', [3], [1, 2, 3]));
        const negated = device.output('float32', [3]);
        const doubled = device.output('float32', [3]);
        backend.unary('neg', x, negated);
        backend.binary('add', viewOf(negated), viewOf(negated), doubled);
        expectValues(await device.read(doubled), {
          what: 'neg then add',
          dtype: 'float32',
          expected: [-2, -4, -6],
          tolerance: EXACT,
        });
      }),
  );

  registrar.test(
    'memory/free-after-enqueue',
    'freeing an input right after enqueuing work that reads it is safe',
    {},
    () =>
      withDevice(backend, async (device) => {
        const values = [1.5, -2, 3.25, 4, 5, 6];
        const x = device.upload(hostTensor('float32', [6], values));
        const out = device.output('float32', [6]);
        backend.copy(x, out);
        device.free(x.buffer);
        // Reuse of the freed memory must not leak into the pending copy.
        const scratch = device.output('float32', [6]);
        backend.fill(scratch, -1);
        expectValues(await device.read(out), {
          what: 'copy of a freed input',
          dtype: 'float32',
          expected: values,
          tolerance: EXACT,
        });
      }),
  );
}
