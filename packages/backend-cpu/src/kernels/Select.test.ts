/**
 * @file Tests of Select: elementwise choice, each of the three inputs broadcast, every dtype, size 0.
 */

import { describe, expect, it } from 'vitest';
import { KernelHarness } from '../test-utils.js';

describe('Select', () => {
  it('picks a where the condition holds and b elsewhere', () => {
    const h = new KernelHarness();
    const condition = h.tensor([1, 0, 0, 1], [2, 2], 'bool');
    const a = h.tensor([1, 2, 3, 4], [2, 2]);
    const b = h.tensor([-1, -2, -3, -4], [2, 2]);
    expect(h.values('Select', { condition, a, b }, {}, [2, 2])).toEqual([1, -2, -3, 4]);
  });

  it('broadcasts the condition, a and b independently', () => {
    const h = new KernelHarness();
    const condition = h.tensor([1, 0], [2, 1], 'bool');
    const a = h.tensor([10, 20, 30], [3]);
    const b = h.tensor([0], []);
    expect(h.values('Select', { condition, a, b }, {}, [2, 3])).toEqual([10, 20, 30, 0, 0, 0]);
    const row = h.tensor([1, 0, 1], [3], 'bool');
    const column = h.tensor([7, 8], [2, 1]);
    expect(h.values('Select', { condition: row, a: column, b: a }, {}, [2, 3])).toEqual([7, 20, 7, 8, 20, 8]);
  });

  it('selects int32 and bool values', () => {
    const h = new KernelHarness();
    const condition = h.tensor([0, 1, 1], [3], 'bool');
    const a = h.tensor([-2147483648, 2, 3], [3], 'int32');
    const b = h.tensor([9], [], 'int32');
    expect(h.run('Select', { condition, a, b }, {}, [3], 'int32')).toEqual(new Int32Array([9, 2, 3]));
    const t = h.tensor([1], [], 'bool');
    const f = h.tensor([0], [], 'bool');
    expect(h.run('Select', { condition, a: f, b: t }, {}, [3], 'bool')).toEqual(new Uint8Array([1, 0, 0]));
  });

  it('gives an empty output for size-0 dims', () => {
    const h = new KernelHarness();
    const condition = h.tensor([], [0, 2], 'bool');
    const a = h.tensor([1, 2], [2]);
    expect(h.values('Select', { condition, a, b: a }, {}, [0, 2])).toEqual([]);
  });
});
