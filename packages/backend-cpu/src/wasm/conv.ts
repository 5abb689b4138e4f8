/**
 * `conv` on the Wasm path: float32 convolutions of any rank, stride, padding, dilation and
 * grouping as one implicit GEMM per group, with no im2col matrix.
 *
 * With a (padded, dilated) input P, output element (b, o, s) is Σ over input channels f and
 * window taps w of rhs[o, f, w] · P[b, f, s·stride + w·rhsDilation]. The P offset splits into a
 * part that depends only on (f, w) and one that depends only on (b, s), so the convolution is
 * the GEMM C[o, (b, s)] = A[o, (f, w)] · B[(f, w), (b, s)] where A is the filter and B the
 * windows of P, both given to the packers as offset tables: the packer gathers each kc×nc block
 * of the im2col matrix into cache-sized panels as the GEMM needs it. Every convolution the core
 * derives lands here too: the input gradient (lhs dilation, flipped and transposed filter view)
 * and the filter gradient (batch and features swapped, the cotangent as a large window, batch
 * groups), the latter a GEMM with K = batch × output positions.
 *
 * Only positive padding and lhs dilation need P materialised: the input is copied once, row by
 * row in Wasm, into a zeroed scratch array with the holes and borders (input-sized, not
 * window-sized). Without them the tables index the input view directly (negative padding is
 * just an offset). The groups are one GEMM problem each, which `runGemms` spreads over the
 * threads.
 */
import type { ConvParams } from '@tensile/core';
import { planConv } from '../conv.js';
import type { CpuMemory } from '../memory.js';
import { type ArrayOut, type ArrayView, contiguousStrides, sizeOf } from '../strided.js';
import { type GemmProblem, gemmKernels, offsetTable, runGemms, uploadTables } from './gemm.js';
import type { GemmKernels } from './gemm-kernels.js';
import type { WasmRuntime } from './runtime.js';

/**
 * `lax.conv_general_dilated` for float32 operands on the Wasm kernels; returns false (having done
 * nothing) when it does not apply, so the caller runs the TypedArray kernel instead.
 *
 * @example
 * if (!wasmConv(runtime, lhs, rhs, params, out)) conv(lhs, rhs, params, out);
 */
export function wasmConv(
  runtime: WasmRuntime,
  lhs: ArrayView,
  rhs: ArrayView,
  params: ConvParams,
  out: ArrayOut,
): boolean {
  if (lhs.dtype !== 'float32' || rhs.dtype !== 'float32') return false;
  const kernels = gemmKernels(runtime);
  if (kernels === undefined) return false;
  const plan = planConv(lhs, rhs, params, out);
  const { windowShape, outputShape, outBatch, features, groupChannels } = plan;
  const groups = Math.max(plan.featureGroups, plan.batchGroups);
  const outSpatial = sizeOf(outputShape);
  const m = features / groups;
  const k = groupChannels * sizeOf(windowShape);
  const n = outBatch * outSpatial;
  const total = outBatch * features * outSpatial;
  if (total === 0) return true;
  if (k === 0) {
    out.data.fill(0, 0, total);
    return true;
  }
  const memory = runtime.memory;
  const spatial = windowShape.map((_, d) => d);
  // Byte addresses first: allocating scratch may grow the memory and detach these arrays.
  const rhsBase = rhs.data.byteOffset + 4 * rhs.offset;
  const outBase = out.data.byteOffset;
  const source = windowSource(memory, kernels, lhs, params);
  const s = source.strides;
  const tables = uploadTables(memory, [
    offsetTable([m], [rhs.strides[0]]),
    offsetTable([groupChannels, ...windowShape], rhs.strides.slice(1)),
    offsetTable(
      [groupChannels, ...windowShape],
      [s[1], ...spatial.map((d) => params.rhsDilation[d] * s[2 + d])],
    ),
    offsetTable(
      [outBatch, ...outputShape],
      [s[0], ...spatial.map((d) => params.windowStrides[d] * s[2 + d])],
    ),
    offsetTable([m], [outSpatial]),
    offsetTable([outBatch, outSpatial], [features * outSpatial, 1]),
  ]);
  const [aRows, aCols, bRows, bCols, cRows, cCols] = tables.addresses;
  const problems: GemmProblem[] = [];
  for (let g = 0; g < groups; g++) {
    // Feature groups split the input channels; batch groups split the input batch.
    const bShift = plan.featureGroups > 1 ? g * groupChannels * s[1] : g * outBatch * s[0];
    problems.push({
      m,
      n,
      k,
      a: { base: rhsBase + 4 * g * m * rhs.strides[0], rows: aRows, cols: aCols },
      b: { base: source.base + 4 * bShift, rows: bRows, cols: bCols },
      c: { base: outBase + 4 * g * m * outSpatial, rows: cRows, cols: cCols },
    });
  }
  runGemms(runtime, problems);
  tables.release();
  source.release();
  return true;
}

/**
 * Where the windows are read from: the byte address of the element every window offset is
 * relative to (output 0, tap 0) and the element strides of the [N, C, …spatial] array holding
 * them — the lhs view itself, or a zero-padded, dilated copy when padding is positive or the lhs
 * dilation exceeds 1.
 */
function windowSource(
  memory: CpuMemory,
  kernels: GemmKernels,
  lhs: ArrayView,
  params: ConvParams,
): { base: number; strides: readonly number[]; release(): void } {
  const lhsBase = lhs.data.byteOffset + 4 * lhs.offset;
  const inputShape = lhs.shape.slice(2);
  const padLow = params.padding.map(([low]) => low);
  const padHigh = params.padding.map(([, high]) => high);
  const materialise =
    padLow.some((p) => p > 0) ||
    padHigh.some((p) => p > 0) ||
    params.lhsDilation.some((d) => d > 1);
  if (!materialise) {
    // Negative low padding crops: the windows start |padLow| elements in.
    const shift = padLow.reduce((acc, p, d) => acc - p * lhs.strides[2 + d], 0);
    return { base: lhsBase + 4 * shift, strides: lhs.strides, release: () => {} };
  }
  const paddedShape = [
    lhs.shape[0],
    lhs.shape[1],
    ...inputShape.map(
      (size, d) =>
        (size === 0 ? 0 : (size - 1) * params.lhsDilation[d] + 1) +
        Math.max(padLow[d], 0) +
        Math.max(padHigh[d], 0),
    ),
  ];
  const strides = contiguousStrides(paddedShape);
  const size = sizeOf(paddedShape);
  const bytes = 4 * size;
  const base = memory.allocScratch(bytes);
  memory.f32().fill(0, base / 4, base / 4 + size);
  if (sizeOf(lhs.shape) > 0) {
    // Copy the input in, each element `padLow` in and `lhsDilation` apart, one row at a time.
    const spread = [
      strides[0],
      strides[1],
      ...inputShape.map((_, d) => strides[2 + d] * params.lhsDilation[d]),
    ];
    const corner = inputShape.reduce(
      (acc, _, d) => acc + Math.max(padLow[d], 0) * strides[2 + d],
      0,
    );
    const last = lhs.shape.length - 1;
    const rows = uploadTables(memory, [
      offsetTable(lhs.shape.slice(0, last), lhs.strides.slice(0, last)),
      offsetTable(lhs.shape.slice(0, last), spread.slice(0, last)),
    ]);
    const [srcRows, dstRows] = rows.addresses;
    kernels.copyRows(
      sizeOf(lhs.shape.slice(0, last)),
      lhs.shape[last],
      lhsBase,
      srcRows,
      4 * lhs.strides[last],
      base + 4 * corner,
      dstRows,
      4 * spread[last],
    );
    rows.release();
  }
  // Negative low padding still crops.
  const shift = padLow.reduce((acc, p, d) => acc + Math.max(-p, 0) * strides[2 + d], 0);
  return { base: base + 4 * shift, strides, release: () => memory.freeScratch(base, bytes) };
}
