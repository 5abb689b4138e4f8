/**
 * Map kernels: one invocation per output *word*, the shape of every kernel that computes each
 * output element independently — elementwise ops, casts, copies, fills, iota, threefry, gather,
 * and reductions done one output at a time.
 *
 * A spec gives the operand dtypes and a WGSL body that, for the output element index `e`,
 * assigns `r0`, `r1`, … (one per output). The generator adds the bindings, the parameter
 * accessors (`p(i)` as u32, `pi(i)` as i32; words 0–3 are the launch header), one loader
 * `ldK(i: i32)` per input, and the loop that packs outputs of sub-word dtypes (bool, float16)
 * into whole words, so no two invocations ever write the same word.
 */
import type { DType } from '@tensile/core';
import type { DeviceBuffer, Kernel, SubmissionQueue } from '../submission-queue.js';
import { dtypeLibrary, elementsPerWord, loadFunction, storeBits, valueType } from './dtypes.js';
import { librarySource } from './library.js';

/** Words of the launch header at the start of every parameter block: threads, row pitch, elements. */
export const HEADER_WORDS = 4;
/** Invocations per workgroup of map kernels (within every adapter's limits, SwiftShader's too). */
const WORKGROUP_SIZE = 64;

/** What a map kernel computes. */
export interface MapKernelSpec {
  readonly inputs: readonly DType[];
  readonly outputs: readonly DType[];
  /** Parameter words after the header. */
  readonly paramWords: number;
  /** WGSL statements assigning `r0`, `r1`, … for element `e: u32`. */
  readonly body: string;
  /** Library entries the body calls. */
  readonly uses?: readonly string[];
  /** Extra WGSL declared before `main` (helper functions). */
  readonly preamble?: string;
}

/** A compiled-to-WGSL map kernel and how many elements each invocation produces. */
export interface MapKernel extends Kernel {
  readonly elementsPerInvocation: number;
}

const kernels = new Map<string, MapKernel>();

/**
 * The map kernel for `key`, generated from `spec()` the first time.
 *
 * @example
 * const kernel = mapKernel('negate/f32', () => ({ inputs: ['float32'], outputs: ['float32'], paramWords: 1, body: 'r0 = -ld0(i32(e));' }));
 */
export function mapKernel(key: string, spec: () => MapKernelSpec): MapKernel {
  let kernel = kernels.get(key);
  if (kernel === undefined) {
    kernel = generate(spec());
    kernels.set(key, kernel);
  }
  return kernel;
}

function generate(spec: MapKernelSpec): MapKernel {
  const { inputs, outputs } = spec;
  const group = Math.max(1, ...outputs.map(elementsPerWord));
  const paramWords = Math.ceil((HEADER_WORDS + spec.paramWords) / 4) * 4;
  const uses = spec.uses ?? [];
  const lines: string[] = [
    kernelPrelude(inputs, outputs, paramWords, uses),
    spec.preamble ?? '',
    `@compute @workgroup_size(${WORKGROUP_SIZE})`,
    'fn main(@builtin(global_invocation_id) gid: vec3<u32>) {',
    '  let t = gid.x + gid.y * p(1u);',
    '  if (t >= p(0u)) { return; }',
    '  let count = p(2u);',
  ];
  const declare = outputs.map((dtype, j) => `var r${j}: ${valueType(dtype)};`).join(' ');
  if (group === 1) {
    lines.push('  let e = t;', `  ${declare}`, `  {\n${spec.body}\n  }`);
    outputs.forEach((dtype, j) => {
      lines.push(`  out${j}[e] = ${storeBits(dtype, `r${j}`)};`);
    });
  } else {
    outputs.forEach((dtype, j) => {
      const words = group / elementsPerWord(dtype);
      if (elementsPerWord(dtype) > 1) lines.push(`  var w${j}: array<u32, ${words}>;`);
    });
    lines.push(
      `  for (var k = 0u; k < ${group}u; k++) {`,
      `    let e = t * ${group}u + k;`,
      '    if (e >= count) { break; }',
      `    ${declare}`,
      `    {\n${spec.body}\n    }`,
    );
    outputs.forEach((dtype, j) => {
      const per = elementsPerWord(dtype);
      const bits = storeBits(dtype, `r${j}`);
      if (per === 1) lines.push(`    out${j}[e] = ${bits};`);
      else {
        const width = 32 / per;
        lines.push(`    w${j}[k / ${per}u] |= (${bits}) << ((k % ${per}u) * ${width}u);`);
      }
    });
    lines.push('  }');
    outputs.forEach((dtype, j) => {
      const per = elementsPerWord(dtype);
      if (per === 1) return;
      const words = group / per;
      lines.push(
        `  for (var i = 0u; i < ${words}u; i++) {`,
        `    let word = t * ${words}u + i;`,
        `    if (word < (count + ${per - 1}u) / ${per}u) { out${j}[word] = w${j}[i]; }`,
        '  }',
      );
    });
  }
  lines.push('}');
  return {
    code: lines.join('\n'),
    inputs: inputs.length,
    outputs: outputs.length,
    paramWords,
    elementsPerInvocation: group,
  };
}

/**
 * The declarations every generated kernel starts with: the parameter block and its accessors
 * `p(i)`/`pi(i)`, the bindings `inK` (read-only) and `outJ` (read-write) as `array<u32>`, the
 * library entries `uses` (plus what the dtypes need), and one loader `ldK(i: i32)` per input.
 *
 * @example
 * kernelPrelude(['float32'], ['float32'], 8, ['exp_f'])
 */
export function kernelPrelude(
  inputs: readonly DType[],
  outputs: readonly DType[],
  paramWords: number,
  uses: readonly string[],
): string {
  const entries = new Set(['specials', ...uses]);
  for (const dtype of [...inputs, ...outputs])
    for (const entry of dtypeLibrary(dtype)) entries.add(entry);
  return [
    `struct Params { v: array<vec4<u32>, ${paramWords / 4}> }`,
    '@group(0) @binding(0) var<uniform> P: Params;',
    ...inputs.map((_, k) => `@group(0) @binding(${k + 1}) var<storage, read> in${k}: array<u32>;`),
    ...outputs.map(
      (_, j) =>
        `@group(0) @binding(${inputs.length + j + 1}) var<storage, read_write> out${j}: array<u32>;`,
    ),
    'fn p(i: u32) -> u32 { return P.v[i >> 2u][i & 3u]; }',
    'fn pi(i: u32) -> i32 { return bitcast<i32>(p(i)); }',
    librarySource(entries),
    ...inputs.map((dtype, k) => loadFunction(`ld${k}`, `in${k}`, dtype)),
  ].join('\n');
}

/**
 * Enqueue `kernel` over `elements` output elements with parameter words `params` (after the
 * header, which this fills in: invocations, row pitch of the 2-D grid, elements).
 *
 * @example
 * launchMap(queue, kernel, 1000, [1000], [x], [out]);
 */
export function launchMap(
  queue: SubmissionQueue,
  kernel: MapKernel,
  elements: number,
  params: readonly number[],
  inputs: readonly DeviceBuffer[],
  outputs: readonly DeviceBuffer[],
): void {
  if (elements === 0) return;
  const invocations = Math.ceil(elements / kernel.elementsPerInvocation);
  const groups = Math.ceil(invocations / WORKGROUP_SIZE);
  const maxPerDimension = queue.device.limits.maxComputeWorkgroupsPerDimension;
  const x = Math.min(groups, maxPerDimension);
  const y = Math.ceil(groups / x);
  const block = new Uint32Array(kernel.paramWords);
  block[0] = invocations;
  block[1] = x * WORKGROUP_SIZE;
  block[2] = elements;
  for (let i = 0; i < params.length; i++) block[HEADER_WORDS + i] = params[i] as number;
  queue.dispatch(kernel, block, inputs, outputs, [x, y, 1]);
}

/**
 * WGSL statements computing the element offset `iK` of each of `operands` strided operands for
 * output element `e`, from parameters laid out at word `base`: the shape (`rank` words), then
 * per operand its offset and `rank` strides. `coordinates` names the per-dim coordinates `cD`.
 *
 * @example
 * stridedOffsets(2, 1, 4) // decomposes e over p(4), p(5); i0 = pi(6) + c0 * pi(7) + c1 * pi(8)
 */
export function stridedOffsets(rank: number, operands: number, base: number): string {
  const lines: string[] = ['var rem = e;'];
  for (let d = rank - 1; d >= 1; d--) {
    lines.push(`let c${d} = rem % p(${base + d}u); rem = rem / p(${base + d}u);`);
  }
  if (rank >= 1) lines.push('let c0 = rem;');
  for (let k = 0; k < operands; k++) {
    const at = base + rank + k * (rank + 1);
    let expression = `pi(${at}u)`;
    for (let d = 0; d < rank; d++) expression += ` + i32(c${d}) * pi(${at + 1 + d}u)`;
    lines.push(`let i${k} = ${expression};`);
  }
  return lines.join('\n');
}

/**
 * The parameter words `stridedOffsets` reads: the shape, then offset and strides per operand.
 *
 * @example
 * stridedParams([2, 3], [{ offset: 0, strides: [3, 1] }]) // [2, 3, 0, 3, 1]
 */
export function stridedParams(
  shape: readonly number[],
  operands: readonly { offset: number; strides: readonly number[] }[],
): number[] {
  const words = [...shape];
  for (const operand of operands) words.push(operand.offset, ...operand.strides);
  return words.map((w) => w >>> 0);
}
