/**
 * @file Tile: output dim d is `multiples[d]` copies of x's dim d; coordinate c reads `c mod dim`.
 */

import type { CpuKernel } from '../cpu-kernel.js';
import { readThroughAxisMaps } from './axis-maps.js';

/** Tile's kernel glue. */
export const tileKernel: CpuKernel<'Tile'> = (buffers, { inputs: { x }, output }) =>
  buffers.adopt(
    readThroughAxisMaps(
      buffers.values(x),
      x.shape,
      x.shape.map((dim) => (c: number) => c % dim),
      output.shape,
      output.dtype,
    ),
  );
