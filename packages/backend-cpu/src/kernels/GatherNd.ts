/**
 * @file GatherNd: each row of `indices` (its last dim K) picks the slice x[i0, ..., iK-1, ...], one
 * contiguous copy of size(x.shape[K:]). A row outside x (tensor-core checks rows it can read) gives
 * zeros, never a read outside x.
 */

import type { DataType, TypedArray } from '@tapeflow/tensor-core/backend';
import { computeStrides, makeTypedArray, sizeFromShape } from '@tapeflow/tensor-core/backend';
import type { CpuKernel } from '../cpu-kernel.js';

/** The element offset in `shape` of index row `r` of `indices` (K per row), or -1 if outside. */
export function rowOffset(
  indices: TypedArray,
  r: number,
  depth: number,
  shape: readonly number[],
  strides: readonly number[],
): number {
  let offset = 0;
  for (let k = 0; k < depth; k++) {
    const i = indices[r * depth + k]!;
    if (i < 0 || i >= shape[k]!) return -1;
    offset += i * strides[k]!;
  }
  return offset;
}

/** The slices of `x` at the index rows of `indices`. */
export function gatherNdImpl(
  x: TypedArray,
  xShape: readonly number[],
  indices: TypedArray,
  indicesShape: readonly number[],
  outShape: readonly number[],
  dtype: DataType,
): TypedArray {
  const out = makeTypedArray(sizeFromShape(outShape), dtype);
  if (out.length === 0) return out;
  const depth = indicesShape[indicesShape.length - 1]!;
  const rows = sizeFromShape(indicesShape.slice(0, -1));
  const inner = sizeFromShape(xShape.slice(depth));
  const strides = computeStrides(xShape);
  for (let r = 0; r < rows; r++) {
    const offset = rowOffset(indices, r, depth, xShape, strides);
    if (offset < 0) continue;
    for (let j = 0; j < inner; j++) out[r * inner + j] = x[offset + j]!;
  }
  return out;
}

/** GatherNd's kernel glue. */
export const gatherNdKernel: CpuKernel<'GatherNd'> = (buffers, { inputs: { x, indices }, output }) =>
  buffers.adopt(
    gatherNdImpl(buffers.values(x), x.shape, buffers.values(indices), indices.shape, output.shape, output.dtype),
  );
