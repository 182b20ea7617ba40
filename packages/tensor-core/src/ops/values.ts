/**
 * @file Values are what they claim: how a JavaScript value becomes an element of a dtype, checked, in
 * one place. TensorFlow refuses to convert a non-integral or out-of-range number to int32
 * (`tf.constant(1.5, tf.int32)` raises; only `tf.cast`, a conversion op, truncates), so an int32 element
 * must be an integer in [-2^31, 2^31). A bool element is stored as 0 or 1 whatever it was made from
 * (`x != 0`, as a cast to bool reads it), so no kernel ever sees a 2 in a bool tensor. float32 takes any
 * number, NaN and ±Infinity included: they are values (BAD-INPUT row 5). Also how nested values are
 * laid out for a tensor (`valuesToHost`). Internal: the op front-ends use it; the package does not
 * export it.
 */

import { checkAllocation } from '../allocation-guard.js';
import type { DataType, TypedArray } from '../dtype.js';
import { allocate, dtypeOfTypedArray } from '../dtype.js';
import { formatShape, invalidArgument } from '../errors.js';
import { describeValue } from '../options.js';
import { assertValidShape, MAX_RANK, sizeFromShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { assertDataType } from './convert.js';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** What an int32 element must be, for messages. */
export const INT32_EXPECTED = `an integer in [${INT32_MIN}, ${INT32_MAX}]`;

/** Whether `value` is a number an int32 element can hold exactly. */
export function isInt32(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX;
}

/**
 * `value` (a number or boolean) as an element of `dtype` is stored, or an InvalidArgumentError naming
 * `op` and `argument` (with `where`, e.g. ` at [1, 0]`, pointing into nested values).
 */
export function elementOf(value: unknown, dtype: DataType, op: string, argument: string, where = ''): number {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value !== 'number')
    invalidArgument(op, argument, 'numbers or booleans', `${describeValue(value)}${where}`);
  if (dtype === 'float32') return value;
  if (dtype === 'bool') return value !== 0 ? 1 : 0;
  if (!isInt32(value))
    invalidArgument(
      op,
      argument,
      `int32 values (${INT32_EXPECTED}; use tf.cast to truncate)`,
      `${describeValue(value)}${where}`,
    );
  return value;
}

/** Checks that `value` is a number (or boolean) that converts to `dtype`; returns it as stored. */
export function scalarOf(value: unknown, dtype: DataType, op: string, argument: string): number {
  if (typeof value !== 'number' && typeof value !== 'boolean')
    invalidArgument(op, argument, 'a number or a boolean', describeValue(value));
  return elementOf(value, dtype, op, argument);
}

/** A typed array whose elements are numbers (not a DataView, not a BigInt64Array). */
function isNumericView(value: unknown): value is ArrayLike<number> & ArrayBufferView {
  return (
    ArrayBuffer.isView(value) &&
    !(value instanceof DataView) &&
    !(value instanceof BigInt64Array) &&
    !(value instanceof BigUint64Array)
  );
}

function inferShape(value: unknown, op: string, argument: string, booleans: boolean): number[] {
  const shape: number[] = [];
  let level: unknown = value;
  while (Array.isArray(level)) {
    // TensorFlow's largest rank; the bound also stops at an array that contains itself.
    if (shape.length === MAX_RANK)
      invalidArgument(op, argument, `nested arrays at most ${MAX_RANK} deep`, 'a deeper (or self-containing) array');
    shape.push(level.length);
    if (level.length === 0) return shape;
    level = level[0];
  }
  if (isNumericView(level)) shape.push(level.length);
  else if (typeof level !== 'number' && typeof level !== 'boolean') {
    invalidArgument(
      op,
      argument,
      booleans
        ? 'numbers, booleans, nested arrays of them, or a TypedArray'
        : 'integers, nested arrays of them, or an Int32Array',
      describeValue(level),
    );
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

function flatten(
  value: unknown,
  shape: readonly number[],
  out: TypedArray,
  dtype: DataType,
  op: string,
  argument: string,
  booleans: boolean,
): void {
  let offset = 0;
  const path: number[] = [];
  const where = (): string => ` at ${argument}[${path.join('][')}]`;
  const ragged = (): never =>
    invalidArgument(
      op,
      argument,
      `a rectangular nested array of shape ${formatShape(shape)}`,
      `a ragged array (a different length${where()})`,
    );
  const visit = (node: unknown, dim: number): void => {
    if (dim === shape.length) {
      if (Array.isArray(node) || isNumericView(node)) ragged();
      if (!booleans && typeof node !== 'number')
        invalidArgument(op, argument, 'integers', `${describeValue(node)}${where()}`);
      out[offset++] = elementOf(node, dtype, op, argument, path.length > 0 ? where() : '');
      return;
    }
    if (isNumericView(node)) {
      if (dim !== shape.length - 1 || node.length !== shape[dim]) ragged();
      // Same storage type: a plain copy (an Int32Array holds only valid int32 values).
      if (dtypeOfTypedArray(node) === dtype && dtype !== 'bool') {
        out.set(node, offset);
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
      invalidArgument(
        op,
        argument,
        'numbers, booleans, nested arrays of them, or a TypedArray',
        `${describeValue(node)}${where()}`,
      );
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
  const inferred = inferShape(value, op, argument, booleans);
  const target = shape === undefined ? inferred : shape;
  assertValidShape(op, target);
  const size = sizeFromShape(target);
  const count = sizeFromShape(inferred);
  if (!(inferred.length === 0 && size !== 1) && count !== size) {
    invalidArgument(
      op,
      'shape',
      `a shape of ${count} elements (the number of values given)`,
      `${formatShape(target)} with ${size} elements`,
    );
  }
  checkAllocation(op, target, resolvedDtype);
  if (inferred.length === 0) {
    // One value: checked first, then (for a larger shape) repeated.
    if (!booleans && typeof value !== 'number') invalidArgument(op, argument, 'integers', describeValue(value));
    const element = elementOf(value, resolvedDtype, op, argument);
    const out = allocate(op, size, resolvedDtype);
    if (element !== 0) out.fill(element);
    return { values: out, shape: target, dtype: resolvedDtype };
  }
  const out = allocate(op, size, resolvedDtype);
  flatten(value, inferred, out, resolvedDtype, op, argument, booleans);
  return { values: out, shape: target, dtype: resolvedDtype };
}
