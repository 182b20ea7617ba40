/**
 * @file Range: `start + i * step` for each i of the output. Each element is computed from i directly
 * (in double, rounded once to the dtype) rather than by repeated addition, so error does not grow
 * along the range.
 */

import type { DataType, TypedArray } from '@tapeflow/tensor-core/backend';
import { makeTypedArray, sizeFromShape } from '@tapeflow/tensor-core/backend';
import type { CpuKernel } from '../cpu-kernel.js';
import { castScalar } from './Cast.js';

/** `size` values `start + i * step` as `dtype`. */
export function rangeImpl(size: number, start: number, step: number, dtype: DataType): TypedArray {
  const out = makeTypedArray(size, dtype);
  for (let i = 0; i < size; i++) out[i] = castScalar(start + i * step, dtype);
  return out;
}

/** Range's kernel glue. */
export const rangeKernel: CpuKernel<'Range'> = (buffers, { attrs, output }) =>
  buffers.adopt(rangeImpl(sizeFromShape(output.shape), attrs.start, attrs.step, output.dtype));
