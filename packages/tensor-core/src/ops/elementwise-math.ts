/**
 * @file The elementwise math and activation front-ends of API.md's "More ops": trigonometric and
 * hyperbolic functions, rounding, `reciprocal`, `rsqrt`, `log1p`, `expm1`, `erf`, the elementwise
 * activations, the binary `atan2`, `floorDiv`, `floorMod`, `squaredDifference`, `divNoNan`, and the
 * bool tests and logical ops. Each kernel op runs one kernel through the shared elementwise runner
 * (dtypes from its spec). `silu`, `gelu`, `leakyRelu`, `prelu`, `isNan`, `isInf`, `isFinite` and the
 * logical ops are composites of kernels (TensorFlow writes silu and gelu as composites too); their
 * gradients follow from their parts, and equal TensorFlow's registered ones.
 */

import { getEngine } from '../engine.js';
import { invalidArgument } from '../errors.js';
import { checkOptions, type OptionSchema } from '../options.js';
import { broadcastShapes } from '../shape.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { convertToTensor } from './convert.js';
import { abs, add, equal, greater, less, mul, notEqual, sigmoid, tanh, where } from './elementwise.js';
import { binary, unary } from './run-elementwise.js';

/** `sin(x)`. float32. @example tf.sin(tf.tensor([0, Math.PI / 2])) // [0, 1] */
export function sin(x: TensorLike): Tensor {
  return unary('Sin', 'sin', x);
}
/** `cos(x)`. float32. */
export function cos(x: TensorLike): Tensor {
  return unary('Cos', 'cos', x);
}
/** `tan(x)`. float32. */
export function tan(x: TensorLike): Tensor {
  return unary('Tan', 'tan', x);
}
/** `asin(x)`, NaN outside [-1, 1]. float32. */
export function asin(x: TensorLike): Tensor {
  return unary('Asin', 'asin', x);
}
/** `acos(x)`, NaN outside [-1, 1]. float32. */
export function acos(x: TensorLike): Tensor {
  return unary('Acos', 'acos', x);
}
/** `atan(x)`. float32. */
export function atan(x: TensorLike): Tensor {
  return unary('Atan', 'atan', x);
}
/** `sinh(x)`. float32. */
export function sinh(x: TensorLike): Tensor {
  return unary('Sinh', 'sinh', x);
}
/** `cosh(x)`. float32. */
export function cosh(x: TensorLike): Tensor {
  return unary('Cosh', 'cosh', x);
}
/** `asinh(x)`. float32. */
export function asinh(x: TensorLike): Tensor {
  return unary('Asinh', 'asinh', x);
}
/** `acosh(x)`, NaN below 1. float32. */
export function acosh(x: TensorLike): Tensor {
  return unary('Acosh', 'acosh', x);
}
/** `atanh(x)`, NaN outside [-1, 1], ±Infinity at ±1. float32. */
export function atanh(x: TensorLike): Tensor {
  return unary('Atanh', 'atanh', x);
}
/** The largest integer not above `x`. float32 (no gradient, as in TensorFlow). */
export function floor(x: TensorLike): Tensor {
  return unary('Floor', 'floor', x);
}
/** The smallest integer not below `x`. float32 (no gradient, as in TensorFlow). */
export function ceil(x: TensorLike): Tensor {
  return unary('Ceil', 'ceil', x);
}
/**
 * The nearest integer, ties to even (TensorFlow's banker's rounding); int32 is unchanged. No gradient.
 * @example tf.round(tf.tensor([0.5, 1.5, 2.5, -0.5])) // [0, 2, 2, -0]
 */
export function round(x: TensorLike): Tensor {
  return unary('Round', 'round', x);
}
/** `1 / x`. float32. */
export function reciprocal(x: TensorLike): Tensor {
  return unary('Reciprocal', 'reciprocal', x);
}
/** `1 / sqrt(x)`. float32. */
export function rsqrt(x: TensorLike): Tensor {
  return unary('Rsqrt', 'rsqrt', x);
}
/** `log(1 + x)`, accurate for small x. float32. */
export function log1p(x: TensorLike): Tensor {
  return unary('Log1p', 'log1p', x);
}
/** `eˣ - 1`, accurate for small x. float32. */
export function expm1(x: TensorLike): Tensor {
  return unary('Expm1', 'expm1', x);
}
/** The error function. float32. @example tf.erf(tf.tensor([0, 1])) // [0, 0.8427008] */
export function erf(x: TensorLike): Tensor {
  return unary('Erf', 'erf', x);
}
/** `x / (1 + |x|)`. float32. */
export function softsign(x: TensorLike): Tensor {
  return unary('Softsign', 'softsign', x);
}
/** `x` above 0, `eˣ - 1` at or below it. float32. */
export function elu(x: TensorLike): Tensor {
  return unary('Elu', 'elu', x);
}
/** Scaled ELU with Klambauer et al.'s constants (TensorFlow's selu). float32. */
export function selu(x: TensorLike): Tensor {
  return unary('Selu', 'selu', x);
}
/** `min(max(x, 0), 6)`. float32 or int32. */
export function relu6(x: TensorLike): Tensor {
  return unary('Relu6', 'relu6', x);
}

/** `atan2(a, b)`: the angle of the point (b, a), broadcasting. float32. */
export function atan2(a: TensorLike, b: TensorLike): Tensor {
  return binary('Atan2', 'atan2', a, b);
}
/** `floor(a / b)`, broadcasting. float32 or int32 (no gradient, as in TensorFlow). */
export function floorDiv(a: TensorLike, b: TensorLike): Tensor {
  return binary('FloorDiv', 'floorDiv', a, b);
}
/**
 * The remainder of floor division, with the divisor's sign (TensorFlow's floormod), broadcasting.
 * @example tf.floorMod(tf.tensor([-7, 7]), 3) // [2, 1]
 */
export function floorMod(a: TensorLike, b: TensorLike): Tensor {
  return binary('FloorMod', 'floorMod', a, b);
}
/** `(a - b)²`, broadcasting. float32 or int32. */
export function squaredDifference(a: TensorLike, b: TensorLike): Tensor {
  return binary('SquaredDifference', 'squaredDifference', a, b);
}
/** `a / b`, and 0 where `b` is 0, broadcasting. float32. */
export function divNoNan(a: TensorLike, b: TensorLike): Tensor {
  return binary('DivNoNan', 'divNoNan', a, b);
}

/** Converts `x`, refusing a dtype other than `dtype` (these composites are defined for one dtype). */
function convertOf(op: string, argument: string, x: TensorLike, dtype: 'float32' | 'bool'): Tensor {
  const t = convertToTensor(x, op, argument, dtype === 'bool' ? 'bool' : undefined);
  if (t.dtype !== dtype) {
    if (t !== x) t.dispose();
    invalidArgument(op, argument, `a ${dtype} tensor`, `a ${t.dtype} tensor`);
  }
  return t;
}

/** Runs `body` on `x` converted, disposing the conversion (never a tensor the caller passed). */
function withConverted<T extends Tensor>(
  op: string,
  x: TensorLike,
  dtype: 'float32' | 'bool',
  body: (t: Tensor) => T,
): T {
  const t = convertOf(op, 'x', x, dtype);
  try {
    return getEngine().tidy(() => body(t));
  } finally {
    if (t !== x) t.dispose();
  }
}

/** Like `withConverted` for two operands. */
function withConvertedPair(
  op: string,
  a: TensorLike,
  b: TensorLike,
  dtype: 'float32' | 'bool',
  body: (a: Tensor, b: Tensor) => Tensor,
): Tensor {
  const ta = convertOf(op, 'a', a, dtype);
  try {
    const tb = convertOf(op, 'b', b, dtype);
    try {
      broadcastShapes(op, ta.shape, tb.shape);
      return getEngine().tidy(() => body(ta, tb));
    } finally {
      if (tb !== b) tb.dispose();
    }
  } finally {
    if (ta !== a) ta.dispose();
  }
}

/** `x · sigmoid(x)` (swish), a composite as in TensorFlow. float32. */
export function silu(x: TensorLike): Tensor {
  return withConverted('silu', x, 'float32', (t) => mul(t, sigmoid(t)));
}

/** `gelu`'s options. */
export interface GeluOptions {
  /** Use the tanh approximation instead of the exact erf form. Default false. */
  readonly approximate?: boolean;
}
const GELU_OPTIONS: OptionSchema<GeluOptions> = { approximate: { kind: 'boolean' } };

/**
 * The Gaussian error linear unit, TensorFlow's composite: `x/2 · (1 + erf(x/√2))`, or with
 * `approximate: true`, `x/2 · (1 + tanh(√(2/π) · (x + 0.044715 x³)))`. float32.
 * @example tf.gelu(tf.tensor([-1, 0, 1])) // [-0.15865526, 0, 0.8413447]
 */
export function gelu(x: TensorLike, options: GeluOptions = {}): Tensor {
  checkOptions('gelu', options, GELU_OPTIONS);
  const approximate = options.approximate ?? false;
  return withConverted('gelu', x, 'float32', (t) => {
    const inner = approximate
      ? tanh(mul(add(t, mul(mul(mul(t, t), t), 0.044715)), Math.sqrt(2 / Math.PI)))
      : erf(mul(t, Math.SQRT1_2));
    return mul(mul(t, 0.5), add(inner, 1));
  });
}

/** `leakyRelu`'s options. */
export interface LeakyReluOptions {
  /** The slope below 0. Default 0.2 (TensorFlow's). */
  readonly alpha?: number;
}
const LEAKY_RELU_OPTIONS: OptionSchema<LeakyReluOptions> = { alpha: { kind: 'number' } };

/**
 * `x` above 0, `alpha · x` at or below it (TensorFlow's leaky_relu; its gradient is `alpha` at 0).
 * float32. @example tf.leakyRelu(tf.tensor([-1, 2])) // [-0.2, 2]
 */
export function leakyRelu(x: TensorLike, options: LeakyReluOptions = {}): Tensor {
  checkOptions('leakyRelu', options, LEAKY_RELU_OPTIONS);
  const alpha = options.alpha ?? 0.2;
  if (!Number.isFinite(alpha)) invalidArgument('leakyRelu', 'options.alpha', 'a finite number', String(alpha));
  return withConverted('leakyRelu', x, 'float32', (t) => where(greater(t, 0), t, mul(t, alpha)));
}

/**
 * `x` above 0, `alpha · x` at or below it, with a learned `alpha` broadcast against `x` (Keras' PReLU).
 * float32. @example tf.prelu(tf.tensor([-2, 3]), tf.tensor([0.5, 0.5])) // [-1, 3]
 */
export function prelu(x: TensorLike, alpha: TensorLike): Tensor {
  return withConvertedPair('prelu', x, alpha, 'float32', (t, a) => where(greater(t, 0), t, mul(t, a)));
}

/** Whether each value is NaN. float32 in, bool out. */
export function isNan(x: TensorLike): Tensor<'bool'> {
  return withConverted('isNan', x, 'float32', (t) => notEqual(t, t));
}
/** Whether each value is ±Infinity. float32 in, bool out. */
export function isInf(x: TensorLike): Tensor<'bool'> {
  return withConverted('isInf', x, 'float32', (t) => equal(abs(t), Infinity));
}
/** Whether each value is finite (not NaN, not ±Infinity). float32 in, bool out. */
export function isFinite(x: TensorLike): Tensor<'bool'> {
  return withConverted('isFinite', x, 'float32', (t) => less(abs(t), Infinity));
}

/** `!x`. bool. */
export function logicalNot(x: TensorLike): Tensor<'bool'> {
  return withConverted('logicalNot', x, 'bool', (t) => equal(t, 0));
}
/** `a && b`, broadcasting. bool. */
export function logicalAnd(a: TensorLike, b: TensorLike): Tensor<'bool'> {
  return withConvertedPair('logicalAnd', a, b, 'bool', (ta, tb) => where(ta, tb, 0)) as Tensor<'bool'>;
}
/** `a || b`, broadcasting. bool. */
export function logicalOr(a: TensorLike, b: TensorLike): Tensor<'bool'> {
  return withConvertedPair('logicalOr', a, b, 'bool', (ta, tb) => where(ta, 1, tb)) as Tensor<'bool'>;
}
/** `a != b` on bools (exclusive or), broadcasting. bool. */
export function logicalXor(a: TensorLike, b: TensorLike): Tensor<'bool'> {
  return withConvertedPair('logicalXor', a, b, 'bool', notEqual) as Tensor<'bool'>;
}
