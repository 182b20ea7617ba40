/**
 * @file Cumsum and Cumprod along one axis, with TensorFlow's `exclusive` (each element left out of its
 * own running value) and `reverse` (from the end of the axis). The input is walked in memory order, a
 * row of running values per outer slice, as ArgMax does, rather than striding down the axis once per
 * output element. float32 runs in double and rounds each output once; int32 wraps.
 */

import type { DataType, TypedArray } from '@tapeflow/tensor-core/backend';
import { makeTypedArray } from '@tapeflow/tensor-core/backend';
import type { CpuKernel } from '../cpu-kernel.js';
import { splitAxis } from '../strided.js';

/** The running sum (`Cumsum`) or product (`Cumprod`) of `x` along `axis`. */
export function cumulativeImpl(
  op: 'Cumsum' | 'Cumprod',
  x: TypedArray,
  xShape: readonly number[],
  dtype: DataType,
  axis: number,
  exclusive: boolean,
  reverse: boolean,
): TypedArray {
  const [outer, size, inner] = splitAxis(xShape, axis);
  const out = makeTypedArray(x.length, dtype);
  if (out.length === 0) return out;
  const product = op === 'Cumprod';
  const int = dtype === 'int32';
  const running = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    const base = o * size * inner;
    running.fill(product ? 1 : 0);
    for (let step = 0; step < size; step++) {
      const row = base + (reverse ? size - 1 - step : step) * inner;
      for (let j = 0; j < inner; j++) {
        const v = x[row + j]!;
        const before = running[j]!;
        const after = product ? (int ? Math.imul(before, v) : before * v) : int ? (before + v) | 0 : before + v;
        running[j] = after;
        out[row + j] = exclusive ? before : after;
      }
    }
  }
  return out;
}

/** The kernel glue shared by Cumsum and Cumprod. */
export function cumulativeKernel<K extends 'Cumsum' | 'Cumprod'>(op: K): CpuKernel<K> {
  return (buffers, { inputs: { x }, attrs, output }) =>
    buffers.adopt(
      cumulativeImpl(op, buffers.values(x), x.shape, output.dtype, attrs.axis, attrs.exclusive, attrs.reverse),
    );
}
