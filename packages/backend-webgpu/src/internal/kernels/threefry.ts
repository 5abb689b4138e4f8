/**
 * Threefry-2x32 (Random123, 20 rounds) elementwise over uint32 views — the hash behind
 * `jax.random`, bit for bit. WGSL's u32 arithmetic wraps modulo 2^32, which is exactly what the
 * cipher needs; the rounds are unrolled at generation time.
 */
import type { OutputSpec, StridedView } from '@tensile/core';
import { collapseDims, contiguousStrides, sizeOf } from '../strided.js';
import { launchMap, mapKernel, stridedOffsets, stridedParams } from '../wgsl/map-kernel.js';
import type { KernelContext } from './context.js';

/** Rotation amounts of the even and odd groups of four rounds. */
const ROTATIONS = [
  [13, 15, 26, 6],
  [17, 29, 16, 24],
];

/** The unrolled cipher: reads `k0, k1, x0, x1`, writes `r0, r1`. */
function cipherBody(): string {
  const lines = [
    'let ks2 = k0 ^ k1 ^ 0x1bd11bdau;',
    'var ks = array<u32, 3>(k0, k1, ks2);',
    'var a = x0 + k0;',
    'var b = x1 + k1;',
  ];
  for (let group = 0; group < 5; group++) {
    for (const rotation of ROTATIONS[group & 1] as number[]) {
      lines.push(`a = a + b; b = (b << ${rotation}u) | (b >> ${32 - rotation}u); b = b ^ a;`);
    }
    lines.push(`a = a + ks[${(group + 1) % 3}]; b = b + ks[${(group + 2) % 3}] + ${group + 1}u;`);
  }
  lines.push('r0 = a;', 'r1 = b;');
  return lines.join('\n');
}

/**
 * `(out0, out1) = threefry2x32((key0, key1), (x0, x1))` for every element.
 *
 * @example
 * threefry2x32(context, key0, key1, x0, x1, out0, out1);
 */
export function threefry2x32(
  context: KernelContext,
  key0: StridedView,
  key1: StridedView,
  x0: StridedView,
  x1: StridedView,
  out0: OutputSpec,
  out1: OutputSpec,
): void {
  const { shape } = x0;
  const views = [key0, key1, x0, x1];
  for (const [what, operand] of Object.entries({ key0, key1, x1, out0, out1 })) {
    if (operand.shape.length !== shape.length || operand.shape.some((n, d) => n !== shape[d]))
      throw new Error(`threefry2x32: ${what} has shape [${operand.shape}], expected [${shape}]`);
    if (operand.dtype !== 'uint32')
      throw new Error(`threefry2x32: ${what} is ${operand.dtype}, expected uint32`);
  }
  const buffers = views.map((view) => context.memory.view('threefry2x32', view));
  const outputs = [out0, out1].map((out) => context.memory.output('threefry2x32', out));
  const collapsed = collapseDims(shape, [...views.map((v) => v.strides), contiguousStrides(shape)]);
  const rank = collapsed.shape.length;
  const kernel = mapKernel(`threefry:r${rank}`, () => ({
    inputs: ['uint32', 'uint32', 'uint32', 'uint32'],
    outputs: ['uint32', 'uint32'],
    paramWords: rank + 4 * (rank + 1),
    body: [
      stridedOffsets(rank, 4, 4),
      'let k0 = ld0(i0); let k1 = ld1(i1); let x0 = ld2(i2); let x1 = ld3(i3);',
      cipherBody(),
    ].join('\n'),
  }));
  const params = stridedParams(
    collapsed.shape,
    views.map((view, k) => ({ offset: view.offset, strides: collapsed.strides[k] as number[] })),
  );
  launchMap(context.queue, kernel, sizeOf(shape), params, buffers, outputs);
}
