/**
 * @file Tests of Gather: each axis of a rank-3 input, repeated and multi-dimensional indices, every
 * dtype, and size-0 indices and inputs.
 */

import { describe, expect, it } from 'vitest';
import { KernelHarness } from '../test-utils.js';

describe('Gather', () => {
  // x[i][j][k] = 100i + 10j + k on [2, 3, 2].
  const values = [0, 1, 10, 11, 20, 21, 100, 101, 110, 111, 120, 121];

  it('gathers along each axis of a rank-3 input', () => {
    const h = new KernelHarness();
    const x = h.tensor(values, [2, 3, 2]);
    const one = h.tensor([1], [1], 'int32');
    expect(h.values('Gather', { x, indices: one }, { axis: 0 }, [1, 3, 2])).toEqual(values.slice(6));
    const twoOne = h.tensor([2, 0], [2], 'int32');
    expect(h.values('Gather', { x, indices: twoOne }, { axis: 1 }, [2, 2, 2])).toEqual([20, 21, 0, 1, 120, 121, 100, 101]);
    expect(h.values('Gather', { x, indices: one }, { axis: 2 }, [2, 3, 1])).toEqual([1, 11, 21, 101, 111, 121]);
  });

  it('repeats indices and keeps the indices shape', () => {
    const h = new KernelHarness();
    const x = h.tensor([5, 6, 7], [3], 'int32');
    const indices = h.tensor([2, 2, 0, 1], [2, 2], 'int32');
    expect(h.run('Gather', { x, indices }, { axis: 0 }, [2, 2], 'int32')).toEqual(new Int32Array([7, 7, 5, 6]));
    const scalar = h.tensor([1], [], 'int32');
    expect(h.values('Gather', { x, indices: scalar }, { axis: 0 }, [], 'int32')).toEqual([6]);
  });

  it('gathers bool rows', () => {
    const h = new KernelHarness();
    const x = h.tensor([1, 0, 0, 1], [2, 2], 'bool');
    const indices = h.tensor([1, 0, 1], [3], 'int32');
    expect(h.run('Gather', { x, indices }, { axis: 0 }, [3, 2], 'bool')).toEqual(new Uint8Array([0, 1, 1, 0, 0, 1]));
  });

  it('handles size-0 indices and inputs', () => {
    const h = new KernelHarness();
    const x = h.tensor(values, [2, 3, 2]);
    const none = h.tensor([], [0], 'int32');
    expect(h.values('Gather', { x, indices: none }, { axis: 1 }, [2, 0, 2])).toEqual([]);
    const empty = h.tensor([], [0, 3]);
    const indices = h.tensor([2, 0], [2], 'int32');
    expect(h.values('Gather', { x: empty, indices }, { axis: 1 }, [0, 2])).toEqual([]);
  });
});
