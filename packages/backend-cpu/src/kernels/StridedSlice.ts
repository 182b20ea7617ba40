/**
 * @file StridedSlice: output coordinate c reads `begin + c * strides` along each dim (tensor-core has
 * resolved TensorFlow's masks and negative indices into this dense box, every read in range).
 */

import type { CpuKernel } from '../cpu-kernel.js';
import { readThroughAxisMaps } from './axis-maps.js';

/** StridedSlice's kernel glue. */
export const stridedSliceKernel: CpuKernel<'StridedSlice'> = (buffers, { inputs: { x }, attrs, output }) =>
  buffers.adopt(
    readThroughAxisMaps(
      buffers.values(x),
      x.shape,
      x.shape.map((_dim, d) => {
        const begin = attrs.begin[d]!;
        const stride = attrs.strides[d]!;
        return (c: number) => begin + c * stride;
      }),
      output.shape,
      output.dtype,
    ),
  );
