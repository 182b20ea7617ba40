/**
 * @file Tests of Sum, Max and Min: every axis combination of a rank-3 input against hand-computed
 * values, a shuffled rank-4 input against a naive reference, empty axes (identities), int32 wrap,
 * bool, and NaN propagation.
 */

import { InvalidArgumentError, REDUCTION_KERNELS } from '@tapeflow/tensor-core/internal';
import type { ReductionKernel } from '@tapeflow/tensor-core/internal';
import { expect, it } from 'vitest';
import {
  KernelHarness,
  describeEachPath,
  expectClose,
  indicesOf,
  randomValues,
  seededRandom,
  stridesOf,
} from '../test-utils.js';

// x[i][j][k] = 6i + 3j + k on shape [2, 2, 3]; each entry: axes, output shape, Sum, Max, Min.
const identity = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const rank3: [number[], number[], number[], number[], number[]][] = [
  [[], [2, 2, 3], identity, identity, identity],
  [[0], [2, 3], [6, 8, 10, 12, 14, 16], [6, 7, 8, 9, 10, 11], [0, 1, 2, 3, 4, 5]],
  [[1], [2, 3], [3, 5, 7, 15, 17, 19], [3, 4, 5, 9, 10, 11], [0, 1, 2, 6, 7, 8]],
  [[2], [2, 2], [3, 12, 21, 30], [2, 5, 8, 11], [0, 3, 6, 9]],
  [[0, 1], [3], [18, 22, 26], [9, 10, 11], [0, 1, 2]],
  [[0, 2], [2], [24, 42], [8, 11], [0, 3]],
  [[1, 2], [2], [15, 51], [5, 11], [0, 6]],
  [[0, 1, 2], [], [66], [11], [0]],
];

/** The naive reference: visit every input index and fold it into its output index. */
function reference(op: ReductionKernel, values: number[], shape: number[], axes: number[]): number[] {
  const kept = shape.map((_, d) => d).filter((d) => !axes.includes(d));
  const outShape = kept.map((d) => shape[d]!);
  const outStrides = stridesOf(outShape);
  const size = outShape.reduce((a, b) => a * b, 1);
  const out = new Array<number>(size).fill(op === 'Sum' ? 0 : op === 'Max' ? -Infinity : Infinity);
  const strides = stridesOf(shape);
  for (const index of indicesOf(shape)) {
    const v = values[index.reduce((s, i, d) => s + i * strides[d]!, 0)]!;
    const o = kept.reduce((s, d, n) => s + index[d]! * outStrides[n]!, 0);
    out[o] = op === 'Sum' ? out[o]! + v : op === 'Max' ? Math.max(out[o]!, v) : Math.min(out[o]!, v);
  }
  return out;
}

function axisSubsets(rank: number): number[][] {
  const subsets: number[][] = [];
  for (let mask = 0; mask < 1 << rank; mask++) {
    subsets.push(Array.from({ length: rank }, (_, d) => d).filter((d) => mask & (1 << d)));
  }
  return subsets;
}

describeEachPath('reductions over every axis combination of a rank-3 input', (options) => {
  const values = Array.from({ length: 12 }, (_, i) => i);
  for (const [axes, outShape, sum, max, min] of rank3) {
    it(`reduces axes [${axes.join(',')}]`, () => {
      const h = new KernelHarness(options);
      const x = h.tensor(values, [2, 2, 3]);
      expect(h.values('Sum', { x }, { axes }, outShape)).toEqual(sum);
      expect(h.values('Max', { x }, { axes }, outShape)).toEqual(max);
      expect(h.values('Min', { x }, { axes }, outShape)).toEqual(min);
      const xi = h.tensor(values, [2, 2, 3], 'int32');
      expect(h.values('Sum', { x: xi }, { axes }, outShape, 'int32')).toEqual(sum);
      expect(h.values('Max', { x: xi }, { axes }, outShape, 'int32')).toEqual(max);
      expect(h.values('Min', { x: xi }, { axes }, outShape, 'int32')).toEqual(min);
    });
  }

  it('matches a naive reference on a shuffled rank-4 input for every axis subset', () => {
    const h = new KernelHarness(options);
    const shape = [3, 1, 4, 5];
    const values = randomValues(60, seededRandom(7));
    const x = h.tensor(values, shape);
    for (const axes of axisSubsets(4)) {
      const outShape = shape.filter((_, d) => !axes.includes(d));
      for (const op of REDUCTION_KERNELS) {
        expectClose(h.run(op, { x }, { axes }, outShape), reference(op, values, shape, axes), 1e-6);
      }
    }
  });
});

describeEachPath('reduction edge cases', (options) => {
  it('gives the identity when a reduced axis is empty', () => {
    const h = new KernelHarness(options);
    const x = h.tensor([], [2, 0, 3]);
    expect(h.values('Sum', { x }, { axes: [1] }, [2, 3])).toEqual([0, 0, 0, 0, 0, 0]);
    expect(h.values('Max', { x }, { axes: [1] }, [2, 3])).toEqual(new Array(6).fill(-Infinity));
    expect(h.values('Min', { x }, { axes: [0, 1, 2] }, [])).toEqual([Infinity]);
    const xi = h.tensor([], [0], 'int32');
    expect(h.values('Max', { x: xi }, { axes: [0] }, [], 'int32')).toEqual([-2147483648]);
    expect(h.values('Min', { x: xi }, { axes: [0] }, [], 'int32')).toEqual([2147483647]);
  });

  it('gives an empty output when a kept axis is empty', () => {
    const h = new KernelHarness(options);
    const x = h.tensor([], [0, 4]);
    for (const op of REDUCTION_KERNELS) expect(h.values(op, { x }, { axes: [1] }, [0]), op).toEqual([]);
  });

  it('reduces a scalar over no axes to itself', () => {
    const h = new KernelHarness(options);
    const x = h.tensor([5], []);
    for (const op of REDUCTION_KERNELS) expect(h.values(op, { x }, { axes: [] }, []), op).toEqual([5]);
  });

  it('accumulates float32 sums in double before rounding once', () => {
    const h = new KernelHarness(options);
    // In float32, 2^24 + 1 + 1 + ... loses every 1; the exact sum is representable.
    const values = [16777216, ...new Array<number>(16).fill(1)];
    const x = h.tensor(values, [17]);
    expect(h.values('Sum', { x }, { axes: [0] }, [])).toEqual([16777232]);
  });

  it('wraps int32 sums', () => {
    const h = new KernelHarness(options);
    const x = h.tensor([2147483647, 1, 2147483647, 2], [2, 2], 'int32');
    expect(h.values('Sum', { x }, { axes: [1] }, [2], 'int32')).toEqual([-2147483648, -2147483647]);
    expect(h.values('Sum', { x }, { axes: [0] }, [2], 'int32')).toEqual([-2, 3]);
  });

  it('propagates NaN through Max and Min along either kind of row', () => {
    const h = new KernelHarness(options);
    const x = h.tensor([1, NaN, 3, 4, 5, 6], [2, 3]);
    expect(h.values('Max', { x }, { axes: [1] }, [2])).toEqual([NaN, 6]);
    expect(h.values('Min', { x }, { axes: [0] }, [3])).toEqual([1, NaN, 3]);
    expect(h.values('Sum', { x }, { axes: [0, 1] }, [])).toEqual([NaN]);
  });

  it('reduces bool with Max as any and Min as all, and refuses a bool Sum', () => {
    const h = new KernelHarness(options);
    const x = h.tensor([1, 0, 0, 0, 1, 1], [3, 2], 'bool');
    expect(h.values('Max', { x }, { axes: [1] }, [3], 'bool')).toEqual([1, 0, 1]);
    expect(h.values('Min', { x }, { axes: [1] }, [3], 'bool')).toEqual([0, 0, 1]);
    expect(() => h.run('Sum', { x }, { axes: [1] }, [3], 'bool')).toThrow(InvalidArgumentError);
  });
});
