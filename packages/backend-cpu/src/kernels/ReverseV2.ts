/**
 * @file ReverseV2: the dims in `axes` read back to front.
 */

import type { CpuKernel } from '../cpu-kernel.js';
import { readThroughAxisMaps } from './axis-maps.js';

/** ReverseV2's kernel glue. */
export const reverseV2Kernel: CpuKernel<'ReverseV2'> = (buffers, { inputs: { x }, attrs, output }) =>
  buffers.adopt(
    readThroughAxisMaps(
      buffers.values(x),
      x.shape,
      x.shape.map((dim, d) => (attrs.axes.includes(d) ? (c: number) => dim - 1 - c : (c: number) => c)),
      output.shape,
      output.dtype,
    ),
  );
