/**
 * @file Gather: slices of `x` along `axis` at int32 indices (in range: tensor-core validated them).
 * Seen as [outer, axis, inner], every (outer, index) pair is one contiguous copy of `inner` elements.
 */

import type { DataType, TypedArray } from '@tapeflow/tensor-core/backend';
import { makeTypedArray, sizeFromShape } from '@tapeflow/tensor-core/backend';
import type { CpuKernel } from '../cpu-kernel.js';
import { copyRow, splitAxis } from '../strided.js';

/** The slices of `x` along `axis` at `indices`; `outShape` = x.shape[:axis] + indices.shape + rest. */
export function gatherImpl(
  x: TypedArray,
  xShape: readonly number[],
  indices: TypedArray,
  axis: number,
  outShape: readonly number[],
  dtype: DataType,
): TypedArray {
  const out = makeTypedArray(sizeFromShape(outShape), dtype);
  if (out.length === 0) return out;
  const [outer, size, inner] = splitAxis(xShape, axis);
  let o = 0;
  for (let i = 0; i < outer; i++) {
    const base = i * size;
    for (let t = 0; t < indices.length; t++, o += inner) {
      copyRow(x, (base + indices[t]!) * inner, 1, out, o, inner);
    }
  }
  return out;
}

/** Gather's kernel glue. */
export const gatherKernel: CpuKernel<'Gather'> = (buffers, { inputs: { x, indices }, attrs, output }) =>
  buffers.adopt(
    gatherImpl(buffers.values(x), x.shape, buffers.values(indices), attrs.axis, output.shape, output.dtype),
  );
