/**
 * @file Tests of Slice: interior boxes, boxes touching each edge, the whole tensor, single elements,
 * long contiguous rows, every dtype, and size-0 boxes.
 */

import { expect, it } from 'vitest';
import { KernelHarness, describeEachPath } from '../test-utils.js';

describeEachPath('Slice', (options) => {
  // x[i][j] = 10i + j on [3, 4].
  const values = [0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23];

  it('slices interior and edge boxes', () => {
    const h = new KernelHarness(options);
    const x = h.tensor(values, [3, 4]);
    expect(h.values('Slice', { x }, { begin: [1, 1] }, [1, 2])).toEqual([11, 12]);
    expect(h.values('Slice', { x }, { begin: [0, 0] }, [2, 2])).toEqual([0, 1, 10, 11]);
    expect(h.values('Slice', { x }, { begin: [1, 2] }, [2, 2])).toEqual([12, 13, 22, 23]);
    expect(h.values('Slice', { x }, { begin: [2, 0] }, [1, 4])).toEqual([20, 21, 22, 23]);
    expect(h.values('Slice', { x }, { begin: [0, 3] }, [3, 1])).toEqual([3, 13, 23]);
    expect(h.values('Slice', { x }, { begin: [2, 3] }, [1, 1])).toEqual([23]);
    expect(h.values('Slice', { x }, { begin: [0, 0] }, [3, 4])).toEqual(values);
  });

  it('slices rank-3 inputs along any subset of axes', () => {
    const h = new KernelHarness(options);
    const x = h.tensor(
      Array.from({ length: 24 }, (_, i) => i),
      [2, 3, 4],
    );
    expect(h.values('Slice', { x }, { begin: [1, 0, 0] }, [1, 3, 4])).toEqual(
      Array.from({ length: 12 }, (_, i) => 12 + i),
    );
    expect(h.values('Slice', { x }, { begin: [0, 1, 1] }, [2, 2, 2])).toEqual([5, 6, 9, 10, 17, 18, 21, 22]);
  });

  it('copies long rows and keeps int32 and bool', () => {
    const h = new KernelHarness(options);
    const long = Array.from({ length: 2 * 100 }, (_, i) => i - 50);
    const x = h.tensor(long, [2, 100], 'int32');
    const out = h.run('Slice', { x }, { begin: [1, 10] }, [1, 80], 'int32');
    expect(out).toEqual(new Int32Array(long.slice(110, 190)));
    const b = h.tensor([1, 0, 1, 1], [4], 'bool');
    expect(h.run('Slice', { x: b }, { begin: [1] }, [2], 'bool')).toEqual(new Uint8Array([0, 1]));
  });

  it('gives an empty output for a size-0 box, even at the far edge', () => {
    const h = new KernelHarness(options);
    const x = h.tensor(values, [3, 4]);
    expect(h.values('Slice', { x }, { begin: [3, 0] }, [0, 4])).toEqual([]);
    expect(h.values('Slice', { x }, { begin: [1, 4] }, [2, 0])).toEqual([]);
    expect(h.values('Slice', { x: h.tensor([5], []) }, { begin: [] }, [])).toEqual([5]);
  });
});
