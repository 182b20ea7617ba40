/**
 * @file Reference implementations of the elementwise kernels: unary math, binary arithmetic and
 * comparisons with NumPy broadcasting, `Select` and `Cast`. float32 is computed in float64 (a backend
 * computing in float32 is compared within tolerance); int32 wraps modulo 2^32 as TensorFlow's int32.
 */

import type {
  BinaryKernel,
  ComparisonKernel,
  DataType,
  KernelsAccepting,
  UnaryKernel,
} from '@tapeflow/tensor-core/internal';
import { acceptsDtype } from '@tapeflow/tensor-core/internal';
import type { ReferenceTensor } from './tensor.js';
import { broadcastOffset, broadcastShape, indicesOf, sizeOf, storeAs } from './tensor.js';

/** The float definition of every unary kernel. */
const FLOAT_UNARY: Readonly<Record<UnaryKernel, (x: number) => number>> = {
  Neg: (x) => -x,
  Abs: (x) => Math.abs(x),
  Sign: (x) => Math.sign(x),
  Square: (x) => x * x,
  Sqrt: (x) => Math.sqrt(x),
  Exp: (x) => Math.exp(x),
  Log: (x) => Math.log(x),
  Relu: (x) => (x > 0 || Number.isNaN(x) ? x : 0),
  Sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  Tanh: (x) => Math.tanh(x),
  // log(1 + eˣ) rewritten so that exp never overflows: max(x, 0) + log1p(e^-|x|).
  Softplus: (x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))),
};

/** The unary kernels whose spec takes int32. */
type IntUnaryKernel = KernelsAccepting<UnaryKernel, 'x', 'int32'>;

/**
 * The int32 definition of the unary kernels whose spec takes integers, keyed by exactly those (derived
 * from the spec: a kernel that starts taking int32 needs an entry here).
 */
const INT_UNARY: { readonly [K in IntUnaryKernel]: (x: number) => number } = {
  Neg: (x) => -x | 0,
  Abs: (x) => Math.abs(x) | 0,
  Sign: (x) => Math.sign(x),
  Square: (x) => Math.imul(x, x),
  Relu: (x) => (x > 0 ? x : 0),
};

const isIntUnary = (op: UnaryKernel): op is IntUnaryKernel => acceptsDtype(op, 'x', 'int32');

/**
 * Unary kernel `op` on every element of `x`, keeping its dtype.
 * @example unary('Square', referenceTensor([-3, 2], [2], 'int32')).values // [9, 4]
 */
export function unary(op: UnaryKernel, x: ReferenceTensor): ReferenceTensor {
  const f = x.dtype === 'float32' ? FLOAT_UNARY[op] : x.dtype === 'int32' && isIntUnary(op) ? INT_UNARY[op] : undefined;
  if (f === undefined) throw new RangeError(`unary: ${op} has no ${x.dtype} definition.`);
  return { shape: x.shape.slice(), dtype: x.dtype, values: x.values.map((v) => storeAs(f(v), x.dtype)) };
}

/** Integer power by squaring, wrapping like int32; a negative exponent gives C's truncated 1/b^-e. */
export function intPow(base: number, exponent: number): number {
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

/** The scalar definition of binary kernel `op` in `dtype`. */
function binaryScalar(op: BinaryKernel, dtype: DataType): (a: number, b: number) => number {
  const int = dtype === 'int32';
  switch (op) {
    case 'Add':
      return int ? (a, b) => (a + b) | 0 : (a, b) => a + b;
    case 'Sub':
      return int ? (a, b) => (a - b) | 0 : (a, b) => a - b;
    case 'Mul':
      return int ? (a, b) => Math.imul(a, b) : (a, b) => a * b;
    case 'RealDiv':
      return (a, b) => a / b;
    case 'Pow':
      // C's pow, which JavaScript's differs from only at base 1 (pow(1, NaN) is 1 in C).
      return int ? intPow : (a, b) => (a === 1 || b === 0 ? 1 : Math.pow(a, b));
    case 'Maximum':
      return (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b));
    case 'Minimum':
      return (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b));
  }
}

/** Applies `f` to `a` and `b` broadcast together; the result has `dtype`. */
function broadcastMap(
  a: ReferenceTensor,
  b: ReferenceTensor,
  dtype: DataType,
  f: (x: number, y: number) => number,
): ReferenceTensor {
  const shape = broadcastShape(a.shape, b.shape);
  const values: number[] = [];
  const size = sizeOf(shape);
  // Same-size and scalar operands need no index arithmetic (and keep the large-input checks fast).
  if ((a.values.length === size || a.values.length === 1) && (b.values.length === size || b.values.length === 1)) {
    const as = a.values.length === 1 ? 0 : 1;
    const bs = b.values.length === 1 ? 0 : 1;
    for (let i = 0; i < size; i++) values.push(storeAs(f(a.values[i * as]!, b.values[i * bs]!), dtype));
    return { shape, dtype, values };
  }
  for (const index of indicesOf(shape)) {
    values.push(
      storeAs(f(a.values[broadcastOffset(index, a.shape)]!, b.values[broadcastOffset(index, b.shape)]!), dtype),
    );
  }
  return { shape, dtype, values };
}

/**
 * Binary kernel `op` on `a` and `b` (same dtype) with NumPy broadcasting.
 * @example binary('Sub', referenceTensor([1, 2, 3], [3]), referenceTensor([10], [])).values // [-9, -8, -7]
 */
export function binary(op: BinaryKernel, a: ReferenceTensor, b: ReferenceTensor): ReferenceTensor {
  return broadcastMap(a, b, a.dtype, binaryScalar(op, a.dtype));
}

const COMPARE: Readonly<Record<ComparisonKernel, (a: number, b: number) => boolean>> = {
  Equal: (a, b) => a === b,
  NotEqual: (a, b) => a !== b,
  Greater: (a, b) => a > b,
  GreaterEqual: (a, b) => a >= b,
  Less: (a, b) => a < b,
  LessEqual: (a, b) => a <= b,
};

/**
 * Comparison kernel `op` on `a` and `b` with broadcasting; a bool result (bools compare as 0 and 1).
 * @example compare('Less', referenceTensor([1, 5], [2]), referenceTensor([3], [])).values // [1, 0]
 */
export function compare(op: ComparisonKernel, a: ReferenceTensor, b: ReferenceTensor): ReferenceTensor {
  const f = COMPARE[op];
  return broadcastMap(a, b, 'bool', (x, y) => (f(x, y) ? 1 : 0));
}

/**
 * `condition ? a : b` elementwise, all three broadcast together.
 * @example
 * select(referenceTensor([1, 0], [2], 'bool'), referenceTensor([1, 2], [2]), referenceTensor([9], [])).values // [1, 9]
 */
export function select(condition: ReferenceTensor, a: ReferenceTensor, b: ReferenceTensor): ReferenceTensor {
  const shape = broadcastShape(condition.shape, broadcastShape(a.shape, b.shape));
  const values: number[] = [];
  const size = sizeOf(shape);
  if (condition.values.length === size && a.values.length === size && b.values.length === size) {
    for (let i = 0; i < size; i++) values.push(condition.values[i] !== 0 ? a.values[i]! : b.values[i]!);
    return { shape, dtype: a.dtype, values };
  }
  for (const index of indicesOf(shape)) {
    const chosen = condition.values[broadcastOffset(index, condition.shape)]! !== 0 ? a : b;
    values.push(chosen.values[broadcastOffset(index, chosen.shape)]!);
  }
  return { shape, dtype: a.dtype, values };
}

/**
 * `x` converted to `dtype`: float→int32 truncates toward zero, anything→bool is `!= 0`.
 * @example cast(referenceTensor([1.7, -1.7, 0], [3]), 'int32').values // [1, -1, 0]
 */
export function cast(x: ReferenceTensor, dtype: DataType): ReferenceTensor {
  return { shape: x.shape.slice(), dtype, values: x.values.map((v) => storeAs(v, dtype)) };
}
