/**
 * `iota`, `gather` and `scatterAdd`: index ramps along each axis, takes along either axis with
 * repeated and multi-dimensional indices from strided views, and scatter-adds where duplicate
 * indices must accumulate.
 */
import type { DType } from '@tensile/core';
import { EXACT, expectValues } from '../compare.js';
import { type Layout, withDevice } from '../device.js';
import { type HostTensor, hostTensor, sizeOf } from '../host-data.js';
import { gatherReference, scatterAddReference } from '../oracles/indexing.js';
import { forEachIndex } from '../oracles/ndarray.js';
import { sampleTensor } from '../sample.js';
import { type SuiteContext, toleranceFor } from '../suite-context.js';

/** `[x shape, axis, indices, x layout, indices layout]` cases shared by gather and scatterAdd. */
const INDEX_CASES: readonly (readonly [readonly number[], number, HostTensor, Layout, Layout])[] = [
  [[4, 3], 0, hostTensor('int32', [5], [1, 3, 1, 1, 0]), 'contiguous', 'contiguous'],
  [[2, 4], 1, hostTensor('int32', [3], [3, 0, 3]), 'transposed', 'reversed'],
  [[3, 4, 2], 1, hostTensor('int32', [2, 2], [2, 2, 0, 3]), 'sliced', 'transposed'],
  [[5], 0, hostTensor('int32', [], [4]), 'reversed', 'contiguous'],
];

/**
 * Register the `iota/*`, `gather/*` and `scatterAdd/*` tests.
 *
 * @example
 * registerIndexingTests(suite);
 */
export function registerIndexingTests(suite: SuiteContext): void {
  const { backend, registrar } = suite;

  for (const dtype of ['int32', 'uint32', 'float32'] as const) {
    registrar.test(
      `iota/${dtype}`,
      `iota of ${dtype}[2,3,4] along each axis`,
      { dtypes: [dtype] },
      () =>
        withDevice(backend, async (device) => {
          const shape = [2, 3, 4];
          for (const axis of [0, 1, 2]) {
            const out = device.output(dtype, shape);
            backend.iota(axis, out);
            const expected: number[] = [];
            forEachIndex(shape, (index) => expected.push(index[axis] as number));
            expectValues(await device.read(out), {
              what: `iota axis ${axis} (${dtype})`,
              dtype,
              shape,
              expected,
              tolerance: EXACT,
            });
          }
        }),
    );
  }

  for (const dtype of ['float32', 'int32', 'bool'] as const satisfies readonly DType[]) {
    registrar.test(
      `gather/${dtype}`,
      `take of ${dtype} along axis 0, 1 and with 2-D and scalar indices`,
      { dtypes: [dtype] },
      () =>
        withDevice(backend, async (device) => {
          for (const [shape, axis, indices, xLayout, indexLayout] of INDEX_CASES) {
            const x = sampleTensor(dtype, shape, 51 + sizeOf(shape));
            const reference = gatherReference(x, indices, axis);
            const out = device.output(dtype, reference.shape);
            backend.gather(
              device.upload(x, xLayout),
              device.upload(indices, indexLayout),
              axis,
              out,
            );
            expectValues(await device.read(out), {
              what: `gather (${dtype}[${shape}] ${xLayout}, axis ${axis}, indices [${indices.values}] ${indexLayout})`,
              dtype,
              shape: reference.shape,
              expected: reference.values,
              tolerance: EXACT,
            });
          }
        }),
    );
  }

  for (const dtype of ['float32', 'int32'] as const) {
    registrar.test(
      `scatterAdd/${dtype}`,
      `scatter-add of ${dtype} where duplicate indices accumulate`,
      { dtypes: [dtype] },
      () =>
        withDevice(backend, async (device) => {
          for (const [shape, axis, indices, layout, indexLayout] of INDEX_CASES) {
            const operand = sampleTensor(dtype, shape, 61);
            const updateShape = [
              ...shape.slice(0, axis),
              ...indices.shape,
              ...shape.slice(axis + 1),
            ];
            const updates = sampleTensor(dtype, updateShape, 62);
            const reference = scatterAddReference(operand, indices, updates, axis);
            const out = device.output(dtype, shape);
            backend.scatterAdd(
              device.upload(operand, layout),
              device.upload(indices, indexLayout),
              device.upload(updates, layout),
              axis,
              out,
            );
            expectValues(await device.read(out), {
              what: `scatterAdd (${dtype}[${shape}], axis ${axis}, indices [${indices.values}])`,
              dtype,
              shape,
              expected: reference.values,
              scale: reference.scale,
              tolerance: toleranceFor(suite, dtype, 'accumulation'),
            });
          }
        }),
    );
  }
}
