/**
 * @file Tests of ArgMax and ArgMin: every axis of a rank-3 input, first index on ties, NaN as in
 * NumPy, int32 and size-0 outputs.
 */

import { expect, it } from 'vitest';
import { KernelHarness, describeEachPath } from '../test-utils.js';

describeEachPath('ArgMax and ArgMin', (options) => {
  // Shape [2, 3, 2]: rows listed as [i][j] pairs over k.
  const values = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8];
  const cases: [number, number[], number[], number[]][] = [
    [0, [3, 2], [0, 1, 1, 1, 0, 0], [1, 0, 0, 0, 0, 1]],
    [1, [2, 2], [2, 2, 1, 2], [0, 0, 0, 1]],
    [2, [2, 3], [0, 0, 1, 1, 0, 1], [1, 1, 0, 0, 1, 0]],
  ];
  for (const [axis, outShape, argMax, argMin] of cases) {
    it(`reduces axis ${axis} of a rank-3 input`, () => {
      const h = new KernelHarness(options);
      const x = h.tensor(values, [2, 3, 2]);
      const out = h.run('ArgMax', { x }, { axis }, outShape, 'int32');
      expect(out).toBeInstanceOf(Int32Array);
      expect(Array.from(out)).toEqual(argMax);
      expect(h.values('ArgMin', { x }, { axis }, outShape, 'int32')).toEqual(argMin);
    });
  }

  it('takes the first index on ties', () => {
    const h = new KernelHarness(options);
    const x = h.tensor([2, 7, 7, 2], [4], 'int32');
    expect(h.values('ArgMax', { x }, { axis: 0 }, [], 'int32')).toEqual([1]);
    expect(h.values('ArgMin', { x }, { axis: 0 }, [], 'int32')).toEqual([0]);
  });

  it('points at the first NaN, as NumPy does', () => {
    const h = new KernelHarness(options);
    const x = h.tensor([1, NaN, 5, NaN, -1, 0], [2, 3]);
    expect(h.values('ArgMax', { x }, { axis: 1 }, [2], 'int32')).toEqual([1, 0]);
    expect(h.values('ArgMin', { x }, { axis: 1 }, [2], 'int32')).toEqual([1, 0]);
    const y = h.tensor([Infinity, -Infinity, NaN], [3]);
    expect(h.values('ArgMax', { x: y }, { axis: 0 }, [], 'int32')).toEqual([2]);
  });

  it('handles size-0 outputs and a length-1 axis', () => {
    const h = new KernelHarness(options);
    const x = h.tensor([], [0, 3]);
    expect(h.values('ArgMax', { x }, { axis: 1 }, [0], 'int32')).toEqual([]);
    const y = h.tensor([4, 5], [2, 1]);
    expect(h.values('ArgMin', { x: y }, { axis: 1 }, [2], 'int32')).toEqual([0, 0]);
  });
});
