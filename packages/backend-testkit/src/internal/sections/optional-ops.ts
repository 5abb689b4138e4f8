/**
 * The optional fast paths — `conv`, `reduceWindow`, `cumulative`, `sort` — checked directly
 * when the backend has them (each test is skipped with a note otherwise: the core then lowers
 * the primitive to required methods, which the core-level tests exercise).
 */
import type { ConvParams, DType, WindowParams } from '@tensile/core';
import { EXACT, expectValues } from '../compare.js';
import { LAYOUTS, type Layout, withDevice } from '../device.js';
import { type HostTensor, hostTensor } from '../host-data.js';
import { sortReference } from '../oracles/indexing.js';
import { cumulativeReference } from '../oracles/reduction.js';
import { convReference, reduceWindowReference } from '../oracles/windows.js';
import { sampleTensor } from '../sample.js';
import { type SuiteContext, toleranceFor } from '../suite-context.js';

/** Conv params with defaults for everything but what a case sets. */
function convParams(spatial: number, params: Partial<ConvParams>): ConvParams {
  const ones = new Array<number>(spatial).fill(1);
  return {
    windowStrides: ones,
    padding: ones.map(() => [0, 0] as const),
    lhsDilation: ones,
    rhsDilation: ones,
    featureGroupCount: 1,
    batchGroupCount: 1,
    ...params,
  };
}

/** `[id, lhs shape, rhs shape, params]`. */
const CONV_CASES: readonly (readonly [string, readonly number[], readonly number[], ConvParams])[] =
  [
    ['1d', [2, 3, 8], [4, 3, 3], convParams(1, {})],
    [
      '2d-strides-padding',
      [2, 3, 7, 6],
      [4, 3, 3, 2],
      convParams(2, {
        windowStrides: [2, 1],
        padding: [
          [1, 1],
          [0, 2],
        ],
      }),
    ],
    [
      'rhs-dilation',
      [1, 2, 9, 9],
      [3, 2, 3, 3],
      convParams(2, {
        rhsDilation: [2, 3],
        padding: [
          [2, 2],
          [1, 0],
        ],
      }),
    ],
    [
      'lhs-dilation',
      [1, 2, 4, 5],
      [2, 2, 3, 3],
      convParams(2, {
        lhsDilation: [2, 2],
        padding: [
          [2, 2],
          [2, 1],
        ],
      }),
    ],
    ['negative-padding', [1, 1, 8], [2, 1, 3], convParams(1, { padding: [[-1, -2]] })],
    ['feature-groups', [2, 4, 6, 6], [6, 2, 3, 3], convParams(2, { featureGroupCount: 2 })],
    ['batch-groups', [4, 3, 5, 5], [6, 3, 2, 2], convParams(2, { batchGroupCount: 2 })],
    ['3d', [1, 2, 4, 4, 3], [2, 2, 2, 2, 2], convParams(3, { windowStrides: [1, 2, 1] })],
  ];

/** Window params with defaults for everything but what a case sets. */
function windowParams(
  windowDimensions: readonly number[],
  params: Partial<WindowParams>,
): WindowParams {
  const ones = windowDimensions.map(() => 1);
  return {
    windowDimensions,
    windowStrides: ones,
    padding: ones.map(() => [0, 0] as const),
    baseDilation: ones,
    windowDilation: ones,
    ...params,
  };
}

/** `[description, input shape, params]`. */
const WINDOW_CASES: readonly (readonly [string, readonly number[], WindowParams])[] = [
  [
    '2×2 pooling, stride 2',
    [2, 3, 6, 6],
    windowParams([1, 1, 2, 2], { windowStrides: [1, 1, 2, 2] }),
  ],
  [
    '3×3, stride 2, padded by 1',
    [1, 1, 5, 5],
    windowParams([1, 1, 3, 3], {
      windowStrides: [1, 1, 2, 2],
      padding: [
        [0, 0],
        [0, 0],
        [1, 1],
        [1, 1],
      ],
    }),
  ],
  ['base dilation 2, padded', [6], windowParams([3], { baseDilation: [2], padding: [[1, 1]] })],
  [
    'window dilation 2, stride 2',
    [2, 9],
    windowParams([1, 3], { windowStrides: [1, 2], windowDilation: [1, 2] }),
  ],
];

async function checkConv(
  suite: SuiteContext,
  dtype: DType,
  lhsShape: readonly number[],
  rhsShape: readonly number[],
  params: ConvParams,
  layouts: readonly [Layout, Layout] = ['contiguous', 'contiguous'],
): Promise<void> {
  const range = dtype === 'int32' ? { low: -9, high: 9 } : {};
  const lhs = sampleTensor(dtype, lhsShape, 71, range);
  const rhs = sampleTensor(dtype, rhsShape, 72, range);
  const reference = convReference(lhs, rhs, params);
  await withDevice(suite.backend, async (device) => {
    const out = device.output(dtype, reference.shape);
    (suite.backend.conv as NonNullable<typeof suite.backend.conv>).call(
      suite.backend,
      device.upload(lhs, layouts[0]),
      device.upload(rhs, layouts[1]),
      params,
      out,
    );
    expectValues(await device.read(out), {
      what: `conv (${dtype} [${lhsShape}] ${layouts[0]} ⋆ [${rhsShape}] ${layouts[1]}, ${JSON.stringify(params)})`,
      dtype,
      shape: reference.shape,
      expected: reference.values,
      scale: reference.scale,
      tolerance: toleranceFor(suite, dtype, 'accumulation'),
    });
  });
}

async function checkReduceWindow(
  suite: SuiteContext,
  op: 'sum' | 'max' | 'min',
  x: HostTensor,
  params: WindowParams,
  layout: Layout = 'contiguous',
): Promise<void> {
  const reference = reduceWindowReference(op, x, params);
  await withDevice(suite.backend, async (device) => {
    const out = device.output(x.dtype, reference.shape);
    (suite.backend.reduceWindow as NonNullable<typeof suite.backend.reduceWindow>).call(
      suite.backend,
      op,
      device.upload(x, layout),
      params,
      out,
    );
    expectValues(await device.read(out), {
      what: `reduceWindow ${op} (${x.dtype}[${x.shape}] ${layout}, ${JSON.stringify(params)})`,
      dtype: x.dtype,
      shape: reference.shape,
      expected: reference.values,
      scale: reference.scale,
      tolerance: toleranceFor(suite, x.dtype, op === 'sum' ? 'accumulation' : 'exact'),
    });
  });
}

async function checkSort(
  suite: SuiteContext,
  operands: readonly HostTensor[],
  axis: number,
  numKeys: number,
  layout: Layout = 'contiguous',
): Promise<void> {
  const references = sortReference(operands, axis, numKeys);
  await withDevice(suite.backend, async (device) => {
    const outs = operands.map((x) => device.output(x.dtype, x.shape));
    (suite.backend.sort as NonNullable<typeof suite.backend.sort>).call(
      suite.backend,
      operands.map((x) => device.upload(x, layout)),
      axis,
      numKeys,
      outs,
    );
    for (const [k, out] of outs.entries()) {
      expectValues(await device.read(out), {
        what: `sort operand ${k} (${operands.length} operands [${operands[0]?.shape}], axis ${axis}, numKeys ${numKeys}, ${layout})`,
        dtype: out.dtype,
        shape: out.shape,
        expected: references[k]?.values ?? [],
        tolerance: EXACT,
      });
    }
  });
}

/**
 * Register the `conv/*`, `reduceWindow/*`, `cumulative/*` and `sort/*` tests.
 *
 * @example
 * registerOptionalOpTests(suite);
 */
export function registerOptionalOpTests(suite: SuiteContext): void {
  const { registrar } = suite;

  for (const [id, lhs, rhs, params] of CONV_CASES) {
    registrar.test(
      `conv/${id}`,
      `conv ${id}: [${lhs}] ⋆ [${rhs}] (float32)`,
      { method: 'conv' },
      () => checkConv(suite, 'float32', lhs, rhs, params),
    );
  }
  registrar.test(
    'conv/strided-operands',
    'conv with a transposed lhs and a reversed rhs',
    { method: 'conv' },
    () => {
      const [, lhs, rhs, params] = CONV_CASES[1] as (typeof CONV_CASES)[number];
      return checkConv(suite, 'float32', lhs, rhs, params, ['transposed', 'reversed']);
    },
  );
  registrar.test('conv/int32', 'exact int32 convolution', { method: 'conv' }, async () => {
    for (const [, lhs, rhs, params] of CONV_CASES.slice(0, 2))
      await checkConv(suite, 'int32', lhs, rhs, params);
  });

  for (const op of ['sum', 'max', 'min'] as const) {
    registrar.test(
      `reduceWindow/${op}/float32`,
      `${op} pooling: strides, padding, base and window dilation`,
      { method: 'reduceWindow' },
      async () => {
        for (const [, shape, params] of WINDOW_CASES)
          await checkReduceWindow(suite, op, sampleTensor('float32', shape, 81), params);
      },
    );
  }
  registrar.test(
    'reduceWindow/int32',
    'int32 sum and max pooling with padding',
    { method: 'reduceWindow' },
    async () => {
      const [, shape, params] = WINDOW_CASES[1] as (typeof WINDOW_CASES)[number];
      for (const op of ['sum', 'max'] as const)
        await checkReduceWindow(suite, op, sampleTensor('int32', shape, 82), params);
    },
  );
  registrar.test(
    'reduceWindow/strided-input',
    'pooling of transposed, reversed and sliced views',
    { method: 'reduceWindow' },
    async () => {
      const [, shape, params] = WINDOW_CASES[0] as (typeof WINDOW_CASES)[number];
      for (const layout of LAYOUTS)
        await checkReduceWindow(suite, 'max', sampleTensor('float32', shape, 83), params, layout);
    },
  );

  for (const dtype of ['float32', 'int32'] as const) {
    for (const op of ['sum', 'prod', 'max', 'min'] as const) {
      registrar.test(
        `cumulative/${op}/${dtype}`,
        `inclusive ${op} scan of ${dtype}[3,4,5] along each axis, forward and reverse`,
        { method: 'cumulative' },
        async () => {
          const range =
            op === 'prod'
              ? dtype === 'int32'
                ? { low: -3, high: 3 }
                : { low: 0.6, high: 1.5 }
              : {};
          const x = sampleTensor(dtype, [3, 4, 5], 91, range);
          for (const axis of [0, 1, 2]) {
            for (const reverse of [false, true]) {
              await withDevice(suite.backend, async (device) => {
                const reference = cumulativeReference(op, x, axis, reverse);
                const out = device.output(dtype, x.shape);
                const layout = axis === 1 ? 'transposed' : 'contiguous';
                (suite.backend.cumulative as NonNullable<typeof suite.backend.cumulative>).call(
                  suite.backend,
                  op,
                  device.upload(x, layout),
                  axis,
                  reverse,
                  out,
                );
                expectValues(await device.read(out), {
                  what: `cumulative ${op} (${dtype}[3,4,5] ${layout}, axis ${axis}, reverse ${reverse})`,
                  dtype,
                  shape: x.shape,
                  expected: reference.values,
                  scale: reference.scale,
                  tolerance: toleranceFor(
                    suite,
                    dtype,
                    op === 'max' || op === 'min' ? 'exact' : 'accumulation',
                  ),
                });
              });
            }
          }
        },
      );
    }
  }

  registrar.test(
    'sort/float32',
    'ascending sort of float32 along each axis with duplicates and signed zeros',
    { method: 'sort' },
    async () => {
      const x = hostTensor(
        'float32',
        [3, 5],
        [3, -1, 2, -1, 0, -0, 5, 0, -7.5, 2, 1e-3, 1e3, -1e3, 1e-3, 0],
      );
      await checkSort(suite, [x], 1, 1);
      await checkSort(suite, [x], 0, 1);
      await checkSort(suite, [x], 1, 1, 'reversed');
    },
  );
  registrar.test('sort/nan-last', 'NaN sorts after +Infinity (float32)', { method: 'sort' }, () =>
    checkSort(
      suite,
      [hostTensor('float32', [6], [Number.NaN, 1, Infinity, -Infinity, Number.NaN, -2])],
      0,
      1,
    ),
  );
  registrar.test(
    'sort/stable-multi-operand',
    'stable sort carrying values; lexicographic numKeys = 2',
    { method: 'sort' },
    async () => {
      const keys = hostTensor('int32', [2, 6], [2, 1, 2, 1, 3, 1, 0, 0, -4, 0, 9, -4]);
      const second = hostTensor('float32', [2, 6], [0.5, 3, -1, 3, 0, -2, 1, 1, 2, 0, 0, 2]);
      const values = hostTensor(
        'uint32',
        [2, 6],
        [10, 11, 12, 13, 14, 15, 20, 21, 22, 23, 24, 4000000000],
      );
      await checkSort(suite, [keys, values], 1, 1);
      await checkSort(suite, [keys, second, values], 1, 2);
      await checkSort(suite, [keys, second, values], 1, 2, 'transposed');
    },
  );
  registrar.test(
    'sort/uint32-keys',
    'uint32 keys above 2^31 sort as unsigned',
    { method: 'sort' },
    () =>
      checkSort(
        suite,
        [hostTensor('uint32', [5], [3000000000, 5, 2147483648, 0, 4294967295])],
        0,
        1,
      ),
  );
}
