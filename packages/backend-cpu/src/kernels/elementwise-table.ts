/**
 * @file The CPU backend's one table of elementwise unary and binary kernels: per kernel, its scalar
 * JavaScript form per dtype and its WebAssembly SIMD form (or `null` where WebAssembly has no cheap
 * one). Everything else of the CPU backend derives from it: the plain-JS loops (unary.ts, binary.ts),
 * the kernel table and the WebAssembly kernel table (bound by mapping over the family's names), and the
 * SIMD module (emit-elementwise.ts emits exactly the non-null `simd` entries). Typed over every kernel
 * name, so a kernel added to tensor-core's spec is a compile error here, and only here, until it has
 * its entry; an int32 form is required exactly for the kernels whose spec takes int32.
 *
 * float32 forms compute in double; the store into a Float32Array rounds once. int32 forms wrap like
 * TensorFlow's int32 (`| 0`, `Math.imul`).
 */

import type { BinaryKernel, KernelsAccepting, UnaryKernel } from '@tapeflow/tensor-core/backend';
import type { Code, Local } from '../wasm/encoder.js';
import { f32, f32x4, v128 } from '../wasm/instructions.js';

/** A unary op on a vector and on a scalar; `temp` (v128, f32) holds a value used twice. */
export type SimdOp1 = (x: Code, temp: Local) => Code;
/** A binary op on two vectors and on two scalars. */
export type SimdOp2 = (a: Code, b: Code) => Code;

/** A unary kernel's SIMD form: the same op on four floats and on one, rounding identically. */
export interface SimdUnary {
  readonly vector: SimdOp1;
  readonly scalar: SimdOp1;
}
/** A binary kernel's SIMD form. */
export interface SimdBinary {
  readonly vector: SimdOp2;
  readonly scalar: SimdOp2;
}

type Unary = (x: number) => number;
type Binary = (a: number, b: number) => number;

/** The unary kernels whose spec takes int32. */
export type IntUnaryKernel = KernelsAccepting<UnaryKernel, 'x', 'int32'>;
/** The binary kernels whose spec takes int32. */
export type IntBinaryKernel = KernelsAccepting<BinaryKernel, 'a', 'int32'>;

/** One unary kernel's entry; `int` is required when its spec takes int32, `null` otherwise. */
export interface UnaryEntry<K extends UnaryKernel> {
  readonly float: Unary;
  readonly int: K extends IntUnaryKernel ? Unary : null;
  readonly simd: SimdUnary | null;
}
/** One binary kernel's entry; `int` is required when its spec takes int32 (a form for a direct caller otherwise). */
export interface BinaryEntry<K extends BinaryKernel> {
  readonly float: Binary;
  readonly int: K extends IntBinaryKernel ? Binary : Binary | null;
  readonly simd: SimdBinary | null;
}

/**
 * C's pow, which TensorFlow uses, gives 1 for pow(1, y) with any y (NaN included) and for
 * pow(-1, ±Infinity); JavaScript's Math.pow gives NaN for those.
 */
export function floatPow(x: number, y: number): number {
  if (x === 1 || (x === -1 && (y === Infinity || y === -Infinity))) return 1;
  return Math.pow(x, y);
}

/**
 * Integer power by squaring, wrapping like int32. TensorFlow rejects negative exponents at run time;
 * here they give the truncated real result (1 or -1 for bases ±1, otherwise 0) instead of throwing
 * on values, which tensor-core never inspects.
 */
export function intPow(base: number, exponent: number): number {
  if (exponent < 0) {
    if (base === 1) return 1;
    if (base === -1) return exponent & 1 ? -1 : 1;
    return 0;
  }
  let result = 1;
  let square = base;
  for (let e = exponent; e > 0; e >>>= 1) {
    if (e & 1) result = Math.imul(result, square);
    square = Math.imul(square, square);
  }
  return result;
}

/** SELU's scale and scale · alpha (Klambauer et al. 2017), as TensorFlow's. */
const SELU_SCALE = 1.0507009873554805;
const SELU_SCALE_ALPHA = 1.0507009873554805 * 1.6732632423543772;

/** Round half to even (C's rint, TensorFlow's Round); a result of 0 keeps the input's sign. */
function roundHalfToEven(x: number): number {
  const rounded = Math.round(x);
  // Math.round sends ties up; a tie that went up to an odd number goes back down by one.
  const even = rounded - x === 0.5 && rounded % 2 !== 0 ? rounded - 1 : rounded;
  return even === 0 ? x * 0 : even;
}

/** The remainder with the divisor's sign (TensorFlow's FloorMod): C's fmod, moved by `b` when the signs differ. */
function floorMod(a: number, b: number): number {
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r;
}

/**
 * erf in double, to float32 accuracy: the odd Taylor series below 0.5 (next term under 3e-9 relative),
 * 1 - erfc above it with Numerical Recipes' Chebyshev erfc (fractional error under 1.2e-7).
 */
function erf(x: number): number {
  const a = Math.abs(x);
  if (a < 0.5) {
    const s = x * x;
    return (
      1.1283791670955126 *
      x *
      (1 + s * (-1 / 3 + s * (1 / 10 + s * (-1 / 42 + s * (1 / 216 + s * (-1 / 1320 + s * (1 / 9360)))))))
    );
  }
  if (!(a < 10)) return Number.isNaN(x) ? x : Math.sign(x);
  const t = 1 / (1 + 0.5 * a);
  const erfc =
    t *
    Math.exp(
      -a * a -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return Math.sign(x) * (1 - erfc);
}

/**
 * Every unary kernel. The kernels up to Softplus also have a loop of their own in unary.ts (a
 * `case` with the same formula written inline, the hot path); unary.test.ts checks that each such
 * loop agrees with its entry here. A kernel added later runs its `float` / `int` form per element.
 */
export const UNARY = {
  Neg: { float: (x) => -x, int: (x) => -x | 0, simd: { vector: (x) => f32x4.neg(x), scalar: (x) => f32.neg(x) } },
  // abs(-2^31) wraps back to -2^31, as in TensorFlow.
  Abs: {
    float: (x) => Math.abs(x),
    int: (x) => Math.abs(x) | 0,
    simd: { vector: (x) => f32x4.abs(x), scalar: (x) => f32.abs(x) },
  },
  // Math.sign keeps NaN as NaN, as TensorFlow's sign does.
  Sign: { float: (x) => Math.sign(x), int: (x) => Math.sign(x), simd: null },
  Square: {
    float: (x) => x * x,
    int: (x) => Math.imul(x, x),
    simd: { vector: (x, t) => f32x4.mul(t.tee(x), t.get()), scalar: (x, t) => f32.mul(t.tee(x), t.get()) },
  },
  Sqrt: { float: (x) => Math.sqrt(x), int: null, simd: { vector: (x) => f32x4.sqrt(x), scalar: (x) => f32.sqrt(x) } },
  Exp: { float: (x) => Math.exp(x), int: null, simd: null },
  Log: { float: (x) => Math.log(x), int: null, simd: null },
  // TensorFlow's relu passes NaN through; `v > 0 ? v : 0` would turn it into 0. pmax(x, 0) = x < 0 ?
  // 0 : x keeps NaN and is one instruction (max is several, for its ±0 and NaN rules); adding +0 then
  // turns pmax's -0 into +0, as `max(x, 0)` gives.
  Relu: {
    float: (x) => (x > 0 || x !== x ? x : 0),
    int: (x) => (x > 0 ? x : 0),
    simd: {
      vector: (x) => f32x4.add(f32x4.pmax(x, v128.zero()), v128.zero()),
      scalar: (x) => f32.max(x, f32.const(0)),
    },
  },
  // exp(-v) overflows to Infinity for v < -709, giving exactly the limit 0; no branch needed.
  Sigmoid: { float: (x) => 1 / (1 + Math.exp(-x)), int: null, simd: null },
  Tanh: { float: (x) => Math.tanh(x), int: null, simd: null },
  // log(1 + eᵛ) = v + log(1 + e⁻ᵛ) for v > 0: exp never overflows, `x` comes out for large x and
  // log1p keeps eᵛ far below 0. NaN fails `v > 0` and propagates through exp and log1p.
  Softplus: { float: (x) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))), int: null, simd: null },
  // ---- elementwise math and activations (issue 12) ----
  Sin: { float: (x) => Math.sin(x), int: null, simd: null },
  Cos: { float: (x) => Math.cos(x), int: null, simd: null },
  Tan: { float: (x) => Math.tan(x), int: null, simd: null },
  Asin: { float: (x) => Math.asin(x), int: null, simd: null },
  Acos: { float: (x) => Math.acos(x), int: null, simd: null },
  Atan: { float: (x) => Math.atan(x), int: null, simd: null },
  Sinh: { float: (x) => Math.sinh(x), int: null, simd: null },
  Cosh: { float: (x) => Math.cosh(x), int: null, simd: null },
  Asinh: { float: (x) => Math.asinh(x), int: null, simd: null },
  Acosh: { float: (x) => Math.acosh(x), int: null, simd: null },
  Atanh: { float: (x) => Math.atanh(x), int: null, simd: null },
  Floor: { float: (x) => Math.floor(x), int: null, simd: null },
  Ceil: { float: (x) => Math.ceil(x), int: null, simd: null },
  Round: { float: roundHalfToEven, int: (x) => x, simd: null },
  Reciprocal: { float: (x) => 1 / x, int: null, simd: null },
  Rsqrt: { float: (x) => 1 / Math.sqrt(x), int: null, simd: null },
  Log1p: { float: (x) => Math.log1p(x), int: null, simd: null },
  Expm1: { float: (x) => Math.expm1(x), int: null, simd: null },
  Softsign: { float: (x) => x / (1 + Math.abs(x)), int: null, simd: null },
  Elu: { float: (x) => (x > 0 ? x : Math.expm1(x)), int: null, simd: null },
  Selu: { float: (x) => (x > 0 ? SELU_SCALE * x : SELU_SCALE_ALPHA * Math.expm1(x)), int: null, simd: null },
  // NaN fails both comparisons and comes out unchanged, as Relu's does.
  Relu6: { float: (x) => (x < 0 ? 0 : x > 6 ? 6 : x), int: (x) => (x < 0 ? 0 : x > 6 ? 6 : x), simd: null },
  Erf: { float: erf, int: null, simd: null },
} as const satisfies { readonly [K in UnaryKernel]: UnaryEntry<K> };

/** Every binary kernel; as `UNARY`, the kernels up to Minimum also have an inline loop in binary.ts. */
export const BINARY = {
  Add: { float: (a, b) => a + b, int: (a, b) => (a + b) | 0, simd: { vector: f32x4.add, scalar: f32.add } },
  Sub: { float: (a, b) => a - b, int: (a, b) => (a - b) | 0, simd: { vector: f32x4.sub, scalar: f32.sub } },
  // A product of two int32s can exceed 2^53, so only Math.imul wraps it exactly.
  Mul: { float: (a, b) => a * b, int: (a, b) => Math.imul(a, b), simd: { vector: f32x4.mul, scalar: f32.mul } },
  // tensor-core's `div` casts integers to float32 first (RealDiv's spec takes float32 only); this
  // int32 form truncates, for a direct caller.
  RealDiv: { float: (a, b) => a / b, int: (a, b) => (a / b) | 0, simd: { vector: f32x4.div, scalar: f32.div } },
  Pow: { float: floatPow, int: intPow, simd: null },
  // Math.max propagates NaN (like NumPy's maximum), whichever side it is on; so do f32x4.max / min.
  Maximum: { float: Math.max, int: Math.max, simd: { vector: f32x4.max, scalar: f32.max } },
  Minimum: { float: Math.min, int: Math.min, simd: { vector: f32x4.min, scalar: f32.min } },
  // ---- elementwise math (issue 12) ----
  Atan2: { float: Math.atan2, int: null, simd: null },
  // TensorFlow's floor division of floats; int32 rounds toward -Infinity (a zero divisor gives 0 where
  // TensorFlow fails at run time: tensor-core never inspects values).
  FloorDiv: { float: (a, b) => Math.floor(a / b), int: (a, b) => (b === 0 ? 0 : Math.floor(a / b) | 0), simd: null },
  FloorMod: { float: floorMod, int: (a, b) => (b === 0 ? 0 : floorMod(a, b)), simd: null },
  SquaredDifference: {
    float: (a, b) => (a - b) * (a - b),
    int: (a, b) => Math.imul((a - b) | 0, (a - b) | 0),
    simd: null,
  },
  DivNoNan: { float: (a, b) => (b === 0 ? 0 : a / b), int: null, simd: null },
} as const satisfies { readonly [K in BinaryKernel]: BinaryEntry<K> };
