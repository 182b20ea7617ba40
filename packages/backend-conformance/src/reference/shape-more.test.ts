/**
 * @file The shape references of issue 12 against values worked out by hand (TensorFlow's documented
 * MirrorPad example among them): the suite measures every backend against these.
 */

import { describe, expect, it } from 'vitest';
import * as reference from './index.js';

const { referenceTensor: t } = reference;
const m = t([1, 2, 3, 4, 5, 6], [2, 3]);

describe('shape references', () => {
  it('tile and padV2', () => {
    expect(reference.tile(t([1, 2], [2]), [3]).values).toEqual([1, 2, 1, 2, 1, 2]);
    expect(reference.tile(m, [2, 1]).values).toEqual([1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6]);
    expect(reference.padV2(t([1, 2], [2]), [1, 2], 9).values).toEqual([9, 1, 2, 9, 9]);
    const padded = reference.padV2(m, [0, 1, 1, 0], 0);
    expect(padded.shape).toEqual([3, 4]);
    expect(padded.values).toEqual([0, 1, 2, 3, 0, 4, 5, 6, 0, 0, 0, 0]);
    expect(reference.padV2(t([1], [1], 'int32'), [1, 0], 2.7).values).toEqual([2, 1]);
  });

  it("mirrorPad: TensorFlow's REFLECT and SYMMETRIC examples", () => {
    expect(reference.mirrorIndices(3, 2, 2, false)).toEqual([2, 1, 0, 1, 2, 1, 0]);
    expect(reference.mirrorIndices(3, 3, 3, true)).toEqual([2, 1, 0, 0, 1, 2, 2, 1, 0]);
    expect(reference.mirrorPad(m, [1, 1, 2, 2], false).values).toEqual([
      6, 5, 4, 5, 6, 5, 4, 3, 2, 1, 2, 3, 2, 1, 6, 5, 4, 5, 6, 5, 4, 3, 2, 1, 2, 3, 2, 1,
    ]);
    expect(reference.mirrorPad(m, [1, 1, 2, 2], true).values).toEqual([
      2, 1, 1, 2, 3, 3, 2, 2, 1, 1, 2, 3, 3, 2, 5, 4, 4, 5, 6, 6, 5, 5, 4, 4, 5, 6, 6, 5,
    ]);
  });

  it('reverse, gatherNd, scatterNd, stridedSlice', () => {
    expect(reference.reverse(m, [1]).values).toEqual([3, 2, 1, 6, 5, 4]);
    expect(reference.reverse(m, [0, 1]).values).toEqual([6, 5, 4, 3, 2, 1]);
    expect(reference.gatherNd(m, t([1, 2, 0, 0], [2, 2], 'int32')).values).toEqual([6, 1]);
    expect(reference.gatherNd(m, t([1, 5], [2, 1], 'int32')).values).toEqual([4, 5, 6, 0, 0, 0]);
    const scattered = reference.scatterNd(t([1, 1, 4], [3, 1], 'int32'), t([2, 3, 7], [3]), [3]);
    expect(scattered.values).toEqual([0, 5, 0]);
    expect(reference.scatterNd(t([1, 0], [2, 1], 'int32'), m, [2, 3]).values).toEqual([4, 5, 6, 1, 2, 3]);
    expect(reference.stridedSlice(t([0, 1, 2, 3, 4], [5]), [4], [-2], [2]).values).toEqual([4, 2]);
    expect(reference.stridedSlice(m, [1, 2], [-1, -2], [2, 2]).values).toEqual([6, 4, 3, 1]);
  });
});
