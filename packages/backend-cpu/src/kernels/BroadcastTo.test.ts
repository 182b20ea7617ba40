/**
 * @file Tests of BroadcastTo: scalars, rows, columns, new leading dims, size-1 dims in the middle,
 * every dtype, and size 0.
 */

import { describe, expect, it } from 'vitest';
import { KernelHarness } from '../test-utils.js';

describe('BroadcastTo', () => {
  it('repeats scalars, rows and columns', () => {
    const h = new KernelHarness();
    expect(h.values('BroadcastTo', { x: h.tensor([7], []) }, {}, [2, 2])).toEqual([7, 7, 7, 7]);
    expect(h.values('BroadcastTo', { x: h.tensor([1, 2, 3], [3]) }, {}, [2, 3])).toEqual([1, 2, 3, 1, 2, 3]);
    expect(h.values('BroadcastTo', { x: h.tensor([1, 2], [2, 1]) }, {}, [2, 3])).toEqual([1, 1, 1, 2, 2, 2]);
  });

  it('adds leading dims and repeats size-1 dims in the middle', () => {
    const h = new KernelHarness();
    const x = h.tensor([1, 2, 3, 4], [2, 1, 2]);
    expect(h.values('BroadcastTo', { x }, {}, [2, 2, 3, 2])).toEqual([
      1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4, 1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4,
    ]);
  });

  it('keeps int32 and bool, copies an unchanged shape, and handles size 0', () => {
    const h = new KernelHarness();
    const i = h.tensor([-1, 2], [2], 'int32');
    expect(h.run('BroadcastTo', { x: i }, {}, [2, 2], 'int32')).toEqual(new Int32Array([-1, 2, -1, 2]));
    const b = h.tensor([1], [1], 'bool');
    expect(h.run('BroadcastTo', { x: b }, {}, [3], 'bool')).toEqual(new Uint8Array([1, 1, 1]));
    expect(h.values('BroadcastTo', { x: h.tensor([5, 6], [2]) }, {}, [2])).toEqual([5, 6]);
    expect(h.values('BroadcastTo', { x: h.tensor([1, 2], [2]) }, {}, [0, 2])).toEqual([]);
  });
});
