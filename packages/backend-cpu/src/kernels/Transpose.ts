/**
 * @file Transpose with a general permutation: a strided copy reading the input with its strides
 * permuted. Coalescing (strided.ts) turns a permutation that keeps trailing axes in place into whole
 * row copies.
 */

import type { DataType, TypedArray } from '@tapeflow/tensor-core/backend';
import { computeStrides } from '@tapeflow/tensor-core/backend';
import type { CpuKernel } from '../cpu-kernel.js';
import { stridedCopy } from '../strided.js';

/** `x` with its dims permuted: output dim i is input dim `perm[i]`; `outShape` is the permuted shape. */
export function transposeImpl(
  x: TypedArray,
  xShape: readonly number[],
  perm: readonly number[],
  outShape: readonly number[],
  dtype: DataType,
): TypedArray {
  const xStrides = computeStrides(xShape);
  return stridedCopy(
    x,
    0,
    perm.map((axis) => xStrides[axis]!),
    outShape,
    dtype,
  );
}

/** Transpose's kernel glue. */
export const transposeKernel: CpuKernel<'Transpose'> = (buffers, { inputs: { x }, attrs, output }) =>
  buffers.adopt(transposeImpl(buffers.values(x), x.shape, attrs.perm, output.shape, output.dtype));
