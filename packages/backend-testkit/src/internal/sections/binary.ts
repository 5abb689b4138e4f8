/**
 * `binary` and `select`: every `BinaryOp` on every dtype it applies to — float arithmetic vs
 * float64, integer wraparound, truncating `div` and sign-of-dividend `rem`, comparisons
 * writing bool, shifts by 32 and more, NaN propagation of `max`/`min` — plus broadcast (stride
 * 0) and non-contiguous operands, and `select` on every dtype.
 */
import type { BinaryOp, DType } from '@tensile/core';
import { EXACT, expectValues } from '../compare.js';
import { LAYOUTS, withDevice } from '../device.js';
import { hostTensor, roundTo } from '../host-data.js';
import { BINARY_RULES } from '../oracles/elementwise.js';
import { binaryCase } from '../oracles/elementwise-cases.js';
import { sampleTensor } from '../sample.js';
import { ALL_DTYPES, FLOAT_DTYPES, type SuiteContext, toleranceFor } from '../suite-context.js';

/** Hand-written IEEE cases: `[op, a, b, expected]`. */
const BINARY_SPECIALS: readonly (readonly [BinaryOp, number, number, number])[] = [
  ['div', 1, 0, Infinity],
  ['div', -1, 0, -Infinity],
  ['div', 0, 0, Number.NaN],
  ['sub', Infinity, Infinity, Number.NaN],
  ['mul', Infinity, 0, Number.NaN],
  ['add', Infinity, 1, Infinity],
  ['max', Number.NaN, 1, Number.NaN],
  ['max', 1, Number.NaN, Number.NaN],
  ['min', Number.NaN, -1, Number.NaN],
  ['min', -1, Number.NaN, Number.NaN],
  ['max', -Infinity, 3, 3],
  ['min', Infinity, 3, 3],
  ['eq', Number.NaN, Number.NaN, 0],
  ['ne', Number.NaN, Number.NaN, 1],
  ['lt', Number.NaN, 1, 0],
  ['le', 1, Number.NaN, 0],
  ['gt', Number.NaN, 1, 0],
  ['ge', Number.NaN, Number.NaN, 0],
  ['eq', 0, -0, 1],
];

/**
 * Register the `binary/*` and `select/*` tests.
 *
 * @example
 * registerBinaryTests(suite);
 */
export function registerBinaryTests(suite: SuiteContext): void {
  const { backend, registrar } = suite;

  for (const op of Object.keys(BINARY_RULES) as BinaryOp[]) {
    for (const dtype of ALL_DTYPES) {
      const testCase = binaryCase(op, dtype);
      if (testCase === null) continue;
      const { operands, expected, output, kind } = testCase;
      const [as, bs] = operands as [readonly number[], readonly number[]];
      registrar.test(
        `binary/${op}/${dtype}`,
        `${op} on ${dtype} vs the float64/exact reference`,
        { dtypes: [dtype, output] },
        () =>
          withDevice(backend, async (device) => {
            const n = as.length;
            const out = device.output(output, [n]);
            backend.binary(
              op,
              device.upload(hostTensor(dtype, [n], as)),
              device.upload(hostTensor(dtype, [n], bs)),
              out,
            );
            expectValues(await device.read(out), {
              what: `binary ${op} (${dtype})`,
              dtype: output,
              expected,
              tolerance: toleranceFor(suite, output, kind),
              inputs: (i) => `a=${as[i]}, b=${bs[i]}`,
            });
          }),
      );
    }
  }

  for (const dtype of FLOAT_DTYPES) {
    registrar.test(
      `binary/ieee-specials/${dtype}`,
      `NaN propagation (max/min), NaN comparisons, ±Infinity on ${dtype}`,
      { dtypes: [dtype, 'bool'] },
      () =>
        withDevice(backend, async (device) => {
          for (const [op, x, y, expected] of BINARY_SPECIALS) {
            const outDtype: DType = BINARY_RULES[op].output ?? dtype;
            const out = device.output(outDtype, [1]);
            backend.binary(
              op,
              device.upload(hostTensor(dtype, [1], [x])),
              device.upload(hostTensor(dtype, [1], [y])),
              out,
            );
            expectValues(await device.read(out), {
              what: `binary ${op}(${x}, ${y}) (${dtype})`,
              dtype: outDtype,
              expected: [expected],
              tolerance: EXACT,
            });
          }
        }),
    );
  }

  registrar.test(
    'binary/broadcast-and-strided',
    'operands with stride 0 and transposed/reversed/sliced layouts (float32, int32)',
    {},
    () =>
      withDevice(backend, async (device) => {
        for (const dtype of ['float32', 'int32'] as const) {
          const a = sampleTensor(dtype, [3, 4], 21);
          const row = sampleTensor(dtype, [4], 22);
          const rowView = device.view(device.upload(row), [3, 4], [0, 1], 0);
          for (const layout of LAYOUTS) {
            const out = device.output(dtype, [3, 4]);
            backend.binary('sub', device.upload(a, layout), rowView, out);
            const expected = a.values.map((v, i) =>
              roundTo(dtype, v - (row.values[i % 4] as number)),
            );
            expectValues(await device.read(out), {
              what: `binary sub (${dtype}) of a ${layout} view and a broadcast row`,
              dtype,
              shape: [3, 4],
              expected,
              tolerance: toleranceFor(suite, dtype, 'basic'),
            });
          }
        }
      }),
  );

  for (const dtype of ALL_DTYPES) {
    registrar.test(
      `select/${dtype}`,
      `select between ${dtype} operands, including a broadcast condition`,
      { dtypes: [dtype, 'bool'] },
      () =>
        withDevice(backend, async (device) => {
          const cond = sampleTensor('bool', [4, 3], 31);
          const onTrue = sampleTensor(dtype, [4, 3], 32);
          const onFalse = sampleTensor(dtype, [4, 3], 33);
          const out = device.output(dtype, [4, 3]);
          backend.select(
            device.upload(cond),
            device.upload(onTrue, 'transposed'),
            device.upload(onFalse, 'reversed'),
            out,
          );
          expectValues(await device.read(out), {
            what: `select (${dtype})`,
            dtype,
            shape: [4, 3],
            expected: cond.values.map(
              (c, i) => (c ? onTrue.values[i] : onFalse.values[i]) as number,
            ),
            tolerance: EXACT,
          });
          const column = hostTensor('bool', [4], [1, 0, 0, 1]);
          const broadcastOut = device.output(dtype, [4, 3]);
          backend.select(
            device.view(device.upload(column), [4, 3], [1, 0], 0),
            device.upload(onTrue),
            device.upload(onFalse),
            broadcastOut,
          );
          expectValues(await device.read(broadcastOut), {
            what: `select (${dtype}) with a condition broadcast along columns`,
            dtype,
            shape: [4, 3],
            expected: onTrue.values.map((t, i) =>
              column.values[Math.floor(i / 3)] ? t : (onFalse.values[i] as number),
            ),
            tolerance: EXACT,
          });
        }),
    );
  }
}
