/**
 * The testkit's own building blocks checked against hand-computed values: float16 encoding,
 * the special-function, linear-algebra, window and sort oracles, integer semantics, the
 * comparison helper's messages and the registrar's skip decisions. An oracle that is wrong
 * would make the whole suite wrong, so each gets literals worked out by hand or from the
 * published definitions.
 */
import { createCpuBackend } from '@tensile/backend-cpu';
import { describe, expect, it } from 'vitest';
import { EXACT, expectValues } from '../src/internal/compare.js';
import { decode, encode, hostTensor, roundToFloat16 } from '../src/internal/host-data.js';
import { dotGeneralReference } from '../src/internal/oracles/dot-general.js';
import { binaryCase } from '../src/internal/oracles/elementwise-cases.js';
import { sortReference } from '../src/internal/oracles/indexing.js';
import { argReduceReference, reduceReference } from '../src/internal/oracles/reduction.js';
import { erfinvReference, erfReference } from '../src/internal/oracles/special-functions.js';
import { convReference, reduceWindowReference } from '../src/internal/oracles/windows.js';
import { Registrar } from '../src/internal/registrar.js';

describe('float16 encoding', () => {
  it('encodes known bit patterns and rounds ties to even', () => {
    const bits = new Uint16Array(encode('float16', [1, -2, 65504, 2 ** -24, 0.1, Infinity]).buffer);
    expect(Array.from(bits)).toEqual([0x3c00, 0xc000, 0x7bff, 0x0001, 0x2e66, 0x7c00]);
    expect(roundToFloat16(2049)).toBe(2048);
    expect(roundToFloat16(2051)).toBe(2052);
    expect(roundToFloat16(65520)).toBe(Infinity);
    expect(decode('float16', encode('float16', [0.1, -3.5e-5]))).toEqual([
      0.0999755859375,
      roundToFloat16(-3.5e-5),
    ]);
  });
});

describe('oracles', () => {
  it('erf and erfinv match published values', () => {
    expect(erfReference(0.5)).toBeCloseTo(0.5204998778130465, 12);
    expect(erfReference(-2)).toBeCloseTo(-0.9953222650189527, 12);
    expect(erfReference(3.7)).toBeCloseTo(0.9999998328489421, 11);
    expect(erfinvReference(0.5)).toBeCloseTo(0.4769362762044699, 12);
    expect(erfinvReference(-0.99)).toBeCloseTo(-1.8213863677184496, 10);
  });

  it('dotGeneral: a 2×2 matmul and a batched vector product', () => {
    const a = hostTensor('float32', [2, 2], [1, 2, 3, 4]);
    const b = hostTensor('float32', [2, 2], [5, 6, 7, 8]);
    expect(dotGeneralReference(a, b, { contracting: [[1], [0]], batch: [[], []] }).values).toEqual([
      19, 22, 43, 50,
    ]);
    expect(
      dotGeneralReference(a, b, { contracting: [[1], [1]], batch: [[0], [0]] }).values,
    ).toEqual([17, 53]);
  });

  it('conv: plain, padded, lhs-dilated and grouped 1-D cases', () => {
    const params = {
      windowStrides: [1],
      padding: [[0, 0]] as const,
      lhsDilation: [1],
      rhsDilation: [1],
      featureGroupCount: 1,
      batchGroupCount: 1,
    };
    const x = hostTensor('float32', [1, 1, 4], [1, 2, 3, 4]);
    const w = hostTensor('float32', [1, 1, 2], [1, 10]);
    expect(convReference(x, w, params).values).toEqual([21, 32, 43]);
    expect(convReference(x, w, { ...params, padding: [[1, 0]] }).values).toEqual([10, 21, 32, 43]);
    expect(convReference(x, w, { ...params, lhsDilation: [2] }).values).toEqual([
      1, 20, 2, 30, 3, 40,
    ]);
    const two = hostTensor('float32', [1, 2, 2], [1, 2, 3, 4]);
    const grouped = hostTensor('float32', [2, 1, 1], [10, 100]);
    expect(convReference(two, grouped, { ...params, featureGroupCount: 2 }).values).toEqual([
      10, 20, 300, 400,
    ]);
  });

  it('reduceWindow: padding holds the identity; base dilation inserts holes', () => {
    const x = hostTensor('float32', [3], [1, -5, 2]);
    const window = {
      windowDimensions: [2],
      windowStrides: [1],
      padding: [[1, 1]] as const,
      baseDilation: [1],
      windowDilation: [1],
    };
    expect(reduceWindowReference('max', x, window).values).toEqual([1, 1, 2, 2]);
    expect(
      reduceWindowReference('sum', x, { ...window, padding: [[0, 0]], baseDilation: [2] }).values,
    ).toEqual([1, -5, -5, 2]);
  });

  it('reductions: identities, NaN propagation and argmax ties/NaN', () => {
    expect(reduceReference('min', hostTensor('uint32', [0], []), [0]).values).toEqual([4294967295]);
    expect(
      reduceReference('max', hostTensor('float32', [3], [1, Number.NaN, 3]), [0]).values,
    ).toEqual([Number.NaN]);
    expect(
      argReduceReference('argmax', hostTensor('float32', [4], [2, 7, 7, 1]), 0).values,
    ).toEqual([1]);
    expect(
      argReduceReference('argmin', hostTensor('float32', [4], [2, Number.NaN, -1, Number.NaN]), 0)
        .values,
    ).toEqual([1]);
  });

  it('sort: stable, NaN last, values follow their keys', () => {
    const keys = hostTensor('float32', [5], [2, Number.NaN, 1, 2, -0]);
    const values = hostTensor('int32', [5], [0, 1, 2, 3, 4]);
    const [sortedKeys, sortedValues] = sortReference([keys, values], 0, 1);
    expect(sortedKeys?.values).toEqual([-0, 1, 2, 2, Number.NaN]);
    expect(sortedValues?.values).toEqual([4, 2, 0, 3, 1]);
  });

  it('integer semantics: wrapping, truncating division, unsigned shifts', () => {
    const div = binaryCase('div', 'int32');
    const at = (a: number, b: number) => {
      const i = div?.operands[0]?.findIndex((x, k) => x === a && div.operands[1]?.[k] === b) ?? -1;
      return div?.expected[i];
    };
    expect(at(-7, 3)).toBe(-2);
    expect(at(-2147483648, -1)).toBe(-2147483648);
    const shift = binaryCase('shiftRightArithmetic', 'uint32');
    expect(shift?.expected[1]).toBe(0xffffffff); // 0x80000000 >> 31 fills with the sign bit
    expect(binaryCase('atan2', 'int32')).toBeNull();
  });
});

describe('expectValues', () => {
  it('accepts NaN for NaN and -0 for 0, and reports index, inputs and bound on mismatch', () => {
    expectValues([Number.NaN, -0], {
      what: 'ok',
      dtype: 'float32',
      expected: [Number.NaN, 0],
      tolerance: EXACT,
    });
    expect(() =>
      expectValues([1, 2.5], {
        what: 'op',
        dtype: 'float32',
        shape: [1, 2],
        expected: [1, 2],
        tolerance: { rtol: 1e-6, atol: 0 },
        inputs: (i) => `x=${i}`,
      }),
    ).toThrow(
      /op: 1 of 2 elements differ[\s\S]*\[0, 1\] \(x=1\): got 2\.5, expected 2 \(allowed error 2\.00e-6\)/,
    );
    expect(() =>
      expectValues([Infinity], {
        what: 'inf',
        dtype: 'float32',
        expected: [1e38],
        tolerance: { rtol: 1, atol: 0 },
      }),
    ).toThrow();
  });
});

describe('Registrar.skipReason', () => {
  const { conv: _conv, ...withoutConv } = createCpuBackend();
  const registrar = new Registrar(
    {
      ...withoutConv,
      capabilities: { dtypes: ['float32', 'int32', 'uint32', 'bool'], syncRead: false },
    },
    ['unary/*', 'cast/int32-to-bool'],
  );

  it('names the reason: skip list, missing dtype, no sync reads, no optional method', () => {
    expect(registrar.skipReason('unary/exp/float32', {})).toMatch(/options\.skip \(unary\/\*\)/);
    expect(registrar.skipReason('cast/int32-to-bool', {})).toMatch(/options\.skip/);
    expect(registrar.skipReason('copy/views/float16', { dtypes: ['float16'] })).toBe(
      'backend does not report dtype float16',
    );
    expect(registrar.skipReason('grad/exp', { syncRead: true })).toMatch(/no synchronous reads/);
    expect(registrar.skipReason('conv/1d', { method: 'conv' })).toMatch(/no optional conv\(\)/);
    expect(registrar.skipReason('reduce/sum/float32', { dtypes: ['float32'] })).toBeUndefined();
  });
});
