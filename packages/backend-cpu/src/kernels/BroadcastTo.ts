/**
 * @file BroadcastTo: repeats `x` to the output's shape, as a strided copy with stride 0 along the
 * broadcast dims (a broadcast innermost dim becomes a `fill`).
 */

import type { DataType, TypedArray } from '@tapeflow/tensor-core/backend';
import { broadcastStrides } from '@tapeflow/tensor-core/backend';
import type { CpuKernel } from '../cpu-kernel.js';
import { stridedCopy } from '../strided.js';

/** `x`, whose shape broadcasts to `outShape`, repeated to that shape. */
export function broadcastToImpl(
  x: TypedArray,
  xShape: readonly number[],
  outShape: readonly number[],
  dtype: DataType,
): TypedArray {
  return stridedCopy(x, 0, broadcastStrides(xShape, outShape), outShape, dtype);
}

/** BroadcastTo's kernel glue. */
export const broadcastToKernel: CpuKernel<'BroadcastTo'> = (buffers, { inputs: { x }, output }) =>
  buffers.adopt(broadcastToImpl(buffers.values(x), x.shape, output.shape, output.dtype));
