/**
 * @file Fill: a new array of the output's shape holding one value, converted as Cast would convert it.
 */

import type { DataType, TypedArray } from '@tapeflow/tensor-core/backend';
import { makeTypedArray, sizeFromShape } from '@tapeflow/tensor-core/backend';
import type { CpuKernel } from '../cpu-kernel.js';
import { castScalar } from './Cast.js';

/** `size` copies of `value` as `dtype`. */
export function fillImpl(size: number, value: number, dtype: DataType): TypedArray {
  const out = makeTypedArray(size, dtype);
  const stored = castScalar(value, dtype);
  if (stored !== 0) out.fill(stored);
  return out;
}

/** Fill's kernel glue. */
export const fillKernel: CpuKernel<'Fill'> = (buffers, { attrs, output }) =>
  buffers.adopt(fillImpl(sizeFromShape(output.shape), attrs.value, output.dtype));
