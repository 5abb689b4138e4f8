import { describe, expect, it } from 'vitest';
import { erf, erfinv } from '../src/special-functions.js';
import { setup } from './helpers.js';

const f = Math.fround;

describe('erf', () => {
  // Reference values of erf to 16+ significant digits (Abramowitz & Stegun tables / DLMF).
  it.each([
    [0.1, 0.1124629160182849],
    [0.5, 0.5204998778130465],
    [1, 0.8427007929497149],
    [1.5, 0.9661051464753108],
    [2, 0.9953222650189527],
    [2.5, 0.999593047982555],
    [3, 0.9999779095030014],
    [4, 0.9999999845827421],
  ])('erf(%s) to double precision, odd symmetry', (x, expected) => {
    expect(erf(x)).toBeCloseTo(expected, 14);
    expect(erf(-x)).toBeCloseTo(-expected, 14);
  });

  it('is x·2/√π near zero and ±1 at the ends', () => {
    expect(erf(1e-10)).toBeCloseTo(1.1283791670955126e-10, 24);
    expect(erf(0)).toBe(0);
    expect(Object.is(erf(-0), -0)).toBe(true);
    expect(erf(10)).toBe(1);
    expect(erf(Number.POSITIVE_INFINITY)).toBe(1);
    expect(erf(Number.NEGATIVE_INFINITY)).toBe(-1);
    expect(erf(Number.NaN)).toBeNaN();
  });
});

describe('erfinv (XLA float32 algorithm)', () => {
  it('erfinv(0.5) is within a few float32 ulps of 0.4769362762044699', () => {
    expect(Math.abs(erfinv(0.5) - 0.4769362762044699)).toBeLessThan(4 * 2 ** -24);
  });

  it('tracks the true inverse within its float32 conditioning, in both polynomial branches', () => {
    const ulp = (v: number) => 2 ** (Math.floor(Math.log2(Math.abs(v))) - 23);
    // x near 1 lies in the w ≥ 5 branch (w = -log(1 - x²)).
    for (const x of [1e-6, 0.05, -0.3, 0.9, 0.99, 0.999, 0.99999, 0.9999999].map(f)) {
      // The true erfinv(x) by Newton's method on the double-precision erf.
      let y = erfinv(x);
      for (let i = 0; i < 4; i++) y -= (erf(y) - x) / ((2 / Math.sqrt(Math.PI)) * Math.exp(-y * y));
      // Rounding x (and x² inside the algorithm) moves y by dy/dx · ulp(x); allow that plus 8 ulps.
      const slope = (Math.sqrt(Math.PI) / 2) * Math.exp(y * y);
      expect(Math.abs(erfinv(x) - y)).toBeLessThanOrEqual(8 * ulp(y) + 2 * slope * ulp(x));
    }
  });

  it('returns float32 values, ±∞ at ±1 and NaN outside [-1, 1]', () => {
    for (const x of [0.1, 0.5, 0.99, 0.99999]) expect(f(erfinv(x))).toBe(erfinv(x));
    expect(erfinv(0)).toBe(0);
    expect(erfinv(1)).toBe(Number.POSITIVE_INFINITY);
    expect(erfinv(-1)).toBe(Number.NEGATIVE_INFINITY);
    expect(erfinv(1.5)).toBeNaN();
    expect(erfinv(Number.NaN)).toBeNaN();
  });

  it('backs the erf and erfinv unary ops', () => {
    const { backend, view, output, read } = setup();
    const x = view('float32', [0.5, -1], [2]);
    const outErf = output('float32', [2]);
    const outErfinv = output('float32', [2]);
    backend.unary('erf', x, outErf);
    backend.unary('erfinv', x, outErfinv);
    expect(read(outErf)).toEqual([f(0.5204998778130465), f(-0.8427007929497149)]);
    expect(read(outErfinv)[1]).toBe(Number.NEGATIVE_INFINITY);
    expect(read(outErfinv)[0]).toBeCloseTo(0.4769362762044699, 6);
  });
});
