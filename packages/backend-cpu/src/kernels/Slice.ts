/**
 * @file Slice: the box of the output's shape starting at `begin`, as a strided copy from the box's
 * first element.
 */

import type { DataType, TypedArray } from '@tapeflow/tensor-core/backend';
import { computeStrides } from '@tapeflow/tensor-core/backend';
import type { CpuKernel } from '../cpu-kernel.js';
import { stridedCopy } from '../strided.js';

/** The box of `outShape` at `begin` inside `x` (tensor-core has checked that it fits). */
export function sliceImpl(
  x: TypedArray,
  xShape: readonly number[],
  begin: readonly number[],
  outShape: readonly number[],
  dtype: DataType,
): TypedArray {
  const xStrides = computeStrides(xShape);
  let start = 0;
  for (let d = 0; d < xShape.length; d++) start += begin[d]! * xStrides[d]!;
  return stridedCopy(x, start, xStrides, outShape, dtype);
}

/** Slice's kernel glue. */
export const sliceKernel: CpuKernel<'Slice'> = (buffers, { inputs: { x }, attrs, output }) =>
  buffers.adopt(sliceImpl(buffers.values(x), x.shape, attrs.begin, output.shape, output.dtype));
