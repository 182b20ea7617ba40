/**
 * @file Tests of Concat: each axis of rank-2 and rank-3 inputs, many inputs of different widths,
 * zero-size inputs, a single input, every dtype.
 */

import { expect, it } from 'vitest';
import { KernelHarness, describeEachPath } from '../test-utils.js';

describeEachPath('Concat', (options) => {
  it('joins on each axis of a rank-2 input', () => {
    const h = new KernelHarness(options);
    const a = h.tensor([1, 2, 3, 4], [2, 2]);
    const b = h.tensor([5, 6, 7, 8, 9, 10], [2, 3]);
    const c = h.tensor([11, 12], [1, 2]);
    expect(h.values('Concat', { tensors: [a, b] }, { axis: 1 }, [2, 5])).toEqual([1, 2, 5, 6, 7, 3, 4, 8, 9, 10]);
    expect(h.values('Concat', { tensors: [a, c, a] }, { axis: 0 }, [5, 2])).toEqual([1, 2, 3, 4, 11, 12, 1, 2, 3, 4]);
  });

  it('joins on each axis of a rank-3 input', () => {
    const h = new KernelHarness(options);
    const a = h.tensor([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]);
    const b = h.tensor([-1, -2, -3, -4, -5, -6, -7, -8], [2, 2, 2]);
    expect(h.values('Concat', { tensors: [a, b] }, { axis: 0 }, [4, 2, 2])).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, -1, -2, -3, -4, -5, -6, -7, -8,
    ]);
    expect(h.values('Concat', { tensors: [a, b] }, { axis: 1 }, [2, 4, 2])).toEqual([
      1, 2, 3, 4, -1, -2, -3, -4, 5, 6, 7, 8, -5, -6, -7, -8,
    ]);
    expect(h.values('Concat', { tensors: [a, b] }, { axis: 2 }, [2, 2, 4])).toEqual([
      1, 2, -1, -2, 3, 4, -3, -4, 5, 6, -5, -6, 7, 8, -7, -8,
    ]);
  });

  it('skips zero-size inputs and handles an all-empty output', () => {
    const h = new KernelHarness(options);
    const a = h.tensor([1, 2], [2, 1]);
    const empty = h.tensor([], [2, 0]);
    const b = h.tensor([3, 4], [2, 1]);
    expect(h.values('Concat', { tensors: [empty, a, empty, b] }, { axis: 1 }, [2, 2])).toEqual([1, 3, 2, 4]);
    const none = h.tensor([], [0, 3]);
    expect(h.values('Concat', { tensors: [none, none] }, { axis: 0 }, [0, 3])).toEqual([]);
    expect(h.values('Concat', { tensors: [none, none] }, { axis: 1 }, [0, 6])).toEqual([]);
  });

  it('copies a single input and joins 1-d int32, bool and long inputs', () => {
    const h = new KernelHarness(options);
    const a = h.tensor([1, 2, 3], [3], 'int32');
    expect(h.run('Concat', { tensors: [a] }, { axis: 0 }, [3], 'int32')).toEqual(new Int32Array([1, 2, 3]));
    const p = h.tensor([1, 0], [2], 'bool');
    const q = h.tensor([0, 1, 1], [3], 'bool');
    expect(h.run('Concat', { tensors: [p, q] }, { axis: 0 }, [5], 'bool')).toEqual(new Uint8Array([1, 0, 0, 1, 1]));
    const long = Array.from({ length: 64 }, (_, i) => i);
    const l = h.tensor(long, [2, 32]);
    expect(h.values('Concat', { tensors: [l, l] }, { axis: 1 }, [2, 64])).toEqual([
      ...long.slice(0, 32),
      ...long.slice(0, 32),
      ...long.slice(32),
      ...long.slice(32),
    ]);
  });
});
