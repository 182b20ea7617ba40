/**
 * @file Tests of UnsortedSegmentSum: repeated ids add up, out-of-range ids are dropped, multi-dim ids,
 * int32, empty segments and size-0 data.
 */

import { describe, expect, it } from 'vitest';
import { KernelHarness } from '../test-utils.js';

describe('UnsortedSegmentSum', () => {
  it('adds rows with repeated ids and leaves unused segments at zero', () => {
    const h = new KernelHarness();
    const data = h.tensor([1, 2, 3, 4, 5, 6, 7, 8], [4, 2]);
    const segmentIds = h.tensor([0, 2, 0, 2], [4], 'int32');
    expect(h.values('UnsortedSegmentSum', { data, segmentIds }, { numSegments: 4 }, [4, 2])).toEqual([
      6, 8, 0, 0, 10, 12, 0, 0,
    ]);
  });

  it('drops ids outside [0, numSegments)', () => {
    const h = new KernelHarness();
    const data = h.tensor([1, 10, 100, 1000], [4]);
    const segmentIds = h.tensor([-1, 1, 2, 1], [4], 'int32');
    expect(h.values('UnsortedSegmentSum', { data, segmentIds }, { numSegments: 2 }, [2])).toEqual([0, 1010]);
  });

  it('takes multi-dimensional ids and int32 data', () => {
    const h = new KernelHarness();
    const data = h.tensor([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [2, 2, 3], 'int32');
    const segmentIds = h.tensor([1, 0, 1, 1], [2, 2], 'int32');
    const out = h.run('UnsortedSegmentSum', { data, segmentIds }, { numSegments: 2 }, [2, 3], 'int32');
    expect(out).toEqual(new Int32Array([4, 5, 6, 18, 21, 24]));
  });

  it('handles size-0 data and zero segments', () => {
    const h = new KernelHarness();
    const data = h.tensor([], [0, 3]);
    const segmentIds = h.tensor([], [0], 'int32');
    expect(h.values('UnsortedSegmentSum', { data, segmentIds }, { numSegments: 2 }, [2, 3])).toEqual([0, 0, 0, 0, 0, 0]);
    const some = h.tensor([1, 2], [2]);
    const ids = h.tensor([0, 0], [2], 'int32');
    expect(h.values('UnsortedSegmentSum', { data: some, segmentIds: ids }, { numSegments: 0 }, [0])).toEqual([]);
  });
});
