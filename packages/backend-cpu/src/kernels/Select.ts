/**
 * @file Select: `condition ? a : b` elementwise, all three broadcast to the output (NumPy's `where`,
 * TensorFlow's SelectV2).
 */

import type { DataType, TypedArray } from '@tapeflow/tensor-core/backend';
import { makeTypedArray, sizeFromShape } from '@tapeflow/tensor-core/backend';
import type { CpuKernel } from '../cpu-kernel.js';
import { forEachBroadcastRow } from '../strided.js';

/** Picks from `a` where `condition` is nonzero and from `b` elsewhere, all broadcast to `outShape`. */
export function selectImpl(
  condition: TypedArray,
  conditionShape: readonly number[],
  a: TypedArray,
  aShape: readonly number[],
  b: TypedArray,
  bShape: readonly number[],
  outShape: readonly number[],
  dtype: DataType,
): TypedArray {
  const out = makeTypedArray(sizeFromShape(outShape), dtype);
  const n = out.length;
  if (n === 0) return out;
  if (condition.length === n && a.length === n && b.length === n) {
    for (let i = 0; i < n; i++) out[i] = condition[i]! !== 0 ? a[i]! : b[i]!;
    return out;
  }
  forEachBroadcastRow(outShape, [conditionShape, aShape, bShape], (offsets, length, strides) => {
    let oi = offsets[0]!;
    let ci = offsets[1]!;
    let ai = offsets[2]!;
    let bi = offsets[3]!;
    const cs = strides[1]!;
    const as = strides[2]!;
    const bs = strides[3]!;
    for (const end = oi + length; oi < end; oi++, ci += cs, ai += as, bi += bs) {
      out[oi] = condition[ci]! !== 0 ? a[ai]! : b[bi]!;
    }
  });
  return out;
}

/** Select's kernel glue. */
export const selectKernel: CpuKernel<'Select'> = (buffers, { inputs: { condition, a, b }, output }) =>
  buffers.adopt(
    selectImpl(
      buffers.values(condition),
      condition.shape,
      buffers.values(a),
      a.shape,
      buffers.values(b),
      b.shape,
      output.shape,
      output.dtype,
    ),
  );
