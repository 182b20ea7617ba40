/**
 * @file WGSL helper functions that make the GPU agree with the CPU backend (the living definition) where
 * WGSL leaves results to the driver. Measured on SwiftShader: `max`/`min`/`sign` drop NaN, `log(0)` is
 * -88 instead of -Infinity, `f32 → i32` saturates where JavaScript wraps modulo 2^32, and `tanh` loses
 * four digits near 0. WGSL also lets a compiler assume no NaN or Infinity in *constant* expressions (a
 * literal NaN is a shader-creation error), so NaN and Infinity are made from a runtime `var`.
 *
 * Each helper is emitted only into the shaders that declare it: a kernel's shader lists the helpers it
 * calls by name (`ShaderSpec.helpers`, typed `WgslHelperName`), and `mathHelpers` adds their sources
 * and those of the helpers they need.
 */

import { ELEMENTWISE_MATH_HELPERS, type ElementwiseMathHelperName } from './elementwise-math.js';

/** NaN and Infinity tests on bits, immune to a compiler's no-NaN assumptions. */
const CLASSIFY = /* wgsl */ `
fn is_nan(v: f32) -> bool { return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u; }
fn is_inf(v: f32) -> bool { return (bitcast<u32>(v) & 0x7fffffffu) == 0x7f800000u; }
fn nan_f32() -> f32 { var bits = 0x7fc00000u; return bitcast<f32>(bits); }
fn inf_f32() -> f32 { var bits = 0x7f800000u; return bitcast<f32>(bits); }
`;

/** The name of a WGSL helper; `classify` defines is_nan, is_inf, nan_f32 and inf_f32, the others their own name. */
export type WgslHelperName =
  | 'classify'
  | 'sign_f32'
  | 'sqrt_f32'
  | 'log_f32'
  | 'exp_f32'
  | 'sigmoid_f32'
  | 'tanh_f32'
  | 'softplus_f32'
  | 'pow_f32'
  | 'pow_i32'
  | 'max_f32'
  | 'min_f32'
  | 'f32_to_i32'
  | ElementwiseMathHelperName;

/** The helpers by name, each listing the helpers it needs. */
const HELPERS: {
  readonly [N in WgslHelperName]: { readonly needs: readonly WgslHelperName[]; readonly source: string };
} = {
  classify: { needs: [], source: CLASSIFY },
  sign_f32: {
    needs: ['classify'],
    // Math.sign keeps NaN; WGSL's sign gives 0 for it on SwiftShader.
    source: /* wgsl */ `
fn sign_f32(v: f32) -> f32 { if (is_nan(v)) { return v; } return sign(v); }
`,
  },
  sqrt_f32: {
    needs: ['classify'],
    source: /* wgsl */ `
fn sqrt_f32(v: f32) -> f32 { if (v < 0.0) { return nan_f32(); } return sqrt(v); }
`,
  },
  log_f32: {
    needs: ['classify'],
    // WGSL's log is only defined for positive finite inputs.
    source: /* wgsl */ `
fn log_f32(v: f32) -> f32 {
  if (v == 0.0) { return -inf_f32(); }
  if (v < 0.0 || is_nan(v)) { return nan_f32(); }
  if (is_inf(v)) { return v; }
  return log(v);
}
`,
  },
  exp_f32: {
    needs: ['classify'],
    source: /* wgsl */ `
fn exp_f32(v: f32) -> f32 {
  if (is_nan(v)) { return v; }
  if (v > 88.72284) { return inf_f32(); }
  if (v < -103.97208) { return 0.0; }
  return exp(v);
}
`,
  },
  sigmoid_f32: {
    needs: ['exp_f32'],
    // exp of a non-positive number only: no overflow on either side.
    source: /* wgsl */ `
fn sigmoid_f32(v: f32) -> f32 {
  if (v >= 0.0) { return 1.0 / (1.0 + exp_f32(-v)); }
  let e = exp_f32(v);
  return e / (1.0 + e);
}
`,
  },
  tanh_f32: {
    needs: ['classify', 'exp_f32'],
    // The odd Taylor series near 0 (its next term is below 1e-10 relative there), (1 - e)/(1 + e) with
    // e = exp(-2|v|) elsewhere: never inf/inf, and exact ±1 once e is below float32's epsilon.
    source: /* wgsl */ `
fn tanh_f32(v: f32) -> f32 {
  if (is_nan(v)) { return v; }
  let a = abs(v);
  if (a < 0.125) {
    let s = v * v;
    return v * (1.0 + s * (-1.0 / 3.0 + s * (2.0 / 15.0 + s * (-17.0 / 315.0))));
  }
  let e = exp_f32(-2.0 * a);
  let t = (1.0 - e) / (1.0 + e);
  return select(t, -t, v < 0.0);
}
`,
  },
  softplus_f32: {
    needs: ['classify', 'exp_f32'],
    // max(v, 0) + log(1 + e) with e = exp(-|v|) in (0, 1]: exp never overflows, and v comes out exactly for
    // large v. log(1 + e) would round a small e away (1 + e == 1 below 6e-8), so below 1/16 log1p's series
    // is used (its next term is below 1e-8 relative there); the result keeps eᵛ far below 0.
    source: /* wgsl */ `
fn softplus_f32(v: f32) -> f32 {
  if (is_nan(v)) { return v; }
  let e = exp_f32(-abs(v));
  var l: f32;
  if (e < 0.0625) {
    l = e * (1.0 + e * (-1.0 / 2.0 + e * (1.0 / 3.0 + e * (-1.0 / 4.0 + e * (1.0 / 5.0 + e * (-1.0 / 6.0))))));
  } else {
    l = log(1.0 + e);
  }
  return max(v, 0.0) + l;
}
`,
  },
  pow_f32: {
    needs: ['classify', 'exp_f32'],
    // C's pow (TensorFlow's): pow(1, y) = 1 and pow(x, ±0) = 1 even for NaN; a negative base needs an
    // integer exponent. Integer exponents multiply by squaring, so small powers (4² = 16) come out exact
    // as they do on the CPU; others go through exp2(y·log2|x|), defined only for positive finite |x|.
    source: /* wgsl */ `
fn pow_f32(x: f32, y: f32) -> f32 {
  if (x == 1.0 || y == 0.0) { return 1.0; }
  if (is_nan(x) || is_nan(y)) { return nan_f32(); }
  let ax = abs(x);
  if (is_inf(y)) {
    if (ax == 1.0) { return 1.0; }
    if ((ax > 1.0) == (y > 0.0)) { return inf_f32(); }
    return 0.0;
  }
  let y_int = floor(y) == y;
  let y_odd = y_int && abs(y) < 16777216.0 && (i32(abs(y)) & 1) == 1;
  var r: f32;
  if (ax == 0.0) {
    r = select(0.0, inf_f32(), y < 0.0);
  } else if (is_inf(ax)) {
    r = select(inf_f32(), 0.0, y < 0.0);
  } else if (x < 0.0 && !y_int) {
    return nan_f32();
  } else if (y_int && abs(y) <= 1024.0) {
    var e = u32(abs(y));
    var base = ax;
    r = 1.0;
    loop {
      if (e == 0u) { break; }
      if ((e & 1u) == 1u) { r = r * base; }
      base = base * base;
      e = e >> 1u;
    }
    if (y < 0.0) { r = 1.0 / r; }
  } else {
    r = exp2(y * log2(ax));
  }
  // The sign: a negative base (or -0) to an odd integer power stays negative.
  if (y_odd && (bitcast<u32>(x) & 0x80000000u) != 0u) { return -r; }
  return r;
}
`,
  },
  pow_i32: {
    needs: [],
    // The CPU backend's intPow: squaring with int32 wrap-around; a negative exponent gives the truncated
    // real result (±1 for a base of ±1, else 0) instead of TensorFlow's run-time error.
    source: /* wgsl */ `
fn pow_i32(x: i32, y: i32) -> i32 {
  if (y < 0) {
    if (x == 1) { return 1; }
    if (x == -1) { return select(1, -1, (y & 1) == 1); }
    return 0;
  }
  var r = 1;
  var base = x;
  var e = u32(y);
  loop {
    if (e == 0u) { break; }
    if ((e & 1u) == 1u) { r = r * base; }
    base = base * base;
    e = e >> 1u;
  }
  return r;
}
`,
  },
  max_f32: {
    needs: ['classify'],
    source: /* wgsl */ `
fn max_f32(a: f32, b: f32) -> f32 { if (is_nan(a) || is_nan(b)) { return nan_f32(); } return max(a, b); }
`,
  },
  min_f32: {
    needs: ['classify'],
    source: /* wgsl */ `
fn min_f32(a: f32, b: f32) -> f32 { if (is_nan(a) || is_nan(b)) { return nan_f32(); } return min(a, b); }
`,
  },
  f32_to_i32: {
    needs: [],
    // JavaScript's ToInt32 (what the CPU backend's Int32Array store does): truncate toward zero, then
    // wrap modulo 2^32; NaN and ±Infinity give 0. WGSL's i32() saturates instead, so values at or past
    // 2^31 are rebuilt from their bits (they are integers: float32 has no fraction bits there).
    source: /* wgsl */ `
fn f32_to_i32(v: f32) -> i32 {
  let bits = bitcast<u32>(v);
  let exponent = i32((bits >> 23u) & 0xffu) - 127;
  if (exponent < 31) { return i32(v); }
  if (exponent == 128 || exponent - 23 >= 32) { return 0; }
  let magnitude = ((bits & 0x7fffffu) | 0x800000u) << u32(exponent - 23);
  if ((bits & 0x80000000u) != 0u) { return bitcast<i32>(0u - magnitude); }
  return bitcast<i32>(magnitude);
}
`,
  },
  ...ELEMENTWISE_MATH_HELPERS,
};

/** The WGSL source of the named helpers and of every helper they need, each once, dependencies first. */
export function mathHelpers(names: readonly WgslHelperName[]): string {
  if (names.length === 0) return '';
  const emitted = new Set<WgslHelperName>();
  const parts: string[] = [];
  const emit = (name: WgslHelperName): void => {
    if (emitted.has(name)) return;
    const helper = HELPERS[name];
    for (const need of helper.needs) emit(need);
    emitted.add(name);
    parts.push(helper.source.trim());
  };
  for (const name of names) emit(name);
  return parts.join('\n');
}

/** The WGSL functions helper `name` defines (tests check a shader declares every helper it calls). */
export function helperFunctions(name: WgslHelperName): readonly string[] {
  if (name === 'reduce_quarter_pi') return ['reduce_quarter_pi', 'sin_poly', 'cos_poly'];
  if (name === 'floor_mod_f32') return ['fmod_f32', 'floor_mod_f32'];
  return name === 'classify' ? ['is_nan', 'is_inf', 'nan_f32', 'inf_f32'] : [name];
}

/** Every helper name. */
export const WGSL_HELPER_NAMES = Object.keys(HELPERS) as WgslHelperName[];
