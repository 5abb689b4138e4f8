/**
 * `dotGeneral` against the definition: plain and transposed-view matmuls, batch dims in any
 * position, several contracting dims, vector·vector and outer products, size-1 and zero-size
 * dims, shapes large enough to cross any blocking, and exact integer products.
 */
import type { DotDims, DType } from '@tensile/core';
import { expectValues } from '../compare.js';
import { type Layout, withDevice } from '../device.js';
import type { HostTensor } from '../host-data.js';
import { dotGeneralReference } from '../oracles/dot-general.js';
import { sampleTensor } from '../sample.js';
import { type SuiteContext, toleranceFor } from '../suite-context.js';

/** One dotGeneral case: operand shapes, dims, and the layouts the operands are stored in. */
interface DotCase {
  readonly id: string;
  readonly title: string;
  readonly lhs: readonly number[];
  readonly rhs: readonly number[];
  readonly dims: DotDims;
  readonly layouts?: readonly (readonly [Layout, Layout])[];
}

const matmul: DotDims = { contracting: [[1], [0]], batch: [[], []] };

const CASES: readonly DotCase[] = [
  { id: 'matmul', title: '[5,7]·[7,6]', lhs: [5, 7], rhs: [7, 6], dims: matmul },
  {
    id: 'transposed-views',
    title: '[5,7]·[7,6] with transposed, reversed and sliced operands',
    lhs: [5, 7],
    rhs: [7, 6],
    dims: matmul,
    layouts: [
      ['transposed', 'contiguous'],
      ['contiguous', 'transposed'],
      ['transposed', 'transposed'],
      ['reversed', 'sliced'],
    ],
  },
  {
    id: 'contract-first-dims',
    title: 'xᵀ·y by contracting dim 0 of both: [7,5]·[7,6]',
    lhs: [7, 5],
    rhs: [7, 6],
    dims: { contracting: [[0], [0]], batch: [[], []] },
  },
  {
    id: 'batch',
    title: 'batched [2,3,4]·[2,4,5]',
    lhs: [2, 3, 4],
    rhs: [2, 4, 5],
    dims: { contracting: [[2], [1]], batch: [[0], [0]] },
  },
  {
    id: 'batch-not-leading',
    title: 'batch dims in the middle and at the end: [3,2,4]·[4,5,2]',
    lhs: [3, 2, 4],
    rhs: [4, 5, 2],
    dims: { contracting: [[2], [0]], batch: [[1], [2]] },
  },
  {
    id: 'multi-contracting',
    title: 'two contracting dims: [2,3,4]·[3,4,5]',
    lhs: [2, 3, 4],
    rhs: [3, 4, 5],
    dims: {
      contracting: [
        [1, 2],
        [0, 1],
      ],
      batch: [[], []],
    },
  },
  {
    id: 'vector-dot',
    title: 'vector·vector → scalar',
    lhs: [6],
    rhs: [6],
    dims: { contracting: [[0], [0]], batch: [[], []] },
  },
  {
    id: 'outer',
    title: 'outer product [3]⊗[4]',
    lhs: [3],
    rhs: [4],
    dims: { contracting: [[], []], batch: [[], []] },
  },
  {
    id: 'size-one-dims',
    title: '[1,4]·[4,1] and a size-1 batch',
    lhs: [1, 1, 4],
    rhs: [1, 4, 1],
    dims: { contracting: [[2], [1]], batch: [[0], [0]] },
  },
  {
    id: 'zero-contracting',
    title: 'K = 0 gives zeros: [2,0]·[0,3]',
    lhs: [2, 0],
    rhs: [0, 3],
    dims: matmul,
  },
  {
    id: 'zero-free',
    title: 'a zero-size free dim: [0,4]·[4,3]',
    lhs: [0, 4],
    rhs: [4, 3],
    dims: matmul,
  },
  {
    id: 'large',
    title: '[33,300]·[300,270] (crosses blocking in both K and N)',
    lhs: [33, 300],
    rhs: [300, 270],
    dims: matmul,
  },
];

async function checkDot(
  suite: SuiteContext,
  dtype: DType,
  testCase: DotCase,
  seed: number,
): Promise<void> {
  const range = dtype === 'float32' || dtype === 'float16' ? {} : { low: -20, high: 20 };
  const lhs: HostTensor = sampleTensor(dtype, testCase.lhs, seed, range);
  const rhs: HostTensor = sampleTensor(dtype, testCase.rhs, seed + 1, range);
  const reference = dotGeneralReference(lhs, rhs, testCase.dims);
  await withDevice(suite.backend, async (device) => {
    for (const [lhsLayout, rhsLayout] of testCase.layouts ?? [
      ['contiguous', 'contiguous'] as const,
    ]) {
      const out = device.output(dtype, reference.shape);
      suite.backend.dotGeneral(
        device.upload(lhs, lhsLayout),
        device.upload(rhs, rhsLayout),
        testCase.dims,
        out,
      );
      expectValues(await device.read(out), {
        what: `dotGeneral ${testCase.title} (${dtype}, ${lhsLayout} · ${rhsLayout}, dims ${JSON.stringify(testCase.dims)})`,
        dtype,
        shape: reference.shape,
        expected: reference.values,
        scale: reference.scale,
        tolerance: toleranceFor(suite, dtype, 'accumulation'),
      });
    }
  });
}

/**
 * Register the `dotGeneral/*` tests.
 *
 * @example
 * registerDotTests(suite);
 */
export function registerDotTests(suite: SuiteContext): void {
  CASES.forEach((testCase, i) => {
    suite.registrar.test(`dotGeneral/${testCase.id}/float32`, testCase.title, {}, () =>
      checkDot(suite, 'float32', testCase, 100 + i),
    );
  });
  suite.registrar.test(
    'dotGeneral/int32',
    'exact int32 matmul, transposed views, batched and multi-contracting products',
    {},
    async () => {
      for (const id of ['matmul', 'transposed-views', 'batch', 'multi-contracting']) {
        await checkDot(suite, 'int32', CASES.find((c) => c.id === id) as DotCase, 200);
      }
    },
  );
  suite.registrar.test(
    'dotGeneral/float16',
    'float16 matmul and batched product',
    { dtypes: ['float16'] },
    async () => {
      for (const id of ['matmul', 'transposed-views', 'batch']) {
        await checkDot(suite, 'float16', CASES.find((c) => c.id === id) as DotCase, 300);
      }
    },
  );
}
