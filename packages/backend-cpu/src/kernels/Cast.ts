/**
 * @file Cast between dtypes, and `castScalar`, the same conversion for one number (Fill, OneHot and
 * Range use it to store their attributes). float→int32 truncates toward zero and wraps modulo 2^32
 * (NaN and ±Infinity give 0: JavaScript's ToInt32, where TensorFlow's result is platform-defined);
 * anything→bool is `!= 0` (so NaN is true, as in TensorFlow); bool→number is 0 or 1.
 */

import type { DataType, TypedArray } from '@tapeflow/tensor-core/backend';
import { makeTypedArray } from '@tapeflow/tensor-core/backend';
import type { CpuKernel } from '../cpu-kernel.js';

/** `x` converted to `dtype`, always in a new array. */
export function castImpl(x: TypedArray, dtype: DataType): TypedArray {
  const out = makeTypedArray(x.length, dtype);
  if (dtype === 'bool') {
    for (let i = 0; i < x.length; i++) out[i] = x[i]! !== 0 ? 1 : 0;
  } else {
    // A typed-array `set` converts each value as a store would: ToInt32 truncates, Float32 rounds.
    out.set(x);
  }
  return out;
}

/** `value` as an element of `dtype` would hold it. */
export function castScalar(value: number, dtype: DataType): number {
  switch (dtype) {
    case 'float32':
      return Math.fround(value);
    case 'int32':
      return value | 0;
    case 'bool':
      return value !== 0 ? 1 : 0;
  }
}

/** Cast's kernel glue. */
export const castKernel: CpuKernel<'Cast'> = (buffers, { inputs, output }) =>
  buffers.adopt(castImpl(buffers.values(inputs.x), output.dtype));
