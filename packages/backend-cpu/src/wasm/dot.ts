/**
 * `dotGeneral` on the Wasm path: float32 batched matrix products through the blocked GEMM.
 *
 * Each operand's free and contracting axes become offset tables (any strides: transposed,
 * sliced, flipped or broadcast views are packed straight from where they lie, with no copy), and
 * the batch axes become one GEMM problem per batch index, which `runGemms` spreads over the
 * threads (whole problems when there are enough, else column ranges of each). Integer and bool
 * products stay on the TypedArray kernels.
 */
import type { DotDims } from '@tensile/core';
import { planDot } from '../dot.js';
import type { ArrayOut, ArrayView } from '../strided.js';
import { type GemmProblem, gemmKernels, offsetTable, runGemms, uploadTables } from './gemm.js';
import type { WasmRuntime } from './runtime.js';

/**
 * `lax.dot_general` for float32 operands on the Wasm kernels; returns false (having done nothing)
 * when it does not apply, so the caller runs the TypedArray kernel instead.
 *
 * @example
 * if (!wasmDotGeneral(runtime, a, b, dims, out)) dotGeneral(a, b, dims, out);
 */
export function wasmDotGeneral(
  runtime: WasmRuntime,
  a: ArrayView,
  b: ArrayView,
  dims: DotDims,
  out: ArrayOut,
): boolean {
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return false;
  const kernels = gemmKernels(runtime);
  if (kernels === undefined) return false;
  const plan = planDot(a, b, dims, out);
  const { batch, m, k, n } = plan;
  if (batch * m * n === 0) return true;
  if (k === 0) {
    out.data.fill(0, 0, batch * m * n);
    return true;
  }
  // Byte addresses first: allocating scratch may grow the memory and detach these arrays.
  const aBase = a.data.byteOffset + 4 * a.offset;
  const bBase = b.data.byteOffset + 4 * b.offset;
  const cBase = out.data.byteOffset;
  const table = (x: ArrayView, axes: readonly number[]) =>
    offsetTable(
      axes.map((d) => x.shape[d]),
      axes.map((d) => x.strides[d]),
    );
  const aBatch = table(a, plan.aBatch);
  const bBatch = table(b, plan.bBatch);
  const memory = runtime.memory;
  const tables = uploadTables(memory, [
    table(a, plan.aFree),
    table(a, plan.aContracting),
    table(b, plan.bContracting),
    table(b, plan.bFree),
    offsetTable([m], [n]),
    offsetTable([n], [1]),
  ]);
  const [aRows, aCols, bRows, bCols, cRows, cCols] = tables.addresses;
  const problems: GemmProblem[] = [];
  for (let t = 0; t < batch; t++) {
    problems.push({
      m,
      n,
      k,
      a: { base: aBase + aBatch[t], rows: aRows, cols: aCols },
      b: { base: bBase + bBatch[t], rows: bRows, cols: bCols },
      c: { base: cBase + 4 * t * m * n, rows: cRows, cols: cCols },
    });
  }
  runGemms(runtime, problems);
  tables.release();
  return true;
}
