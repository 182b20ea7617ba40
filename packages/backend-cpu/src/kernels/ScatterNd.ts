/**
 * @file ScatterNd: zeros of the output's shape, each row of `updates` added at the slice its index row
 * names; repeated rows add up (float32 sums accumulate in double and round once, as
 * UnsortedSegmentSum's), a row outside the output is dropped.
 */

import type { DataType, TypedArray } from '@tapeflow/tensor-core/backend';
import { computeStrides, invalidArgument, sizeFromShape } from '@tapeflow/tensor-core/backend';
import type { CpuKernel } from '../cpu-kernel.js';
import { rowOffset } from './GatherNd.js';

/** The scatter-add of `updates` at `indices` into zeros of `outShape`. */
export function scatterNdImpl(
  indices: TypedArray,
  indicesShape: readonly number[],
  updates: TypedArray,
  outShape: readonly number[],
  dtype: DataType,
): TypedArray {
  if (dtype === 'bool') invalidArgument('ScatterNd', 'updates', 'a float32 or int32 tensor', 'a bool tensor');
  const size = sizeFromShape(outShape);
  const sums = dtype === 'int32' ? new Int32Array(size) : new Float64Array(size);
  const depth = indicesShape[indicesShape.length - 1]!;
  const rows = sizeFromShape(indicesShape.slice(0, -1));
  const inner = sizeFromShape(outShape.slice(depth));
  const strides = computeStrides(outShape);
  for (let r = 0; r < rows; r++) {
    const offset = rowOffset(indices, r, depth, outShape, strides);
    if (offset < 0) continue;
    for (let j = 0; j < inner; j++) sums[offset + j] = sums[offset + j]! + updates[r * inner + j]!;
  }
  return sums instanceof Int32Array ? sums : Float32Array.from(sums);
}

/** ScatterNd's kernel glue. */
export const scatterNdKernel: CpuKernel<'ScatterNd'> = (buffers, { inputs: { indices, updates }, output }) =>
  buffers.adopt(
    scatterNdImpl(buffers.values(indices), indices.shape, buffers.values(updates), output.shape, output.dtype),
  );
