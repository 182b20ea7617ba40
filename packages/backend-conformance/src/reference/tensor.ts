/**
 * @file The reference implementations' value type and the index arithmetic they share: row-major
 * strides, NumPy broadcasting, and the walk over every multi-index of a shape. Deliberately naive
 * (one multi-index at a time, in float64) so each reference reads as the definition of its kernel;
 * a backend is compared against these, never against another backend's optimised code.
 */

import type { DataType } from '@tapeflow/tensor-core/internal';

/** A tensor on the host: row-major values (numbers; bools as 0 and 1), its shape and its dtype. */
export interface ReferenceTensor {
  readonly shape: readonly number[];
  readonly dtype: DataType;
  readonly values: readonly number[];
}

/**
 * A ReferenceTensor from flat values, checking that their count matches the shape.
 * @example referenceTensor([1, 2, 3, 4], [2, 2]) // { shape: [2, 2], dtype: 'float32', values: [1, 2, 3, 4] }
 */
export function referenceTensor(
  values: readonly number[],
  shape: readonly number[],
  dtype: DataType = 'float32',
): ReferenceTensor {
  const size = sizeOf(shape);
  if (values.length !== size) {
    throw new RangeError(
      `referenceTensor: ${values.length} values given for shape [${shape.join(',')}] (${size} elements).`,
    );
  }
  return { shape: shape.slice(), dtype, values: values.slice() };
}

/** Number of elements of `shape` (1 for a scalar). */
export function sizeOf(shape: readonly number[]): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

/** Row-major strides of `shape`, in elements. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = stride;
    stride *= shape[d]!;
  }
  return strides;
}

/** Every multi-index of `shape` in row-major order (one empty index for a scalar, none for size 0). */
export function* indicesOf(shape: readonly number[]): Generator<number[]> {
  const size = sizeOf(shape);
  const index = new Array<number>(shape.length).fill(0);
  for (let n = 0; n < size; n++) {
    yield index.slice();
    for (let d = shape.length - 1; d >= 0; d--) {
      index[d] = index[d]! + 1;
      if (index[d]! < shape[d]!) break;
      index[d] = 0;
    }
  }
}

/** The flat offset of `index` in a row-major tensor of `shape`. */
export function offsetOf(index: readonly number[], shape: readonly number[]): number {
  let offset = 0;
  for (let d = 0; d < shape.length; d++) offset = offset * shape[d]! + index[d]!;
  return offset;
}

/** NumPy's broadcast of two shapes; throws a RangeError when they do not broadcast. */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new RangeError(`broadcastShape: [${a.join(',')}] and [${b.join(',')}] do not broadcast.`);
    }
    out.push(da === 1 ? db : da);
  }
  return out;
}

/**
 * The flat offset in an input of `inputShape` that output multi-index `index` (of a broadcast output
 * whose rank is `index.length`) reads: missing leading dims and size-1 dims read position 0.
 */
export function broadcastOffset(index: readonly number[], inputShape: readonly number[]): number {
  const skip = index.length - inputShape.length;
  let offset = 0;
  for (let d = 0; d < inputShape.length; d++) {
    const dim = inputShape[d]!;
    offset = offset * dim + (dim === 1 ? 0 : index[skip + d]!);
  }
  return offset;
}

/** `value` as a stored element of `dtype`: float32 rounding, int32 truncation and wrap-around, bool 0/1. */
export function storeAs(value: number, dtype: DataType): number {
  switch (dtype) {
    case 'float32':
      return Math.fround(value);
    case 'int32':
      return Number.isFinite(value) ? Math.trunc(value) | 0 : 0;
    case 'bool':
      return value !== 0 ? 1 : 0;
  }
}
