/**
 * @file Making tensors: `constant`, `tensor`, `scalar`, `zeros`, `ones`, `fill`, `zerosLike`,
 * `onesLike`, `eye`, `range`, `linspace`, and `variable`.
 */

import type { DataType, TypedArray } from '../dtype.js';
import { allocate, dtypeOfTypedArray } from '../dtype.js';
import { getEngine } from '../engine.js';
import { formatShape, invalidArgument } from '../errors.js';
import { assertValidShape, sizeFromShape } from '../shape.js';
import { Tensor, Variable } from '../tensor.js';
import type { VariableOptions } from '../tensor.js';
import { assertDataType, assertLiveTensor, describeValue } from './convert.js';
import { cast } from './elementwise.js';

/** Values `constant` accepts: a number, boolean, nested arrays of them, or a TypedArray. */
export type TensorValues = number | boolean | TypedArray | readonly TensorValues[];

function inferShape(value: TensorValues, op: string): number[] {
  const shape: number[] = [];
  let level: TensorValues = value;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (level.length === 0) break;
    level = level[0] as TensorValues;
  }
  if (ArrayBuffer.isView(level)) shape.push((level as TypedArray).length);
  else if (typeof level !== 'number' && typeof level !== 'boolean' && !(Array.isArray(value) && shape.includes(0))) {
    invalidArgument(op, 'value', 'numbers, booleans, nested arrays of them, or a TypedArray', describeValue(level));
  }
  return shape;
}

function inferDtype(value: TensorValues): DataType {
  let level: TensorValues = value;
  while (Array.isArray(level) && level.length > 0) level = level[0] as TensorValues;
  if (typeof level === 'boolean') return 'bool';
  if (ArrayBuffer.isView(level)) return dtypeOfTypedArray(level) ?? 'float32';
  return 'float32';
}

function flatten(value: TensorValues, shape: readonly number[], out: TypedArray, op: string): void {
  let offset = 0;
  const visit = (node: TensorValues, dim: number): void => {
    if (dim === shape.length) {
      if (typeof node !== 'number' && typeof node !== 'boolean') {
        invalidArgument(op, 'value', `a rectangular nested array of shape ${formatShape(shape)}`, 'a ragged array');
      }
      out[offset++] = typeof node === 'boolean' ? (node ? 1 : 0) : node;
      return;
    }
    const length = Array.isArray(node) || ArrayBuffer.isView(node) ? (node as ArrayLike<unknown>).length : -1;
    if (length !== shape[dim]) {
      invalidArgument(op, 'value', `a rectangular nested array of shape ${formatShape(shape)}`, 'a ragged array');
    }
    if (ArrayBuffer.isView(node)) {
      for (let i = 0; i < length; i++) out[offset++] = (node as TypedArray)[i]!;
      return;
    }
    for (const child of node as readonly TensorValues[]) visit(child, dim + 1);
  };
  visit(value, 0);
}

function valuesToTensor(value: TensorValues, shape: readonly number[] | undefined, dtype: DataType | undefined, op: string): Tensor {
  if (dtype !== undefined) assertDataType(op, 'dtype', dtype);
  if (value instanceof Tensor) invalidArgument(op, 'value', 'values (use tf.clone or the tensor itself)', 'a Tensor');
  const resolvedDtype = dtype ?? inferDtype(value);
  const inferred = inferShape(value, op);
  const target = shape ?? inferred;
  assertValidShape(op, target);
  const size = sizeFromShape(target);
  const out = allocate(op, size, resolvedDtype);
  if (inferred.length === 0 && size !== 1) {
    out.fill(typeof value === 'boolean' ? (value ? 1 : 0) : (value as number));
  } else {
    const count = sizeFromShape(inferred);
    if (count !== size) {
      invalidArgument(op, 'shape', `a shape of ${count} elements (the number of values given)`, `${formatShape(target)} with ${size} elements`);
    }
    flatten(value, inferred, out, op);
  }
  return getEngine().makeTensor(out, target, resolvedDtype);
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
  if (typeof value !== 'number' && typeof value !== 'boolean') invalidArgument('scalar', 'value', 'a number or boolean', describeValue(value));
  return valuesToTensor(value, [], dtype, 'scalar');
}

/** A tensor of `shape` filled with `value`. */
export function fill(shape: readonly number[], value: number | boolean, dtype?: DataType): Tensor {
  assertValidShape('fill', shape);
  const resolved = dtype ?? (typeof value === 'boolean' ? 'bool' : 'float32');
  assertDataType('fill', 'dtype', resolved);
  const numeric = typeof value === 'boolean' ? (value ? 1 : 0) : value;
  return getEngine().runKernel('Fill', {}, { value: numeric }, { shape: shape.slice(), dtype: resolved });
}

/** Zeros of `shape`. */
export function zeros(shape: readonly number[], dtype: DataType = 'float32'): Tensor {
  return fill(shape, 0, dtype);
}

/** Ones of `shape`. */
export function ones(shape: readonly number[], dtype: DataType = 'float32'): Tensor {
  return fill(shape, 1, dtype);
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
  if (!Number.isInteger(n) || n < 0) invalidArgument('eye', 'n', 'a non-negative integer', String(n));
  assertDataType('eye', 'dtype', dtype);
  const values = allocate('eye', n * n, dtype);
  for (let i = 0; i < n; i++) values[i * n + i] = 1;
  return getEngine().makeTensor(values, [n, n], dtype);
}

/**
 * `start, start + step, ...` up to but excluding `stop`; `range(n)` is `range(0, n)`.
 * @example tf.range(0, 5, 2) // [0, 2, 4]
 */
export function range(start: number, stop?: number, step = 1, dtype: DataType = 'float32'): Tensor {
  const [from, to] = stop === undefined ? [0, start] : [start, stop];
  for (const [name, v] of [['start', from], ['stop', to], ['step', step]] as const) {
    if (!Number.isFinite(v)) invalidArgument('range', name, 'a finite number', String(v));
  }
  if (step === 0) invalidArgument('range', 'step', 'a non-zero number', '0');
  assertDataType('range', 'dtype', dtype);
  const size = Math.max(0, Math.ceil((to - from) / step));
  return getEngine().runKernel('Range', {}, { start: from, step }, { shape: [size], dtype });
}

/** `num` evenly spaced values from `start` to `stop` inclusive. */
export function linspace(start: number, stop: number, num: number): Tensor {
  if (!Number.isInteger(num) || num < 0) invalidArgument('linspace', 'num', 'a non-negative integer', String(num));
  const values = allocate('linspace', num, 'float32');
  const step = num > 1 ? (stop - start) / (num - 1) : 0;
  for (let i = 0; i < num; i++) values[i] = start + i * step;
  if (num > 1) values[num - 1] = stop;
  return getEngine().makeTensor(values, [num], 'float32');
}

/** @internal The tensor a new Variable takes its value from (a temporary unless `initial` is a Tensor). */
export function variableInitialValue(initial: Tensor | TensorValues, options: VariableOptions): Tensor {
  if (options.dtype !== undefined) assertDataType('variable', 'dtype', options.dtype);
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
