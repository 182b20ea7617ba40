/**
 * @file Data types: the closed set of dtypes, their storage arrays, and dtype inference and promotion.
 * Follows TensorFlow's names (`float32`, `int32`, `bool`); bool is stored one byte per element.
 */

import { ResourceExhaustedError } from './errors.js';

/** A tensor's element type. */
export type DataType = 'float32' | 'int32' | 'bool';

/** The storage array of each dtype. */
export interface DataTypeMap {
  float32: Float32Array;
  int32: Int32Array;
  bool: Uint8Array;
}

/** Any storage array. */
export type TypedArray = Float32Array | Int32Array | Uint8Array;

/** Every dtype, for validation. */
export const DATA_TYPES: readonly DataType[] = ['float32', 'int32', 'bool'];

/** Whether `value` names a dtype. */
export function isDataType(value: unknown): value is DataType {
  return value === 'float32' || value === 'int32' || value === 'bool';
}

/** Bytes one element takes in storage. */
export function bytesPerElement(dtype: DataType): number {
  return dtype === 'bool' ? 1 : 4;
}

/** A fresh zeroed storage array of `size` elements of `dtype`. */
export function makeTypedArray<D extends DataType>(size: number, dtype: D): DataTypeMap[D];
export function makeTypedArray(size: number, dtype: DataType): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size);
    case 'int32':
      return new Int32Array(size);
    case 'bool':
      return new Uint8Array(size);
  }
}

/**
 * A fresh storage array for op `op`, turning the platform's RangeError for an impossible size into
 * a ResourceExhaustedError that names the op and the size.
 */
export function allocate<D extends DataType>(op: string, size: number, dtype: D): DataTypeMap[D] {
  try {
    return makeTypedArray(size, dtype);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new ResourceExhaustedError(
      `${op}: cannot allocate ${size} elements of ${dtype} (${size * bytesPerElement(dtype)} bytes): ${error.message}`,
      op,
    );
  }
}

/** The dtype whose storage `array` is, or undefined for an unrelated array type. */
export function dtypeOfTypedArray(array: unknown): DataType | undefined {
  if (array instanceof Float32Array) return 'float32';
  if (array instanceof Int32Array) return 'int32';
  if (array instanceof Uint8Array) return 'bool';
  return undefined;
}

/** Whether the dtype takes part in differentiation (TensorFlow watches only floating tensors). */
export function isFloatingDataType(dtype: DataType): boolean {
  return dtype === 'float32';
}
