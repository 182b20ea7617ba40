/**
 * @file MirrorPad: x at `before` along each dim, its borders mirrored: REFLECT leaves the edge element
 * out of the mirror (`[1,2,3]` padded by 2 is `3 2 | 1 2 3 | 2 1`), SYMMETRIC repeats it (`2 1 | 1 2 3 |
 * 3 2`). tensor-core has checked the limits (each padding ≤ dim − 1, or ≤ dim), so one fold suffices.
 */

import type { CpuKernel } from '../cpu-kernel.js';
import { readThroughAxisMaps } from './axis-maps.js';

/** The source coordinate of padded coordinate `c` (x at `before`, length `dim`). */
export function mirrorSource(c: number, before: number, dim: number, symmetric: boolean): number {
  const s = c - before;
  const edge = symmetric ? 0 : 1;
  if (s < 0) return -s - 1 + edge;
  if (s >= dim) return 2 * dim - 1 - s - edge;
  return s;
}

/** MirrorPad's kernel glue. */
export const mirrorPadKernel: CpuKernel<'MirrorPad'> = (buffers, { inputs: { x }, attrs, output }) =>
  buffers.adopt(
    readThroughAxisMaps(
      buffers.values(x),
      x.shape,
      x.shape.map((dim, d) => {
        const before = attrs.paddings[2 * d]!;
        return (c: number) => mirrorSource(c, before, dim, attrs.symmetric);
      }),
      output.shape,
      output.dtype,
    ),
  );
