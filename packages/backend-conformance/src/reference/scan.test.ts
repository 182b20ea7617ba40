/**
 * @file The scan and selection references against values worked out by hand: Cumsum and Cumprod with
 * each exclusive/reverse combination along an inner axis, int32 wrap, and TopKV2's order (ties by
 * index, NaN first), plus Prod, Any and All's identities over zero elements.
 */
import { describe, expect, it } from 'vitest';
import { reduce } from './reduction.js';
import { cumulative, topKIndices } from './scan.js';
import { referenceTensor } from './tensor.js';

describe('cumulative', () => {
  const x = referenceTensor([1, 2, 3, 4, 5, 6], [2, 3]);
  it('runs along axis 1 with each exclusive/reverse combination', () => {
    const run = (op: 'Cumsum' | 'Cumprod', exclusive: boolean, reverse: boolean) =>
      cumulative(op, x, 1, { exclusive, reverse }).values;
    expect(run('Cumsum', false, false)).toEqual([1, 3, 6, 4, 9, 15]);
    expect(run('Cumsum', true, false)).toEqual([0, 1, 3, 0, 4, 9]);
    expect(run('Cumsum', false, true)).toEqual([6, 5, 3, 15, 11, 6]);
    expect(run('Cumsum', true, true)).toEqual([5, 3, 0, 11, 6, 0]);
    expect(run('Cumprod', false, false)).toEqual([1, 2, 6, 4, 20, 120]);
    expect(run('Cumprod', true, true)).toEqual([6, 3, 1, 30, 6, 1]);
  });

  it('wraps int32 and runs along axis 0', () => {
    const ints = referenceTensor([2147483647, 65536, 1, 65536], [2, 2], 'int32');
    expect(cumulative('Cumsum', ints, 0, { exclusive: false, reverse: false }).values).toEqual([
      2147483647, 65536, -2147483648, 131072,
    ]);
    expect(cumulative('Cumprod', ints, 0, { exclusive: false, reverse: true }).values).toEqual([
      2147483647, 0, 1, 65536,
    ]);
  });
});

describe('topKIndices and the new reductions', () => {
  it('orders largest first, equal values by index, NaN above every number', () => {
    const x = referenceTensor([1, 3, NaN, 3, -Infinity, NaN], [6]);
    expect(topKIndices(x, 6).values).toEqual([2, 5, 1, 3, 0, 4]);
    expect(topKIndices(referenceTensor([4, 4, 9, 1], [2, 2]), 1).values).toEqual([0, 0]);
  });

  it('gives 1, false and true over zero elements', () => {
    const empty = referenceTensor([], [2, 0]);
    expect(reduce('Prod', empty, [1]).values).toEqual([1, 1]);
    expect(reduce('Any', { ...empty, dtype: 'bool' }, [1]).values).toEqual([0, 0]);
    expect(reduce('All', { ...empty, dtype: 'bool' }, [1]).values).toEqual([1, 1]);
    expect(reduce('Prod', referenceTensor([65536, 65536, 3], [3], 'int32'), [0]).values).toEqual([0]);
  });
});
