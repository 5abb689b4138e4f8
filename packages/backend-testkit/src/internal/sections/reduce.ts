/**
 * `reduce` and `argReduce`: every reduction op on every dtype it applies to, over single,
 * multiple, all and no axes; identities of empty reductions; integer wraparound; NaN
 * propagation; strided inputs; ties resolved to the first index and NaN winning `argmax`/`argmin`.
 */
import type { ArgReduceOp, DType, ReduceOp } from '@tensile/core';
import { EXACT, expectValues } from '../compare.js';
import { LAYOUTS, withDevice } from '../device.js';
import { type HostTensor, hostTensor, isFloatDType } from '../host-data.js';
import { argReduceReference, reduceIdentity, reduceReference } from '../oracles/reduction.js';
import { sampleTensor } from '../sample.js';
import { ALL_DTYPES, FLOAT_DTYPES, type SuiteContext, toleranceFor } from '../suite-context.js';

/** Axis sets of a rank-3 input, from none to all. */
const AXIS_SETS: readonly (readonly number[])[] = [[0], [1], [2], [0, 2], [1, 2], [0, 1, 2]];

/** The ops each dtype reduces with: arithmetic for numbers, logic for bool. */
function reduceOps(dtype: DType): readonly ReduceOp[] {
  return dtype === 'bool' ? ['and', 'or'] : ['sum', 'prod', 'max', 'min'];
}

/** Inputs that keep products and sums of 3×4×5 elements in range for `op`. */
function reduceInput(
  op: ReduceOp,
  dtype: DType,
  shape: readonly number[],
  seed: number,
): HostTensor {
  if (op !== 'prod') return sampleTensor(dtype, shape, seed);
  if (isFloatDType(dtype)) return sampleTensor(dtype, shape, seed, { low: 0.6, high: 1.5 });
  return sampleTensor(
    dtype,
    shape,
    seed,
    dtype === 'int32' ? { low: -3, high: 3 } : { low: 0, high: 5 },
  );
}

async function checkReduce(
  suite: SuiteContext,
  op: ReduceOp,
  x: HostTensor,
  axes: readonly number[],
  layout: (typeof LAYOUTS)[number] = 'contiguous',
): Promise<void> {
  await withDevice(suite.backend, async (device) => {
    const reference = reduceReference(op, x, axes);
    const out = device.output(x.dtype, reference.shape);
    suite.backend.reduce(op, device.upload(x, layout), axes, out);
    const exact = op === 'max' || op === 'min';
    expectValues(await device.read(out), {
      what: `reduce ${op} (${x.dtype}[${x.shape}], axes [${axes}], ${layout})`,
      dtype: x.dtype,
      shape: reference.shape,
      expected: reference.values,
      scale: reference.scale,
      tolerance: toleranceFor(suite, x.dtype, exact ? 'exact' : 'accumulation'),
    });
  });
}

/**
 * Register the `reduce/*` and `argReduce/*` tests.
 *
 * @example
 * registerReduceTests(suite);
 */
export function registerReduceTests(suite: SuiteContext): void {
  const { backend, registrar } = suite;

  for (const dtype of ALL_DTYPES) {
    for (const op of reduceOps(dtype)) {
      registrar.test(
        `reduce/${op}/${dtype}`,
        `${op} of ${dtype}[3,4,5] over one, several and all axes`,
        { dtypes: [dtype] },
        async () => {
          const x = reduceInput(op, dtype, [3, 4, 5], 41);
          for (const axes of AXIS_SETS) await checkReduce(suite, op, x, axes);
        },
      );
    }
    registrar.test(
      `reduce/identities/${dtype}`,
      `empty reductions of ${dtype} give each op's identity`,
      { dtypes: [dtype] },
      () =>
        withDevice(backend, async (device) => {
          for (const op of reduceOps(dtype)) {
            const x = device.upload(hostTensor(dtype, [2, 0, 3], []));
            const out = device.output(dtype, [2, 3]);
            backend.reduce(op, x, [1], out);
            expectValues(await device.read(out), {
              what: `reduce ${op} of ${dtype}[2,0,3] over axis 1`,
              dtype,
              expected: new Array(6).fill(reduceIdentity(op, dtype)),
              tolerance: EXACT,
            });
          }
        }),
    );
  }

  registrar.test(
    'reduce/empty-axes',
    'reducing over no axes copies the input (float32 sum, int32 max)',
    {},
    async () => {
      await checkReduce(suite, 'sum', sampleTensor('float32', [2, 3], 42), [], 'transposed');
      await checkReduce(suite, 'max', sampleTensor('int32', [2, 3], 43), []);
    },
  );

  registrar.test(
    'reduce/long-axes',
    'sum/max/min over long axes (thousands of elements: tree reductions across workgroups or lanes)',
    {},
    async () => {
      const x = sampleTensor('float32', [3, 1000], 45);
      for (const op of ['sum', 'max', 'min'] as const) {
        await checkReduce(suite, op, x, [1]);
        await checkReduce(suite, op, x, [0, 1]);
      }
      await checkReduce(suite, 'sum', sampleTensor('int32', [4099], 46), [0]);
      await checkReduce(suite, 'max', sampleTensor('uint32', [2, 257], 47), [1], 'transposed');
    },
  );

  registrar.test(
    'reduce/strided-input',
    'sum and max of transposed, reversed and sliced float32 views',
    {},
    async () => {
      const x = sampleTensor('float32', [3, 4, 5], 44);
      for (const layout of LAYOUTS) {
        for (const axes of [[1], [0, 2]]) {
          await checkReduce(suite, 'sum', x, axes, layout);
          await checkReduce(suite, 'max', x, axes, layout);
        }
      }
    },
  );

  registrar.test(
    'reduce/broadcast-input',
    'sum over a broadcast (stride 0) axis counts the element once per position',
    {},
    () =>
      withDevice(backend, async (device) => {
        const row = hostTensor('float32', [3], [1, 2, 3.5]);
        const out = device.output('float32', [3]);
        backend.reduce('sum', device.view(device.upload(row), [4, 3], [0, 1], 0), [0], out);
        expectValues(await device.read(out), {
          what: 'reduce sum over a stride-0 axis',
          dtype: 'float32',
          expected: [4, 8, 14],
          tolerance: toleranceFor(suite, 'float32', 'basic'),
        });
      }),
  );

  registrar.test(
    'reduce/integer-wraparound',
    'int32 and uint32 sums and products wrap modulo 2^32',
    {},
    async () => {
      await checkReduce(suite, 'sum', hostTensor('int32', [3], [2147483647, 1, 5]), [0]);
      await checkReduce(suite, 'prod', hostTensor('int32', [2], [65536, 65537]), [0]);
      await checkReduce(suite, 'sum', hostTensor('uint32', [2], [4294967295, 2]), [0]);
      await checkReduce(suite, 'max', hostTensor('uint32', [3], [7, 3000000000, 2147483648]), [0]);
    },
  );

  for (const dtype of FLOAT_DTYPES) {
    registrar.test(
      `reduce/nan/${dtype}`,
      `max and min propagate NaN; sum of ±Infinity (${dtype})`,
      { dtypes: [dtype] },
      async () => {
        const x = hostTensor(dtype, [2, 3], [1, Number.NaN, 3, -Infinity, 2, 5]);
        await checkReduce(suite, 'max', x, [1]);
        await checkReduce(suite, 'min', x, [1]);
        await checkReduce(
          suite,
          'sum',
          hostTensor(dtype, [2, 2], [Infinity, 1, Infinity, -Infinity]),
          [1],
        );
      },
    );
  }

  const argOps: readonly ArgReduceOp[] = ['argmax', 'argmin'];
  for (const dtype of ['float32', 'float16', 'int32', 'uint32'] as const) {
    for (const op of argOps) {
      registrar.test(
        `argReduce/${op}/${dtype}`,
        `${op} of ${dtype} along each axis, ties → first index`,
        { dtypes: [dtype, 'int32'] },
        () =>
          withDevice(backend, async (device) => {
            const values =
              dtype === 'uint32'
                ? [7, 3000000000, 3000000000, 1, 0, 2147483648, 9, 9, 4294967295, 0, 4294967295, 5]
                : [3, -1, 7, 7, 0, -5, -5, 2, 4, 4, 4, 4];
            const x = hostTensor(dtype, [3, 4], values);
            for (const axis of [0, 1]) {
              for (const layout of ['contiguous', 'transposed'] as const) {
                const reference = argReduceReference(op, x, axis);
                const out = device.output('int32', reference.shape);
                backend.argReduce(op, device.upload(x, layout), axis, out);
                expectValues(await device.read(out), {
                  what: `${op} (${dtype}[3,4], axis ${axis}, ${layout})`,
                  dtype: 'int32',
                  expected: reference.values,
                  tolerance: EXACT,
                });
              }
            }
          }),
      );
    }
  }

  registrar.test(
    'argReduce/nan/float32',
    'the first NaN wins argmax and argmin (as NumPy)',
    {},
    () =>
      withDevice(backend, async (device) => {
        const x = hostTensor(
          'float32',
          [2, 4],
          [1, Number.NaN, 5, Number.NaN, Infinity, -Infinity, 2, 2],
        );
        for (const op of argOps) {
          const out = device.output('int32', [2]);
          backend.argReduce(op, device.upload(x), 1, out);
          expectValues(await device.read(out), {
            what: `${op} with NaN`,
            dtype: 'int32',
            expected: argReduceReference(op, x, 1).values,
            tolerance: EXACT,
          });
        }
      }),
  );
}
