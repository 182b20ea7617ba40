/**
 * @file Values are what they claim: how a JavaScript value becomes an element of a dtype, checked, in
 * one place. TensorFlow refuses to convert a non-integral or out-of-range number to int32
 * (`tf.constant(1.5, tf.int32)` raises; only `tf.cast`, a conversion op, truncates), so an int32 element
 * must be an integer in [-2^31, 2^31). A bool element is stored as 0 or 1 whatever it was made from
 * (`x != 0`, as a cast to bool reads it), so no kernel ever sees a 2 in a bool tensor. float32 takes any
 * number, NaN and ±Infinity included: they are values (BAD-INPUT row 5).
 */

import type { DataType } from '../dtype.js';
import { invalidArgument } from '../errors.js';
import { describeValue } from '../options.js';

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
  if (typeof value !== 'number') invalidArgument(op, argument, 'numbers or booleans', `${describeValue(value)}${where}`);
  if (dtype === 'float32') return value;
  if (dtype === 'bool') return value !== 0 ? 1 : 0;
  if (!isInt32(value)) invalidArgument(op, argument, `int32 values (${INT32_EXPECTED}; use tf.cast to truncate)`, `${describeValue(value)}${where}`);
  return value;
}

/** Checks that `value` is a number (or boolean) that converts to `dtype`; returns it as stored. */
export function scalarOf(value: unknown, dtype: DataType, op: string, argument: string): number {
  if (typeof value !== 'number' && typeof value !== 'boolean') invalidArgument(op, argument, 'a number or a boolean', describeValue(value));
  return elementOf(value, dtype, op, argument);
}
