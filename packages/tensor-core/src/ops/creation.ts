/**
 * @file Making tensors: `constant`, `tensor`, `scalar`, `zeros`, `ones`, `fill`, `zerosLike`,
 * `onesLike`, `eye`, `range`, `linspace`, and `variable`.
 */

import type { DataType, TypedArray } from '../dtype.js';
import { allocate, DATA_TYPES, dtypeOfTypedArray } from '../dtype.js';
import { getEngine } from '../engine.js';
import { formatShape, invalidArgument } from '../errors.js';
import { checkOptions } from '../options.js';
import type { OptionSchema } from '../options.js';
import { checkAllocation } from '../allocation-guard.js';
import { assertValidShape, MAX_RANK, sizeFromShape } from '../shape.js';
import { Tensor, Variable } from '../tensor.js';
import type { VariableOptions } from '../tensor.js';
import { assertDataType, assertLiveTensor, describeValue } from './convert.js';
import { cast } from './elementwise.js';
import { elementOf, scalarOf } from './values.js';

/** Values `constant` accepts: a number, boolean, nested arrays of them, or a TypedArray. */
export type TensorValues = number | boolean | TypedArray | readonly TensorValues[];

/** A typed array whose elements are numbers (not a DataView, not a BigInt64Array). */
function isNumericView(value: unknown): value is ArrayLike<number> & ArrayBufferView {
  return ArrayBuffer.isView(value) && !(value instanceof DataView) && !(value instanceof BigInt64Array) && !(value instanceof BigUint64Array);
}

function inferShape(value: unknown, op: string, argument: string): number[] {
  const shape: number[] = [];
  let level: unknown = value;
  while (Array.isArray(level)) {
    // TensorFlow's largest rank; the bound also stops at an array that contains itself.
    if (shape.length === MAX_RANK) invalidArgument(op, argument, `nested arrays at most ${MAX_RANK} deep`, 'a deeper (or self-containing) array');
    shape.push(level.length);
    if (level.length === 0) return shape;
    level = level[0];
  }
  if (isNumericView(level)) shape.push(level.length);
  else if (typeof level !== 'number' && typeof level !== 'boolean') {
    invalidArgument(op, argument, 'numbers, booleans, nested arrays of them, or a TypedArray', describeValue(level));
  }
  return shape;
}

/**
 * The dtype values hold when none is given: booleans are bool, an Int32Array (or any other integer
 * typed array: a Uint8Array is bytes, not booleans) is int32, everything else float32.
 */
function inferDtype(value: unknown): DataType {
  let level: unknown = value;
  for (let depth = 0; Array.isArray(level) && level.length > 0 && depth < MAX_RANK; depth++) level = level[0];
  if (typeof level === 'boolean') return 'bool';
  if (!isNumericView(level)) return 'float32';
  return level instanceof Float32Array || level instanceof Float64Array ? 'float32' : 'int32';
}

function flatten(value: unknown, shape: readonly number[], out: TypedArray, dtype: DataType, op: string, argument: string, booleans: boolean): void {
  let offset = 0;
  const path: number[] = [];
  const where = (): string => ` at ${argument}[${path.join('][')}]`;
  const ragged = (): never =>
    invalidArgument(op, argument, `a rectangular nested array of shape ${formatShape(shape)}`, `a ragged array (a different length${where()})`);
  const visit = (node: unknown, dim: number): void => {
    if (dim === shape.length) {
      if (Array.isArray(node) || isNumericView(node)) ragged();
      if (!booleans && typeof node === 'boolean') invalidArgument(op, argument, 'integers', `a boolean${where()}`);
      out[offset++] = elementOf(node, dtype, op, argument, path.length > 0 ? where() : '');
      return;
    }
    if (isNumericView(node)) {
      if (dim !== shape.length - 1 || node.length !== shape[dim]) ragged();
      // Same storage type: a plain copy (an Int32Array holds only valid int32 values).
      if (dtypeOfTypedArray(node) === dtype && dtype !== 'bool') {
        out.set(node as TypedArray, offset);
        offset += node.length;
        return;
      }
      for (let i = 0; i < node.length; i++) {
        path.push(i);
        out[offset++] = elementOf(node[i], dtype, op, argument, where());
        path.pop();
      }
      return;
    }
    if (!Array.isArray(node)) {
      if (typeof node === 'number' || typeof node === 'boolean') ragged();
      invalidArgument(op, argument, 'numbers, booleans, nested arrays of them, or a TypedArray', `${describeValue(node)}${where()}`);
    }
    if (node.length !== shape[dim]) ragged();
    for (let i = 0; i < node.length; i++) {
      path.push(i);
      visit(node[i], dim + 1);
      path.pop();
    }
  };
  visit(value, 0);
}

/** Values laid out for a tensor: storage, shape and dtype. */
export interface HostValues {
  readonly values: TypedArray;
  readonly shape: readonly number[];
  readonly dtype: DataType;
}

/**
 * @internal Values (a number, boolean, nested arrays, a TypedArray) laid out in a new storage array,
 * every element checked against the dtype (see values.ts) and the size against the allocation limit
 * before the array is allocated. `argument` names the values in messages; `booleans: false` refuses
 * booleans (indices are integers, as TensorFlow's index arguments take no bool).
 */
export function valuesToHost(
  value: unknown,
  shape: readonly number[] | undefined,
  dtype: DataType | undefined,
  op: string,
  argument = 'value',
  booleans = true,
): HostValues {
  if (dtype !== undefined) assertDataType(op, 'dtype', dtype);
  if (value instanceof Tensor) invalidArgument(op, argument, 'values (use tf.clone or the tensor itself)', 'a Tensor');
  if (typeof value === 'bigint' || value instanceof BigInt64Array || value instanceof BigUint64Array) {
    invalidArgument(op, argument, 'numbers (convert BigInts with Number() first)', describeValue(value));
  }
  const resolvedDtype = dtype ?? inferDtype(value);
  const inferred = inferShape(value, op, argument);
  const target = shape === undefined ? inferred : shape;
  assertValidShape(op, target);
  const size = sizeFromShape(target);
  const count = sizeFromShape(inferred);
  if (!(inferred.length === 0 && size !== 1) && count !== size) {
    invalidArgument(op, 'shape', `a shape of ${count} elements (the number of values given)`, `${formatShape(target)} with ${size} elements`);
  }
  checkAllocation(op, target, resolvedDtype);
  if (inferred.length === 0) {
    // One value: checked first, then (for a larger shape) repeated.
    if (!booleans && typeof value === 'boolean') invalidArgument(op, argument, 'integers', 'a boolean');
    const element = elementOf(value, resolvedDtype, op, argument);
    const out = allocate(op, size, resolvedDtype);
    if (element !== 0) out.fill(element);
    return { values: out, shape: target, dtype: resolvedDtype };
  }
  const out = allocate(op, size, resolvedDtype);
  flatten(value, inferred, out, resolvedDtype, op, argument, booleans);
  return { values: out, shape: target, dtype: resolvedDtype };
}

function valuesToTensor(value: unknown, shape: readonly number[] | undefined, dtype: DataType | undefined, op: string): Tensor {
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
  if (typeof value !== 'number' && typeof value !== 'boolean') invalidArgument('scalar', 'value', 'a number or boolean', describeValue(value));
  return valuesToTensor(value, [], dtype, 'scalar');
}

/**
 * A tensor of `shape` filled with `value` (bool for a boolean, else float32 unless `dtype` says). An
 * int32 fill value must be an integer in int32's range, as TensorFlow converts it.
 */
export function fill(shape: readonly number[], value: number | boolean, dtype?: DataType): Tensor {
  assertValidShape('fill', shape);
  const resolved = dtype === undefined ? (typeof value === 'boolean' ? 'bool' : 'float32') : dtype;
  assertDataType('fill', 'dtype', resolved);
  const numeric = scalarOf(value, resolved, 'fill', 'value');
  checkAllocation('fill', shape, resolved);
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
  for (const [name, v] of [['start', from], ['stop', to], ['step', step]] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) invalidArgument('range', name, 'a finite number', describeValue(v));
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
  if (!Number.isInteger(num) || num < 0) invalidArgument('linspace', 'num', 'a non-negative integer', describeValue(num));
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

/** @internal The tensor a new Variable takes its value from (a temporary unless `initial` is a Tensor). */
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
