/**
 * @file Tests of OneHot: on/off values, out-of-range indices giving all-off rows, multi-dim indices,
 * int32 and bool outputs, and size 0.
 */

import { describe, expect, it } from 'vitest';
import { KernelHarness } from '../test-utils.js';

describe('OneHot', () => {
  it('puts onValue at each index and offValue elsewhere', () => {
    const h = new KernelHarness();
    const indices = h.tensor([0, 2, 1], [3], 'int32');
    expect(h.values('OneHot', { indices }, { depth: 3, onValue: 1, offValue: 0 }, [3, 3])).toEqual([
      1, 0, 0, 0, 0, 1, 0, 1, 0,
    ]);
    expect(h.values('OneHot', { indices }, { depth: 3, onValue: 5, offValue: -1 }, [3, 3])).toEqual([
      5, -1, -1, -1, -1, 5, -1, 5, -1,
    ]);
  });

  it('gives an all-off row for indices outside [0, depth)', () => {
    const h = new KernelHarness();
    const indices = h.tensor([-1, 3, 1], [3], 'int32');
    expect(h.values('OneHot', { indices }, { depth: 3, onValue: 1, offValue: 0.5 }, [3, 3])).toEqual([
      0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 1, 0.5,
    ]);
  });

  it('adds a last axis to multi-dim indices, in int32 and bool', () => {
    const h = new KernelHarness();
    const indices = h.tensor([1, 0, 0, 1], [2, 2], 'int32');
    const attrs = { depth: 2, onValue: 7, offValue: 0 };
    expect(h.run('OneHot', { indices }, attrs, [2, 2, 2], 'int32')).toEqual(new Int32Array([0, 7, 7, 0, 7, 0, 0, 7]));
    expect(h.run('OneHot', { indices }, attrs, [2, 2, 2], 'bool')).toEqual(new Uint8Array([0, 1, 1, 0, 1, 0, 0, 1]));
  });

  it('handles size 0 and depth 0', () => {
    const h = new KernelHarness();
    const none = h.tensor([], [0], 'int32');
    expect(h.values('OneHot', { indices: none }, { depth: 4, onValue: 1, offValue: 0 }, [0, 4])).toEqual([]);
    const some = h.tensor([0, 1], [2], 'int32');
    expect(h.values('OneHot', { indices: some }, { depth: 0, onValue: 1, offValue: 0 }, [2, 0])).toEqual([]);
  });
});
