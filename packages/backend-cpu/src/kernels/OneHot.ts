/**
 * @file OneHot: a new last axis of `depth` holding `onValue` at each index and `offValue` elsewhere.
 * An index outside [0, depth) gives a row of `offValue` only, as in TensorFlow.
 */

import type { DataType, TypedArray } from '@tapeflow/tensor-core/backend';
import { makeTypedArray } from '@tapeflow/tensor-core/backend';
import type { CpuKernel } from '../cpu-kernel.js';
import { castScalar } from './Cast.js';

/** One-hot rows of `depth` for each of `indices`, in a new array of `dtype`. */
export function oneHotImpl(
  indices: TypedArray,
  depth: number,
  onValue: number,
  offValue: number,
  dtype: DataType,
): TypedArray {
  const out = makeTypedArray(indices.length * depth, dtype);
  const on = castScalar(onValue, dtype);
  const off = castScalar(offValue, dtype);
  if (off !== 0) out.fill(off);
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i]!;
    if (index >= 0 && index < depth) out[i * depth + index] = on;
  }
  return out;
}

/** OneHot's kernel glue. */
export const oneHotKernel: CpuKernel<'OneHot'> = (buffers, { inputs: { indices }, attrs, output }) =>
  buffers.adopt(oneHotImpl(buffers.values(indices), attrs.depth, attrs.onValue, attrs.offValue, output.dtype));
