/**
 * @file The WGSL helpers of the elementwise math kernels of issue 12, kept apart from math.ts (which
 * lists them by name). Each makes the GPU agree with the CPU backend where WGSL's builtins are loose or
 * undefined: outside a function's domain (NaN), at ±Infinity and -0, near 0 where a textbook formula
 * cancels (sinh, asinh, log1p, expm1), and for trigonometric functions, whose builtins WGSL only
 * bounds in absolute error: a Cody-Waite reduction to [-π/4, π/4] and Cephes' minimax polynomials.
 * Arguments past `TRIGONOMETRIC_ACCURATE_BELOW` need a longer reduction than float32 allows.
 */

import type { WgslHelperName } from './math.js';

/** The helpers this module defines. */
export type ElementwiseMathHelperName =
  | 'reduce_quarter_pi'
  | 'sin_f32'
  | 'cos_f32'
  | 'tan_f32'
  | 'asin_f32'
  | 'acos_f32'
  | 'sinh_f32'
  | 'cosh_f32'
  | 'asinh_f32'
  | 'acosh_f32'
  | 'atanh_f32'
  | 'log1p_f32'
  | 'expm1_f32'
  | 'round_f32'
  | 'erf_f32'
  | 'atan2_f32'
  | 'floor_div_f32'
  | 'floor_mod_f32'
  | 'floor_div_i32'
  | 'floor_mod_i32';

/** |x| below which the reduction of `reduce_quarter_pi` is exact enough for float32 (k·π/2 split three ways). */
export const TRIGONOMETRIC_ACCURATE_BELOW = 8192;

/** The helpers, each listing the helpers it needs. */
export const ELEMENTWISE_MATH_HELPERS: {
  readonly [N in ElementwiseMathHelperName]: { readonly needs: readonly WgslHelperName[]; readonly source: string };
} = {
  reduce_quarter_pi: {
    needs: [],
    // x = k·π/2 + r with |r| <= π/4: π/2 split into three parts (the first with 8 significant bits, so
    // k·part is exact for the k below the accurate range), then sin and cos of r by Cephes' polynomials.
    source: /* wgsl */ `
fn reduce_quarter_pi(v: f32) -> vec2<f32> {
  let k = round(v * 0.63661977236758134);
  let r = ((v - k * 1.5703125) - k * 4.8375129699707031e-4) - k * 7.5497899548918821e-8;
  return vec2<f32>(r, k);
}
fn sin_poly(r: f32) -> f32 {
  let z = r * r;
  return ((-1.9515295891e-4 * z + 8.3321608736e-3) * z - 1.6666654611e-1) * z * r + r;
}
fn cos_poly(r: f32) -> f32 {
  let z = r * r;
  return ((2.443315711809948e-5 * z - 1.388731625493765e-3) * z + 4.166664568298827e-2) * z * z - 0.5 * z + 1.0;
}
`,
  },
  sin_f32: {
    needs: ['classify', 'reduce_quarter_pi'],
    source: /* wgsl */ `
fn sin_f32(v: f32) -> f32 {
  if (is_nan(v) || is_inf(v)) { return nan_f32(); }
  let rk = reduce_quarter_pi(v);
  let q = i32(rk.y) & 3;
  if (q == 0) { return sin_poly(rk.x); }
  if (q == 1) { return cos_poly(rk.x); }
  if (q == 2) { return -sin_poly(rk.x); }
  return -cos_poly(rk.x);
}
`,
  },
  cos_f32: {
    needs: ['classify', 'reduce_quarter_pi'],
    source: /* wgsl */ `
fn cos_f32(v: f32) -> f32 {
  if (is_nan(v) || is_inf(v)) { return nan_f32(); }
  let rk = reduce_quarter_pi(v);
  let q = i32(rk.y) & 3;
  if (q == 0) { return cos_poly(rk.x); }
  if (q == 1) { return -sin_poly(rk.x); }
  if (q == 2) { return -cos_poly(rk.x); }
  return sin_poly(rk.x);
}
`,
  },
  tan_f32: {
    needs: ['classify', 'reduce_quarter_pi'],
    source: /* wgsl */ `
fn tan_f32(v: f32) -> f32 {
  if (is_nan(v) || is_inf(v)) { return nan_f32(); }
  let rk = reduce_quarter_pi(v);
  let s = sin_poly(rk.x);
  let c = cos_poly(rk.x);
  if ((i32(rk.y) & 1) == 0) { return s / c; }
  return -c / s;
}
`,
  },
  asin_f32: {
    needs: ['classify'],
    source: /* wgsl */ `
fn asin_f32(v: f32) -> f32 {
  if (is_nan(v) || abs(v) > 1.0) { return nan_f32(); }
  return asin(v);
}
`,
  },
  acos_f32: {
    needs: ['classify'],
    // From asin (a driver's acos is off by 7e-5 at 0): π/2 - asin(v), or 2·asin(√((1 ∓ v)/2)) near ±1.
    source: /* wgsl */ `
fn acos_f32(v: f32) -> f32 {
  if (is_nan(v) || abs(v) > 1.0) { return nan_f32(); }
  if (v > 0.5) { return 2.0 * asin(sqrt(0.5 - 0.5 * v)); }
  if (v < -0.5) { return 3.14159265358979323846 - 2.0 * asin(sqrt(0.5 + 0.5 * v)); }
  return 1.57079632679489661923 - asin(v);
}
`,
  },
  sinh_f32: {
    needs: ['classify', 'exp_f32'],
    // The odd Taylor series below 1 (e^x - e^-x cancels there), half of exp above.
    source: /* wgsl */ `
fn sinh_f32(v: f32) -> f32 {
  if (is_nan(v)) { return v; }
  let a = abs(v);
  if (a < 1.0) {
    let s = v * v;
    return v * (1.0 + s * (1.0 / 6.0 + s * (1.0 / 120.0 + s * (1.0 / 5040.0 + s * (1.0 / 362880.0 + s / 39916800.0)))));
  }
  var e: f32;
  if (a < 88.0) { e = 0.5 * exp_f32(a); } else { e = exp_f32(a - 0.69314718055994531); }
  let r = e - 0.25 / e;
  return select(r, -r, v < 0.0);
}
`,
  },
  cosh_f32: {
    needs: ['classify', 'exp_f32'],
    source: /* wgsl */ `
fn cosh_f32(v: f32) -> f32 {
  if (is_nan(v)) { return v; }
  let a = abs(v);
  var e: f32;
  if (a < 88.0) { e = 0.5 * exp_f32(a); } else { e = exp_f32(a - 0.69314718055994531); }
  return e + 0.25 / e;
}
`,
  },
  log1p_f32: {
    needs: ['classify'],
    // A driver's log is accurate only in absolute terms near 1, so near 0 log(1 + x) = 2·atanh(s) with
    // s = x / (2 + x) by its odd series (|s| < 0.18: nine terms are exact to float32); log(1 + x) elsewhere.
    source: /* wgsl */ `
fn log1p_f32(v: f32) -> f32 {
  if (is_nan(v)) { return v; }
  if (v < -1.0) { return nan_f32(); }
  if (v == -1.0) { return -inf_f32(); }
  if (is_inf(v)) { return v; }
  if (v > -0.3 && v < 0.5) {
    let s = v / (2.0 + v);
    let z = s * s;
    return 2.0 * s * (1.0 + z * (1.0 / 3.0 + z * (0.2 + z * (1.0 / 7.0 + z * (1.0 / 9.0 + z * (1.0 / 11.0
      + z * (1.0 / 13.0 + z * (1.0 / 15.0 + z / 17.0))))))));
  }
  return log(1.0 + v);
}
`,
  },
  expm1_f32: {
    needs: ['classify', 'exp_f32'],
    // Near 0 eˣ - 1 by its Taylor series (|x| <= 0.5: eleven terms are exact to float32); exp(x) - 1 elsewhere.
    source: /* wgsl */ `
fn expm1_f32(v: f32) -> f32 {
  if (is_nan(v)) { return v; }
  if (abs(v) > 0.5) { return exp_f32(v) - 1.0; }
  return v * (1.0 + v / 2.0 * (1.0 + v / 3.0 * (1.0 + v / 4.0 * (1.0 + v / 5.0 * (1.0 + v / 6.0 * (1.0 + v / 7.0
    * (1.0 + v / 8.0 * (1.0 + v / 9.0 * (1.0 + v / 10.0 * (1.0 + v / 11.0))))))))));
}
`,
  },
  asinh_f32: {
    needs: ['classify', 'log1p_f32', 'log_f32'],
    source: /* wgsl */ `
fn asinh_f32(v: f32) -> f32 {
  if (is_nan(v)) { return v; }
  let a = abs(v);
  var r: f32;
  if (a > 1e18) {
    r = log_f32(a) + 0.69314718055994531;
  } else {
    r = log1p_f32(a + a * a / (1.0 + sqrt(1.0 + a * a)));
  }
  return select(r, -r, v < 0.0);
}
`,
  },
  acosh_f32: {
    needs: ['classify', 'log1p_f32', 'log_f32'],
    source: /* wgsl */ `
fn acosh_f32(v: f32) -> f32 {
  if (is_nan(v) || v < 1.0) { return nan_f32(); }
  if (v > 1e18) { return log_f32(v) + 0.69314718055994531; }
  let t = v - 1.0;
  return log1p_f32(t + sqrt(2.0 * t + t * t));
}
`,
  },
  atanh_f32: {
    needs: ['classify', 'log1p_f32'],
    source: /* wgsl */ `
fn atanh_f32(v: f32) -> f32 {
  if (is_nan(v)) { return v; }
  let a = abs(v);
  if (a > 1.0) { return nan_f32(); }
  var r: f32;
  if (a == 1.0) { r = inf_f32(); } else { r = 0.5 * log1p_f32(2.0 * a / (1.0 - a)); }
  return select(r, -r, v < 0.0);
}
`,
  },
  round_f32: {
    needs: ['classify'],
    // Half to even, written out (a driver's round may send ties up); a zero result keeps v's sign.
    source: /* wgsl */ `
fn round_f32(v: f32) -> f32 {
  if (is_nan(v) || is_inf(v)) { return v; }
  let f = floor(v);
  let d = v - f;
  var r = f;
  if (d > 0.5 || (d == 0.5 && f - 2.0 * floor(f * 0.5) != 0.0)) { r = f + 1.0; }
  if (r == 0.0) { return bitcast<f32>(bitcast<u32>(v) & 0x80000000u); }
  return r;
}
`,
  },
  erf_f32: {
    needs: ['classify'],
    // The odd Taylor series below 0.5, 1 - erfc above with Numerical Recipes' Chebyshev erfc (as the CPU).
    source: /* wgsl */ `
fn erf_f32(v: f32) -> f32 {
  if (is_nan(v)) { return v; }
  let a = abs(v);
  if (a < 0.5) {
    let s = v * v;
    return 1.1283791670955126 * v * (1.0 + s * (-1.0 / 3.0 + s * (0.1 + s * (-1.0 / 42.0 + s * (1.0 / 216.0
      + s * (-1.0 / 1320.0 + s / 9360.0))))));
  }
  if (a >= 10.0) { return sign(v); }
  let t = 1.0 / (1.0 + 0.5 * a);
  let erfc = t * exp(-a * a - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
    + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return select(1.0 - erfc, erfc - 1.0, v < 0.0);
}
`,
  },
  atan2_f32: {
    needs: ['classify'],
    // C's atan2 at the corners WGSL leaves undefined: zeros (by their sign bits) and infinities.
    source: /* wgsl */ `
fn atan2_f32(y: f32, x: f32) -> f32 {
  if (is_nan(x) || is_nan(y)) { return nan_f32(); }
  let pi = 3.14159265358979323846;
  let y_negative = (bitcast<u32>(y) & 0x80000000u) != 0u;
  let x_negative = (bitcast<u32>(x) & 0x80000000u) != 0u;
  var r: f32;
  if (y == 0.0) {
    if (x_negative) { r = pi; } else { r = 0.0; }
  } else if (is_inf(x) && is_inf(y)) {
    if (x_negative) { r = 0.75 * pi; } else { r = 0.25 * pi; }
  } else if (is_inf(y) || x == 0.0) {
    r = 0.5 * pi;
  } else if (is_inf(x)) {
    if (x_negative) { r = pi; } else { r = 0.0; }
  } else {
    r = atan2(abs(y), x);
  }
  if (y_negative) { return -r; }
  return r;
}
`,
  },
  floor_div_f32: {
    needs: ['classify', 'floor_mod_f32'],
    // floor(x / y). The float32 quotient can round across an integer (1 / -1e-4 is -10000.0003), so below
    // 2^23 the floor is recovered from the exact floor remainder m: (x - m) / y is an integer, rounded.
    source: /* wgsl */ `
fn floor_div_f32(x: f32, y: f32) -> f32 {
  let quotient = x / y;
  if (is_nan(quotient) || is_inf(quotient) || is_inf(y) || abs(quotient) >= 8388608.0) { return floor(quotient); }
  return round((x - floor_mod_f32(x, y)) / y);
}
`,
  },
  floor_mod_f32: {
    needs: ['classify'],
    // C's fmod, exactly: long division by y · 2^k (each subtraction is exact), then the divisor's sign.
    source: /* wgsl */ `
fn fmod_f32(x: f32, y: f32) -> f32 {
  if (is_nan(x) || is_nan(y) || is_inf(x) || y == 0.0) { return nan_f32(); }
  if (is_inf(y)) { return x; }
  let ay = abs(y);
  var r = abs(x);
  if (r < ay) { return x; }
  var d = ldexp(ay, frexp(r).exp - frexp(ay).exp);
  if (d > r) { d = d * 0.5; }
  loop {
    if (d < ay) { break; }
    if (r >= d) { r = r - d; }
    d = d * 0.5;
  }
  if (x < 0.0) { return -r; }
  return r;
}
fn floor_mod_f32(x: f32, y: f32) -> f32 {
  let m = fmod_f32(x, y);
  if (m != 0.0 && (m < 0.0) != (y < 0.0)) { return m + y; }
  return m;
}
`,
  },
  floor_div_i32: {
    needs: [],
    // Toward -Infinity; a zero divisor gives 0 (the CPU backend's), -2^31 / -1 wraps to -2^31.
    source: /* wgsl */ `
fn floor_div_i32(a: i32, b: i32) -> i32 {
  if (b == 0) { return 0; }
  let q = a / b;
  if (a % b != 0 && (a < 0) != (b < 0)) { return q - 1; }
  return q;
}
`,
  },
  floor_mod_i32: {
    needs: [],
    source: /* wgsl */ `
fn floor_mod_i32(a: i32, b: i32) -> i32 {
  if (b == 0) { return 0; }
  let r = a % b;
  if (r != 0 && (r < 0) != (b < 0)) { return r + b; }
  return r;
}
`,
  },
};
