/**
 * @file One spec per kernel: its family, its inputs (by name) with the dtypes tensor-core sends each,
 * the rule that gives the output's dtype, and its attributes' types. Everything else is derived from
 * this table: `PrimitiveKernelSpecs` / `FusedKernelSpecs` (the typed kernel calls), the kernel-name
 * lists and families, the op front-ends' dtype checks, the backends' per-dtype tables (typed from
 * `KernelsAccepting`), and the conformance kit's dtype lists and README table. Adding a kernel here
 * makes `tsc` name every table that lacks it.
 *
 * Only front-end dtypes are stated here: a backend may accept more (the CPU kernels keep bool for Abs
 * and Sign), but tensor-core never sends it more.
 */

import type { DataType } from './dtype.js';
import { invalidArgument } from './errors.js';

/** The dtypes one input accepts. */
export interface InputSpec {
  readonly dtypes: readonly DataType[];
  /** The input is a list of tensors (Concat's `tensors`), each accepting `dtypes`. */
  readonly list?: true;
}

/** The type of one attribute: a number, a boolean, or a list of numbers (axes, a permutation). */
export type AttrType = 'number' | 'boolean' | 'number[]';

/**
 * How a kernel's output dtype is chosen: the dtype of input `sameAs`, always `dtype`, or by the caller
 * (`Cast`, `Fill`, ...) among `chosen`.
 */
export type OutputDtypeRule =
  { readonly sameAs: string } | { readonly dtype: DataType } | { readonly chosen: readonly DataType[] };

/** The kernel families backends implement with one shared kernel each. */
export type KernelFamily = 'unary' | 'binary' | 'comparison' | 'reduction' | 'other' | 'fused';

/** One kernel's spec. */
export interface OpSpec {
  readonly family: KernelFamily;
  /** Tensor inputs by name, in call order. */
  readonly inputs: Readonly<Record<string, InputSpec>>;
  readonly output: OutputDtypeRule;
  readonly attrs: Readonly<Record<string, AttrType>>;
  /** The contract in a sentence (the conformance kit's README table shows it). */
  readonly note: string;
}

const FLOAT = ['float32'] as const;
const NUMERIC = ['float32', 'int32'] as const;
const ANY = ['float32', 'int32', 'bool'] as const;
const INT = ['int32'] as const;
const BOOL = ['bool'] as const;

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
const COMPARISON_NOTE = 'Inputs share a dtype; shapes broadcast; output bool (bytes 0 and 1).';
const comparisonSpec = () =>
  ({
    family: 'comparison',
    inputs: { a: { dtypes: ANY }, b: { dtypes: ANY } },
    output: { dtype: 'bool' },
    attrs: {},
    note: COMPARISON_NOTE,
  }) as const;
const REDUCTION_NOTE =
  '`attrs.axes` sorted, unique, non-negative, non-empty; the output drops them (`keepDims` is a view on top). ' +
  "Over zero elements: TensorFlow's identity (0, the dtype's lowest, its highest). NaN propagates.";
const reductionSpec = () =>
  ({
    family: 'reduction',
    inputs: { x: { dtypes: NUMERIC } },
    output: { sameAs: 'x' },
    attrs: { axes: 'number[]' },
    note: REDUCTION_NOTE,
  }) as const;
const ARG_NOTE = 'int32 output, the axis removed; ties take the first index; the axis is never empty.';
const argSpec = () =>
  ({
    family: 'other',
    inputs: { x: { dtypes: NUMERIC } },
    output: { dtype: 'int32' },
    attrs: { axis: 'number' },
    note: ARG_NOTE,
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

/**
 * The spec of every primitive kernel, keyed by TensorFlow's kernel name. Order is the order of
 * `PRIMITIVE_KERNEL_NAMES` and of the README table.
 */
export const PRIMITIVE_SPECS = {
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
  Equal: comparisonSpec(),
  NotEqual: comparisonSpec(),
  Greater: comparisonSpec(),
  GreaterEqual: comparisonSpec(),
  Less: comparisonSpec(),
  LessEqual: comparisonSpec(),
  Sum: reductionSpec(),
  Max: reductionSpec(),
  Min: reductionSpec(),
  Select: {
    family: 'other',
    inputs: { condition: { dtypes: BOOL }, a: { dtypes: ANY }, b: { dtypes: ANY } },
    output: { sameAs: 'a' },
    attrs: {},
    note: '`condition ? a : b`; all three broadcast to `output.shape`.',
  },
  Cast: {
    family: 'other',
    inputs: { x: { dtypes: ANY } },
    output: { chosen: ANY },
    attrs: {},
    note: 'To another dtype: float→int32 truncates toward zero; anything→bool is `!= 0` (NaN is true).',
  },
  ArgMax: argSpec(),
  ArgMin: argSpec(),
  MatMul: {
    family: 'other',
    inputs: { a: { dtypes: NUMERIC }, b: { dtypes: NUMERIC } },
    output: { sameAs: 'a' },
    attrs: { transposeA: 'boolean', transposeB: 'boolean' },
    note: "Rank ≥ 2; leading (batch) dims broadcast; `transposeA` reads `a`'s last two dims as [k, m]. k may be 0 (zeros).",
  },
  Transpose: {
    family: 'other',
    inputs: { x: { dtypes: ANY } },
    output: { sameAs: 'x' },
    attrs: { perm: 'number[]' },
    note: 'Output dim i is input dim `perm[i]`.',
  },
  Slice: {
    family: 'other',
    inputs: { x: { dtypes: ANY } },
    output: { sameAs: 'x' },
    attrs: { begin: 'number[]' },
    note: "The box starting at `begin` of the output's shape.",
  },
  Concat: {
    family: 'other',
    inputs: { tensors: { dtypes: ANY, list: true } },
    output: { sameAs: 'tensors' },
    attrs: { axis: 'number' },
    note: 'Inputs agree on every other dim and share the output dtype.',
  },
  Gather: {
    family: 'other',
    inputs: { x: { dtypes: ANY }, indices: { dtypes: INT } },
    output: { sameAs: 'x' },
    attrs: { axis: 'number' },
    note: 'An index outside [0, x.shape[axis]) that tensor-core could not check gives zeros, never a read outside `x`.',
  },
  UnsortedSegmentSum: {
    family: 'other',
    inputs: { data: { dtypes: NUMERIC }, segmentIds: { dtypes: INT } },
    output: { sameAs: 'data' },
    attrs: { numSegments: 'number' },
    note: 'Ids outside [0, numSegments) are dropped; repeated ids add up.',
  },
  OneHot: {
    family: 'other',
    inputs: { indices: { dtypes: INT } },
    output: { chosen: ANY },
    attrs: { depth: 'number', onValue: 'number', offValue: 'number' },
    note: 'An index outside [0, depth) gives a row of `offValue`.',
  },
  Fill: {
    family: 'other',
    inputs: {},
    output: { chosen: ANY },
    attrs: { value: 'number' },
    note: 'Values stored as the output dtype stores them.',
  },
  Range: {
    family: 'other',
    inputs: {},
    output: { chosen: NUMERIC },
    attrs: { start: 'number', step: 'number' },
    note: '`start + i * step`, stored as the output dtype stores them.',
  },
  BroadcastTo: {
    family: 'other',
    inputs: { x: { dtypes: ANY } },
    output: { sameAs: 'x' },
    attrs: {},
    note: "Repeats `x` (whose shape broadcasts to the output's) to `output.shape`.",
  },
  // ---- elementwise math and activations (issue 12): float32 only unless TensorFlow takes int32 ----
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

/** The spec of every fused kernel (optional for a backend: tensor-core runs the composite instead). */
export const FUSED_SPECS = {
  Softmax: {
    family: 'fused',
    inputs: { x: { dtypes: FLOAT } },
    output: { sameAs: 'x' },
    attrs: { axis: 'number' },
    note: 'Fused, optional: when absent, tensor-core runs the composite of primitives; results agree within float32 rounding.',
  },
} as const satisfies Readonly<Record<string, OpSpec>>;

type PrimitiveSpecTable = typeof PRIMITIVE_SPECS;
type FusedSpecTable = typeof FUSED_SPECS;
/** The spec type of every kernel. */
export type OpSpecTable = PrimitiveSpecTable & FusedSpecTable;

/** The value type of an attribute type. */
type AttrValue<T extends AttrType> = T extends 'number' ? number : T extends 'boolean' ? boolean : readonly number[];

/**
 * The `{ inputs, attrs }` type a spec describes (`Info`: kernels.ts's `TensorInfo`, passed in to avoid
 * an import cycle).
 */
export type CallTypesOf<S extends OpSpec, Info> = {
  inputs: keyof S['inputs'] extends never
    ? Record<string, never>
    : { -readonly [N in keyof S['inputs']]: S['inputs'][N] extends { list: true } ? readonly Info[] : Info };
  attrs: keyof S['attrs'] extends never
    ? Record<string, never>
    : { -readonly [A in keyof S['attrs']]: AttrValue<S['attrs'][A]> };
};

/** The kernels of `family`. */
export type KernelsOfFamily<F extends KernelFamily> = {
  [K in keyof OpSpecTable]: OpSpecTable[K]['family'] extends F ? K : never;
}[keyof OpSpecTable];

/**
 * The kernels of `Names` whose input `Input` accepts `D`: backends type their per-dtype tables with it
 * (e.g. the int32 forms of the unary kernels), so a kernel that starts taking int32 needs one.
 */
export type KernelsAccepting<Names extends keyof OpSpecTable, Input extends string, D extends DataType> = {
  [K in Names]: OpSpecTable[K]['inputs'] extends { readonly [I in Input]: { readonly dtypes: readonly (infer T)[] } }
    ? D extends T
      ? K
      : never
    : never;
}[Names];

/** Every kernel's spec, by name (primitive and fused). */
export const OP_SPECS: { readonly [K in keyof OpSpecTable]: OpSpecTable[K] } = { ...PRIMITIVE_SPECS, ...FUSED_SPECS };

/** One bit per dtype, for the accepted-dtype masks below. */
const DTYPE_BITS: { readonly [D in DataType]: number } = { float32: 1, int32: 2, bool: 4 };

/**
 * Per kernel, per input, the mask of the dtypes it accepts: built once from `OP_SPECS`, so the check
 * every op call makes is two Map reads and a bit test (no scan, no allocation).
 */
const ACCEPTED_DTYPES: ReadonlyMap<string, ReadonlyMap<string, number>> = new Map(
  Object.entries(OP_SPECS).map(([kernel, spec]) => [
    kernel,
    new Map(
      Object.entries(spec.inputs as Readonly<Record<string, InputSpec>>).map(([input, inputSpec]) => [
        input,
        inputSpec.dtypes.reduce((mask, dtype) => mask | DTYPE_BITS[dtype], 0),
      ]),
    ),
  ]),
);

/** Whether kernel `kernel`'s input `input` accepts `dtype`. */
export function acceptsDtype(kernel: keyof OpSpecTable, input: string, dtype: DataType): boolean {
  const mask = ACCEPTED_DTYPES.get(kernel)?.get(input);
  return mask !== undefined && (mask & DTYPE_BITS[dtype]) !== 0;
}

/** `a float32 tensor`, `a float32 or int32 tensor`, `an int32 tensor`: the dtypes an input accepts, in words. */
export function describeDtypes(dtypes: readonly DataType[]): string {
  const words =
    dtypes.length <= 2 ? dtypes.join(' or ') : `${dtypes.slice(0, -1).join(', ')} or ${dtypes[dtypes.length - 1]}`;
  return `${words.startsWith('int') ? 'an' : 'a'} ${words} tensor`;
}

/**
 * Throws `InvalidArgumentError` naming `op` and `argument` when kernel `kernel`'s input `input` does not
 * accept `dtype`: the front-ends' (and backends' defensive) dtype check, derived from the spec. The
 * passing path is `acceptsDtype`'s: no allocation.
 */
export function checkInputDtype(
  op: string,
  kernel: keyof OpSpecTable,
  input: string,
  dtype: DataType,
  argument: string = input,
): void {
  if (acceptsDtype(kernel, input, dtype)) return;
  const spec: Readonly<Record<string, InputSpec | undefined>> = OP_SPECS[kernel].inputs;
  invalidArgument(op, argument, describeDtypes(spec[input]?.dtypes ?? []), `a ${dtype} tensor`);
}

/** The definition (front-end, references, input domain) of unary kernel `kernel`. */
export function unaryDefinition(kernel: UnaryKernelName): UnaryDefinition {
  return PRIMITIVE_SPECS[kernel].definition;
}

/** The definition (front-end, references, input domains) of binary kernel `kernel`. */
export function binaryDefinition(kernel: BinaryKernelName): BinaryDefinition {
  return PRIMITIVE_SPECS[kernel].definition;
}

type UnaryKernelName = KernelsOfFamily<'unary'>;
type BinaryKernelName = KernelsOfFamily<'binary'>;

/** The name of the tensor-core front-end that runs each unary and binary kernel, typed from the spec. */
export type FrontEndOf<K extends UnaryKernelName | BinaryKernelName> = PrimitiveSpecTable[K]['definition']['frontEnd'];
