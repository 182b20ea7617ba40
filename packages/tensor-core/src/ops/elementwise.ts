/**
 * @file Elementwise op front-ends: arithmetic and comparisons with NumPy broadcasting, unary math and
 * activations, `where`, `cast` and `clipByValue`. Each validates dtypes and shapes, computes the output
 * spec and runs one kernel; a number operand takes the other operand's dtype.
 */

import type { DataType } from '../dtype.js';
import { getEngine } from '../engine.js';
import { invalidArgument } from '../errors.js';
import { checkInputDtype } from '../op-specs.js';
import { binary, checkSameDtype, comparison, unary } from './run-elementwise.js';
import { broadcastShapes } from '../shape.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { describeValue } from '../options.js';
import { assertDataType, assertLiveTensor, convertPair, convertToTensor, releaseConverted } from './convert.js';
import { elementOf } from './values.js';

/** `a + b`, broadcasting. @example tf.add(tf.tensor([1, 2]), 10) // [11, 12] */
export function add(a: TensorLike, b: TensorLike): Tensor {
  return binary('Add', 'add', a, b);
}
/** `a - b`, broadcasting. */
export function sub(a: TensorLike, b: TensorLike): Tensor {
  return binary('Sub', 'sub', a, b);
}
/** `a * b`, broadcasting. */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  return binary('Mul', 'mul', a, b);
}
/** `a ** b`, broadcasting. @example tf.pow(tf.scalar(4), 2) // 16 */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  return binary('Pow', 'pow', a, b);
}
/** Elementwise larger of `a` and `b`. */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  return binary('Maximum', 'maximum', a, b);
}
/** Elementwise smaller of `a` and `b`. */
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  return binary('Minimum', 'minimum', a, b);
}

/** `a / b`, broadcasting; integers are divided as float32 (TensorFlow's truediv). `0/0` is NaN. */
export function div(a: TensorLike, b: TensorLike): Tensor {
  const [ta, tb] = convertPair(a, b, 'div');
  try {
    checkSameDtype('div', ta, tb);
    if (ta.dtype === 'float32') return binary('RealDiv', 'div', ta, tb);
    // RealDiv takes float32 only: div converts int32 itself (truediv), and refuses bool.
    if (ta.dtype === 'bool') invalidArgument('div', 'a', 'a float32 or int32 tensor', 'a bool tensor');
    const fa = cast(ta, 'float32');
    const fb = cast(tb, 'float32');
    try {
      return binary('RealDiv', 'div', fa, fb);
    } finally {
      fa.dispose();
      fb.dispose();
    }
  } finally {
    releaseConverted(ta, a, tb, b);
  }
}

/** `-x`. */
export function neg(x: TensorLike): Tensor {
  return unary('Neg', 'neg', x);
}
/** `|x|`. */
export function abs(x: TensorLike): Tensor {
  return unary('Abs', 'abs', x);
}
/** -1, 0 or 1 by the sign of x (NaN stays NaN). */
export function sign(x: TensorLike): Tensor {
  return unary('Sign', 'sign', x);
}
/** `x * x`. */
export function square(x: TensorLike): Tensor {
  return unary('Square', 'square', x);
}
/** `√x` (NaN below 0). */
export function sqrt(x: TensorLike): Tensor {
  return unary('Sqrt', 'sqrt', x);
}
/** `eˣ`. */
export function exp(x: TensorLike): Tensor {
  return unary('Exp', 'exp', x);
}
/** Natural logarithm; `log(0)` is `-Infinity`, as in TensorFlow. */
export function log(x: TensorLike): Tensor {
  return unary('Log', 'log', x);
}
/** `max(x, 0)`. */
export function relu(x: TensorLike): Tensor {
  return unary('Relu', 'relu', x);
}
/** `1 / (1 + e⁻ˣ)`. */
export function sigmoid(x: TensorLike): Tensor {
  return unary('Sigmoid', 'sigmoid', x);
}
/** Hyperbolic tangent. */
export function tanh(x: TensorLike): Tensor {
  return unary('Tanh', 'tanh', x);
}
/**
 * `log(1 + eˣ)`, computed without overflow: `x` for large x, `eˣ` far below 0 (TensorFlow's softplus).
 * float32 only. @example tf.softplus(tf.tensor([0, 100])) // [0.6931472, 100]
 */
export function softplus(x: TensorLike): Tensor {
  return unary('Softplus', 'softplus', x);
}

/** `a == b` elementwise, broadcasting; bool result. */
export function equal(a: TensorLike, b: TensorLike): Tensor<'bool'> {
  return comparison('Equal', 'equal', a, b);
}
/** `a != b` elementwise. */
export function notEqual(a: TensorLike, b: TensorLike): Tensor<'bool'> {
  return comparison('NotEqual', 'notEqual', a, b);
}
/** `a > b` elementwise. */
export function greater(a: TensorLike, b: TensorLike): Tensor<'bool'> {
  return comparison('Greater', 'greater', a, b);
}
/** `a >= b` elementwise. */
export function greaterEqual(a: TensorLike, b: TensorLike): Tensor<'bool'> {
  return comparison('GreaterEqual', 'greaterEqual', a, b);
}
/** `a < b` elementwise. */
export function less(a: TensorLike, b: TensorLike): Tensor<'bool'> {
  return comparison('Less', 'less', a, b);
}
/** `a <= b` elementwise. */
export function lessEqual(a: TensorLike, b: TensorLike): Tensor<'bool'> {
  return comparison('LessEqual', 'lessEqual', a, b);
}

/**
 * Converts to `dtype`: float→int truncates toward zero, anything→bool is `x != 0`.
 * @example tf.cast(tf.tensor([1.7, -1.7]), 'int32') // [1, -1]
 */
export function cast<T extends DataType>(x: TensorLike, dtype: T): Tensor<T> {
  assertDataType('cast', 'dtype', dtype);
  const tx = convertToTensor(x, 'cast', 'x');
  const engine = getEngine();
  try {
    if (tx.dtype === dtype) return engine.makeView(tx, tx.shape, 'Identity') as Tensor<T>;
    return engine.runKernel('Cast', { x: tx }, {}, { shape: tx.shape, dtype }) as Tensor<T>;
  } finally {
    if (tx !== x) tx.dispose();
  }
}

/**
 * Elementwise `condition ? a : b`; the three broadcast together. `condition` must be bool.
 * @example tf.where(tf.greater(x, 0), x, 0)
 */
export function where(condition: Tensor, a: TensorLike, b: TensorLike): Tensor {
  assertLiveTensor(condition, 'where', 'condition');
  checkInputDtype('where', 'Select', 'condition', condition.dtype);
  const [ta, tb] = convertPair(a, b, 'where');
  try {
    checkSameDtype('where', ta, tb);
    const shape = broadcastShapes('where', condition.shape, broadcastShapes('where', ta.shape, tb.shape));
    return getEngine().runKernel('Select', { condition, a: ta, b: tb }, {}, { shape, dtype: ta.dtype });
  } finally {
    releaseConverted(ta, a, tb, b);
  }
}

/** Clamps every value into `[clipValueMin, clipValueMax]` (bounds converted to `x`'s dtype). */
export function clipByValue(x: TensorLike, clipValueMin: number, clipValueMax: number): Tensor {
  for (const [name, bound] of [
    ['clipValueMin', clipValueMin],
    ['clipValueMax', clipValueMax],
  ] as const) {
    if (typeof bound !== 'number') invalidArgument('clipByValue', name, 'a number', describeValue(bound));
  }
  if (!(clipValueMin <= clipValueMax)) {
    invalidArgument('clipByValue', 'clipValueMin', `a value <= clipValueMax (${clipValueMax})`, String(clipValueMin));
  }
  const tx = convertToTensor(x, 'clipByValue', 'x');
  const engine = getEngine();
  try {
    checkInputDtype('clipByValue', 'Maximum', 'a', tx.dtype, 'x');
    if (tx.dtype === 'int32') {
      elementOf(clipValueMin, 'int32', 'clipByValue', 'clipValueMin');
      elementOf(clipValueMax, 'int32', 'clipByValue', 'clipValueMax');
    }
    return engine.tidy(() => minimum(maximum(tx, clipValueMin), clipValueMax));
  } finally {
    if (tx !== x) tx.dispose();
  }
}
