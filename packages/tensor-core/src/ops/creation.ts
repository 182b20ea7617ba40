/**
 * @file Making tensors: `constant`, `tensor`, `scalar`, `zeros`, `ones`, `fill`, `zerosLike`,
 * `onesLike`, `eye`, `range`, `linspace`, and `variable`.
 */

import { checkAllocation } from '../allocation-guard.js';
import type { DataType, TypedArray } from '../dtype.js';
import { allocate, DATA_TYPES } from '../dtype.js';
import { getEngine } from '../engine.js';
import { invalidArgument } from '../errors.js';
import { checkOptions } from '../options.js';
import type { OptionSchema } from '../options.js';
import { assertValidShape } from '../shape.js';
import { Tensor, Variable } from '../tensor.js';
import type { VariableOptions } from '../tensor.js';
import { assertDataType, assertLiveTensor, describeValue } from './convert.js';
import { cast } from './elementwise.js';
import { elementOf, scalarOf, valuesToHost } from './values.js';

/** Values `constant` accepts: a number, boolean, nested arrays of them, or a TypedArray. */
export type TensorValues = number | boolean | TypedArray | readonly TensorValues[];

function valuesToTensor(
  value: unknown,
  shape: readonly number[] | undefined,
  dtype: DataType | undefined,
  op: string,
): Tensor {
  const { values, shape: target, dtype: resolved } = valuesToHost(value, shape, dtype, op);
  return getEngine().makeTensor(values, target, resolved);
}

/**
 * A tensor from a number, boolean, nested arrays or a TypedArray; numbers default to float32.
 * @example tf.constant([[10, 20, 30, 40]]) // shape [1, 4], float32
 */
export function constant(value: TensorValues, dtype?: DataType): Tensor {
  return valuesToTensor(value, undefined, dtype, 'constant');
}

/**
 * A tensor from values and an optional shape (flat values are laid out row-major; one number fills).
 * @example tf.tensor([1, 2, 3, 4], [2, 2])
 */
export function tensor(values: TensorValues, shape?: readonly number[], dtype?: DataType): Tensor {
  return valuesToTensor(values, shape, dtype, 'tensor');
}

/** A rank-0 tensor. */
export function scalar(value: number | boolean, dtype?: DataType): Tensor {
  if (typeof value !== 'number' && typeof value !== 'boolean')
    invalidArgument('scalar', 'value', 'a number or boolean', describeValue(value));
  return valuesToTensor(value, [], dtype, 'scalar');
}

/**
 * A tensor of `shape` filled with `value` (bool for a boolean, else float32 unless `dtype` says). An
 * int32 fill value must be an integer in int32's range, as TensorFlow converts it.
 */
export function fill(shape: readonly number[], value: number | boolean, dtype?: DataType): Tensor {
  return fillAs('fill', shape, value, dtype);
}

/** `fill` whose messages name `op` (`zeros`, `ones`, ...): the op the user called. */
function fillAs(op: string, shape: readonly number[], value: number | boolean, dtype?: DataType): Tensor {
  assertValidShape(op, shape);
  const resolved = dtype === undefined ? (typeof value === 'boolean' ? 'bool' : 'float32') : dtype;
  assertDataType(op, 'dtype', resolved);
  const numeric = scalarOf(value, resolved, op, 'value');
  checkAllocation(op, shape, resolved);
  return getEngine().runKernel('Fill', {}, { value: numeric }, { shape: shape.slice(), dtype: resolved });
}

/** Zeros of `shape`. */
export function zeros(shape: readonly number[], dtype: DataType = 'float32'): Tensor {
  return fillAs('zeros', shape, 0, dtype);
}

/** Ones of `shape`. */
export function ones(shape: readonly number[], dtype: DataType = 'float32'): Tensor {
  return fillAs('ones', shape, 1, dtype);
}

/** Zeros with `x`'s shape and dtype. */
export function zerosLike(x: Tensor): Tensor {
  assertLiveTensor(x, 'zerosLike', 'x');
  return fill(x.shape, 0, x.dtype);
}

/** Ones with `x`'s shape and dtype. */
export function onesLike(x: Tensor): Tensor {
  assertLiveTensor(x, 'onesLike', 'x');
  return fill(x.shape, 1, x.dtype);
}

/** The `n`×`n` identity matrix. */
export function eye(n: number, dtype: DataType = 'float32'): Tensor {
  if (!Number.isInteger(n) || n < 0) invalidArgument('eye', 'n', 'a non-negative integer', describeValue(n));
  assertDataType('eye', 'dtype', dtype);
  checkAllocation('eye', [n, n], dtype);
  const values = allocate('eye', n * n, dtype);
  for (let i = 0; i < n; i++) values[i * n + i] = 1;
  return getEngine().makeTensor(values, [n, n], dtype);
}

/**
 * `start, start + step, ...` up to but excluding `stop`; `range(n)` is `range(0, n)`. For int32, the
 * three must be integers in int32's range (TensorFlow converts them to the dtype first).
 * @example tf.range(0, 5, 2) // [0, 2, 4]
 */
export function range(start: number, stop?: number, step = 1, dtype: DataType = 'float32'): Tensor {
  const [from, to] = stop === undefined ? [0, start] : [start, stop];
  for (const [name, v] of [
    ['start', from],
    ['stop', to],
    ['step', step],
  ] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v))
      invalidArgument('range', name, 'a finite number', describeValue(v));
  }
  if (step === 0) invalidArgument('range', 'step', 'a non-zero number', '0');
  assertDataType('range', 'dtype', dtype);
  if (dtype === 'bool') invalidArgument('range', 'dtype', "'float32' or 'int32'", "'bool'");
  if (dtype === 'int32') {
    elementOf(from, dtype, 'range', 'start');
    elementOf(to, dtype, 'range', stop === undefined ? 'start' : 'stop');
    elementOf(step, dtype, 'range', 'step');
  }
  const size = Math.max(0, Math.ceil((to - from) / step));
  checkAllocation('range', [size], dtype);
  return getEngine().runKernel('Range', {}, { start: from, step }, { shape: [size], dtype });
}

/** `num` evenly spaced values from `start` to `stop` inclusive. */
export function linspace(start: number, stop: number, num: number): Tensor {
  if (typeof start !== 'number') invalidArgument('linspace', 'start', 'a number', describeValue(start));
  if (typeof stop !== 'number') invalidArgument('linspace', 'stop', 'a number', describeValue(stop));
  if (!Number.isInteger(num) || num < 0)
    invalidArgument('linspace', 'num', 'a non-negative integer', describeValue(num));
  checkAllocation('linspace', [num], 'float32');
  const values = allocate('linspace', num, 'float32');
  const step = num > 1 ? (stop - start) / (num - 1) : 0;
  for (let i = 0; i < num; i++) values[i] = start + i * step;
  if (num > 1) values[num - 1] = stop;
  return getEngine().makeTensor(values, [num], 'float32');
}

const VARIABLE_OPTIONS: OptionSchema<VariableOptions> = {
  trainable: { kind: 'boolean' },
  name: { kind: 'string' },
  dtype: { kind: 'oneOf', values: DATA_TYPES },
};

/** The tensor a new Variable takes its value from (a temporary unless `initial` is a Tensor). */
export function variableInitialValue(initial: Tensor | TensorValues, options: VariableOptions): Tensor {
  checkOptions('variable', options, VARIABLE_OPTIONS);
  if (options.dtype !== undefined) assertDataType('variable', 'options.dtype', options.dtype);
  if (!(initial instanceof Tensor)) return constant(initial, options.dtype);
  assertLiveTensor(initial, 'variable', 'initial');
  if (options.dtype === undefined || options.dtype === initial.dtype) return initial;
  const dtype = options.dtype;
  return getEngine().withoutRecording(() => cast(initial, dtype));
}

/**
 * A mutable, trainable-by-default Variable.
 * @example const x = tf.variable(4); x.assign(tf.scalar(5));
 */
export function variable(initial: Tensor | TensorValues, options: VariableOptions = {}): Variable {
  return new Variable(initial, options);
}
