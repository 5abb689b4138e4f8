/**
 * `cast` between every pair of dtypes: float → int truncation toward zero, → bool as `x != 0`,
 * bool → 0/1, int32 ↔ uint32 reinterpretation modulo 2^32, int → float rounding (2^24 + 1 and
 * the integer extremes), float32 ↔ float16 — and a strided input.
 */
import type { DType } from '@tensile/core';
import { EXACT, expectValues } from '../compare.js';
import { withDevice } from '../device.js';
import { hostTensor, inNormalRange, isFloatDType, roundTo } from '../host-data.js';
import { castInputs, castReference } from '../oracles/elementwise.js';
import { ALL_DTYPES, type SuiteContext, toleranceFor } from '../suite-context.js';

/** Inputs of `from` (rounded to it) whose conversion to `to` is defined and in range. */
function definedInputs(from: DType, to: DType): number[] {
  return castInputs(from, to)
    .map((x) => roundTo(from, x))
    .filter((x) => !isFloatDType(from) || inNormalRange(from, x))
    .filter((x) => !isFloatDType(to) || inNormalRange(to, x));
}

/**
 * Register the `cast/*` tests.
 *
 * @example
 * registerCastTests(suite);
 */
export function registerCastTests(suite: SuiteContext): void {
  const { backend, registrar } = suite;

  for (const from of ALL_DTYPES) {
    for (const to of ALL_DTYPES) {
      if (from === to) continue;
      const inputs = definedInputs(from, to);
      registrar.test(`cast/${from}-to-${to}`, `cast ${from} → ${to}`, { dtypes: [from, to] }, () =>
        withDevice(backend, async (device) => {
          const out = device.output(to, [inputs.length]);
          backend.cast(device.upload(hostTensor(from, [inputs.length], inputs)), out);
          expectValues(await device.read(out), {
            what: `cast ${from} → ${to}`,
            dtype: to,
            expected: inputs.map((x) => castReference(to, x)),
            tolerance: toleranceFor(suite, to, 'basic'),
            inputs: (i) => `x=${inputs[i]}`,
          });
        }),
      );
    }
  }

  registrar.test('cast/strided-input', 'cast of a reversed, sliced float32 view to int32', {}, () =>
    withDevice(backend, async (device) => {
      const x = hostTensor('float32', [2, 3], [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5]);
      const out = device.output('int32', [2, 3]);
      backend.cast(device.upload(x, 'reversed'), out);
      expectValues(await device.read(out), {
        what: 'cast of a reversed view',
        dtype: 'int32',
        expected: [-2, -1, 0, 0, 1, 2],
        tolerance: EXACT,
      });
      const sliced = device.output('int32', [2, 3]);
      backend.cast(device.upload(x, 'sliced'), sliced);
      expectValues(await device.read(sliced), {
        what: 'cast of a sliced view',
        dtype: 'int32',
        expected: [-2, -1, 0, 0, 1, 2],
        tolerance: EXACT,
      });
    }),
  );
}
