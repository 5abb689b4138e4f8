/**
 * Core-level cases of the primitives that compute: reductions, `dotGeneral`, convolution and
 * pooling (with the max-pooling derivative primitives), cumulative scans, sort and threefry —
 * with reference results and gradient checks (strides, dilation and groups for `conv`).
 *
 * On a backend without the optional `conv`/`reduceWindow`/`cumulative`/`sort`, these cases
 * run the core's fallbacks, so they double as the fallbacks' conformance tests.
 */
import { type ConvParams, type DType, lax, type Tensor, type WindowParams } from '@tensile/core';
import { type HostTensor, hostTensor } from '../host-data.js';
import { dotGeneralReference } from '../oracles/dot-general.js';
import { sortReference } from '../oracles/indexing.js';
import { argReduceReference, cumulativeReference, reduceReference } from '../oracles/reduction.js';
import {
  convReference,
  reduceWindowReference,
  selectAndGatherAddReference,
  selectAndScatterAddReference,
} from '../oracles/windows.js';
import { sampleTensor, seededUniform } from '../sample.js';
import type { GradCase, PrimitiveEntry } from './cases.js';

type NumericName =
  | 'reduce'
  | 'argReduce'
  | 'dotGeneral'
  | 'conv'
  | 'reduceWindow'
  | 'selectAndGatherAdd'
  | 'selectAndScatterAdd'
  | 'cumulative'
  | 'sort'
  | 'threefry2x32';

const f32 = (shape: readonly number[], seed: number, low = -2, high = 2) =>
  sampleTensor('float32', shape, seed, { low, high });

/**
 * A float32 tensor whose values are a shuffled ramp with steps of 0.31: no ties, and no
 * finite-difference step can reorder them (max/min/sort stay differentiable).
 */
function distinct(shape: readonly number[], seed: number): HostTensor {
  const size = shape.reduce((n, d) => n * d, 1);
  const next = seededUniform(seed);
  const ramp = Array.from({ length: size }, (_, i) => i * 0.31 - size * 0.15);
  for (let i = size - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [ramp[i], ramp[j]] = [ramp[j] as number, ramp[i] as number];
  }
  return hostTensor('float32', shape, ramp);
}

/** Conv params: defaults for every field a case leaves out. */
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

/** `lax.convGeneralDilated` with explicit params (NC…/OI… layout). */
function convolve(lhs: Tensor, rhs: Tensor, params: ConvParams): Tensor {
  return lax.convGeneralDilated(lhs, rhs, params.windowStrides, params.padding, {
    lhsDilation: params.lhsDilation,
    rhsDilation: params.rhsDilation,
    featureGroupCount: params.featureGroupCount,
    batchGroupCount: params.batchGroupCount,
  });
}

/** `lax.reduceWindow` with explicit params. */
function pool(op: 'sum' | 'max' | 'min', x: Tensor, params: WindowParams): Tensor {
  return lax.reduceWindow(x, op, params.windowDimensions, params.windowStrides, params.padding, {
    baseDilation: params.baseDilation,
    windowDilation: params.windowDilation,
  });
}

/** `[title, lhs shape, rhs shape, params]` of the conv cases. */
const CONV_CASES: readonly (readonly [string, readonly number[], readonly number[], ConvParams])[] =
  [
    [
      'strides, padding and rhs dilation',
      [2, 2, 7, 6],
      [3, 2, 3, 2],
      convParams(2, {
        windowStrides: [2, 1],
        padding: [
          [1, 1],
          [0, 1],
        ],
        rhsDilation: [1, 2],
      }),
    ],
    [
      'feature groups',
      [2, 4, 5, 5],
      [6, 2, 3, 3],
      convParams(2, {
        featureGroupCount: 2,
        padding: [
          [1, 1],
          [1, 1],
        ],
      }),
    ],
    [
      'lhs dilation (transposed convolution)',
      [1, 2, 4, 3],
      [2, 2, 3, 3],
      convParams(2, {
        lhsDilation: [2, 2],
        padding: [
          [2, 2],
          [2, 1],
        ],
      }),
    ],
    ['batch groups', [4, 2, 5, 5], [4, 2, 2, 2], convParams(2, { batchGroupCount: 2 })],
  ];

const POOL: WindowParams = {
  windowDimensions: [1, 1, 3, 3],
  windowStrides: [1, 1, 2, 2],
  padding: [
    [0, 0],
    [0, 0],
    [1, 1],
    [1, 0],
  ],
  baseDilation: [1, 1, 1, 1],
  windowDilation: [1, 1, 1, 1],
};

const DILATED_POOL: WindowParams = {
  windowDimensions: [1, 3],
  windowStrides: [1, 2],
  padding: [
    [0, 0],
    [1, 1],
  ],
  baseDilation: [1, 2],
  windowDilation: [1, 2],
};

/**
 * The entries of the computing primitives.
 *
 * @example
 * numericEntries().conv.gradients // checkGrads cases with strides, dilation and groups
 */
export function numericEntries(): { readonly [K in NumericName]: PrimitiveEntry } {
  const x345 = f32([3, 4, 5], 11);
  const positive = f32([3, 4], 12, 0.5, 1.5);
  const unique = distinct([3, 4], 13);
  const flags = hostTensor('bool', [2, 3], [1, 1, 0, 0, 1, 0]);
  const pooled = distinct([2, 1, 5, 4], 14);
  const [a, b] = [f32([2, 3, 4], 15), f32([2, 4, 5], 16)];
  const reduceGrad = (op: 'sum' | 'prod' | 'max' | 'min', x: HostTensor): GradCase => ({
    title: `reduce ${op}`,
    inputs: [x],
    run: (t) => [lax.reduce(op, t, [1])],
  });
  const cumulativeGrad = (
    op: 'sum' | 'prod' | 'max' | 'min',
    x: HostTensor,
    reverse: boolean,
  ): GradCase => ({
    title: `cumulative ${op}${reverse ? ' (reverse)' : ''}`,
    inputs: [x],
    run: (t) => [lax.cumulative(op, t, 1, reverse)],
  });
  const poolSource = f32([2, 1, 3, 2], 17);
  const ids = (dtype: DType, values: number[]) => hostTensor(dtype, [values.length], values);

  return {
    reduce: {
      forward: (['sum', 'prod', 'max', 'min'] as const)
        .map((op) => ({
          title: `reduce ${op} of float32[3,4,5] over axes [0, 2]`,
          inputs: [op === 'prod' ? f32([3, 4, 5], 18, 0.6, 1.5) : x345],
          run: (t: Tensor) => [lax.reduce(op, t, [0, 2])],
          expected: () => [
            reduceReference(op, op === 'prod' ? f32([3, 4, 5], 18, 0.6, 1.5) : x345, [0, 2]),
          ],
          kind: op === 'max' || op === 'min' ? ('exact' as const) : ('accumulation' as const),
        }))
        .concat(
          (['and', 'or'] as const).map((op) => ({
            title: `reduce ${op} of bool[2,3] over axis 1`,
            inputs: [flags],
            run: (t: Tensor) => [lax.reduce(op, t, [1])],
            expected: () => [reduceReference(op, flags, [1])],
            kind: 'exact' as const,
          })),
        ),
      gradients: [
        reduceGrad('sum', positive),
        reduceGrad('prod', positive),
        reduceGrad('max', unique),
        reduceGrad('min', unique),
      ],
    },
    argReduce: {
      forward: (['argmax', 'argmin'] as const).map((op) => ({
        title: `${op} along axis 1`,
        inputs: [unique],
        run: (t: Tensor) => [lax.argReduce(op, t, 1)],
        expected: () => [{ ...argReduceReference(op, unique, 1), dtype: 'int32' as const }],
        kind: 'exact' as const,
      })),
      gradients: { none: 'indices are not differentiable' },
    },
    dotGeneral: {
      forward: [
        {
          title: 'batched matmul [2,3,4]·[2,4,5]',
          inputs: [a, b],
          run: (x, y) => [lax.dotGeneral(x, y, { contracting: [[2], [1]], batch: [[0], [0]] })],
          expected: () => [
            dotGeneralReference(a, b, { contracting: [[2], [1]], batch: [[0], [0]] }),
          ],
          kind: 'accumulation',
        },
      ],
      gradients: [
        {
          title: 'batched matmul, both operands',
          inputs: [a, b],
          run: (x, y) => [lax.dotGeneral(x, y, { contracting: [[2], [1]], batch: [[0], [0]] })],
        },
        {
          title: 'contracting two dims of a transposed operand',
          inputs: [f32([3, 4, 2], 19), f32([2, 3, 5], 20)],
          run: (x, y) => [
            lax.dotGeneral(lax.transpose(x, [2, 0, 1]), y, {
              contracting: [
                [0, 1],
                [0, 1],
              ],
              batch: [[], []],
            }),
          ],
        },
      ],
    },
    conv: {
      forward: CONV_CASES.map(([title, lhsShape, rhsShape, params], i) => {
        const [lhs, rhs] = [f32(lhsShape, 30 + i), f32(rhsShape, 40 + i)];
        return {
          title: `conv with ${title}`,
          inputs: [lhs, rhs],
          run: (x: Tensor, w: Tensor) => [convolve(x, w, params)],
          expected: () => [convReference(lhs, rhs, params)],
          kind: 'accumulation' as const,
        };
      }),
      gradients: CONV_CASES.slice(0, 3).map(([title, lhsShape, rhsShape, params], i) => ({
        title: `conv with ${title}, in the input and the filter`,
        inputs: [f32(lhsShape, 30 + i), f32(rhsShape, 40 + i)],
        run: (x: Tensor, w: Tensor) => [convolve(x, w, params)],
      })),
    },
    reduceWindow: {
      forward: [
        ...(['max', 'sum', 'min'] as const).map((op) => ({
          title: `${op} pooling 3×3, stride 2, padded`,
          inputs: [pooled],
          run: (x: Tensor) => [pool(op, x, POOL)],
          expected: () => [reduceWindowReference(op, pooled, POOL)],
          kind: op === 'sum' ? ('accumulation' as const) : ('exact' as const),
        })),
        {
          title: 'sum pooling with base and window dilation',
          inputs: [unique],
          run: (x: Tensor) => [pool('sum', x, DILATED_POOL)],
          expected: () => [reduceWindowReference('sum', unique, DILATED_POOL)],
          kind: 'accumulation' as const,
        },
      ],
      gradients: [
        { title: 'max pooling', inputs: [pooled], run: (x) => [pool('max', x, POOL)] },
        { title: 'sum pooling', inputs: [pooled], run: (x) => [pool('sum', x, POOL)] },
        {
          title: 'sum pooling with base and window dilation',
          inputs: [unique],
          run: (x) => [pool('sum', x, DILATED_POOL)],
        },
      ],
    },
    selectAndGatherAdd: {
      forward: [
        {
          title: 'the tangent at each window maximum',
          inputs: [f32([2, 1, 5, 4], 21), pooled],
          run: (t, x) => [lax.selectAndGatherAdd(t, x, POOL)],
          expected: () => [selectAndGatherAddReference(f32([2, 1, 5, 4], 21), pooled, POOL)],
          kind: 'exact',
        },
      ],
      gradients: [
        {
          title: 'linear in the tangent',
          inputs: [f32([2, 1, 5, 4], 21)],
          constants: [pooled],
          run: (t, x) => [lax.selectAndGatherAdd(t, x as Tensor, POOL)],
        },
      ],
    },
    selectAndScatterAdd: {
      forward: [
        {
          title: 'each window value added at its maximum',
          inputs: [poolSource, pooled],
          run: (s, x) => [lax.selectAndScatterAdd(s, x, POOL)],
          expected: () => [selectAndScatterAddReference(poolSource, pooled, POOL)],
          kind: 'accumulation',
        },
      ],
      gradients: [
        {
          title: 'linear in the source',
          inputs: [poolSource],
          constants: [pooled],
          run: (s, x) => [lax.selectAndScatterAdd(s, x as Tensor, POOL)],
        },
      ],
    },
    cumulative: {
      forward: (['sum', 'prod', 'max', 'min'] as const).flatMap((op) =>
        [false, true].map((reverse) => {
          const x = op === 'prod' ? positive : x345;
          const axis = op === 'prod' ? 1 : 2;
          return {
            title: `cumulative ${op} along axis ${axis}${reverse ? ', reverse' : ''}`,
            inputs: [x],
            run: (t: Tensor) => [lax.cumulative(op, t, axis, reverse)],
            expected: () => [cumulativeReference(op, x, axis, reverse)],
            kind: op === 'max' || op === 'min' ? ('exact' as const) : ('accumulation' as const),
          };
        }),
      ),
      gradients: [
        cumulativeGrad('sum', positive, false),
        cumulativeGrad('sum', positive, true),
        cumulativeGrad('prod', positive, false),
        cumulativeGrad('max', unique, false),
        cumulativeGrad('min', unique, true),
      ],
    },
    sort: {
      forward: [
        {
          title: 'sort keys carrying int32 values, along axis 1',
          inputs: [unique, hostTensor('int32', [3, 4], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])],
          run: (k, v) => lax.sort([k, v], 1, 1),
          expected: () =>
            sortReference(
              [unique, hostTensor('int32', [3, 4], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])],
              1,
              1,
            ),
          kind: 'exact',
        },
      ],
      gradients: [
        { title: 'sorted values', inputs: [unique], run: (k) => lax.sort([k], 1, 1) },
        {
          title: 'values carried by float keys',
          inputs: [unique, f32([3, 4], 22)],
          run: (k, v) => lax.sort([k, v], 1, 1),
        },
      ],
    },
    threefry2x32: {
      forward: [
        {
          title: 'the Random123 known-answer vectors',
          inputs: [
            ids('uint32', [0, 0xffffffff, 0x13198a2e]),
            ids('uint32', [0, 0xffffffff, 0x03707344]),
            ids('uint32', [0, 0xffffffff, 0x243f6a88]),
            ids('uint32', [0, 0xffffffff, 0x85a308d3]),
          ],
          run: (k0, k1, x0, x1) => lax.threefry2x32(k0, k1, x0, x1),
          expected: () => [
            { shape: [3], dtype: 'uint32' as const, values: [0x6b200159, 0x1cb996fc, 0xc4923a9c] },
            { shape: [3], dtype: 'uint32' as const, values: [0x99ba4efe, 0xbb002be7, 0x483df7a0] },
          ],
          kind: 'exact',
        },
      ],
      gradients: { none: 'random bits are not differentiable' },
    },
  };
}
