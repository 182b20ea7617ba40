/**
 * @file Softmax (fused): `exp(x - max) / sum(exp(x - max))` along one axis in a single kernel, instead
 * of tensor-core's composite of five. Subtracting the max keeps exp from overflowing; the max follows
 * the Max kernel (NaN propagates), so results agree with the composite within float32 rounding.
 */

import type { TypedArray } from '@tapeflow/tensor-core/backend';
import type { CpuKernel } from '../cpu-kernel.js';
import { splitAxis } from '../strided.js';

/** Softmax of `x` along `axis`, as float32. */
export function softmaxImpl(x: TypedArray, xShape: readonly number[], axis: number): Float32Array {
  const out = new Float32Array(x.length);
  const [outer, size, inner] = splitAxis(xShape, axis);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const start = o * size * inner + j;
      const end = start + size * inner;
      let max = -Infinity;
      for (let i = start; i < end; i += inner) {
        const v = x[i]!;
        if (v > max || v !== v) max = v;
      }
      let sum = 0;
      for (let i = start; i < end; i += inner) {
        const e = Math.exp(x[i]! - max);
        out[i] = e;
        sum += e;
      }
      for (let i = start; i < end; i += inner) out[i] = out[i]! / sum;
    }
  }
  return out;
}

/** Softmax's kernel glue. */
export const softmaxKernel: CpuKernel<'Softmax'> = (buffers, { inputs: { x }, attrs }) =>
  buffers.adopt(softmaxImpl(buffers.values(x), x.shape, attrs.axis));
