/**
 * `fill` and `copy`: constants converted to each dtype, and materialising every kind of
 * strided view — transposed, reversed (negative strides with an offset), sliced with steps and
 * an offset, broadcast (stride 0), size-1 dims with arbitrary strides, rank 0 and empty.
 */
import type { DType } from '@tensile/core';
import { EXACT, expectValues } from '../compare.js';
import { LAYOUTS, withDevice } from '../device.js';
import { type HostTensor, hostTensor, roundTo, sizeOf } from '../host-data.js';
import { castReference } from '../oracles/elementwise.js';
import { forEachIndex } from '../oracles/ndarray.js';
import { sampleTensor } from '../sample.js';
import { ALL_DTYPES, type SuiteContext } from '../suite-context.js';

/** Fill values per dtype, including ones the conversion changes (truncation, → bool). */
const FILL_VALUES: { readonly [D in DType]: readonly number[] } = {
  float32: [2.5, -0, 1e30, -7.125],
  float16: [2.5, -0.333, 65504],
  int32: [-7, 2147483647, -2.7],
  uint32: [4294967295, 0, 7.9],
  bool: [1, 0, 0.5, -2],
};

/** The elements a strided view of `base` (a contiguous host buffer) reads, row-major. */
function viewValues(
  base: HostTensor,
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
): number[] {
  const values: number[] = [];
  forEachIndex(shape, (index) => {
    values.push(
      base.values[index.reduce((p, i, d) => p + i * (strides[d] as number), offset)] as number,
    );
  });
  return values;
}

/** Hand-built views of a contiguous base: `[description, base shape, view shape, strides, offset]`. */
const VIEWS: readonly (readonly [
  string,
  readonly number[],
  readonly number[],
  readonly number[],
  number,
])[] = [
  ['row broadcast over 2 rows (stride 0)', [3], [2, 3], [0, 1], 0],
  ['column broadcast over 2 columns (stride 0)', [3], [3, 2], [1, 0], 0],
  ['one element broadcast to 2×2 at offset 4', [6], [2, 2], [0, 0], 4],
  [
    'rows 3,1 × columns 1,3 of a 4×5 (negative and step strides, offset)',
    [4, 5],
    [2, 2],
    [-10, 2],
    16,
  ],
  ['size-1 dim with an arbitrary stride', [3], [1, 3], [1000, 1], 0],
  ['rank 0 at offset 5', [6], [], [], 5],
  ['broadcast, then reversed', [4], [3, 4], [0, -1], 3],
];

/**
 * Register the `fill/*` and `copy/*` tests.
 *
 * @example
 * registerFillCopyTests(suite);
 */
export function registerFillCopyTests(suite: SuiteContext): void {
  const { backend, registrar } = suite;

  for (const dtype of ALL_DTYPES) {
    registrar.test(
      `fill/${dtype}`,
      `fill converts the value to ${dtype}`,
      { dtypes: [dtype] },
      () =>
        withDevice(backend, async (device) => {
          for (const value of FILL_VALUES[dtype]) {
            const out = device.output(dtype, [2, 3]);
            backend.fill(out, value);
            const expected = roundTo(dtype, castReference(dtype, value));
            expectValues(await device.read(out), {
              what: `fill(${value}) into ${dtype}[2,3]`,
              dtype,
              expected: new Array(6).fill(expected),
              tolerance: EXACT,
            });
          }
        }),
    );
  }

  for (const dtype of ALL_DTYPES) {
    for (const layout of LAYOUTS) {
      registrar.test(
        `copy/${layout}/${dtype}`,
        `copy of a ${layout} ${dtype}[3,4,2] view`,
        { dtypes: [dtype] },
        () =>
          withDevice(backend, async (device) => {
            const x = sampleTensor(dtype, [3, 4, 2], 11);
            const out = device.output(dtype, x.shape);
            backend.copy(device.upload(x, layout), out);
            expectValues(await device.read(out), {
              what: `copy (${layout})`,
              dtype,
              shape: x.shape,
              expected: x.values,
              tolerance: EXACT,
            });
          }),
      );
    }
    registrar.test(
      `copy/views/${dtype}`,
      `copy of broadcast, stepped, reversed and rank-0 ${dtype} views`,
      { dtypes: [dtype] },
      () =>
        withDevice(backend, async (device) => {
          for (const [description, baseShape, shape, strides, offset] of VIEWS) {
            const base = sampleTensor(dtype, baseShape, 5 + sizeOf(baseShape));
            const view = device.view(device.upload(base), shape, strides, offset);
            const out = device.output(dtype, shape);
            backend.copy(view, out);
            expectValues(await device.read(out), {
              what: `copy of ${description} (shape [${shape}], strides [${strides}], offset ${offset})`,
              dtype,
              shape,
              expected: viewValues(base, shape, strides, offset),
              tolerance: EXACT,
            });
          }
        }),
    );
  }

  registrar.test(
    'copy/empty',
    'copy of a zero-size view writes nothing and does not fail',
    {},
    () =>
      withDevice(backend, async (device) => {
        const base = device.upload(hostTensor('float32', [3], [1, 2, 3]));
        const out = device.output('float32', [0, 3]);
        backend.copy(device.view(base, [0, 3], [3, 1], 0), out);
        expectValues(await device.read(out), {
          what: 'copy of float32[0,3]',
          dtype: 'float32',
          expected: [],
          tolerance: EXACT,
        });
      }),
  );
}
