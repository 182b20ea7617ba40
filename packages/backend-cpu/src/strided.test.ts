/**
 * @file Tests of the strided walk: dimension coalescing, empty and scalar spaces, and that rows cover
 * every index with the right offsets.
 */

import { broadcastStrides, computeStrides } from '@tapeflow/tensor-core/internal';
import { describe, expect, it } from 'vitest';
import { broadcastIndexMap, planRows, visitRows } from './strided.js';
import { indicesOf } from './test-utils.js';

function collect(shape: number[], strides: number[][]): number[][] {
  const seen: number[][] = [];
  visitRows(planRows(shape, strides), (offsets, length, inner) => {
    for (let j = 0; j < length; j++) seen.push(offsets.map((o, k) => o + j * inner[k]!));
  });
  return seen;
}

describe('planRows', () => {
  it('coalesces contiguous dims into one row', () => {
    const shape = [2, 3, 4];
    const plan = planRows(shape, [computeStrides(shape), computeStrides(shape)]);
    expect(plan.rowCount).toBe(1);
    expect(plan.rowLength).toBe(24);
  });

  it('keeps a broadcast dim apart and drops size-1 dims', () => {
    const out = [2, 1, 3];
    const plan = planRows(out, [computeStrides(out), broadcastStrides([2, 1, 1], out)]);
    expect(plan.rowCount).toBe(2);
    expect(plan.rowLength).toBe(3);
    expect(plan.innerStrides).toEqual([1, 0]);
  });

  it('plans nothing for an empty space and one element for a scalar', () => {
    expect(planRows([3, 0, 2], [[0, 2, 1]]).rowCount).toBe(0);
    const scalar = planRows([], [[], []]);
    expect([scalar.rowCount, scalar.rowLength]).toEqual([1, 1]);
  });

  it('visits every index once, with each operand at its strided offset', () => {
    const shape = [2, 3, 2, 2];
    const transposed = [12, 1, 6, 3];
    const expected = [...indicesOf(shape)].map((index) => [
      index.reduce((sum, i, d) => sum + i * computeStrides(shape)[d]!, 0),
      index.reduce((sum, i, d) => sum + i * transposed[d]!, 0),
    ]);
    expect(collect(shape, [computeStrides(shape), transposed])).toEqual(expected);
  });
});

describe('broadcastIndexMap', () => {
  it('maps each output element to its broadcast source', () => {
    expect(broadcastIndexMap([2, 1], [3, 2, 2])).toEqual([0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1]);
    expect(broadcastIndexMap([], [2])).toEqual([0, 0]);
    expect(broadcastIndexMap([], [])).toEqual([0]);
  });
});
