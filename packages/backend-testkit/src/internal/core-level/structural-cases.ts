/**
 * Core-level cases of the primitives that move data rather than compute it — select and dtype
 * conversions, constants (fill, iota), view changes (reshape, transpose, broadcastInDim, slice,
 * pad, rev, concatenate), indexing (gather, scatterAdd, dynamicSlice, dynamicUpdateSlice) and
 * stopGradient — with reference results and gradient checks.
 *
 * Several inputs are deliberately non-contiguous views (a transpose feeding a reshape, a slice
 * feeding a gather) so the core's zero-copy paths hand the backend strided views.
 */
import { grad, lax, type Tensor } from '@tensile/core';
import { hostTensor } from '../host-data.js';
import { gatherReference, scatterAddReference } from '../oracles/indexing.js';
import {
  broadcastInDimReference,
  concatenateReference,
  dynamicSliceReference,
  dynamicUpdateSliceReference,
  padReference,
  revReference,
  sliceReference,
  transposeReference,
} from '../oracles/structural.js';
import { sampleTensor } from '../sample.js';
import type { PrimitiveEntry } from './cases.js';

type StructuralName =
  | 'select'
  | 'convertElementType'
  | 'bitcastConvertType'
  | 'fill'
  | 'iota'
  | 'reshape'
  | 'transpose'
  | 'broadcastInDim'
  | 'slice'
  | 'pad'
  | 'rev'
  | 'concatenate'
  | 'gather'
  | 'scatterAdd'
  | 'dynamicSlice'
  | 'dynamicUpdateSlice'
  | 'stopGradient';

const f32 = (shape: readonly number[], seed: number) => sampleTensor('float32', shape, seed);

/**
 * The entries of the data-movement primitives, creating constants on `backend`.
 *
 * @example
 * structuralEntries('cpu').pad.gradients // checkGrads cases for pad
 */
export function structuralEntries(backend: string): {
  readonly [K in StructuralName]: PrimitiveEntry;
} {
  const x234 = f32([2, 3, 4], 1);
  const x56 = f32([5, 6], 2);
  const x43 = f32([4, 3], 3);
  const indices = hostTensor('int32', [3], [2, 0, 2]);
  const mask = hostTensor('bool', [4], [1, 0, 0, 1]);
  const a4 = f32([4], 4);
  const b4 = f32([4], 5);
  const padValue = hostTensor('float32', [], [0.5]);
  const column = f32([3, 1], 6);
  const sliced = sliceReference(x43, [0, 1], [4, 3], [1, 1]);
  const transposeOf = (x: Tensor) => lax.transpose(x, [2, 0, 1]);

  return {
    select: {
      forward: [
        {
          title: 'select(mask, a, b)',
          inputs: [mask, a4, b4],
          run: (c, a, b) => [lax.select(c, a, b)],
          expected: () => [
            { shape: [4], values: mask.values.map((m, i) => (m ? a4 : b4).values[i] as number) },
          ],
          kind: 'exact',
        },
      ],
      gradients: [
        {
          title: 'select in both branches',
          inputs: [a4, b4],
          constants: [mask],
          run: (a, b, c) => [lax.select(c as Tensor, a, b)],
        },
      ],
    },
    convertElementType: {
      forward: [
        {
          title: 'float32 → int32 truncates, int32 → float32',
          inputs: [
            hostTensor('float32', [4], [-2.7, 0.5, 3.9, -0.2]),
            hostTensor('int32', [2], [16777217, -3]),
          ],
          run: (x, i) => [lax.convertElementType(x, 'int32'), lax.convertElementType(i, 'float32')],
          expected: () => [
            { shape: [4], dtype: 'int32', values: [-2, 0, 3, 0] },
            { shape: [2], dtype: 'float32', values: [16777216, -3] },
          ],
          kind: 'exact',
        },
      ],
      gradients: [
        {
          title: 'through a float32 → weak float32 conversion',
          inputs: [a4],
          run: (x) => [lax.mul(lax.convertElementType(x, 'float32', true), x)],
        },
      ],
    },
    bitcastConvertType: {
      forward: [
        {
          title: 'float32 bits as int32 and uint32',
          inputs: [hostTensor('float32', [3], [1, -2, 0.5])],
          run: (x) => [lax.bitcastConvertType(x, 'int32'), lax.bitcastConvertType(x, 'uint32')],
          expected: () => [
            { shape: [3], dtype: 'int32', values: [0x3f800000, -0x40000000, 0x3f000000] },
            { shape: [3], dtype: 'uint32', values: [0x3f800000, 0xc0000000, 0x3f000000] },
          ],
          kind: 'exact',
        },
      ],
      gradients: { none: 'bit reinterpretation is not differentiable' },
    },
    fill: {
      forward: [
        {
          title: 'lax.full of float32, int32 and bool',
          inputs: [],
          run: () => [
            lax.full([2, 3], 2.5, 'float32', false, backend),
            lax.full([4], -7, 'int32', false, backend),
            lax.full([], 1, 'bool', false, backend),
          ],
          expected: () => [
            { shape: [2, 3], values: new Array(6).fill(2.5) },
            { shape: [4], values: new Array(4).fill(-7) },
            { shape: [], values: [1] },
          ],
          kind: 'exact',
        },
      ],
      gradients: { none: 'a constant has no inputs' },
    },
    iota: {
      forward: [
        {
          title: 'lax.iota along each axis',
          inputs: [],
          run: () => [
            lax.iota([2, 3], 'int32', 1, backend),
            lax.iota([3, 2], 'float32', 0, backend),
          ],
          expected: () => [
            { shape: [2, 3], values: [0, 1, 2, 0, 1, 2] },
            { shape: [3, 2], values: [0, 0, 1, 1, 2, 2] },
          ],
          kind: 'exact',
        },
      ],
      gradients: { none: 'a constant has no inputs' },
    },
    reshape: {
      forward: [
        {
          title: 'reshape of a contiguous and of a transposed (non-contiguous) tensor',
          inputs: [x234],
          run: (x) => [lax.reshape(x, [6, 4]), lax.reshape(transposeOf(x), [4, 6])],
          expected: () => [
            { shape: [6, 4], values: x234.values },
            { shape: [4, 6], values: transposeReference(x234, [2, 0, 1]).values },
          ],
          kind: 'exact',
        },
      ],
      gradients: [
        {
          title: 'reshape of a transposed tensor',
          inputs: [x234],
          run: (x) => [lax.reshape(transposeOf(x), [4, 6])],
        },
      ],
    },
    transpose: {
      forward: [
        {
          title: 'transpose [2,3,4] by [2,0,1]',
          inputs: [x234],
          run: (x) => [transposeOf(x)],
          expected: () => [transposeReference(x234, [2, 0, 1])],
          kind: 'exact',
        },
      ],
      gradients: [{ title: 'transpose', inputs: [x234], run: (x) => [lax.exp(transposeOf(x))] }],
    },
    broadcastInDim: {
      forward: [
        {
          title: 'broadcast a row and a size-1 column',
          inputs: [a4, column],
          run: (row, col) => [
            lax.broadcastInDim(row, [3, 4], [1]),
            lax.broadcastInDim(col, [3, 4], [0, 1]),
          ],
          expected: () => [
            broadcastInDimReference(a4, [3, 4], [1]),
            broadcastInDimReference(column, [3, 4], [0, 1]),
          ],
          kind: 'exact',
        },
      ],
      gradients: [
        {
          title: 'broadcast (its transpose sums)',
          inputs: [a4],
          run: (row) => [lax.sin(lax.broadcastInDim(row, [3, 4], [1]))],
        },
      ],
    },
    slice: {
      forward: [
        {
          title: 'slice [5,6] rows 1:4:2, columns 0:6:3',
          inputs: [x56],
          run: (x) => [lax.slice(x, [1, 0], [4, 6], [2, 3])],
          expected: () => [sliceReference(x56, [1, 0], [4, 6], [2, 3])],
          kind: 'exact',
        },
      ],
      gradients: [
        {
          title: 'strided slice',
          inputs: [x56],
          run: (x) => [lax.slice(x, [1, 0], [4, 6], [2, 3])],
        },
      ],
    },
    pad: {
      forward: [
        {
          title: 'pad with low, negative low, high and interior padding',
          inputs: [x43, padValue],
          run: (x, v) => [lax.pad(x, v, [1, -1], [0, 2], [1, 0])],
          expected: () => [padReference(x43, 0.5, [1, -1], [0, 2], [1, 0])],
          kind: 'exact',
        },
      ],
      gradients: [
        {
          title: 'pad, in the operand and the padding value',
          inputs: [x43, padValue],
          run: (x, v) => [lax.pad(x, v, [1, -1], [0, 2], [1, 0])],
        },
      ],
    },
    rev: {
      forward: [
        {
          title: 'reverse both axes',
          inputs: [x43],
          run: (x) => [lax.rev(x, [0, 1])],
          expected: () => [revReference(x43, [0, 1])],
          kind: 'exact',
        },
      ],
      gradients: [{ title: 'rev', inputs: [x43], run: (x) => [lax.mul(lax.rev(x, [1]), x)] }],
    },
    concatenate: {
      forward: [
        {
          title: 'concatenate along axis 0 and along axis 1',
          inputs: [x43, f32([2, 3], 7), f32([4, 2], 8)],
          run: (a, b, c) => [lax.concatenate([a, b], 0), lax.concatenate([a, c], 1)],
          expected: () => [
            concatenateReference([x43, f32([2, 3], 7)], 0),
            concatenateReference([x43, f32([4, 2], 8)], 1),
          ],
          kind: 'exact',
        },
      ],
      gradients: [
        {
          title: 'concatenate',
          inputs: [x43, f32([2, 3], 7)],
          run: (a, b) => [lax.concatenate([a, b], 0)],
        },
      ],
    },
    gather: {
      forward: [
        {
          title: 'take rows [2, 0, 2] of a sliced view, and columns of the full tensor',
          inputs: [x43, indices],
          run: (x, i) => [lax.gather(lax.slice(x, [0, 1], [4, 3]), i, 0), lax.gather(x, i, 1)],
          expected: () => [
            gatherReference(hostTensor('float32', sliced.shape, sliced.values), indices, 0),
            gatherReference(x43, indices, 1),
          ],
          kind: 'exact',
        },
      ],
      gradients: [
        {
          title: 'gather with a repeated index (its transpose accumulates)',
          inputs: [x43],
          constants: [indices],
          run: (x, i) => [lax.gather(x, i as Tensor, 0)],
        },
      ],
    },
    scatterAdd: {
      forward: [
        {
          title: 'scatter-add rows with duplicate indices',
          inputs: [x43, indices, f32([3, 3], 9)],
          run: (x, i, u) => [lax.scatterAdd(x, i, u, 0)],
          expected: () => [scatterAddReference(x43, indices, f32([3, 3], 9), 0)],
          kind: 'accumulation',
        },
      ],
      gradients: [
        {
          title: 'scatter-add in the operand and the updates',
          inputs: [x43, f32([3, 3], 9)],
          constants: [indices],
          run: (x, u, i) => [lax.scatterAdd(x, i as Tensor, u, 0)],
        },
      ],
    },
    dynamicSlice: {
      forward: [
        {
          title: 'dynamic slice at [1, 5] (clamped to [1, 4] so a 3×2 window fits)',
          inputs: [x56, hostTensor('int32', [], [1]), hostTensor('int32', [], [5])],
          run: (x, r, c) => [lax.dynamicSlice(x, [r, c], [3, 2])],
          expected: () => [dynamicSliceReference(x56, [1, 5], [3, 2])],
          kind: 'exact',
        },
      ],
      gradients: [
        {
          title: 'dynamic slice',
          inputs: [x56],
          constants: [hostTensor('int32', [], [1]), hostTensor('int32', [], [5])],
          run: (x, r, c) => [lax.dynamicSlice(x, [r as Tensor, c as Tensor], [3, 2])],
        },
      ],
    },
    dynamicUpdateSlice: {
      forward: [
        {
          title: 'dynamic update at [3, 1] (clamped to [2, 1])',
          inputs: [
            x43,
            f32([2, 2], 10),
            hostTensor('int32', [], [3]),
            hostTensor('int32', [], [1]),
          ],
          run: (x, u, r, c) => [lax.dynamicUpdateSlice(x, u, [r, c])],
          expected: () => [dynamicUpdateSliceReference(x43, f32([2, 2], 10), [3, 1])],
          kind: 'exact',
        },
      ],
      gradients: [
        {
          title: 'dynamic update, in the operand and the update',
          inputs: [x43, f32([2, 2], 10)],
          constants: [hostTensor('int32', [], [3]), hostTensor('int32', [], [1])],
          run: (x, u, r, c) => [lax.dynamicUpdateSlice(x, u, [r as Tensor, c as Tensor])],
        },
      ],
    },
    stopGradient: {
      forward: [
        {
          title: 'identity forward; grad(x ↦ Σ stopGradient(x)·x) = x',
          inputs: [a4],
          run: (x) => [
            lax.stopGradient(x),
            grad((y: Tensor) => lax.reduce('sum', lax.mul(lax.stopGradient(y), y), [0]))(x),
          ],
          expected: () => [
            { shape: [4], values: a4.values },
            { shape: [4], values: a4.values },
          ],
          kind: 'basic',
        },
      ],
      gradients: {
        none: 'its derivative is zero by definition (checked by primitive/stopGradient)',
      },
    },
  };
}
