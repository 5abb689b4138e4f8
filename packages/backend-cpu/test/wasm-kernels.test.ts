/**
 * The Wasm SIMD elementwise, reduction and pooling kernels against the TypedArray kernels on the
 * same data: odd lengths (vector tails), broadcast and strided-row layouts, IEEE special values,
 * and every window geometry the pooling kernel takes (strides 1, 2 and 3, padding, cropping).
 * IEEE-exact ops must match bit for bit; transcendental ops within 2e-6 relative; sums within
 * the float32 summation bound. Layouts the Wasm kernels decline must still come out right.
 */
import type { BinaryOp, DType, ReduceOp, UnaryOp, WindowParams } from '@tensile/core';
import { describe, expect, it } from 'vitest';
import { range, setup } from './helpers.js';

type Setup = ReturnType<typeof setup>;

/** Deterministic floats spread over [-scale, scale). */
function randoms(n: number, seed: number, scale = 4): number[] {
  let state = seed * 7919 + 3;
  return range(n).map(() => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return Math.fround(((state / 2 ** 32) * 2 - 1) * scale);
  });
}

const SPECIALS = [0, -0, 1, -1, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN];

/** Run `fn` on a reference and a wasm backend; return both results. */
function both(fn: (s: Setup) => number[]): { reference: number[]; wasm: number[] } {
  return { reference: fn(setup({ kernels: 'reference' })), wasm: fn(setup({ kernels: 'wasm' })) };
}

/**
 * Equal bit for bit (`rtol` and `atol` 0, ±0 alike), else within `rtol·|reference| + atol`;
 * NaN and infinities must match exactly.
 */
function expectSame(wasm: number[], reference: number[], rtol = 0, what = '', atol = 0) {
  expect(wasm.length).toBe(reference.length);
  wasm.forEach((v, i) => {
    const r = reference[i];
    const ok = Number.isNaN(r)
      ? Number.isNaN(v)
      : (rtol === 0 && atol === 0) || !Number.isFinite(r)
        ? Object.is(v + 0, r + 0)
        : Math.abs(v - r) <= rtol * Math.abs(r) + atol + 1e-37;
    if (!ok) throw new Error(`${what} element ${i}: wasm ${v}, reference ${r}`);
  });
}

const EXACT_UNARY: UnaryOp[] = [
  'neg',
  'abs',
  'sign',
  'floor',
  'ceil',
  'round',
  'sqrt',
  'reciprocal',
];
const CLOSE_UNARY: UnaryOp[] = ['rsqrt', 'exp', 'log', 'tanh', 'logistic'];

describe('wasm elementwise', () => {
  it('unary ops over odd lengths, wide ranges and special values', () => {
    for (const op of [...EXACT_UNARY, ...CLOSE_UNARY]) {
      for (const n of [1, 3, 4, 5, 17, 1027]) {
        const values = [
          ...SPECIALS,
          1e-40,
          -1e-40,
          88,
          -88,
          100,
          -100,
          2.5,
          -2.5,
          0.5,
          0.624,
          0.626,
          ...randoms(n, n, 12),
          ...randoms(n, n + 1, 0.01),
        ].slice(0, n + 18);
        const run = ({ backend, view, output, read }: Setup) => {
          const out = output('float32', [values.length]);
          backend.unary(op, view('float32', values, [values.length]), out);
          return read(out);
        };
        const { reference, wasm } = both(run);
        expectSame(wasm, reference, EXACT_UNARY.includes(op) ? 0 : 2e-6, `${op} n=${n}`);
      }
    }
  });

  it('unary ops on rows of a sliced matrix and on declined (transposed) views', () => {
    const stored = randoms(7 * 9, 5);
    for (const [shape, strides, offset] of [
      [[5, 6], [9, 1], 2],
      [[6, 5], [1, 9], 0],
      [[], [], 3],
    ] as [number[], number[], number][]) {
      const run = ({ backend, view, output, read }: Setup) => {
        const out = output('float32', shape);
        backend.unary('exp', view('float32', stored, shape, strides, offset), out);
        return read(out);
      };
      const { reference, wasm } = both(run);
      expectSame(wasm, reference, 2e-6, `exp [${shape}]`);
    }
  });

  it('binary ops with contiguous, row-broadcast, column-broadcast and scalar operands', () => {
    const ops: BinaryOp[] = ['add', 'sub', 'mul', 'div', 'max', 'min'];
    const a = [...SPECIALS, ...randoms(7 * 13, 1)];
    const b = [...randoms(7 * 13, 2), ...SPECIALS];
    const layouts: [number[], number[], number[]][] = [
      [[98], [1], [1]], // both contiguous (with specials against each other)
      [
        [7, 13],
        [13, 1],
        [0, 1],
      ], // bias row broadcast over rows
      [
        [7, 13],
        [13, 1],
        [1, 0],
      ], // a column broadcast along each row
      [
        [7, 13],
        [0, 0],
        [13, 1],
      ], // a scalar
      [
        [5, 3],
        [1, 5],
        [3, 1],
      ], // transposed lhs: declined, still right
    ];
    for (const op of ops) {
      for (const [shape, aStrides, bStrides] of layouts) {
        const run = ({ backend, view, output, read }: Setup) => {
          const out = output('float32', shape);
          backend.binary(
            op,
            view('float32', a, shape, aStrides),
            view('float32', b, shape, bStrides),
            out,
          );
          return read(out);
        };
        const { reference, wasm } = both(run);
        expectSame(wasm, reference, 0, `${op} [${shape}] ${aStrides}/${bStrides}`);
      }
    }
  });
});

describe('wasm reduce', () => {
  function runReduce(s: Setup, op: ReduceOp, values: number[], shape: number[], axes: number[]) {
    const out = s.output(
      'float32',
      shape.filter((_, d) => !axes.includes(d)),
    );
    s.backend.reduce(op, s.view('float32', values, shape), axes, out);
    return s.read(out);
  }

  it('sum, max and min over trailing and leading axes, odd sizes', () => {
    const cases: [number[], number[]][] = [
      [[1], [0]],
      [[37], [0]],
      [[5, 37], [1]],
      [
        [3, 4, 19],
        [1, 2],
      ],
      [[37, 5], [0]],
      [
        [6, 3, 7],
        [0, 1],
      ],
      [[2, 1, 33], [2]],
      [
        [2, 3, 4],
        [0, 2],
      ], // declined (middle axis kept): the TypedArray kernel runs
    ];
    for (const op of ['sum', 'max', 'min'] as const) {
      for (const [shape, axes] of cases) {
        const values = randoms(
          shape.reduce((x, y) => x * y, 1),
          shape.length + axes.length,
        );
        const { reference, wasm } = both((s) => runReduce(s, op, values, shape, axes));
        const terms = axes.reduce((x, d) => x * shape[d], 1);
        // Sums: the float32 bound n·ε·Σ|x| with |x| ≤ 4.
        expectSame(
          wasm,
          reference,
          0,
          `${op} [${shape}]`,
          op === 'sum' ? terms * terms * 2 ** -22 : 0,
        );
      }
    }
  });

  it('max and min propagate NaN, empty axes give the identity', () => {
    const values = [1, Number.NaN, 3, 4, 5, 6, Number.NaN, 8];
    for (const op of ['max', 'min', 'sum'] as const) {
      const { reference, wasm } = both((s) => runReduce(s, op, values, [2, 4], [1]));
      expectSame(wasm, reference, 0, op);
      const columns = both((s) => runReduce(s, op, values, [2, 4], [0]));
      expectSame(columns.wasm, columns.reference, 0, op);
      const empty = both((s) => runReduce(s, op, [], [3, 0], [1]));
      expectSame(empty.wasm, empty.reference, 0, op);
    }
  });
});

describe('wasm reduceWindow', () => {
  const pool = (
    window: number[],
    strides: number[],
    padding: [number, number][],
  ): WindowParams => ({
    windowDimensions: window,
    windowStrides: strides,
    padding,
    baseDilation: window.map(() => 1),
    windowDilation: window.map(() => 1),
  });

  it('max, min and sum pooling over planes: strides 1–3, padding and cropping', () => {
    const planes: [number[], WindowParams][] = [
      [
        [2, 3, 8, 8],
        pool(
          [1, 1, 2, 2],
          [1, 1, 2, 2],
          [
            [0, 0],
            [0, 0],
            [0, 0],
            [0, 0],
          ],
        ),
      ],
      [
        [2, 3, 9, 11],
        pool(
          [1, 1, 3, 3],
          [1, 1, 2, 2],
          [
            [0, 0],
            [0, 0],
            [1, 1],
            [1, 1],
          ],
        ),
      ],
      [
        [1, 2, 13, 14],
        pool(
          [1, 1, 3, 3],
          [1, 1, 1, 1],
          [
            [0, 0],
            [0, 0],
            [1, 1],
            [2, 0],
          ],
        ),
      ],
      [
        [3, 10, 10],
        pool(
          [1, 3, 2],
          [1, 3, 3],
          [
            [0, 0],
            [-1, 2],
            [0, 1],
          ],
        ),
      ],
      [[23], pool([4], [2], [[1, 2]])],
      [
        [2, 2, 1, 9],
        pool(
          [1, 1, 1, 5],
          [1, 1, 1, 1],
          [
            [0, 0],
            [0, 0],
            [0, 0],
            [4, 4],
          ],
        ),
      ],
    ];
    for (const op of ['max', 'min', 'sum'] as const) {
      for (const [shape, params] of planes) {
        const values = randoms(
          shape.reduce((x, y) => x * y, 1),
          shape.length,
        );
        values[3] = Number.NaN;
        const run = ({ backend, view, output, read }: Setup) => {
          const outShape = shape.map((n, d) => {
            const [lo, hi] = params.padding[d];
            const padded = n + lo + hi;
            const size = params.windowDimensions[d];
            return padded < size ? 0 : Math.floor((padded - size) / params.windowStrides[d]) + 1;
          });
          const out = output('float32', outShape);
          backend.reduceWindow?.(op, view('float32', values, shape), params, out);
          return read(out);
        };
        const { reference, wasm } = both(run);
        const taps = params.windowDimensions.reduce((x, y) => x * y, 1);
        expectSame(
          wasm,
          reference,
          0,
          `${op} [${shape}]`,
          op === 'sum' ? taps * taps * 2 ** -22 : 0,
        );
      }
    }
  });

  it('declined windows (dilation, a window over leading dims) still come out right', () => {
    const values = randoms(4 * 6 * 6, 9);
    const dilated: WindowParams = {
      ...pool(
        [1, 2, 2],
        [1, 1, 1],
        [
          [0, 0],
          [0, 0],
          [0, 0],
        ],
      ),
      windowDilation: [1, 2, 2],
    };
    const leading = pool(
      [2, 2, 2],
      [2, 2, 2],
      [
        [0, 0],
        [0, 0],
        [0, 0],
      ],
    );
    for (const [params, outShape] of [
      [dilated, [4, 4, 4]],
      [leading, [2, 3, 3]],
    ] as [WindowParams, number[]][]) {
      const run = ({ backend, view, output, read }: Setup) => {
        const out = output('float32', outShape);
        backend.reduceWindow?.('max', view('float32', values, [4, 6, 6]), params, out);
        return read(out);
      };
      const { reference, wasm } = both(run);
      expectSame(wasm, reference, 0, 'declined');
    }
  });
});

describe('wasm kernels leave no buffers behind', () => {
  it('memory accounting returns to zero after every kind of kernel', () => {
    const s = setup({ kernels: 'wasm' });
    const dtype: DType = 'float32';
    const x = s.view(dtype, randoms(64, 1), [4, 4, 4]);
    const w = s.view(dtype, randoms(2 * 4 * 3 * 3, 2), [2, 4, 3, 3]);
    const outs = [
      s.output(dtype, [4, 4, 4]),
      s.output(dtype, [4, 4, 4]),
      s.output(dtype, [4, 4]),
      s.output(dtype, [4, 4, 2, 2]),
      s.output(dtype, [4, 4, 4]),
      s.output(dtype, [1, 2, 2, 2]),
    ];
    s.backend.unary('tanh', x, outs[0]);
    s.backend.binary('mul', x, x, outs[1]);
    s.backend.reduce('sum', x, [2], outs[2]);
    s.backend.reduceWindow?.(
      'max',
      { ...x, shape: [4, 4, 4] },
      {
        windowDimensions: [1, 2, 2],
        windowStrides: [1, 2, 2],
        padding: [
          [0, 0],
          [0, 0],
          [0, 0],
        ],
        baseDilation: [1, 1, 1],
        windowDilation: [1, 1, 1],
      },
      { ...outs[3], shape: [4, 2, 2] },
    );
    s.backend.dotGeneral(x, x, { contracting: [[2], [1]], batch: [[0], [0]] }, outs[4]);
    s.backend.conv?.(
      { ...x, shape: [1, 4, 4, 4], strides: [64, 16, 4, 1] },
      w,
      {
        windowStrides: [1, 1],
        padding: [
          [0, 0],
          [0, 0],
        ],
        lhsDilation: [1, 1],
        rhsDilation: [1, 1],
        featureGroupCount: 1,
        batchGroupCount: 1,
      },
      outs[5],
    );
    for (const id of [x.buffer, w.buffer, ...outs.map((o) => o.buffer)]) s.backend.free(id);
    expect(s.backend.stats()).toEqual({ buffers: 0, bytes: 0 });
  });
});
