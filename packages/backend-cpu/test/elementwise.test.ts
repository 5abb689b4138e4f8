import type { BinaryOp, DType, UnaryOp } from '@tensile/core';
import { describe, expect, it } from 'vitest';
import { range, setup } from './helpers.js';

const f = Math.fround;
const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const UINT_MAX = 4294967295;

/** Run a unary op on a contiguous vector (default kernels unless given) and read the result. */
function runUnary(
  op: UnaryOp,
  dtype: DType,
  values: number[],
  outDtype: DType = dtype,
  kernels?: 'reference' | 'wasm',
): number[] {
  const { backend, view, output, read } = setup({ kernels });
  const out = output(outDtype, [values.length]);
  backend.unary(op, view(dtype, values, [values.length]), out);
  return read(out);
}

/** Run a binary op on two contiguous vectors and read the result. */
function runBinary(
  op: BinaryOp,
  dtype: DType,
  a: number[],
  b: number[],
  outDtype: DType = dtype,
): number[] {
  const { backend, view, output, read } = setup();
  const out = output(outDtype, [a.length]);
  backend.binary(op, view(dtype, a, [a.length]), view(dtype, b, [b.length]), out);
  return read(out);
}

describe('copy over strided views', () => {
  it.each([
    ['contiguous', [2, 3], [3, 1], 0, [0, 1, 2, 3, 4, 5]],
    ['transposed', [3, 2], [1, 3], 0, [0, 3, 1, 4, 2, 5]],
    ['broadcast row', [3, 2], [0, 1], 0, [0, 1, 0, 1, 0, 1]],
    ['broadcast column', [2, 3], [1, 0], 0, [0, 0, 0, 1, 1, 1]],
    ['flipped vector', [6], [-1], 5, [5, 4, 3, 2, 1, 0]],
    ['flipped on both axes', [2, 3], [-3, -1], 5, [5, 4, 3, 2, 1, 0]],
    ['flipped rows only', [2, 3], [-3, 1], 3, [3, 4, 5, 0, 1, 2]],
    ['sliced with offset', [2, 2], [3, 1], 1, [1, 2, 4, 5]],
    ['every other element', [3], [2], 1, [1, 3, 5]],
    ['scalar at an offset', [], [], 4, [4]],
    ['size-1 dims with odd strides', [1, 3, 1], [99, 2, 7], 0, [0, 2, 4]],
  ] as const)('%s', (_, shape, strides, offset, expected) => {
    const { backend, view, output, read } = setup();
    const out = output('float32', shape);
    backend.copy(view('float32', range(6), shape, strides, offset), out);
    expect(read(out)).toEqual(expected);
  });

  it('copies every dtype bit-exactly', () => {
    for (const [dtype, values] of [
      ['int32', [INT_MIN, -1, INT_MAX]],
      ['uint32', [0, UINT_MAX, 2147483648]],
      ['bool', [1, 0, 1]],
      ['float32', [f(0.1), -0, Number.NaN]],
    ] as const) {
      const { backend, view, output, read } = setup();
      const out = output(dtype, [3]);
      backend.copy(view(dtype, [...values], [3], [-1], 2), out);
      expect(read(out)).toEqual([...values].reverse());
    }
  });

  it('does nothing for an empty view', () => {
    const { backend, view, output, read } = setup();
    const out = output('float32', [0, 3]);
    backend.copy(view('float32', [], [0, 3]), out);
    expect(read(out)).toEqual([]);
  });

  it('walks a 4-d view with mixed strides', () => {
    // x[a][b][c][d] = 1000a + 100b + 10c + d stored contiguously as [2,2,2,2]; view it as
    // x.transpose(3, 1, 0, 2) flipped along the last axis.
    const values = range(16).map((i) => {
      const [a, b, c, d] = [(i >> 3) & 1, (i >> 2) & 1, (i >> 1) & 1, i & 1];
      return 1000 * a + 100 * b + 10 * c + d;
    });
    const { backend, view, output, read } = setup();
    const out = output('float32', [2, 2, 2, 2]);
    backend.copy(view('float32', values, [2, 2, 2, 2], [1, 4, 8, -2], 2), out);
    const expected: number[] = [];
    for (const d of [0, 1])
      for (const b of [0, 1])
        for (const a of [0, 1])
          for (const c of [1, 0]) expected.push(1000 * a + 100 * b + 10 * c + d);
    expect(read(out)).toEqual(expected);
  });
});

describe('unary', () => {
  it.each([
    ['neg', [1.5, -2, 0], [-1.5, 2, -0]],
    ['abs', [-1.5, 2, -0], [1.5, 2, 0]],
    ['floor', [1.5, -1.5, 2], [1, -2, 2]],
    ['ceil', [1.5, -1.5, 2], [2, -1, 2]],
    ['exp', [0, 1, -Infinity], [1, f(Math.E), 0]],
    ['exp2', [3, -1, 0.5], [8, 0.5, f(Math.SQRT2)]],
    ['log', [1, Math.E, 0, -1], [0, 1, -Infinity, Number.NaN]],
    ['log1p', [0, -1], [0, -Infinity]],
    ['expm1', [0, -Infinity], [0, -1]],
    ['sqrt', [4, 2, -1], [2, f(Math.SQRT2), Number.NaN]],
    ['rsqrt', [4, 0], [0.5, Infinity]],
    ['cbrt', [27, -8], [3, -2]],
    ['sin', [0, Math.PI / 2], [0, 1]],
    ['cos', [0, Math.PI], [1, -1]],
    ['tan', [0, Math.PI / 4], [0, 1]],
    ['asin', [1, 0], [f(Math.PI / 2), 0]],
    ['acos', [1, -1], [0, f(Math.PI)]],
    ['atan', [1, Infinity], [f(Math.PI / 4), f(Math.PI / 2)]],
    ['sinh', [0, Math.log(2)], [0, 0.75]],
    ['cosh', [0, Math.log(2)], [1, 1.25]],
    ['tanh', [0, 50, -50], [0, 1, -1]],
    ['asinh', [0, 0.75], [0, f(Math.log(2))]],
    ['acosh', [1, 1.25], [0, f(Math.log(2))]],
    ['atanh', [0, 1, 0.6], [0, Infinity, f(Math.log(4) / 2)]],
    ['reciprocal', [4, -0, 0.5], [0.25, -Infinity, 2]],
  ] as const)('%s on float32', (op, input, expected) => {
    const got = runUnary(op, 'float32', [...input]);
    got.forEach((value, i) => {
      if (Number.isFinite(expected[i])) expect(value).toBeCloseTo(expected[i], 6);
      else expect(value).toBe(expected[i]);
    });
  });

  it('rounds results to float32', () => {
    expect(runUnary('exp', 'float32', [1])).toEqual([f(Math.E)]);
    expect(runUnary('sqrt', 'float32', [2])).toEqual([f(Math.SQRT2)]);
  });

  it('round is round-half-to-even and keeps the sign of zero', () => {
    const got = runUnary(
      'round',
      'float32',
      [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, 2.6, -0.2, 8388609],
    );
    expect(got).toEqual([0, 2, 2, -0, -2, -2, 2, 3, -0, 8388609]);
    expect(Object.is(got[3], -0)).toBe(true);
  });

  it('sign keeps NaN', () => {
    expect(runUnary('sign', 'float32', [-3, 0, 2, Number.NaN])).toEqual([-1, 0, 1, Number.NaN]);
  });

  it('logistic saturates without overflow (and is exactly rounded on the reference kernels)', () => {
    const got = runUnary('logistic', 'float32', [0, 1000, -1000, 2, -2], 'float32', 'reference');
    expect(got.slice(0, 3)).toEqual([0.5, 1, 0]);
    expect(got[3]).toBe(f(1 / (1 + Math.exp(-2))));
    expect(got[4]).toBe(f(Math.exp(-2) / (1 + Math.exp(-2))));
    expect(runUnary('logistic', 'float32', [0, 1000, -1000], 'float32', 'wasm')).toEqual([
      0.5, 1, 0,
    ]);
  });

  it('isFinite writes bool', () => {
    expect(runUnary('isFinite', 'float32', [1, Infinity, -Infinity, Number.NaN], 'bool')).toEqual([
      1, 0, 0, 0,
    ]);
  });

  it('integer ops wrap and not is bitwise', () => {
    expect(runUnary('neg', 'int32', [INT_MIN, 5, 0])).toEqual([INT_MIN, -5, 0]);
    expect(runUnary('abs', 'int32', [INT_MIN, -3])).toEqual([INT_MIN, 3]);
    expect(runUnary('sign', 'int32', [-7, 0, 9])).toEqual([-1, 0, 1]);
    expect(runUnary('not', 'int32', [0, -1, 5])).toEqual([-1, 0, -6]);
    expect(runUnary('neg', 'uint32', [1, 0])).toEqual([UINT_MAX, 0]);
    expect(runUnary('not', 'uint32', [0, UINT_MAX])).toEqual([UINT_MAX, 0]);
    expect(runUnary('abs', 'uint32', [UINT_MAX])).toEqual([UINT_MAX]);
  });

  it('not on bool is logical', () => {
    expect(runUnary('not', 'bool', [0, 1])).toEqual([1, 0]);
    expect(runUnary('abs', 'bool', [0, 1])).toEqual([0, 1]);
  });

  it('rejects ops a dtype does not support', () => {
    expect(() => runUnary('exp', 'int32', [1])).toThrow(
      /unary: op 'exp' does not accept dtype int32/,
    );
    expect(() => runUnary('neg', 'bool', [1])).toThrow(/does not accept dtype bool/);
    expect(() => runUnary('not', 'float32', [1])).toThrow(/does not accept dtype float32/);
  });

  it('reads strided inputs in view order', () => {
    const { backend, view, output, read } = setup();
    const out = output('float32', [3, 2]);
    backend.unary('neg', view('float32', range(6), [3, 2], [1, 3]), out);
    expect(read(out)).toEqual([-0, -3, -1, -4, -2, -5]);
  });
});

describe('binary', () => {
  it('broadcasts through zero strides and mixes layouts', () => {
    const { backend, view, output, read } = setup();
    const out = output('float32', [2, 3]);
    // a: [[0, 1, 2], [3, 4, 5]] read through a transposed buffer; b: a column [10, 20] broadcast.
    const a = view('float32', [0, 3, 1, 4, 2, 5], [2, 3], [1, 2]);
    const b = view('float32', [10, 20], [2, 3], [1, 0]);
    backend.binary('add', a, b, out);
    expect(read(out)).toEqual([10, 11, 12, 23, 24, 25]);
  });

  it('float32 arithmetic rounds to float32', () => {
    expect(runBinary('add', 'float32', [0.1], [0.2])).toEqual([f(f(0.1) + f(0.2))]);
    expect(runBinary('div', 'float32', [1, -1, 0], [0, 0, 0])).toEqual([
      Infinity,
      -Infinity,
      Number.NaN,
    ]);
    expect(runBinary('mul', 'float32', [3], [f(1 / 3)])).toEqual([f(3 * f(1 / 3))]);
    expect(runBinary('sub', 'float32', [1], [f(1e-8)])).toEqual([1]);
  });

  it('float rem has the sign of the dividend', () => {
    expect(runBinary('rem', 'float32', [5.5, -5.5, 5.5], [2, 2, -2])).toEqual([1.5, -1.5, 1.5]);
  });

  it('float pow follows C at the edges', () => {
    expect(
      runBinary('pow', 'float32', [2, 1, -1, Number.NaN, -8], [10, Number.NaN, Infinity, 0, 1 / 3]),
    ).toEqual([1024, 1, 1, 1, Number.NaN]);
  });

  it('float max and min propagate NaN', () => {
    expect(runBinary('max', 'float32', [1, Number.NaN, 3], [Number.NaN, 2, 2])).toEqual([
      Number.NaN,
      Number.NaN,
      3,
    ]);
    expect(runBinary('min', 'float32', [1, Number.NaN, 3], [Number.NaN, 2, 2])).toEqual([
      Number.NaN,
      Number.NaN,
      2,
    ]);
  });

  it('atan2', () => {
    expect(runBinary('atan2', 'float32', [1, 1, -1], [1, -1, 0])).toEqual([
      f(Math.PI / 4),
      f((3 * Math.PI) / 4),
      f(-Math.PI / 2),
    ]);
  });

  it('comparisons write bool and treat NaN as unordered', () => {
    const a = [1, 2, Number.NaN, -0];
    const b = [2, 2, Number.NaN, 0];
    expect(runBinary('eq', 'float32', a, b, 'bool')).toEqual([0, 1, 0, 1]);
    expect(runBinary('ne', 'float32', a, b, 'bool')).toEqual([1, 0, 1, 0]);
    expect(runBinary('lt', 'float32', a, b, 'bool')).toEqual([1, 0, 0, 0]);
    expect(runBinary('le', 'float32', a, b, 'bool')).toEqual([1, 1, 0, 1]);
    expect(runBinary('gt', 'float32', a, b, 'bool')).toEqual([0, 0, 0, 0]);
    expect(runBinary('ge', 'float32', a, b, 'bool')).toEqual([0, 1, 0, 1]);
  });

  it('int32 arithmetic wraps modulo 2^32', () => {
    const wrap = (x: bigint) => Number(BigInt.asIntN(32, x));
    expect(runBinary('add', 'int32', [INT_MAX], [1])).toEqual([INT_MIN]);
    expect(runBinary('sub', 'int32', [INT_MIN], [1])).toEqual([INT_MAX]);
    expect(runBinary('mul', 'int32', [123456789, 65536, -7], [987654321, 65536, 3])).toEqual([
      wrap(123456789n * 987654321n),
      0,
      -21,
    ]);
  });

  it('int32 div truncates toward zero and gives 0 for division by zero', () => {
    expect(runBinary('div', 'int32', [7, -7, 7, -7, 5, INT_MIN], [2, 2, -2, -2, 0, -1])).toEqual([
      3,
      -3,
      -3,
      3,
      0,
      INT_MIN,
    ]);
  });

  it('int32 rem has the sign of the dividend and rem(x, 0) = x', () => {
    expect(runBinary('rem', 'int32', [7, -7, 7, -7, 5, INT_MIN], [2, 2, -2, -2, 0, -1])).toEqual([
      1, -1, 1, -1, 5, 0,
    ]);
  });

  it('int32 pow squares exactly modulo 2^32', () => {
    const wrap = (x: bigint) => Number(BigInt.asIntN(32, x));
    expect(
      runBinary(
        'pow',
        'int32',
        [3, 2, -2, 2, 1, -1, -1, 5, 3, 0],
        [4, 31, 3, -1, -5, -3, -4, 0, 40, 0],
      ),
    ).toEqual([81, INT_MIN, -8, 0, 1, -1, 1, 1, wrap(3n ** 40n), 1]);
  });

  it('uint32 arithmetic is unsigned and wraps', () => {
    const wrap = (x: bigint) => Number(BigInt.asUintN(32, x));
    expect(runBinary('add', 'uint32', [UINT_MAX], [1])).toEqual([0]);
    expect(runBinary('sub', 'uint32', [0], [1])).toEqual([UINT_MAX]);
    expect(runBinary('mul', 'uint32', [UINT_MAX, 3000000000], [UINT_MAX, 3])).toEqual([
      wrap(4294967295n * 4294967295n),
      wrap(9000000000n),
    ]);
    expect(runBinary('div', 'uint32', [UINT_MAX, 7], [2, 0])).toEqual([2147483647, 0]);
    expect(runBinary('rem', 'uint32', [UINT_MAX], [10])).toEqual([5]);
    expect(runBinary('pow', 'uint32', [2, 3000000000], [31, 2])).toEqual([
      2147483648,
      wrap(3000000000n ** 2n),
    ]);
    expect(runBinary('max', 'uint32', [UINT_MAX, 0], [1, 1])).toEqual([UINT_MAX, 1]);
    expect(runBinary('gt', 'uint32', [UINT_MAX], [1], 'bool')).toEqual([1]);
  });

  it('shifts give 0 or the sign fill for amounts outside [0, 32)', () => {
    expect(runBinary('shiftLeft', 'int32', [1, 1, 1, -1], [31, 32, -1, 4])).toEqual([
      INT_MIN,
      0,
      0,
      -16,
    ]);
    expect(runBinary('shiftRightLogical', 'int32', [-1, -1, 16, 16], [28, 32, 2, -3])).toEqual([
      15, 0, 4, 0,
    ]);
    expect(
      runBinary('shiftRightArithmetic', 'int32', [-16, -16, 16, 16, -1], [2, 40, 2, 33, -1]),
    ).toEqual([-4, -1, 4, 0, -1]);
    expect(runBinary('shiftRightArithmetic', 'uint32', [0x80000000, 0x80000000], [4, 32])).toEqual([
      0xf8000000,
      UINT_MAX,
    ]);
    expect(runBinary('shiftRightLogical', 'uint32', [0x80000000], [4])).toEqual([0x08000000]);
    expect(runBinary('shiftLeft', 'uint32', [0xffffffff], [4])).toEqual([0xfffffff0]);
  });

  it('bitwise ops on integers', () => {
    expect(runBinary('and', 'int32', [12, -1], [10, 7])).toEqual([8, 7]);
    expect(runBinary('or', 'int32', [12], [10])).toEqual([14]);
    expect(runBinary('xor', 'int32', [12, -1], [10, 0])).toEqual([6, -1]);
    expect(runBinary('and', 'uint32', [UINT_MAX], [0xf0f0f0f0])).toEqual([0xf0f0f0f0]);
    expect(runBinary('xor', 'uint32', [UINT_MAX], [1])).toEqual([UINT_MAX - 1]);
  });

  it('bool logic, max/min and comparisons', () => {
    const a = [0, 0, 1, 1];
    const b = [0, 1, 0, 1];
    expect(runBinary('and', 'bool', a, b)).toEqual([0, 0, 0, 1]);
    expect(runBinary('or', 'bool', a, b)).toEqual([0, 1, 1, 1]);
    expect(runBinary('xor', 'bool', a, b)).toEqual([0, 1, 1, 0]);
    expect(runBinary('max', 'bool', a, b)).toEqual([0, 1, 1, 1]);
    expect(runBinary('min', 'bool', a, b)).toEqual([0, 0, 0, 1]);
    expect(runBinary('lt', 'bool', a, b)).toEqual([0, 1, 0, 0]);
  });

  it('rejects ops a dtype does not support', () => {
    expect(() => runBinary('add', 'bool', [1], [1])).toThrow(
      /binary: op 'add' does not accept dtype bool/,
    );
    expect(() => runBinary('and', 'float32', [1], [1])).toThrow(/does not accept dtype float32/);
    expect(() => runBinary('shiftLeft', 'float32', [1], [1])).toThrow(
      /does not accept dtype float32/,
    );
    expect(() => runBinary('atan2', 'int32', [1], [1])).toThrow(/does not accept dtype int32/);
  });
});

describe('select', () => {
  it('picks per element, with broadcast branches', () => {
    const { backend, view, output, read } = setup();
    const out = output('int32', [2, 2]);
    const cond = view('bool', [1, 0, 0, 1], [2, 2]);
    const onTrue = view('int32', [1, 2, 3, 4], [2, 2], [1, 2]); // transposed: [[1, 3], [2, 4]]
    const onFalse = view('int32', [-9], [2, 2], [0, 0]);
    backend.select(cond, onTrue, onFalse, out);
    expect(read(out)).toEqual([1, -9, -9, 4]);
  });
});

describe('cast', () => {
  function runCast(from: DType, to: DType, values: number[]): number[] {
    const { backend, view, output, read } = setup();
    const out = output(to, [values.length]);
    backend.cast(view(from, values, [values.length]), out);
    return read(out);
  }

  it('float32 → int32 truncates, saturates, and maps NaN to 0', () => {
    expect(runCast('float32', 'int32', [-2.7, 2.7, 3e9, -3e9, Number.NaN, Infinity, -0.5])).toEqual(
      [-2, 2, INT_MAX, INT_MIN, 0, INT_MAX, 0],
    );
  });

  it('float32 → uint32 clamps into [0, 2^32)', () => {
    expect(runCast('float32', 'uint32', [-1, 3.9, 5e9, Number.NaN])).toEqual([0, 3, UINT_MAX, 0]);
  });

  it('anything → bool is x != 0', () => {
    expect(runCast('float32', 'bool', [0, -0, 0.5, Number.NaN, -Infinity])).toEqual([
      0, 0, 1, 1, 1,
    ]);
    expect(runCast('int32', 'bool', [0, -3])).toEqual([0, 1]);
    expect(runCast('uint32', 'bool', [UINT_MAX, 0])).toEqual([1, 0]);
  });

  it('int32 ↔ uint32 reinterpret modulo 2^32', () => {
    expect(runCast('int32', 'uint32', [-1, 5])).toEqual([UINT_MAX, 5]);
    expect(runCast('uint32', 'int32', [UINT_MAX, 2147483648])).toEqual([-1, INT_MIN]);
  });

  it('numbers → float32 round; bool → number is 0/1', () => {
    expect(runCast('int32', 'float32', [16777217, -3])).toEqual([16777216, -3]);
    expect(runCast('uint32', 'float32', [UINT_MAX])).toEqual([4294967296]);
    expect(runCast('bool', 'float32', [0, 1])).toEqual([0, 1]);
    expect(runCast('bool', 'int32', [1])).toEqual([1]);
  });

  it('reads strided inputs', () => {
    const { backend, view, output, read } = setup();
    const out = output('int32', [3]);
    backend.cast(view('float32', [1.5, 2.5, 3.5, 4.5, 5.5], [3], [-2], 4), out);
    expect(read(out)).toEqual([5, 3, 1]);
  });
});

describe('fill and iota', () => {
  it('fill converts the value to the output dtype', () => {
    for (const [dtype, value, expected] of [
      ['float32', 0.1, f(0.1)],
      ['int32', 2.9, 2],
      ['int32', -2.9, -2],
      ['int32', Number.NaN, 0],
      ['uint32', -5, 0],
      ['bool', 0.5, 1],
      ['bool', 0, 0],
    ] as const) {
      const { backend, output, read } = setup();
      const out = output(dtype, [2, 2]);
      backend.fill(out, value);
      expect(read(out)).toEqual([expected, expected, expected, expected]);
    }
  });

  it('iota counts along the axis', () => {
    const { backend, output, read } = setup();
    const rows = output('int32', [2, 3]);
    const columns = output('float32', [2, 3]);
    const middle = output('uint32', [2, 3, 2]);
    backend.iota(0, rows);
    backend.iota(1, columns);
    backend.iota(1, middle);
    expect(read(rows)).toEqual([0, 0, 0, 1, 1, 1]);
    expect(read(columns)).toEqual([0, 1, 2, 0, 1, 2]);
    expect(read(middle)).toEqual([0, 0, 1, 1, 2, 2, 0, 0, 1, 1, 2, 2]);
    expect(() => backend.iota(2, rows)).toThrow(/iota: axis 2 is out of range/);
  });
});
