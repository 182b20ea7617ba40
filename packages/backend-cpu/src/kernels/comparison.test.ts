/**
 * @file Tests of the comparison kernels: bool output, every dtype as input, broadcasting both ways,
 * NaN, and size-0 outputs.
 */

import { COMPARISON_KERNELS } from '@tapeflow/tensor-core/internal';
import { expect, it } from 'vitest';
import { KernelHarness, describeEachPath } from '../test-utils.js';

describeEachPath('comparison kernels', (options) => {
  const cases: Record<(typeof COMPARISON_KERNELS)[number], number[]> = {
    Equal: [0, 1, 0, 0],
    NotEqual: [1, 0, 1, 1],
    Greater: [0, 0, 1, 0],
    GreaterEqual: [0, 1, 1, 0],
    Less: [1, 0, 0, 0],
    LessEqual: [1, 1, 0, 0],
  };
  for (const [op, expected] of Object.entries(cases)) {
    it(`${op} gives bool on float32, with NaN unordered`, () => {
      const h = new KernelHarness(options);
      const a = h.tensor([1, 2, 3, NaN], [4]);
      const b = h.tensor([2, 2, 2, NaN], [4]);
      const out = h.run(op as keyof typeof cases, { a, b }, {}, [4], 'bool');
      expect(out).toBeInstanceOf(Uint8Array);
      expect(Array.from(out)).toEqual(expected);
    });
  }

  it('compares int32 and bool inputs', () => {
    const h = new KernelHarness(options);
    const a = h.tensor([-2147483648, 5], [2], 'int32');
    const b = h.tensor([-2147483647, 5], [2], 'int32');
    expect(h.values('Less', { a, b }, {}, [2], 'bool')).toEqual([1, 0]);
    const p = h.tensor([1, 0, 1], [3], 'bool');
    const q = h.tensor([1], [], 'bool');
    expect(h.values('Equal', { a: p, b: q }, {}, [3], 'bool')).toEqual([1, 0, 1]);
  });

  it('broadcasts in both directions', () => {
    const h = new KernelHarness(options);
    const column = h.tensor([1, 2, 3], [3, 1]);
    const row = h.tensor([1, 2, 3], [3]);
    expect(h.values('Greater', { a: column, b: row }, {}, [3, 3], 'bool')).toEqual([0, 0, 0, 1, 0, 0, 1, 1, 0]);
    expect(h.values('Greater', { a: row, b: column }, {}, [3, 3], 'bool')).toEqual([0, 1, 1, 0, 0, 1, 0, 0, 0]);
    const s = h.tensor([2], []);
    expect(h.values('LessEqual', { a: s, b: row }, {}, [3], 'bool')).toEqual([0, 1, 1]);
    expect(h.values('LessEqual', { a: row, b: s }, {}, [3], 'bool')).toEqual([1, 1, 0]);
  });

  it('gives an empty output for size-0 dims', () => {
    const h = new KernelHarness(options);
    const empty = h.tensor([], [3, 0]);
    const column = h.tensor([1, 2, 3], [3, 1]);
    for (const op of COMPARISON_KERNELS) {
      expect(h.values(op, { a: empty, b: column }, {}, [3, 0], 'bool'), op).toEqual([]);
    }
  });
});
