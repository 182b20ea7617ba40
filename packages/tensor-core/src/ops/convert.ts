/**
 * @file Turning op arguments into tensors: numbers take the other operand's dtype (as a Python number
 * does in TensorFlow), disposed tensors are refused with the op and argument named, and temporaries an
 * op makes from numbers are disposed after it runs (tapes keep their own handles).
 */

import type { DataType } from '../dtype.js';
import { isDataType } from '../dtype.js';
import { getEngine } from '../engine.js';
import { FailedPreconditionError, invalidArgument } from '../errors.js';
import { Tensor } from '../tensor.js';
import type { TensorLike } from '../tensor.js';
import { elementOf } from './values.js';

/**
 * One-element staging arrays for number operands: a backend's `write` copies what it is given, so
 * one array per dtype serves every conversion (no allocation on the per-op path).
 */
const SCALAR_STAGING = { float32: new Float32Array(1), int32: new Int32Array(1), bool: new Uint8Array(1) };
const SCALAR_SHAPE: readonly number[] = [];

/** A scalar that the caller disposes before returning (see Engine.makeTemporary). */
function temporaryScalar(value: number, dtype: DataType): Tensor {
  const values = SCALAR_STAGING[dtype];
  values[0] = value;
  return getEngine().makeTemporary(values, SCALAR_SHAPE, dtype);
}

/** Checks that `t` is a live tensor, naming op and argument otherwise. */
export function assertLiveTensor(t: unknown, op: string, argument: string): asserts t is Tensor {
  if (!(t instanceof Tensor)) {
    invalidArgument(op, argument, 'a Tensor', describeValue(t));
  }
  if (t.isDisposedInternal) {
    throw new FailedPreconditionError(
      `${op}: argument '${argument}' is a disposed tensor (id ${t.id}); it cannot be used again.`,
      op,
    );
  }
}

/** A readable description of any value, for error messages. */
export function describeValue(value: unknown): string {
  if (value instanceof Tensor) return `a ${value.dtype} tensor of shape [${value.shape.join(',')}]`;
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean' ||
    typeof value === 'bigint'
  ) {
    return `${typeof value} ${String(value)}`;
  }
  if (value === undefined) return 'undefined';
  if (typeof value === 'symbol') return `symbol ${value.toString()}`;
  return typeof value === 'function' ? 'a function' : 'an object';
}

/**
 * `value` as a tensor: a live Tensor as is, a number or boolean as a new scalar of `dtype` (default
 * float32 for numbers). A number must fit the dtype as TensorFlow converts it: `add(int32, 1.5)` is an
 * error, not a silent truncation. Callers dispose what they converted (see `isTemporary`).
 */
export function convertToTensor(value: TensorLike | boolean, op: string, argument: string, dtype?: DataType): Tensor {
  if (value instanceof Tensor) {
    assertLiveTensor(value, op, argument);
    return value;
  }
  if (typeof value === 'number') {
    const resolved = dtype ?? 'float32';
    return temporaryScalar(resolved === 'float32' ? value : elementOf(value, resolved, op, argument), resolved);
  }
  if (typeof value === 'boolean') return temporaryScalar(value ? 1 : 0, 'bool');
  return invalidArgument(op, argument, 'a Tensor or a number', describeValue(value));
}

/** Checks that `dtype` names a dtype. */
export function assertDataType(op: string, argument: string, dtype: unknown): asserts dtype is DataType {
  if (!isDataType(dtype)) invalidArgument(op, argument, "one of 'float32', 'int32', 'bool'", describeValue(dtype));
}

/**
 * Converts two operands of a binary op: a number takes the tensor operand's dtype. The caller passes
 * the results to `releaseConverted` when done (no closure: this is on every op's path).
 */
export function convertPair(a: TensorLike, b: TensorLike, op: string): [Tensor, Tensor] {
  const dtypeHint = a instanceof Tensor ? a.dtype : b instanceof Tensor ? b.dtype : 'float32';
  const ta = convertToTensor(a, op, 'a', dtypeHint);
  try {
    return [ta, convertToTensor(b, op, 'b', dtypeHint)];
  } catch (error) {
    if (ta !== a) ta.dispose();
    throw error;
  }
}

/** Disposes what `convertPair` made from numbers. */
export function releaseConverted(ta: Tensor, a: TensorLike, tb: Tensor, b: TensorLike): void {
  if (ta !== a) ta.dispose();
  if (tb !== b) tb.dispose();
}
