import { describe, expect, it } from 'vitest';
import { range, setup } from './helpers.js';

describe('gather', () => {
  it('takes along the last axis', () => {
    const { backend, view, output, read } = setup();
    const out = output('float32', [2, 2]);
    backend.gather(view('float32', [1, 2, 3, 4, 5, 6], [2, 3]), view('int32', [2, 0], [2]), 1, out);
    expect(read(out)).toEqual([3, 1, 6, 4]);
  });

  it('takes rows with a 2-d index array', () => {
    const { backend, view, output, read } = setup();
    const out = output('int32', [2, 2, 3]);
    backend.gather(view('int32', range(9), [3, 3]), view('int32', [1, 0, 2, 2], [2, 2]), 0, out);
    expect(read(out)).toEqual([3, 4, 5, 0, 1, 2, 6, 7, 8, 6, 7, 8]);
  });

  it('takes the middle axis of a 3-d strided view with flipped indices', () => {
    // x[i][j][k] = 100i + 10j + k, stored with the last two axes transposed.
    const stored: number[] = [];
    for (let i = 0; i < 2; i++)
      for (let k = 0; k < 2; k++) for (let j = 0; j < 3; j++) stored.push(100 * i + 10 * j + k);
    const { backend, view, output, read } = setup();
    const out = output('float32', [2, 2, 2]);
    // indices stored [0, 9, 2]; viewed flipped every other element → [2, 0].
    backend.gather(
      view('float32', stored, [2, 3, 2], [6, 1, 3]),
      view('int32', [0, 9, 2], [2], [-2], 2),
      1,
      out,
    );
    expect(read(out)).toEqual([20, 21, 0, 1, 120, 121, 100, 101]);
  });

  it('clamps out-of-range indices', () => {
    const { backend, view, output, read } = setup();
    const out = output('float32', [3]);
    backend.gather(view('float32', [7, 8, 9], [3]), view('int32', [-1, 5, 1], [3]), 0, out);
    expect(read(out)).toEqual([7, 9, 8]);
  });

  it('rejects a wrong output shape', () => {
    const { backend, view, output } = setup();
    expect(() =>
      backend.gather(
        view('float32', range(6), [2, 3]),
        view('int32', [0], [1]),
        1,
        output('float32', [2, 2]),
      ),
    ).toThrow(/gather: output has shape \[2,2\], expected \[2,1\]/);
  });
});

describe('scatterAdd', () => {
  it('accumulates duplicate indices', () => {
    const { backend, view, output, read } = setup();
    const out = output('float32', [3]);
    backend.scatterAdd(
      view('float32', [0, 0, 0], [3]),
      view('int32', [1, 1, 2], [3]),
      view('float32', [1, 2, 3], [3]),
      0,
      out,
    );
    expect(read(out)).toEqual([0, 3, 3]);
  });

  it('adds rows along the middle axis into a non-zero operand, from strided updates', () => {
    const { backend, view, output, read } = setup();
    const out = output('int32', [2, 3, 2]);
    const operand = view('int32', new Array(12).fill(100), [2, 3, 2]);
    const indices = view('int32', [2, 0], [2]);
    // updates [2, 2, 2] with u[i][p][k] = 10i + 3p + k, stored with the last two axes transposed.
    const stored: number[] = [];
    for (let i = 0; i < 2; i++)
      for (let k = 0; k < 2; k++) for (let p = 0; p < 2; p++) stored.push(10 * i + 3 * p + k);
    backend.scatterAdd(operand, indices, view('int32', stored, [2, 2, 2], [4, 1, 2]), 1, out);
    // Row j=2 gets p=0, row j=0 gets p=1, row j=1 stays.
    expect(read(out)).toEqual([103, 104, 100, 100, 100, 101, 113, 114, 100, 100, 110, 111]);
  });

  it('wraps integers, rounds floats per add and ors bools', () => {
    const { backend, view, output, read } = setup();
    const ints = output('int32', [1]);
    backend.scatterAdd(
      view('int32', [2147483647], [1]),
      view('int32', [0], [1]),
      view('int32', [1], [1]),
      0,
      ints,
    );
    expect(read(ints)).toEqual([-2147483648]);
    const floats = output('float32', [1]);
    backend.scatterAdd(
      view('float32', [16777216], [1]),
      view('int32', [0, 0], [2]),
      view('float32', [1, 1], [2]),
      0,
      floats,
    );
    expect(read(floats)).toEqual([16777216]);
    const bools = output('bool', [2]);
    backend.scatterAdd(
      view('bool', [1, 0], [2]),
      view('int32', [0, 0, 1], [3]),
      view('bool', [1, 0, 0], [3]),
      0,
      bools,
    );
    expect(read(bools)).toEqual([1, 0]);
  });

  it('rejects updates of the wrong shape', () => {
    const { backend, view, output } = setup();
    expect(() =>
      backend.scatterAdd(
        view('float32', [0, 0, 0], [3]),
        view('int32', [0, 1], [2]),
        view('float32', [1, 2, 3], [3]),
        0,
        output('float32', [3]),
      ),
    ).toThrow(/scatterAdd: updates has shape \[3\], expected \[2\]/);
  });
});
