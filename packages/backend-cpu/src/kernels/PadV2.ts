/**
 * @file PadV2: x placed at `before` along each dim of the output, `constantValue` around it.
 */

import type { CpuKernel } from '../cpu-kernel.js';
import { readThroughAxisMaps } from './axis-maps.js';

/** PadV2's kernel glue. */
export const padV2Kernel: CpuKernel<'PadV2'> = (buffers, { inputs: { x }, attrs, output }) =>
  buffers.adopt(
    readThroughAxisMaps(
      buffers.values(x),
      x.shape,
      x.shape.map((dim, d) => {
        const before = attrs.paddings[2 * d]!;
        return (c: number) => (c < before || c >= before + dim ? -1 : c - before);
      }),
      output.shape,
      output.dtype,
      attrs.constantValue,
    ),
  );
