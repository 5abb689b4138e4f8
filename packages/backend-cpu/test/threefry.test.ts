import { describe, expect, it } from 'vitest';
import { setup } from './helpers.js';

/** Known-answer vectors of Threefry-2x32, 20 rounds (Random123 / JAX). */
const VECTORS: [key: [number, number], counter: [number, number], expected: [number, number]][] = [
  [
    [0x13198a2e, 0x03707344],
    [0x243f6a88, 0x85a308d3],
    [0xc4923a9c, 0x483df7a0],
  ],
  [
    [0, 0],
    [0, 0],
    [0x6b200159, 0x99ba4efe],
  ],
  [
    [0xffffffff, 0xffffffff],
    [0xffffffff, 0xffffffff],
    [0x1cb996fc, 0xbb002be7],
  ],
];

describe('threefry2x32', () => {
  it('matches the known-answer vectors, elementwise', () => {
    const { backend, view, output, read } = setup();
    const n = VECTORS.length;
    const column = (pick: (v: (typeof VECTORS)[number]) => number) =>
      view('uint32', VECTORS.map(pick), [n]);
    const out0 = output('uint32', [n]);
    const out1 = output('uint32', [n]);
    backend.threefry2x32(
      column((v) => v[0][0]),
      column((v) => v[0][1]),
      column((v) => v[1][0]),
      column((v) => v[1][1]),
      out0,
      out1,
    );
    expect(read(out0)).toEqual(VECTORS.map((v) => v[2][0]));
    expect(read(out1)).toEqual(VECTORS.map((v) => v[2][1]));
  });

  it('broadcasts a key over strided counters', () => {
    const { backend, view, output, read } = setup();
    const [[k0, k1], [c0, c1], [e0, e1]] = VECTORS[0];
    // Counters stored flipped, with a decoy in front; the key is one element broadcast.
    const x0 = view('uint32', [c0, 7, c0, 1], [2], [-2], 2);
    const x1 = view('uint32', [c1, 7, c1, 2], [2], [-2], 2);
    const key0 = view('uint32', [k0], [2], [0]);
    const key1 = view('uint32', [k1], [2], [0]);
    const out0 = output('uint32', [2]);
    const out1 = output('uint32', [2]);
    backend.threefry2x32(key0, key1, x0, x1, out0, out1);
    expect(read(out0)).toEqual([e0, e0]);
    expect(read(out1)).toEqual([e1, e1]);
  });
});
