/**
 * @file ArgMax and ArgMin along one axis; the output is int32 with the axis removed. Ties take the
 * first index. A NaN wins over every number and the first NaN wins over later ones, as in NumPy's
 * argmax and argmin, so the index points at the value the Max/Min kernels return.
 *
 * The input is read in memory order: one pass per step along the axis, updating a row of running
 * best values, rather than striding down the axis once per output element.
 */

import type { TypedArray } from '@tapeflow/tensor-core/backend';
import type { CpuKernel } from '../cpu-kernel.js';
import { splitAxis } from '../strided.js';

/** Index of the largest (`ArgMax`) or smallest (`ArgMin`) element of `x` along `axis`. */
export function argReduceImpl(
  op: 'ArgMax' | 'ArgMin',
  x: TypedArray,
  xShape: readonly number[],
  axis: number,
): Int32Array {
  const [outer, size, inner] = splitAxis(xShape, axis);
  const out = new Int32Array(outer * inner);
  // An empty axis leaves index 0; tensor-core rejects that case before calling.
  if (out.length === 0 || size === 0) return out;
  const best = new Float64Array(inner);
  const largest = op === 'ArgMax';
  for (let o = 0; o < outer; o++) {
    const base = o * size * inner;
    const outBase = o * inner;
    for (let j = 0; j < inner; j++) best[j] = x[base + j]!;
    for (let k = 1; k < size; k++) {
      const row = base + k * inner;
      for (let j = 0; j < inner; j++) {
        const v = x[row + j]!;
        const b = best[j]!;
        if (b !== b) continue;
        if ((largest ? v > b : v < b) || v !== v) {
          best[j] = v;
          out[outBase + j] = k;
        }
      }
    }
  }
  return out;
}

/** The kernel glue shared by ArgMax and ArgMin. */
export function argReductionKernel<K extends 'ArgMax' | 'ArgMin'>(op: K): CpuKernel<K> {
  return (buffers, { inputs: { x }, attrs }) =>
    buffers.adopt(argReduceImpl(op, buffers.values(x), x.shape, attrs.axis));
}
