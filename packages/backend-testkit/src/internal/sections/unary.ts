/**
 * `unary`: every `UnaryOp` on every dtype it applies to, against `Math` in float64 (floats) or
 * exact wrapped integer arithmetic, plus IEEE special values and non-contiguous operands.
 *
 * Float inputs are rounded to the dtype first; cases whose input or exact result would
 * overflow or be subnormal in that dtype are dropped, since hardware legitimately differs there.
 */
import type { DType, UnaryOp } from '@tensile/core';
import { EXACT, expectValues } from '../compare.js';
import { LAYOUTS, withDevice } from '../device.js';
import { hostTensor, inNormalRange, isFloatDType, roundTo } from '../host-data.js';
import { UNARY_RULES, UNARY_SPECIALS, type UnaryRule, wrapInteger } from '../oracles/elementwise.js';
import { ALL_DTYPES, FLOAT_DTYPES, type SuiteContext, toleranceFor } from '../suite-context.js';

/** Inputs of `dtype` that `op` is tested on, or `null` when the op does not apply to it. */
function unaryInputs(rule: UnaryRule, dtype: DType): number[] | null {
  if (isFloatDType(dtype)) {
    const float = rule.float;
    if (!float) return null;
    return float.inputs.map((x) => roundTo(dtype, x)).filter((x) => inNormalRange(dtype, x) && inNormalRange(dtype, float.f(x)));
  }
  if (dtype === 'bool') return rule.bool ? [0, 1, 1, 0] : null;
  if (!rule.integer) return null;
  return dtype === 'int32'
    ? [0, 1, -1, 7, -13, 2147483647, -2147483648, 123456789]
    : [0, 1, 7, 2147483647, 2147483648, 3000000000, 4294967295];
}

/** The reference result of `op` on `x` of `dtype`. */
function unaryReference(rule: UnaryRule, dtype: DType, x: number): number {
  if (isFloatDType(dtype)) return (rule.float as NonNullable<UnaryRule['float']>).f(x);
  if (dtype === 'bool') return (rule.bool as NonNullable<UnaryRule['bool']>)(x);
  const integer = dtype as 'int32' | 'uint32';
  return wrapInteger(integer, (rule.integer as NonNullable<UnaryRule['integer']>)(BigInt(x)));
}

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
    const rule = UNARY_RULES[op];
    for (const dtype of ALL_DTYPES) {
      const inputs = unaryInputs(rule, dtype);
      if (inputs === null) continue;
      const outDtype: DType = rule.output ?? dtype;
      const kind = isFloatDType(dtype) ? (rule.float?.kind ?? 'exact') : 'exact';
      registrar.test(`unary/${op}/${dtype}`, `${op} on ${dtype} vs the float64/exact reference`, { dtypes: [dtype, outDtype] }, () =>
        withDevice(backend, async (device) => {
          const x = device.upload(hostTensor(dtype, [inputs.length], inputs));
          const out = device.output(outDtype, [inputs.length]);
          backend.unary(op, x, out);
          expectValues(await device.read(out), {
            what: `unary ${op} (${dtype})`,
            dtype: outDtype,
            expected: inputs.map((v) => unaryReference(rule, dtype, v)),
            tolerance: toleranceFor(suite, outDtype, kind),
            inputs: (i) => `x=${inputs[i]}`,
          });
        }),
      );
    }
  }

  for (const dtype of FLOAT_DTYPES) {
    registrar.test(`unary/ieee-specials/${dtype}`, `±Infinity, NaN and domain edges on ${dtype}`, { dtypes: [dtype, 'bool'] }, () =>
      withDevice(backend, async (device) => {
        for (const op of ops) {
          const cases = UNARY_SPECIALS[op];
          if (!cases) continue;
          const outDtype: DType = UNARY_RULES[op].output ?? dtype;
          const out = device.output(outDtype, [cases.length]);
          backend.unary(op, device.upload(hostTensor(dtype, [cases.length], cases.map(([x]) => x))), out);
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

  registrar.test('unary/strided-operands', 'exp (float32) and not (int32) read transposed, reversed and sliced views', {}, () =>
    withDevice(backend, async (device) => {
      const floats = hostTensor('float32', [2, 3, 2], Array.from({ length: 12 }, (_, i) => i / 4 - 1.5));
      const ints = hostTensor('int32', [2, 3, 2], Array.from({ length: 12 }, (_, i) => i * 1000003 - 5));
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
