/**
 * @file Tests of Sum, Max, Min, Prod, Any and All: every axis combination of a rank-3 input against hand-computed
 * values, a shuffled rank-4 input against a naive reference, empty axes (identities), int32 wrap,
 * bool, and NaN propagation.
 */

import { InvalidArgumentError, REDUCTION_KERNELS, acceptsDtype } from '@tapeflow/tensor-core/internal';
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
  const start = { Sum: 0, Max: -Infinity, Min: Infinity, Prod: 1, Any: 0, All: 1 }[op];
  const out = new Array<number>(size).fill(start);
  const strides = stridesOf(shape);
  for (const index of indicesOf(shape)) {
    const v = values[index.reduce((s, i, d) => s + i * strides[d]!, 0)]!;
    const o = kept.reduce((s, d, n) => s + index[d]! * outStrides[n]!, 0);
    const fold = {
      Sum: () => out[o]! + v,
      Max: () => Math.max(out[o]!, v),
      Min: () => Math.min(out[o]!, v),
      Prod: () => out[o]! * v,
      Any: () => (out[o]! !== 0 || v !== 0 ? 1 : 0),
      All: () => (out[o]! !== 0 && v !== 0 ? 1 : 0),
    }[op];
    out[o] = fold();
  }
  return out;
}

/** The reductions over numbers (Sum, Max, Min, Prod) and over bools (Any, All), from the spec. */
const FLOAT_REDUCTIONS = REDUCTION_KERNELS.filter((op) => acceptsDtype(op, 'x', 'float32'));
const BOOL_REDUCTIONS = REDUCTION_KERNELS.filter((op) => !acceptsDtype(op, 'x', 'float32'));

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
      for (const op of FLOAT_REDUCTIONS) {
        expectClose(h.run(op, { x }, { axes }, outShape), reference(op, values, shape, axes), 1e-6);
      }
      const bools = values.map((v) => (v > 0.5 ? 1 : 0));
      const xb = h.tensor(bools, shape, 'bool');
      for (const op of BOOL_REDUCTIONS) {
        expect(h.values(op, { x: xb }, { axes }, outShape, 'bool'), `${op} [${axes.join(',')}]`).toEqual(
          reference(op, bools, shape, axes),
        );
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
    for (const op of FLOAT_REDUCTIONS) expect(h.values(op, { x }, { axes: [1] }, [0]), op).toEqual([]);
  });

  it('reduces a scalar over no axes to itself', () => {
    const h = new KernelHarness(options);
    const x = h.tensor([5], []);
    for (const op of FLOAT_REDUCTIONS) expect(h.values(op, { x }, { axes: [] }, []), op).toEqual([5]);
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

describeEachPath('Prod, Any and All (issue 12)', (options) => {
  it('multiplies along kept and reduced rows, 1 over zero elements, zeros and NaN as IEEE does', () => {
    const h = new KernelHarness(options);
    // x[i][j] = [[1, 2, 3], [4, 5, 6]]: rows 6 and 120, columns 4, 10, 18.
    const x = h.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(h.values('Prod', { x }, { axes: [1] }, [2])).toEqual([6, 120]);
    expect(h.values('Prod', { x }, { axes: [0] }, [3])).toEqual([4, 10, 18]);
    expect(h.values('Prod', { x }, { axes: [0, 1] }, [])).toEqual([720]);
    expect(h.values('Prod', { x: h.tensor([], [2, 0]) }, { axes: [1] }, [2])).toEqual([1, 1]);
    const special = h.tensor([0, Infinity, NaN, 2, -0, 3], [3, 2]);
    expect(h.values('Prod', { x: special }, { axes: [1] }, [3])).toEqual([NaN, NaN, -0]);
  });

  it('accumulates float32 products in double and rounds once', () => {
    const h = new KernelHarness(options);
    // 2^100 · 2^100 · 2^-120 = 2^80: the float32 partial product 2^200 would overflow to Infinity.
    const x = h.tensor([2 ** 100, 2 ** 100, 2 ** -120], [3]);
    expect(h.values('Prod', { x }, { axes: [0] }, [])).toEqual([2 ** 80]);
  });

  it('wraps int32 products and refuses a bool Prod', () => {
    const h = new KernelHarness(options);
    const x = h.tensor([65536, 65536, 3, 65537, 65537, -1], [2, 3], 'int32');
    // 2^32 wraps to 0; 65537² = 2^32 + 2^17 + 1 wraps to 131073.
    expect(h.values('Prod', { x }, { axes: [1] }, [2], 'int32')).toEqual([0, -131073]);
    expect(() => h.run('Prod', { x: h.tensor([1, 0], [2], 'bool') }, { axes: [0] }, [], 'bool')).toThrow(
      InvalidArgumentError,
    );
  });

  it('gives logical or and and of bools, false and true over zero elements', () => {
    const h = new KernelHarness(options);
    const x = h.tensor([1, 0, 0, 0, 1, 1], [3, 2], 'bool');
    expect(h.values('Any', { x }, { axes: [1] }, [3], 'bool')).toEqual([1, 0, 1]);
    expect(h.values('All', { x }, { axes: [1] }, [3], 'bool')).toEqual([0, 0, 1]);
    expect(h.values('Any', { x }, { axes: [0] }, [2], 'bool')).toEqual([1, 1]);
    expect(h.values('All', { x }, { axes: [0, 1] }, [], 'bool')).toEqual([0]);
    const empty = h.tensor([], [2, 0], 'bool');
    expect(h.values('Any', { x: empty }, { axes: [1] }, [2], 'bool')).toEqual([0, 0]);
    expect(h.values('All', { x: empty }, { axes: [1] }, [2], 'bool')).toEqual([1, 1]);
  });
});
