/**
 * @file Tests of Cumsum and Cumprod: each combination of `exclusive` and `reverse` on every axis of a
 * small rank-3 input (hand-worked), double accumulation, int32 wrap, NaN, and size 0.
 */

import { expect, it } from 'vitest';
import { KernelHarness, describeEachPath } from '../test-utils.js';

describeEachPath('Cumsum and Cumprod', (options) => {
  const flags = (exclusive: boolean, reverse: boolean) => ({ exclusive, reverse });

  it('runs along a vector with each exclusive/reverse combination', () => {
    const h = new KernelHarness(options);
    const x = h.tensor([1, 2, 3, 4], [4]);
    const cumsum = (exclusive: boolean, reverse: boolean) =>
      h.values('Cumsum', { x }, { axis: 0, ...flags(exclusive, reverse) }, [4]);
    const cumprod = (exclusive: boolean, reverse: boolean) =>
      h.values('Cumprod', { x }, { axis: 0, ...flags(exclusive, reverse) }, [4]);
    expect(cumsum(false, false)).toEqual([1, 3, 6, 10]);
    expect(cumsum(true, false)).toEqual([0, 1, 3, 6]);
    expect(cumsum(false, true)).toEqual([10, 9, 7, 4]);
    expect(cumsum(true, true)).toEqual([9, 7, 4, 0]);
    expect(cumprod(false, false)).toEqual([1, 2, 6, 24]);
    expect(cumprod(true, false)).toEqual([1, 1, 2, 6]);
    expect(cumprod(false, true)).toEqual([24, 24, 12, 4]);
    expect(cumprod(true, true)).toEqual([24, 12, 4, 1]);
  });

  it('runs along each axis of a rank-3 input', () => {
    const h = new KernelHarness(options);
    // x[i][j][k] = 4i + 2j + k on shape [2, 2, 2].
    const x = h.tensor([0, 1, 2, 3, 4, 5, 6, 7], [2, 2, 2]);
    const run = (axis: number) => h.values('Cumsum', { x }, { axis, ...flags(false, false) }, [2, 2, 2]);
    expect(run(0)).toEqual([0, 1, 2, 3, 4, 6, 8, 10]);
    expect(run(1)).toEqual([0, 1, 2, 4, 4, 5, 10, 12]);
    expect(run(2)).toEqual([0, 1, 2, 5, 4, 9, 6, 13]);
    expect(h.values('Cumprod', { x }, { axis: 1, ...flags(true, true) }, [2, 2, 2])).toEqual([2, 3, 1, 1, 6, 7, 1, 1]);
  });

  it('accumulates float32 in double, wraps int32, propagates NaN and handles size 0', () => {
    const h = new KernelHarness(options);
    const big = h.tensor([16777216, 1, 1], [3]);
    // In float32 2^24 + 1 is 2^24; the running sum in double reaches 2^24 + 2 exactly.
    expect(h.values('Cumsum', { x: big }, { axis: 0, ...flags(false, false) }, [3])).toEqual([
      16777216, 16777216, 16777218,
    ]);
    const ints = h.tensor([2147483647, 1, 65536, 65536], [4], 'int32');
    expect(h.values('Cumsum', { x: ints }, { axis: 0, ...flags(false, false) }, [4], 'int32')).toEqual([
      2147483647, -2147483648, -2147418112, -2147352576,
    ]);
    const products = h.tensor([65536, 65536, 5], [3], 'int32');
    expect(h.values('Cumprod', { x: products }, { axis: 0, ...flags(false, false) }, [3], 'int32')).toEqual([
      65536, 0, 0,
    ]);
    const nan = h.tensor([1, NaN, 2], [3]);
    expect(h.values('Cumsum', { x: nan }, { axis: 0, ...flags(true, false) }, [3])).toEqual([0, 1, NaN]);
    expect(h.values('Cumsum', { x: h.tensor([], [2, 0]) }, { axis: 1, ...flags(false, false) }, [2, 0])).toEqual([]);
  });
});

describeEachPath('TopKV2', (options) => {
  it('gives the indices of the k largest of each row, ties in index order, NaN first', () => {
    const h = new KernelHarness(options);
    const x = h.tensor([1, 3, 2, 3, NaN, 0, 5, 5, 5, -Infinity], [2, 5]);
    expect(h.values('TopKV2', { x }, { k: 3 }, [2, 3], 'int32')).toEqual([4, 1, 3, 1, 2, 3]);
    expect(h.values('TopKV2', { x }, { k: 5 }, [2, 5], 'int32')).toEqual([4, 1, 3, 2, 0, 1, 2, 3, 0, 4]);
    expect(h.values('TopKV2', { x }, { k: 0 }, [2, 0], 'int32')).toEqual([]);
    const ints = h.tensor([7, -1, 7, 9], [4], 'int32');
    expect(h.values('TopKV2', { x: ints }, { k: 2 }, [2], 'int32')).toEqual([3, 0]);
  });
});
