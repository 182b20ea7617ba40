/**
 * @file The CPU shape kernels of issue 12 at the edges the front-ends never send them but a plugin
 * caller might (and the conformance cases do not reach): rank 0, rows outside x (zeros, never a read
 * outside it), ScatterNd rows outside the output (dropped) and int32 wrap-around, and the mirror rule
 * at its limits.
 */

import { describe, expect, it } from 'vitest';
import { readThroughAxisMaps } from './axis-maps.js';
import { gatherNdImpl } from './GatherNd.js';
import { mirrorSource } from './MirrorPad.js';
import { scatterNdImpl } from './ScatterNd.js';

describe('the CPU shape kernels', () => {
  it('axis maps: a scalar, the fill for a coordinate outside x', () => {
    expect(Array.from(readThroughAxisMaps(new Float32Array([7]), [], [], [], 'float32'))).toEqual([7]);
    const padded = readThroughAxisMaps(new Int32Array([1, 2]), [2], [(c) => (c === 0 ? -1 : c - 1)], [3], 'int32', -4);
    expect(Array.from(padded)).toEqual([-4, 1, 2]);
  });

  it('mirror sources: REFLECT skips the edge, SYMMETRIC repeats it', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((c) => mirrorSource(c, 2, 3, false))).toEqual([2, 1, 0, 1, 2, 1, 0]);
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((c) => mirrorSource(c, 3, 3, true))).toEqual([2, 1, 0, 0, 1, 2, 2, 1]);
  });

  it('GatherNd gives zeros for a row outside x', () => {
    const x = new Float32Array([1, 2, 3, 4]);
    const out = gatherNdImpl(x, [2, 2], new Int32Array([1, 1, 2, 0, 0, -1]), [3, 2], [3], 'float32');
    expect(Array.from(out)).toEqual([4, 0, 0]);
  });

  it('ScatterNd drops rows outside the output, adds repeated rows, wraps int32', () => {
    const out = scatterNdImpl(
      new Int32Array([1, 3, 1, -1]),
      [4, 1],
      new Int32Array([2 ** 31 - 1, 5, 1, 9]),
      [3],
      'int32',
    );
    expect(Array.from(out)).toEqual([0, -(2 ** 31), 0]);
    const floats = scatterNdImpl(new Int32Array([0, 0]), [2, 1], new Float32Array([0.1, 0.2]), [1], 'float32');
    expect(floats[0]).toBe(Math.fround(Math.fround(0.1) + Math.fround(0.2)));
  });
});
