/**
 * The error function and its inverse, which `Math` lacks.
 *
 * `erf` is accurate to double precision (so the float32 result the backend stores is correctly
 * rounded in practice). `erfinv` follows XLA's single-precision algorithm step by step in float32
 * arithmetic, because `jax.random.normal` is `sqrt(2) * erfinv(u)`: matching XLA keeps Tensile's
 * normal samples within an ulp or so of JAX's for the same key.
 */

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const ONE_OVER_SQRT_PI = 0.5641895835477563;

/** Terms of the continued fraction for erfc; at |x| ≥ 2.5 sixty give full double precision. */
const CONTINUED_FRACTION_TERMS = 60;

/**
 * The error function `erf(x) = 2/√π ∫₀ˣ e^(-t²) dt`, to double precision.
 *
 * For |x| < 2.5 it sums the series `erf(x) = 2/√π · e^(-x²) · Σ (2x²)ⁿ x / (1·3·…·(2n+1))`,
 * whose terms are all positive (no cancellation). Beyond, `erf(x) = 1 - erfc(x)` with erfc from
 * its continued fraction `erfc(x) = e^(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …))))`.
 *
 * @example
 * erf(1)  // 0.8427007929497149
 * erf(-2) // -0.9953222650189527
 */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 2.5) {
    const twoX2 = 2 * x * x;
    let term = x;
    let sum = x;
    for (let n = 1; Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
      term *= twoX2 / (2 * n + 1);
      sum += term;
    }
    return TWO_OVER_SQRT_PI * Math.exp(-x * x) * sum;
  }
  let fraction = ax;
  for (let k = CONTINUED_FRACTION_TERMS; k >= 1; k--) fraction = ax + k / 2 / fraction;
  const erfc = (ONE_OVER_SQRT_PI * Math.exp(-ax * ax)) / fraction;
  return Math.sign(x) * (1 - erfc);
}

/** Giles' polynomial for w = -log1p(-x²) < 5, in w - 2.5 (highest degree first). */
const CENTRAL_COEFFICIENTS = [
  2.81022636e-8, 3.43273939e-7, -3.5233877e-6, -4.39150654e-6, 0.00021858087, -0.00125372503,
  -0.00417768164, 0.246640727, 1.50140941,
].map(Math.fround);

/** Giles' polynomial for w ≥ 5, in sqrt(w) - 3 (highest degree first). */
const TAIL_COEFFICIENTS = [
  -0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613,
  0.00943887047, 1.00167406, 2.83297682,
].map(Math.fround);

/**
 * The inverse error function in float32, as XLA computes it (M. Giles, "Approximating the erfinv
 * function"): `w = -log1p(-x²)`, then a degree-8 polynomial in `w - 2.5` (w < 5) or
 * `sqrt(w) - 3`, times `x`, rounding like XLA's kernel (fused multiply-adds). `erfinv(±1) = ±∞`;
 * outside [-1, 1] the result is NaN.
 *
 * @example
 * erfinv(0.5) // ≈ 0.47693628 (float32)
 * erfinv(1)   // Infinity
 */
export function erfinv(x: number): number {
  const f = Math.fround;
  if (Math.abs(x) === 1) return x * Number.POSITIVE_INFINITY;
  let w = -f(Math.log1p(f(-f(x * x))));
  const central = w < 5;
  const coefficients = central ? CENTRAL_COEFFICIENTS : TAIL_COEFFICIENTS;
  w = central ? f(w - 2.5) : f(f(Math.sqrt(w)) - 3);
  let p = coefficients[0];
  // XLA fuses each step into a multiply-add; the float64 product of two float32 values is exact,
  // so rounding once after the add reproduces the fused result.
  for (let i = 1; i < coefficients.length; i++) p = f((coefficients[i] as number) + p * w);
  return f(p * x);
}
