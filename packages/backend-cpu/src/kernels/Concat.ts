/**
 * @file Concat along any axis of any number of inputs (zero-size ones included). Seen as
 * [outer, rest], each input contributes one contiguous chunk per outer index, copied into its column
 * of the output.
 */

import type { DataType, TypedArray } from '@tapeflow/tensor-core/backend';
import { makeTypedArray, sizeFromShape } from '@tapeflow/tensor-core/backend';
import type { CpuKernel } from '../cpu-kernel.js';
import { copyRow } from '../strided.js';

/** One input of Concat: its values and shape. */
export interface ConcatPart {
  readonly values: TypedArray;
  readonly shape: readonly number[];
}

/** `parts` joined along `axis` into a new array of `outShape`. */
export function concatImpl(
  parts: readonly ConcatPart[],
  axis: number,
  outShape: readonly number[],
  dtype: DataType,
): TypedArray {
  const out = makeTypedArray(sizeFromShape(outShape), dtype);
  if (out.length === 0) return out;
  const outer = sizeFromShape(outShape.slice(0, axis));
  const outChunk = out.length / outer;
  let column = 0;
  for (const { values, shape } of parts) {
    const chunk = sizeFromShape(shape.slice(axis));
    for (let o = 0; o < outer; o++) copyRow(values, o * chunk, 1, out, o * outChunk + column, chunk);
    column += chunk;
  }
  return out;
}

/** Concat's kernel glue. */
export const concatKernel: CpuKernel<'Concat'> = (buffers, { inputs: { tensors }, attrs, output }) =>
  buffers.adopt(
    concatImpl(
      tensors.map((t) => ({ values: buffers.values(t), shape: t.shape })),
      attrs.axis,
      output.shape,
      output.dtype,
    ),
  );
