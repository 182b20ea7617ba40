/**
 * @file Tests of Transpose: 2-d, every permutation of a rank-3 input against a naive reference,
 * permutations that keep trailing axes, every dtype, scalars and size 0.
 */

import { expect, it } from 'vitest';
import { KernelHarness, describeEachPath, indicesOf, stridesOf } from '../test-utils.js';

function permutations(items: number[]): number[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

describeEachPath('Transpose', (options) => {
  it('transposes a 2×3 matrix (hand-computed)', () => {
    const h = new KernelHarness(options);
    const x = h.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(h.values('Transpose', { x }, { perm: [1, 0] }, [3, 2])).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it('matches a naive reference for every permutation of a [2, 3, 4] input', () => {
    const h = new KernelHarness(options);
    const shape = [2, 3, 4];
    const values = Array.from({ length: 24 }, (_, i) => i);
    const x = h.tensor(values, shape);
    const strides = stridesOf(shape);
    for (const perm of permutations([0, 1, 2])) {
      const outShape = perm.map((p) => shape[p]!);
      const expected = [...indicesOf(outShape)].map((index) =>
        index.reduce((s, i, d) => s + i * strides[perm[d]!]!, 0),
      );
      expect(h.values('Transpose', { x }, { perm }, outShape), perm.join(',')).toEqual(expected);
    }
  });

  it('moves whole rows when the last axis stays put, on int32 and bool', () => {
    const h = new KernelHarness(options);
    const values = Array.from({ length: 2 * 2 * 40 }, (_, i) => i);
    const x = h.tensor(values, [2, 2, 40], 'int32');
    const out = h.run('Transpose', { x }, { perm: [1, 0, 2] }, [2, 2, 40], 'int32');
    expect(Array.from(out.subarray(40, 80))).toEqual(values.slice(80, 120));
    const b = h.tensor([1, 0, 0, 1, 1, 0], [3, 2], 'bool');
    expect(h.run('Transpose', { x: b }, { perm: [1, 0] }, [2, 3], 'bool')).toEqual(new Uint8Array([1, 0, 1, 0, 1, 0]));
  });

  it('handles scalars, size-1 dims and size 0', () => {
    const h = new KernelHarness(options);
    expect(h.values('Transpose', { x: h.tensor([7], []) }, { perm: [] }, [])).toEqual([7]);
    const x = h.tensor([1, 2, 3], [1, 3, 1]);
    expect(h.values('Transpose', { x }, { perm: [2, 1, 0] }, [1, 3, 1])).toEqual([1, 2, 3]);
    expect(h.values('Transpose', { x: h.tensor([], [0, 3]) }, { perm: [1, 0] }, [3, 0])).toEqual([]);
  });
});
