/**
 * The WGSL function library kernels draw on: IEEE-aware float helpers (NaN tests by bit
 * pattern, since shader compilers may assume no NaNs), float16 packing, and careful versions of
 * the math functions WGSL lacks or specifies loosely (`exp`, `log` near 1, `log1p`, `expm1`,
 * hyperbolic functions, `pow` with C semantics, exact `fmod`, `erf`, XLA's `erfinv`), plus the
 * integer semantics of the contract (division by zero, wrapping `INT_MIN / -1`, shifts ≥ 32).
 *
 * Each entry is one WGSL function and the entries it calls; `librarySource` emits a set of
 * entries with their dependencies, each once, in dependency order.
 */

interface LibraryEntry {
  readonly uses: readonly string[];
  readonly code: string;
}

const LIBRARY: Record<string, LibraryEntry> = {
  specials: {
    uses: [],
    code: /* wgsl */ `
var<private> NAN_BITS: u32 = 0x7fc00000u;
var<private> INF_BITS: u32 = 0x7f800000u;
fn nan_f() -> f32 { return bitcast<f32>(NAN_BITS); }
fn inf_f() -> f32 { return bitcast<f32>(INF_BITS); }
fn is_nan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn is_inf(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }
fn ldexp2(x: f32, n: i32) -> f32 { let h = n / 2; return ldexp(ldexp(x, h), n - h); }`,
  },
  f16: {
    uses: [],
    code: /* wgsl */ `
fn f32_to_f16(x: f32) -> u32 {
  let b = bitcast<u32>(x);
  let sign = (b >> 16u) & 0x8000u;
  let a = b & 0x7fffffffu;
  if (a > 0x7f800000u) { return sign | 0x7e00u; }
  if (a >= 0x477ff000u) { return sign | 0x7c00u; }
  if (a >= 0x38800000u) {
    let m = a - 0x38000000u;
    return sign | ((m + 0xfffu + ((m >> 13u) & 1u)) >> 13u);
  }
  return sign | u32(round(bitcast<f32>(a) * 16777216.0));
}`,
  },
  fmax_nan: {
    uses: ['specials'],
    code: /* wgsl */ `
fn fmax_nan(a: f32, b: f32) -> f32 { if (is_nan(a) || is_nan(b)) { return nan_f(); } return max(a, b); }
fn fmin_nan(a: f32, b: f32) -> f32 { if (is_nan(a) || is_nan(b)) { return nan_f(); } return min(a, b); }`,
  },
  sign_f: {
    uses: [],
    code: /* wgsl */ `
fn sign_f(x: f32) -> f32 { if (x > 0.0) { return 1.0; } if (x < 0.0) { return -1.0; } return x; }`,
  },
  exp_f: {
    uses: ['specials'],
    code: /* wgsl */ `
fn exp_poly(r: f32) -> f32 {
  return 1.0 + r * (1.0 + r * (0.5 + r * (0.16666667 + r * (0.041666668 + r * (0.008333334 + r * (0.0013888889 + r * 0.0001984127))))));
}
fn exp_f(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  if (x > 88.72284) { return inf_f(); }
  if (x < -103.97208) { return 0.0; }
  let n = round(x * 1.442695);
  let r = (x - n * 0.693145751953125) - n * 1.4286068e-6;
  return ldexp2(exp_poly(r), i32(n));
}
fn exp2_f(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  if (x >= 128.0) { return inf_f(); }
  if (x < -150.0) { return 0.0; }
  let n = round(x);
  return ldexp2(exp_poly((x - n) * 0.6931472), i32(n));
}`,
  },
  log_f: {
    uses: ['specials'],
    code: /* wgsl */ `
fn log1p_small(f: f32) -> f32 {
  let s = f / (2.0 + f);
  let s2 = s * s;
  return 2.0 * s * (1.0 + s2 * (0.33333334 + s2 * (0.2 + s2 * (0.14285715 + s2 * (0.11111111 + s2 * 0.09090909)))));
}
fn log_f(x: f32) -> f32 {
  if (is_nan(x) || x < 0.0) { return nan_f(); }
  if (x == 0.0) { return -inf_f(); }
  if (is_inf(x)) { return x; }
  let parts = frexp(x);
  var m = parts.fract;
  var e = parts.exp;
  if (m < 0.70710677) { m = m * 2.0; e = e - 1; }
  let fe = f32(e);
  return fe * 0.693145751953125 + (fe * 1.4286068e-6 + log1p_small(m - 1.0));
}
fn log1p_f(x: f32) -> f32 {
  if (x > -0.29 && x < 0.414) { return log1p_small(x); }
  return log_f(1.0 + x);
}`,
  },
  expm1_f: {
    uses: ['exp_f'],
    code: /* wgsl */ `
fn expm1_f(x: f32) -> f32 {
  if (abs(x) < 0.5) {
    return x * (1.0 + x * (0.5 + x * (0.16666667 + x * (0.041666668 + x * (0.008333334 + x * (0.0013888889 + x * (0.0001984127 + x * (2.4801588e-5 + x * 2.7557319e-6))))))));
  }
  return exp_f(x) - 1.0;
}`,
  },
  hyperbolic: {
    uses: ['exp_f', 'expm1_f', 'log_f'],
    code: /* wgsl */ `
fn sinh_f(x: f32) -> f32 {
  let a = abs(x);
  var r: f32;
  if (a < 0.5) {
    let a2 = a * a;
    r = a * (1.0 + a2 * (0.16666667 + a2 * (0.008333334 + a2 * (0.0001984127 + a2 * 2.7557319e-6))));
  } else if (a > 20.0) {
    r = exp_f(a - 0.6931472);
  } else {
    let e = exp_f(a);
    r = 0.5 * (e - 1.0 / e);
  }
  return select(r, -r, x < 0.0);
}
fn cosh_f(x: f32) -> f32 {
  let a = abs(x);
  if (a > 20.0) { return exp_f(a - 0.6931472); }
  let e = exp_f(a);
  return 0.5 * (e + 1.0 / e);
}
fn tanh_f(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  let a = abs(x);
  var r: f32;
  if (a > 10.0) { r = 1.0; }
  else if (a < 0.5) { let t = expm1_f(2.0 * a); r = t / (t + 2.0); }
  else { r = 1.0 - 2.0 / (exp_f(2.0 * a) + 1.0); }
  return select(r, -r, x < 0.0);
}
fn asinh_f(x: f32) -> f32 {
  if (is_nan(x) || is_inf(x)) { return x; }
  let a = abs(x);
  var r: f32;
  if (a > 1e10) { r = log_f(a) + 0.6931472; }
  else { r = log1p_f(a + a * a / (1.0 + sqrt(1.0 + a * a))); }
  return select(r, -r, x < 0.0);
}
fn acosh_f(x: f32) -> f32 {
  if (is_nan(x) || x < 1.0) { return nan_f(); }
  if (x > 1e10) { return log_f(x) + 0.6931472; }
  let t = x - 1.0;
  return log1p_f(t + sqrt(2.0 * t + t * t));
}
fn atanh_f(x: f32) -> f32 {
  let a = abs(x);
  let r = 0.5 * log1p_f(2.0 * a / (1.0 - a));
  return select(r, -r, x < 0.0);
}
fn logistic_f(x: f32) -> f32 {
  if (x >= 0.0) { return 1.0 / (1.0 + exp_f(-x)); }
  let e = exp_f(x);
  return e / (1.0 + e);
}`,
  },
  cbrt_f: {
    uses: ['specials', 'exp_f', 'log_f'],
    code: /* wgsl */ `
fn cbrt_f(x: f32) -> f32 {
  if (x == 0.0 || is_nan(x) || is_inf(x)) { return x; }
  let a = abs(x);
  var y = exp2_f(log2(a) / 3.0);
  y = y - (y * y * y - a) / (3.0 * y * y);
  y = y - (y * y * y - a) / (3.0 * y * y);
  return select(y, -y, x < 0.0);
}`,
  },
  erf_f: {
    uses: ['specials', 'exp_f'],
    code: /* wgsl */ `
fn erf_f(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  let a = abs(x);
  if (a < 2.5) {
    let two_x2 = 2.0 * x * x;
    var term = x;
    var sum = x;
    for (var n = 1; n < 80; n++) {
      term = term * two_x2 / f32(2 * n + 1);
      sum = sum + term;
      if (abs(term) <= 1e-9 * abs(sum)) { break; }
    }
    return 1.1283791 * exp_f(-x * x) * sum;
  }
  if (a > 4.0) { return select(1.0, -1.0, x < 0.0); }
  var fraction = a;
  for (var k = 60; k >= 1; k--) { fraction = a + f32(k) * 0.5 / fraction; }
  let r = 1.0 - 0.5641896 * exp_f(-a * a) / fraction;
  return select(r, -r, x < 0.0);
}`,
  },
  erfinv_f: {
    uses: ['specials', 'log_f'],
    code: /* wgsl */ `
fn erfinv_f(x: f32) -> f32 {
  if (abs(x) == 1.0) { return x * inf_f(); }
  if (is_nan(x) || abs(x) > 1.0) { return nan_f(); }
  var w = -log1p_f(-(x * x));
  var p: f32;
  if (w < 5.0) {
    w = w - 2.5;
    p = 2.81022636e-08;
    p = fma(p, w, 3.43273939e-07);
    p = fma(p, w, -3.5233877e-06);
    p = fma(p, w, -4.39150654e-06);
    p = fma(p, w, 0.00021858087);
    p = fma(p, w, -0.00125372503);
    p = fma(p, w, -0.00417768164);
    p = fma(p, w, 0.246640727);
    p = fma(p, w, 1.50140941);
  } else {
    w = sqrt(w) - 3.0;
    p = -0.000200214257;
    p = fma(p, w, 0.000100950558);
    p = fma(p, w, 0.00134934322);
    p = fma(p, w, -0.00367342844);
    p = fma(p, w, 0.00573950773);
    p = fma(p, w, -0.0076224613);
    p = fma(p, w, 0.00943887047);
    p = fma(p, w, 1.00167406);
    p = fma(p, w, 2.83297682);
  }
  return p * x;
}`,
  },
  pow_f: {
    uses: ['specials', 'exp_f', 'log_f'],
    code: /* wgsl */ `
fn pow_f(x: f32, y: f32) -> f32 {
  if (y == 0.0 || x == 1.0) { return 1.0; }
  if (is_nan(x) || is_nan(y)) { return nan_f(); }
  let ax = abs(x);
  if (is_inf(y)) {
    if (ax == 1.0) { return 1.0; }
    if ((ax > 1.0) == (y > 0.0)) { return inf_f(); }
    return 0.0;
  }
  let y_int = floor(y) == y;
  let y_odd = y_int && abs(y) < 16777216.0 && floor(y * 0.5) * 2.0 != y;
  if (ax == 0.0 || is_inf(ax)) {
    let big = (ax == 0.0) == (y < 0.0);
    let r = select(0.0, inf_f(), big);
    return select(r, -r, y_odd && x < 0.0);
  }
  if (x < 0.0 && !y_int) { return nan_f(); }
  let r = exp_f(y * log_f(ax));
  return select(r, -r, y_odd && x < 0.0);
}`,
  },
  fmod_f: {
    uses: ['specials'],
    code: /* wgsl */ `
fn fmod_f(a: f32, b: f32) -> f32 {
  if (b == 0.0 || is_nan(a) || is_nan(b) || is_inf(a)) { return nan_f(); }
  if (is_inf(b)) { return a; }
  var r = abs(a);
  let m = abs(b);
  let em = frexp(m).exp;
  for (var i = 0; i < 300 && r >= m; i++) {
    var t = ldexp2(m, frexp(r).exp - em);
    if (t > r) { t = t * 0.5; }
    r = r - t;
  }
  return select(r, -r, a < 0.0 || (a == 0.0 && bitcast<u32>(a) != 0u));
}`,
  },
  trig_f: {
    uses: ['specials'],
    code: /* wgsl */ `
fn reduce_half_pi(x: f32) -> vec2<f32> {
  let n = round(x * 0.63661975);
  let r = ((x - n * 1.5703125) - n * 4.8375129699707031e-4) - n * 7.5497899548918822e-8;
  return vec2<f32>(r, n);
}
fn sin_poly(r: f32) -> f32 {
  let z = r * r;
  return r + r * z * (-1.6666654611e-1 + z * (8.3321608736e-3 + z * -1.9515295891e-4));
}
fn cos_poly(r: f32) -> f32 {
  let z = r * r;
  return 1.0 - 0.5 * z + z * z * (4.166664568298827e-2 + z * (-1.388731625493765e-3 + z * 2.443315711809948e-5));
}
fn sin_f(x: f32) -> f32 {
  if (is_nan(x) || is_inf(x)) { return nan_f(); }
  let reduced = reduce_half_pi(x);
  let q = i32(reduced.y) & 3;
  let r = reduced.x;
  if (q == 0) { return sin_poly(r); }
  if (q == 1) { return cos_poly(r); }
  if (q == 2) { return -sin_poly(r); }
  return -cos_poly(r);
}
fn cos_f(x: f32) -> f32 {
  if (is_nan(x) || is_inf(x)) { return nan_f(); }
  let reduced = reduce_half_pi(x);
  let q = i32(reduced.y) & 3;
  let r = reduced.x;
  if (q == 0) { return cos_poly(r); }
  if (q == 1) { return -sin_poly(r); }
  if (q == 2) { return -cos_poly(r); }
  return sin_poly(r);
}
fn tan_f(x: f32) -> f32 {
  if (is_nan(x) || is_inf(x)) { return nan_f(); }
  let reduced = reduce_half_pi(x);
  let s = sin_poly(reduced.x);
  let c = cos_poly(reduced.x);
  if ((i32(reduced.y) & 1) == 0) { return s / c; }
  return -c / s;
}`,
  },
  atan_f: {
    uses: ['specials'],
    code: /* wgsl */ `
fn atan_f(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  var a = abs(x);
  var base = 0.0;
  if (a > 2.4142137) { base = 1.5707964; a = -1.0 / a; }
  else if (a > 0.41421357) { base = 0.7853982; a = (a - 1.0) / (a + 1.0); }
  let z = a * a;
  let r = base + ((((0.0805374449538 * z - 0.138776856032) * z + 0.199777106478) * z - 0.333329491539) * z * a + a);
  return select(r, -r, x < 0.0);
}
fn atan2_f(y: f32, x: f32) -> f32 {
  if (is_nan(x) || is_nan(y)) { return nan_f(); }
  let negative_x = x < 0.0 || (x == 0.0 && bitcast<u32>(x) != 0u);
  var r: f32;
  if (y == 0.0) { r = select(0.0, 3.1415927, negative_x); }
  else if (x == 0.0) { r = 1.5707964; }
  else if (is_inf(x) && is_inf(y)) { r = select(0.7853982, 2.3561945, x < 0.0); }
  else if (is_inf(x)) { r = select(0.0, 3.1415927, x < 0.0); }
  else if (is_inf(y)) { r = 1.5707964; }
  else {
    r = atan_f(abs(y) / abs(x));
    if (x < 0.0) { r = 3.1415927 - r; }
  }
  return select(r, -r, y < 0.0 || (y == 0.0 && bitcast<u32>(y) != 0u));
}
fn asin_f(x: f32) -> f32 {
  if (abs(x) > 1.0) { return nan_f(); }
  return atan2_f(x, sqrt((1.0 - x) * (1.0 + x)));
}
fn acos_f(x: f32) -> f32 {
  if (abs(x) > 1.0) { return nan_f(); }
  return atan2_f(sqrt((1.0 - x) * (1.0 + x)), x);
}`,
  },
  int_ops: {
    uses: [],
    code: /* wgsl */ `
fn idiv_i32(a: i32, b: i32) -> i32 { if (b == 0) { return 0; } if (b == -1) { return 0 - a; } return a / b; }
fn irem_i32(a: i32, b: i32) -> i32 { if (b == 0) { return a; } if (b == -1) { return 0; } return a % b; }
fn idiv_u32(a: u32, b: u32) -> u32 { if (b == 0u) { return 0u; } return a / b; }
fn irem_u32(a: u32, b: u32) -> u32 { if (b == 0u) { return a; } return a % b; }
fn ipow_u32(base: u32, exponent: u32) -> u32 {
  var r = 1u; var b = base; var k = exponent;
  loop { if (k == 0u) { break; } if ((k & 1u) != 0u) { r = r * b; } b = b * b; k = k >> 1u; }
  return r;
}
fn ipow_i32(base: i32, exponent: i32) -> i32 {
  if (exponent < 0) {
    if (base == 1) { return 1; }
    if (base == -1) { return select(1, -1, (exponent & 1) != 0); }
    return 0;
  }
  return bitcast<i32>(ipow_u32(bitcast<u32>(base), u32(exponent)));
}`,
  },
  casts: {
    uses: ['specials'],
    code: /* wgsl */ `
fn f32_to_i32(x: f32) -> i32 {
  if (is_nan(x)) { return 0; }
  if (x >= 2147483648.0) { return 2147483647; }
  if (x <= -2147483648.0) { return -2147483647 - 1; }
  return i32(x);
}
fn f32_to_u32(x: f32) -> u32 {
  if (is_nan(x) || x <= 0.0) { return 0u; }
  if (x >= 4294967296.0) { return 4294967295u; }
  return u32(x);
}
fn f32_to_bool(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) != 0u; }`,
  },
};

/**
 * The WGSL source of library entries `names` and everything they use, each once.
 *
 * @example
 * librarySource(['erf_f']) // specials + exp_f + erf_f
 */
export function librarySource(names: Iterable<string>): string {
  const emitted = new Set<string>();
  const parts: string[] = [];
  const emit = (name: string) => {
    if (emitted.has(name)) return;
    const entry = LIBRARY[name];
    if (entry === undefined) throw new Error(`webgpu: unknown WGSL library entry ${name}`);
    emitted.add(name);
    for (const dependency of entry.uses) emit(dependency);
    parts.push(entry.code);
  };
  for (const name of names) emit(name);
  return parts.join('\n');
}
