/**
 * @file The specs of the elementwise unary and binary kernels, split out of op-specs.ts (which spreads
 * them into `PRIMITIVE_SPECS`): each kernel's dtypes and, beside them, its definition, the front-end that
 * runs it, its float64 and int32 reference formulas and the input range of the generated checks, so a
 * new elementwise kernel is stated once. Also the dtype lists every spec uses.
 */

import type { DataType } from './dtype.js';
import type { OpSpec } from './op-specs.js';

export const FLOAT = ['float32'] as const;
export const NUMERIC = ['float32', 'int32'] as const;
export const ANY = ['float32', 'int32', 'bool'] as const;
export const INT = ['int32'] as const;
export const BOOL = ['bool'] as const;

/**
 * An elementwise unary kernel's definition beside its dtypes: the front-end that runs it (tensor-core's
 * export of that name), its float64 reference, its int32 reference (exactly when it takes int32), and
 * the float32 range the generated checks draw inputs from. The conformance kit, the front-end tests
 * and the backends' cross-checks read these, so a new unary kernel is stated once, here.
 */
export interface UnaryDefinition {
  readonly frontEnd: string;
  /** The float64 reference (stored as float32 by the checks). */
  readonly float: (x: number) => number;
  /** The int32 reference, wrapping like int32; present exactly when the kernel takes int32. */
  readonly int?: (x: number) => number;
  /** The float32 input range of the generated checks: a check compares formulas, not IEEE corners. */
  readonly domain: readonly [number, number];
  /** The kernel decides at 0 (a kink or a jump): generated inputs include exact zeros. */
  readonly decidesAtZero?: true;
  /**
   * The |x| below which a float32 backend is held to float32 accuracy: a trigonometric function of a
   * huge argument needs a reduction modulo π longer than float32 allows (special-value checks stay below).
   */
  readonly accurateBelow?: number;
}

/** The input ranges of a binary kernel's generated checks (`b` of alternating sign when `alternateB`). */
export interface BinaryDomain {
  readonly a: readonly [number, number];
  readonly b: readonly [number, number];
  readonly alternateB?: true;
}

/** A binary kernel's definition beside its dtypes, as `UnaryDefinition` for two inputs. */
export interface BinaryDefinition {
  readonly frontEnd: string;
  readonly float: (a: number, b: number) => number;
  readonly int?: (a: number, b: number) => number;
  readonly domain: BinaryDomain;
  readonly intDomain?: BinaryDomain;
}

/** An int32 reference is required exactly when the dtypes include int32. */
type IntReference<D extends readonly DataType[], F> = 'int32' extends D[number]
  ? { readonly int: F }
  : { readonly int?: never };

const unarySpec = <const D extends readonly DataType[], const R extends UnaryDefinition>(
  dtypes: D,
  note: string,
  definition: R & IntReference<D, (x: number) => number>,
) => ({ family: 'unary', inputs: { x: { dtypes } }, output: { sameAs: 'x' }, attrs: {}, note, definition }) as const;
const binarySpec = <const D extends readonly DataType[], const R extends BinaryDefinition>(
  dtypes: D,
  note: string,
  definition: R & IntReference<D, (a: number, b: number) => number>,
) =>
  ({
    family: 'binary',
    inputs: { a: { dtypes }, b: { dtypes } },
    output: { sameAs: 'a' },
    attrs: {},
    note,
    definition,
  }) as const;
const UNARY_KEEPS = 'Output keeps the dtype; int32 wraps (`Neg(-2^31)` is `-2^31`).';
const FLOAT_MATH = 'float32 only, as in TensorFlow. `Log(0)` is -Infinity, `Sqrt(-1)` NaN; NaN propagates.';
const BINARY_NOTE =
  "Both inputs have the output's dtype; shapes broadcast (NumPy) to `output.shape`. int32 wraps; int32 `Pow` is exact " +
  '(a negative exponent truncates). float32 `Pow` follows C: `pow(-2, 3)` is `-8`.';

/** The input range of most generated unary checks. */
const SMALL = [-3, 3] as const;
/** The input ranges of most generated binary checks, float32 and int32. */
const BINARY_DOMAIN: BinaryDomain = { a: [-3, 3], b: [-3, 3] };
const INT_DOMAIN: BinaryDomain = { a: [-100, 100], b: [-100, 100] };

/** Integer power by squaring, wrapping like int32; a negative exponent gives C's truncated 1/b^-e. */
export function referenceIntPow(base: number, exponent: number): number {
  if (exponent < 0) return base === 1 ? 1 : base === -1 ? (exponent % 2 === 0 ? 1 : -1) : 0;
  let result = 1;
  let b = base | 0;
  let e = exponent;
  while (e > 0) {
    if (e & 1) result = Math.imul(result, b);
    b = Math.imul(b, b);
    e >>>= 1;
  }
  return result;
}

/** Where float32 backends must agree on trigonometric functions (see `accurateBelow`). */
const TRIG = 8192;
const OUTSIDE_NAN = 'float32 only, as in TensorFlow. NaN outside the domain; NaN propagates.';
/** SELU's constants (Klambauer et al. 2017), as TensorFlow's. */
export const SELU_SCALE = 1.0507009873554805;
export const SELU_ALPHA = 1.6732632423543772;
/** Divisors away from 0, of both signs. */
const DIVISION_DOMAIN: BinaryDomain = { a: [-10, 10], b: [0.5, 3], alternateB: true };
const INT_DIVISION_DOMAIN: BinaryDomain = { a: [-100, 100], b: [1, 10], alternateB: true };

/** Round half to even, keeping the sign of a zero (C's `rint`, TensorFlow's Round). */
function referenceRoundHalfToEven(x: number): number {
  const floor = Math.floor(x);
  const fraction = x - floor;
  const rounded = fraction < 0.5 ? floor : fraction > 0.5 ? floor + 1 : floor % 2 === 0 ? floor : floor + 1;
  return rounded === 0 ? x * 0 : rounded;
}

/** C's fmod moved to the sign of the divisor: TensorFlow's FloorMod. */
function referenceFloorMod(a: number, b: number): number {
  const truncated = a % b;
  return truncated !== 0 && truncated < 0 !== b < 0 ? truncated + b : truncated;
}

/**
 * The error function in float64: its Maclaurin series below 2.5 (about 1e-15 there), and 1 - erfc from
 * erfc's continued fraction above (60 terms; exact to double rounding from 2.5 on).
 */
function referenceErf(x: number): number {
  const a = Math.abs(x);
  if (!(a < 6)) return Number.isNaN(x) ? x : Math.sign(x);
  if (a < 2.5) {
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let n = 1; n < 80; n++) {
      term *= -x2 / n;
      sum += term / (2 * n + 1);
    }
    return (sum * 2) / Math.sqrt(Math.PI);
  }
  let fraction = a;
  for (let k = 60; k >= 1; k--) fraction = a + k / 2 / fraction;
  const erfc = Math.exp(-a * a) / (Math.sqrt(Math.PI) * fraction);
  return Math.sign(x) * (1 - erfc);
}

/** The first elementwise kernels (Neg ... Minimum), in `PRIMITIVE_SPECS` order. */
export const BASIC_ELEMENTWISE_SPECS = {
  Neg: unarySpec(NUMERIC, UNARY_KEEPS, { frontEnd: 'neg', float: (x) => -x, int: (x) => -x | 0, domain: SMALL }),
  Abs: unarySpec(NUMERIC, UNARY_KEEPS, {
    frontEnd: 'abs',
    float: (x) => Math.abs(x),
    int: (x) => Math.abs(x) | 0,
    domain: SMALL,
    decidesAtZero: true,
  }),
  Sign: unarySpec(NUMERIC, UNARY_KEEPS, {
    frontEnd: 'sign',
    float: (x) => Math.sign(x),
    int: (x) => Math.sign(x),
    domain: SMALL,
    decidesAtZero: true,
  }),
  Square: unarySpec(NUMERIC, UNARY_KEEPS, {
    frontEnd: 'square',
    float: (x) => x * x,
    int: (x) => Math.imul(x, x),
    domain: SMALL,
  }),
  Sqrt: unarySpec(FLOAT, FLOAT_MATH, { frontEnd: 'sqrt', float: (x) => Math.sqrt(x), domain: [0.05, 4] }),
  Exp: unarySpec(FLOAT, FLOAT_MATH, { frontEnd: 'exp', float: (x) => Math.exp(x), domain: [-5, 5] }),
  Log: unarySpec(FLOAT, FLOAT_MATH, { frontEnd: 'log', float: (x) => Math.log(x), domain: [0.05, 4] }),
  Relu: unarySpec(NUMERIC, 'Output keeps the dtype; `Relu(NaN)` is NaN.', {
    frontEnd: 'relu',
    float: (x) => (x > 0 || Number.isNaN(x) ? x : 0),
    int: (x) => (x > 0 ? x : 0),
    domain: SMALL,
    decidesAtZero: true,
  }),
  Sigmoid: unarySpec(FLOAT, FLOAT_MATH, { frontEnd: 'sigmoid', float: (x) => 1 / (1 + Math.exp(-x)), domain: [-6, 6] }),
  Tanh: unarySpec(FLOAT, FLOAT_MATH, { frontEnd: 'tanh', float: (x) => Math.tanh(x), domain: [-4, 4] }),
  Softplus: unarySpec(
    FLOAT,
    'float32 only, as in TensorFlow. `log(1 + eˣ)` without overflow: `x` for large x, `eˣ` far below 0.',
    // log(1 + eˣ) rewritten so that exp never overflows: max(x, 0) + log1p(e^-|x|).
    { frontEnd: 'softplus', float: (x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))), domain: [-20, 20] },
  ),
  Add: binarySpec(NUMERIC, BINARY_NOTE, {
    frontEnd: 'add',
    float: (a, b) => a + b,
    int: (a, b) => (a + b) | 0,
    domain: BINARY_DOMAIN,
    intDomain: INT_DOMAIN,
  }),
  Sub: binarySpec(NUMERIC, BINARY_NOTE, {
    frontEnd: 'sub',
    float: (a, b) => a - b,
    int: (a, b) => (a - b) | 0,
    domain: BINARY_DOMAIN,
    intDomain: INT_DOMAIN,
  }),
  Mul: binarySpec(NUMERIC, BINARY_NOTE, {
    frontEnd: 'mul',
    float: (a, b) => a * b,
    int: (a, b) => Math.imul(a, b),
    domain: BINARY_DOMAIN,
    intDomain: INT_DOMAIN,
  }),
  RealDiv: binarySpec(FLOAT, "Integers are cast to float32 first (TensorFlow's truediv). `0/0` is NaN.", {
    frontEnd: 'div',
    float: (a, b) => a / b,
    domain: { a: [-3, 3], b: [0.5, 2], alternateB: true },
  }),
  Pow: binarySpec(NUMERIC, BINARY_NOTE, {
    frontEnd: 'pow',
    // C's pow, which JavaScript's differs from only at base 1 (pow(1, NaN) is 1 in C).
    float: (a, b) => (a === 1 || b === 0 ? 1 : Math.pow(a, b)),
    int: referenceIntPow,
    domain: { a: [0.5, 2], b: [-2, 2] },
    intDomain: { a: [-4, 4], b: [0, 5] },
  }),
  Maximum: binarySpec(NUMERIC, BINARY_NOTE, {
    frontEnd: 'maximum',
    float: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b)),
    int: (a, b) => Math.max(a, b),
    domain: BINARY_DOMAIN,
    intDomain: INT_DOMAIN,
  }),
  Minimum: binarySpec(NUMERIC, BINARY_NOTE, {
    frontEnd: 'minimum',
    float: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b)),
    int: (a, b) => Math.min(a, b),
    domain: BINARY_DOMAIN,
    intDomain: INT_DOMAIN,
  }),
} as const satisfies Readonly<Record<string, OpSpec>>;

/** The elementwise math and activation kernels of issue 12, after every other primitive kernel. */
export const ELEMENTWISE_MATH_SPECS = {
  Sin: unarySpec(FLOAT, FLOAT_MATH, {
    frontEnd: 'sin',
    float: (x) => Math.sin(x),
    domain: [-6, 6],
    accurateBelow: TRIG,
  }),
  Cos: unarySpec(FLOAT, FLOAT_MATH, {
    frontEnd: 'cos',
    float: (x) => Math.cos(x),
    domain: [-6, 6],
    accurateBelow: TRIG,
  }),
  Tan: unarySpec(FLOAT, FLOAT_MATH, {
    frontEnd: 'tan',
    float: (x) => Math.tan(x),
    domain: [-1.4, 1.4],
    accurateBelow: TRIG,
  }),
  Asin: unarySpec(FLOAT, OUTSIDE_NAN, { frontEnd: 'asin', float: (x) => Math.asin(x), domain: [-0.99, 0.99] }),
  Acos: unarySpec(FLOAT, OUTSIDE_NAN, { frontEnd: 'acos', float: (x) => Math.acos(x), domain: [-0.99, 0.99] }),
  Atan: unarySpec(FLOAT, FLOAT_MATH, { frontEnd: 'atan', float: (x) => Math.atan(x), domain: [-5, 5] }),
  Sinh: unarySpec(FLOAT, FLOAT_MATH, { frontEnd: 'sinh', float: (x) => Math.sinh(x), domain: [-5, 5] }),
  Cosh: unarySpec(FLOAT, FLOAT_MATH, { frontEnd: 'cosh', float: (x) => Math.cosh(x), domain: [-5, 5] }),
  Asinh: unarySpec(FLOAT, FLOAT_MATH, { frontEnd: 'asinh', float: (x) => Math.asinh(x), domain: [-5, 5] }),
  Acosh: unarySpec(FLOAT, OUTSIDE_NAN, { frontEnd: 'acosh', float: (x) => Math.acosh(x), domain: [1.01, 5] }),
  Atanh: unarySpec(FLOAT, OUTSIDE_NAN, { frontEnd: 'atanh', float: (x) => Math.atanh(x), domain: [-0.95, 0.95] }),
  Floor: unarySpec(FLOAT, FLOAT_MATH, { frontEnd: 'floor', float: (x) => Math.floor(x), domain: [-5, 5] }),
  Ceil: unarySpec(FLOAT, FLOAT_MATH, { frontEnd: 'ceil', float: (x) => Math.ceil(x), domain: [-5, 5] }),
  Round: unarySpec(NUMERIC, 'Half to even (`Round(2.5)` is 2, `Round(-0.5)` is -0), as TensorFlow; int32 unchanged.', {
    frontEnd: 'round',
    float: referenceRoundHalfToEven,
    int: (x) => x,
    domain: [-5, 5],
  }),
  Reciprocal: unarySpec(FLOAT, '`1 / x`; `Reciprocal(0)` is Infinity.', {
    frontEnd: 'reciprocal',
    float: (x) => 1 / x,
    domain: [0.2, 4],
  }),
  Rsqrt: unarySpec(FLOAT, '`1 / sqrt(x)`; 0 gives Infinity, a negative x NaN.', {
    frontEnd: 'rsqrt',
    float: (x) => 1 / Math.sqrt(x),
    domain: [0.05, 4],
  }),
  Log1p: unarySpec(FLOAT, '`log(1 + x)`, accurate for small x.', {
    frontEnd: 'log1p',
    float: (x) => Math.log1p(x),
    domain: [-0.9, 4],
  }),
  Expm1: unarySpec(FLOAT, '`eˣ - 1`, accurate for small x.', {
    frontEnd: 'expm1',
    float: (x) => Math.expm1(x),
    domain: [-5, 5],
  }),
  Softsign: unarySpec(FLOAT, '`x / (1 + |x|)`.', {
    frontEnd: 'softsign',
    float: (x) => x / (1 + Math.abs(x)),
    domain: [-5, 5],
  }),
  Elu: unarySpec(FLOAT, '`x` above 0, `eˣ - 1` at or below it.', {
    frontEnd: 'elu',
    float: (x) => (x > 0 ? x : Math.expm1(x)),
    domain: [-5, 5],
  }),
  Selu: unarySpec(FLOAT, '`scale · x` above 0, `scale · alpha · (eˣ - 1)` at or below (Klambauer et al. constants).', {
    frontEnd: 'selu',
    float: (x) => SELU_SCALE * (x > 0 ? x : SELU_ALPHA * Math.expm1(x)),
    domain: [-5, 5],
  }),
  Relu6: unarySpec(NUMERIC, '`min(max(x, 0), 6)`; output keeps the dtype; NaN is NaN.', {
    frontEnd: 'relu6',
    float: (x) => (Number.isNaN(x) ? x : Math.min(Math.max(x, 0), 6)),
    int: (x) => Math.min(Math.max(x, 0), 6),
    domain: [-3, 9],
    decidesAtZero: true,
  }),
  Erf: unarySpec(FLOAT, 'The error function; ±1 far from 0.', {
    frontEnd: 'erf',
    float: referenceErf,
    domain: [-3, 3],
  }),
  Atan2: binarySpec(FLOAT, '`atan2(a, b)`: the angle of the point (b, a), in (-π, π]; shapes broadcast.', {
    frontEnd: 'atan2',
    float: (a, b) => Math.atan2(a, b),
    domain: BINARY_DOMAIN,
  }),
  FloorDiv: binarySpec(
    NUMERIC,
    '`floor(a / b)`; shapes broadcast; int32 rounds toward -Infinity and a zero divisor gives 0 (TensorFlow fails).',
    {
      frontEnd: 'floorDiv',
      float: (a, b) => Math.floor(a / b),
      int: (a, b) => (b === 0 ? 0 : Math.floor(a / b) | 0),
      domain: DIVISION_DOMAIN,
      intDomain: INT_DIVISION_DOMAIN,
    },
  ),
  FloorMod: binarySpec(
    NUMERIC,
    '`a - floor(a / b) · b`: the sign of the divisor, as TensorFlow; shapes broadcast; an int32 zero divisor gives 0.',
    {
      frontEnd: 'floorMod',
      float: referenceFloorMod,
      int: (a, b) => (b === 0 ? 0 : referenceFloorMod(a, b)),
      domain: DIVISION_DOMAIN,
      intDomain: INT_DIVISION_DOMAIN,
    },
  ),
  SquaredDifference: binarySpec(NUMERIC, '`(a - b)²`; shapes broadcast; int32 wraps.', {
    frontEnd: 'squaredDifference',
    float: (a, b) => (a - b) * (a - b),
    int: (a, b) => Math.imul((a - b) | 0, (a - b) | 0),
    domain: BINARY_DOMAIN,
    intDomain: INT_DOMAIN,
  }),
  DivNoNan: binarySpec(FLOAT, '`a / b`, and 0 wherever `b` is 0 (even for a NaN `a`); shapes broadcast.', {
    frontEnd: 'divNoNan',
    float: (a, b) => (b === 0 ? 0 : a / b),
    domain: BINARY_DOMAIN,
  }),
} as const satisfies Readonly<Record<string, OpSpec>>;
