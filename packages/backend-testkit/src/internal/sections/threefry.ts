/**
 * `threefry2x32` against published known-answer vectors (Random123's kat_vectors for
 * Threefry-2x32 with 20 rounds, which JAX's implementation also reproduces), contiguous and
 * through broadcast and reversed views.
 */
import { EXACT, expectValues } from '../compare.js';
import { withDevice } from '../device.js';
import { hostTensor } from '../host-data.js';
import type { SuiteContext } from '../suite-context.js';

/** `[key0, key1, x0, x1] → [out0, out1]` known answers. */
const KNOWN_VECTORS: readonly (readonly [
  readonly [number, number, number, number],
  readonly [number, number],
])[] = [
  [
    [0x00000000, 0x00000000, 0x00000000, 0x00000000],
    [0x6b200159, 0x99ba4efe],
  ],
  [
    [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff],
    [0x1cb996fc, 0xbb002be7],
  ],
  [
    [0x13198a2e, 0x03707344, 0x243f6a88, 0x85a308d3],
    [0xc4923a9c, 0x483df7a0],
  ],
];

const column = (k: number): number[] => KNOWN_VECTORS.map(([inputs]) => inputs[k] as number);
const answers = (k: number): number[] => KNOWN_VECTORS.map(([, outputs]) => outputs[k] as number);

/**
 * Register the `threefry2x32/*` tests.
 *
 * @example
 * registerThreefryTests(suite);
 */
export function registerThreefryTests(suite: SuiteContext): void {
  const { backend, registrar } = suite;

  registrar.test(
    'threefry2x32/known-vectors',
    'the Random123 known-answer vectors, elementwise',
    { dtypes: ['uint32'] },
    () =>
      withDevice(backend, async (device) => {
        const n = KNOWN_VECTORS.length;
        const inputs = [0, 1, 2, 3].map((k) => device.upload(hostTensor('uint32', [n], column(k))));
        const [out0, out1] = [device.output('uint32', [n]), device.output('uint32', [n])];
        backend.threefry2x32(inputs[0], inputs[1], inputs[2], inputs[3], out0, out1);
        expectValues(await device.read(out0), {
          what: 'threefry2x32 out0',
          dtype: 'uint32',
          expected: answers(0),
          tolerance: EXACT,
        });
        expectValues(await device.read(out1), {
          what: 'threefry2x32 out1',
          dtype: 'uint32',
          expected: answers(1),
          tolerance: EXACT,
        });
      }),
  );

  registrar.test(
    'threefry2x32/strided-views',
    'a broadcast key (stride 0) over repeated counters, and reversed views',
    { dtypes: ['uint32'] },
    () =>
      withDevice(backend, async (device) => {
        // One key broadcast over a 2×2 grid of the same counter.
        const [[k0, k1, x0, x1], [y0, y1]] = KNOWN_VECTORS[2] as (typeof KNOWN_VECTORS)[number];
        const scalar = (v: number) =>
          device.view(device.upload(hostTensor('uint32', [1], [v])), [2, 2], [0, 0], 0);
        const [out0, out1] = [device.output('uint32', [2, 2]), device.output('uint32', [2, 2])];
        backend.threefry2x32(scalar(k0), scalar(k1), scalar(x0), scalar(x1), out0, out1);
        expectValues(await device.read(out0), {
          what: 'threefry2x32 out0 (broadcast)',
          dtype: 'uint32',
          expected: [y0, y0, y0, y0],
          tolerance: EXACT,
        });
        expectValues(await device.read(out1), {
          what: 'threefry2x32 out1 (broadcast)',
          dtype: 'uint32',
          expected: [y1, y1, y1, y1],
          tolerance: EXACT,
        });
        // Every operand stored back to front.
        const n = KNOWN_VECTORS.length;
        const reversed = [0, 1, 2, 3].map((k) =>
          device.upload(hostTensor('uint32', [n], column(k)), 'reversed'),
        );
        const [rev0, rev1] = [device.output('uint32', [n]), device.output('uint32', [n])];
        backend.threefry2x32(reversed[0], reversed[1], reversed[2], reversed[3], rev0, rev1);
        expectValues(await device.read(rev0), {
          what: 'threefry2x32 out0 (reversed views)',
          dtype: 'uint32',
          expected: answers(0),
          tolerance: EXACT,
        });
        expectValues(await device.read(rev1), {
          what: 'threefry2x32 out1 (reversed views)',
          dtype: 'uint32',
          expected: answers(1),
          tolerance: EXACT,
        });
      }),
  );
}
