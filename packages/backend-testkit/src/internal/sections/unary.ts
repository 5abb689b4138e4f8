/**
 * `unary`: every `UnaryOp` on every dtype it applies to, against `Math` in float64 (floats) or
 * exact wrapped integer arithmetic, plus IEEE special values and non-contiguous operands.
 *
 * Cases come from `oracles/elementwise-cases.ts`: float inputs rounded to the dtype, minus those
 * whose input or exact result would overflow or be subnormal there (hardware differs).
 */
import type { DType, UnaryOp } from '@tensile/core';
import { EXACT, expectValues } from '../compare.js';
import { LAYOUTS, withDevice } from '../device.js';
import { hostTensor } from '../host-data.js';
import { UNARY_RULES, UNARY_SPECIALS } from '../oracles/elementwise.js';
import { unaryCase } from '../oracles/elementwise-cases.js';
import { ALL_DTYPES, FLOAT_DTYPES, type SuiteContext, toleranceFor } from '../suite-context.js';

/**
 * Register the `unary/*` tests.
 *
 * @example
 * registerUnaryTests(suite);
 */
export function registerUnaryTests(suite: SuiteContext): void {
  const { backend, registrar } = suite;
  const ops = Object.keys(UNARY_RULES) as UnaryOp[];

  for (const op of ops) {
    for (const dtype of ALL_DTYPES) {
      const testCase = unaryCase(op, dtype);
      if (testCase === null) continue;
      const { operands, expected, output, kind } = testCase;
      const xs = operands[0] as readonly number[];
      registrar.test(
        `unary/${op}/${dtype}`,
        `${op} on ${dtype} vs the float64/exact reference`,
        { dtypes: [dtype, output] },
        () =>
          withDevice(backend, async (device) => {
            const out = device.output(output, [xs.length]);
            backend.unary(op, device.upload(hostTensor(dtype, [xs.length], xs)), out);
            expectValues(await device.read(out), {
              what: `unary ${op} (${dtype})`,
              dtype: output,
              expected,
              tolerance: toleranceFor(suite, output, kind),
              inputs: (i) => `x=${xs[i]}`,
            });
          }),
      );
    }
  }

  for (const dtype of FLOAT_DTYPES) {
    registrar.test(
      `unary/ieee-specials/${dtype}`,
      `±Infinity, NaN and domain edges on ${dtype}`,
      { dtypes: [dtype, 'bool'] },
      () =>
        withDevice(backend, async (device) => {
          for (const op of ops) {
            const cases = UNARY_SPECIALS[op];
            if (!cases) continue;
            const outDtype: DType = UNARY_RULES[op].output ?? dtype;
            const out = device.output(outDtype, [cases.length]);
            backend.unary(
              op,
              device.upload(
                hostTensor(
                  dtype,
                  [cases.length],
                  cases.map(([x]) => x),
                ),
              ),
              out,
            );
            expectValues(await device.read(out), {
              what: `unary ${op} (${dtype}) on special values`,
              dtype: outDtype,
              expected: cases.map(([, y]) => y),
              tolerance: toleranceFor(suite, outDtype, 'transcendental'),
              inputs: (i) => `x=${cases[i]?.[0]}`,
            });
          }
        }),
    );
  }

  registrar.test(
    'unary/strided-operands',
    'exp (float32) and not (int32) read transposed, reversed and sliced views',
    {},
    () =>
      withDevice(backend, async (device) => {
        const floats = hostTensor(
          'float32',
          [2, 3, 2],
          Array.from({ length: 12 }, (_, i) => i / 4 - 1.5),
        );
        const ints = hostTensor(
          'int32',
          [2, 3, 2],
          Array.from({ length: 12 }, (_, i) => i * 1000003 - 5),
        );
        for (const layout of LAYOUTS) {
          const expOut = device.output('float32', floats.shape);
          backend.unary('exp', device.upload(floats, layout), expOut);
          expectValues(await device.read(expOut), {
            what: `unary exp of a ${layout} view`,
            dtype: 'float32',
            shape: floats.shape,
            expected: floats.values.map(Math.exp),
            tolerance: toleranceFor(suite, 'float32', 'transcendental'),
          });
          const notOut = device.output('int32', ints.shape);
          backend.unary('not', device.upload(ints, layout), notOut);
          expectValues(await device.read(notOut), {
            what: `unary not of a ${layout} int32 view`,
            dtype: 'int32',
            shape: ints.shape,
            expected: ints.values.map((v) => ~v),
            tolerance: EXACT,
          });
        }
      }),
  );
}
