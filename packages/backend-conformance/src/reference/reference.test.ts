/**
 * @file The reference implementations against hand-computed values: if these were wrong, the suite
 * would fail correct backends (or pass wrong ones), so each is pinned by values worked out by hand.
 */

import type { UnaryKernel } from '@tapeflow/tensor-core/backend';
import { describe, expect, it } from 'vitest';
import * as reference from './index.js';

const { referenceTensor: t } = reference;

describe('reference index arithmetic', () => {
  it('computes sizes, strides, offsets and broadcast shapes', () => {
    expect(reference.sizeOf([])).toBe(1);
    expect(reference.sizeOf([2, 0, 3])).toBe(0);
    expect(reference.stridesOf([2, 3, 4])).toEqual([12, 4, 1]);
    expect(reference.offsetOf([1, 2, 3], [2, 3, 4])).toBe(23);
    expect(reference.broadcastShape([3, 1, 5], [4, 1])).toEqual([3, 4, 5]);
    expect(reference.broadcastShape([], [0])).toEqual([0]);
    expect(() => reference.broadcastShape([2], [3])).toThrow(RangeError);
    expect([...reference.indicesOf([2, 2])]).toEqual([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]);
    expect([...reference.indicesOf([])]).toEqual([[]]);
    expect([...reference.indicesOf([2, 0])]).toEqual([]);
  });

  it('stores values as each dtype does', () => {
    expect(reference.storeAs(0.1, 'float32')).toBe(Math.fround(0.1));
    expect([1.7, -1.7, 2 ** 31].map((v) => reference.storeAs(v, 'int32'))).toEqual([1, -1, -2147483648]);
    expect([0, -0.5, NaN].map((v) => reference.storeAs(v, 'bool'))).toEqual([0, 1, 1]);
  });

  it('rejects a value count that does not match the shape', () => {
    expect(() => t([1, 2, 3], [2, 2])).toThrow(/3 values given for shape \[2,2\]/);
  });
});

/** The float32 inputs every unary kernel's hand-computed values below are for. */
const UNARY_INPUTS = [0, 1, -1, 4];

/**
 * Each unary kernel's value at `UNARY_INPUTS`, worked out by hand (float64; the reference stores
 * float32), for the first unary kernels. A later kernel's reference is the spec's formula; its own hand-worked
 * values are in its op's tests.
 */
const UNARY_EXPECTED: Readonly<Partial<Record<UnaryKernel, readonly number[]>>> = {
  Neg: [0, -1, 1, -4],
  Abs: [0, 1, 1, 4],
  Sign: [0, 1, -1, 1],
  Square: [0, 1, 1, 16],
  Sqrt: [0, 1, NaN, 2],
  Exp: [1, 2.718281828459045, 0.36787944117144233, 54.598150033144236],
  Log: [-Infinity, 0, NaN, 1.3862943611198906],
  Relu: [0, 1, 0, 4],
  Sigmoid: [0.5, 0.7310585786300049, 0.2689414213699951, 0.9820137900379085],
  Tanh: [0, 0.7615941559557649, -0.7615941559557649, 0.999329299739067],
  Softplus: [0.6931471805599453, 1.3132616875182228, 0.31326168751822286, 4.0181499279178094],
};

describe('reference elementwise kernels', () => {
  for (const [kernel, expected] of Object.entries(UNARY_EXPECTED) as [UnaryKernel, readonly number[]][]) {
    it(`computes ${kernel} at 0, 1, -1 and 4 in float32`, () => {
      const actual = reference.unary(kernel, t(UNARY_INPUTS, [UNARY_INPUTS.length])).values;
      expected.forEach((value, i) => {
        const label = `${kernel}(${UNARY_INPUTS[i]})`;
        if (!Number.isFinite(value)) expect(actual[i], label).toBe(value);
        else expect(Math.abs(actual[i]! - value), label).toBeLessThanOrEqual(1e-7 * (1 + Math.abs(value)));
      });
    });
  }

  it('computes unary kernels in float32 and int32', () => {
    const x = t([-2, -0.5, 0, 0.5, 3], [5]);
    expect(reference.unary('Relu', x).values).toEqual([0, 0, 0, 0.5, 3]);
    expect(reference.unary('Sign', x).values).toEqual([-1, -1, 0, 1, 1]);
    expect(reference.unary('Sigmoid', t([0], [])).values).toEqual([0.5]);
    expect(reference.unary('Tanh', t([0.5], [1])).values[0]).toBeCloseTo(0.46211716, 7);
    const softplus = reference.unary('Softplus', t([0, 100, -100, Infinity, -Infinity, NaN], [6])).values;
    expect(softplus).toEqual([Math.LN2, 100, 3.720075976020836e-44, Infinity, 0, NaN].map(Math.fround));
    const ints = t([-7, 46341, -2147483648], [3], 'int32');
    expect(reference.unary('Square', ints).values).toEqual([49, -2147479015, 0]);
    expect(reference.unary('Neg', ints).values).toEqual([7, -46341, -2147483648]);
    expect(reference.unary('Abs', ints).values).toEqual([7, 46341, -2147483648]);
    expect(() => reference.unary('Exp', ints)).toThrow(/no int32 definition/);
  });

  it('broadcasts binary kernels in both directions', () => {
    const m = t([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(reference.binary('Sub', m, t([10, 20, 30], [3])).values).toEqual([-9, -18, -27, -6, -15, -24]);
    expect(reference.binary('Sub', t([100, 200], [2, 1]), m).values).toEqual([99, 98, 97, 196, 195, 194]);
    expect(reference.binary('Mul', t([1, 2, 3], [3, 1]), t([10, 20], [1, 2]))).toEqual({
      shape: [3, 2],
      dtype: 'float32',
      values: [10, 20, 20, 40, 30, 60],
    });
    expect(reference.binary('Add', t([], [0, 3]), t([1, 2, 3], [3])).shape).toEqual([0, 3]);
  });

  it('wraps int32 arithmetic and follows C pow', () => {
    const a = t([2147483647, -2147483648, 65536], [3], 'int32');
    const b = t([1, 1, 65536], [3], 'int32');
    expect(reference.binary('Add', a, b).values).toEqual([-2147483648, -2147483647, 131072]);
    expect(reference.binary('Mul', a, b).values).toEqual([2147483647, -2147483648, 0]);
    expect(reference.binary('Pow', t([2, -3, 5], [3], 'int32'), t([3], [], 'int32')).values).toEqual([8, -27, 125]);
    expect(reference.intPow(2, 31)).toBe(-2147483648);
    expect(reference.binary('Pow', t([-2, 1, 4], [3]), t([3, NaN, -0.5], [3])).values).toEqual([-8, 1, 0.5]);
    expect(reference.binary('RealDiv', t([1, -1], [2]), t([0], [])).values).toEqual([Infinity, -Infinity]);
    expect(reference.binary('Maximum', t([NaN, 1], [2]), t([1, 2], [2])).values).toEqual([NaN, 2]);
  });

  it('compares, selects and casts', () => {
    expect(reference.compare('GreaterEqual', t([1, 2, 3], [3]), t([2], []))).toEqual({
      shape: [3],
      dtype: 'bool',
      values: [0, 1, 1],
    });
    expect(reference.compare('Less', t([1, 0], [2], 'bool'), t([1], [], 'bool')).values).toEqual([0, 1]);
    const condition = t([1, 0], [2, 1], 'bool');
    expect(reference.select(condition, t([1, 2, 3], [3]), t([9], [])).values).toEqual([1, 2, 3, 9, 9, 9]);
    expect(reference.cast(t([1.7, -1.7, 0.5, -0.5], [4]), 'int32').values).toEqual([1, -1, 0, 0]);
    expect(reference.cast(t([0, -0.5, 2], [3]), 'bool')).toEqual({ shape: [3], dtype: 'bool', values: [0, 1, 1] });
    expect(reference.cast(t([16777217], [1], 'int32'), 'float32').values).toEqual([16777216]);
  });
});

describe('reference reductions', () => {
  const x = t([1, 2, 3, 4, 5, 6], [2, 3]);

  it('reduces over any axis set, with and without keepDims', () => {
    expect(reference.reduce('Sum', x, [0]).values).toEqual([5, 7, 9]);
    expect(reference.reduce('Sum', x, [1], true)).toEqual({ shape: [2, 1], dtype: 'float32', values: [6, 15] });
    expect(reference.reduce('Max', x, [0, 1]).values).toEqual([6]);
    expect(reference.reduce('Min', t([3, 1, 2, 5, 4, 0, 7, 8], [2, 2, 2]), [0, 2]).values).toEqual([0, 2]);
    expect(reference.reduce('Sum', t([2147483647, 1], [2], 'int32'), [0]).values).toEqual([-2147483648]);
  });

  it("gives TensorFlow's identities for empty reductions", () => {
    expect(reference.reduce('Sum', t([], [0, 2]), [0]).values).toEqual([0, 0]);
    expect(reference.reduce('Max', t([], [0, 2]), [0]).values).toEqual([-Infinity, -Infinity]);
    expect(reference.reduce('Min', t([], [2, 0], 'int32'), [1]).values).toEqual([2147483647, 2147483647]);
    expect(reference.reductionIdentity('Max', 'int32')).toBe(-2147483648);
  });

  it('picks the first index on ties for ArgMax and ArgMin', () => {
    expect(reference.argReduce('ArgMax', t([3, 9, 9, 1], [4]), 0).values).toEqual([1]);
    expect(reference.argReduce('ArgMin', t([5, 1, 1, 0, 0, 2], [2, 3]), 1).values).toEqual([1, 0]);
    expect(reference.argReduce('ArgMax', t([1, 5, 7, 2], [2, 2]), 0)).toEqual({
      shape: [2],
      dtype: 'int32',
      values: [1, 0],
    });
  });

  it('gives Σ|x| as the error scale of a sum', () => {
    expect(reference.sumMagnitude(t([1, -2, 3, -4], [2, 2]), [1])).toEqual([3, 7]);
  });
});

describe('reference matMul and transpose', () => {
  it('multiplies plain, transposed and batch-broadcast matrices', () => {
    const a = t([1, 2, 3, 4, 5, 6], [2, 3]);
    const b = t([7, 8, 9, 10, 11, 12], [3, 2]);
    expect(reference.matMul(a, b)).toEqual({ shape: [2, 2], dtype: 'float32', values: [58, 64, 139, 154] });
    expect(reference.matMul(a, a, { transposeB: true }).values).toEqual([14, 32, 32, 77]);
    expect(reference.matMul(a, a, { transposeA: true }).values).toEqual([17, 22, 27, 22, 29, 36, 27, 36, 45]);
    // bᵀ·aᵀ = (a·b)ᵀ
    expect(reference.matMul(b, a, { transposeA: true, transposeB: true }).values).toEqual([58, 139, 64, 154]);
    const batched = reference.matMul(t([1, 0, 0, 1, 2, 0, 0, 2], [2, 2, 2]), t([1, 2, 3, 4], [2, 2]));
    expect(batched).toEqual({ shape: [2, 2, 2], dtype: 'float32', values: [1, 2, 3, 4, 2, 4, 6, 8] });
    expect(reference.matMul(t([], [2, 0]), t([], [0, 3])).values).toEqual([0, 0, 0, 0, 0, 0]);
    expect(reference.matMul(t([1, -2], [1, 2]), t([3, 4], [2, 1]), { magnitude: true }).values).toEqual([11]);
  });

  it('transposes with any permutation', () => {
    expect(reference.transpose(t([1, 2, 3, 4, 5, 6], [2, 3]), [1, 0]).values).toEqual([1, 4, 2, 5, 3, 6]);
    const x = t([0, 1, 2, 3, 4, 5, 6, 7], [2, 2, 2]);
    expect(reference.transpose(x, [2, 0, 1]).values).toEqual([0, 2, 4, 6, 1, 3, 5, 7]);
  });
});

describe('reference indexing and creation', () => {
  it('slices, concatenates and gathers', () => {
    const x = t([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(reference.slice(x, [1, 1], [1, 2]).values).toEqual([5, 6]);
    expect(reference.slice(x, [0, 3], [2, 0]).shape).toEqual([2, 0]);
    expect(reference.concat([x, t([7, 8], [2, 1])], 1).values).toEqual([1, 2, 3, 7, 4, 5, 6, 8]);
    expect(reference.concat([x, t([7, 8, 9], [1, 3])], 0).values).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(reference.gather(x, t([2, 0, 2], [3], 'int32'), 1).values).toEqual([3, 1, 3, 6, 4, 6]);
    expect(reference.gather(x, t([1, 1, 0, 1], [2, 2], 'int32'), 0).shape).toEqual([2, 2, 3]);
  });

  it('sums segments, dropping ids out of range', () => {
    const data = t([1, 2, 3, 4, 5, 6, 7, 8], [4, 2]);
    const ids = t([1, -1, 1, 3], [4], 'int32');
    expect(reference.unsortedSegmentSum(data, ids, 2)).toEqual({
      shape: [2, 2],
      dtype: 'float32',
      values: [0, 0, 6, 8],
    });
  });

  it('makes one-hot rows, fills, ranges and broadcasts', () => {
    expect(reference.oneHot(t([1, -1, 3], [3], 'int32'), 3, 5, -1).values).toEqual([-1, 5, -1, -1, -1, -1, -1, -1, -1]);
    expect(reference.oneHot(t([0], [1], 'int32'), 2, 1, 0, 'bool')).toEqual({
      shape: [1, 2],
      dtype: 'bool',
      values: [1, 0],
    });
    expect(reference.fill([2], 2.7, 'int32').values).toEqual([2, 2]);
    expect(reference.range(3, -0.5, 4).values).toEqual([3, 2.5, 2, 1.5]);
    expect(reference.broadcastTo(t([1, 2], [2, 1]), [2, 3]).values).toEqual([1, 1, 1, 2, 2, 2]);
  });
});

describe('reference softmax and seeded data', () => {
  it('computes softmax and logSoftmax along an axis, stably', () => {
    const s = reference.softmax(t([1, 2, 3], [3]), 0).values;
    expect(s[0]).toBeCloseTo(0.09003057, 7);
    expect(s[2]).toBeCloseTo(0.66524096, 7);
    expect(reference.softmax(t([1000, 1000, 0, 0], [2, 2]), 0).values).toEqual([1, 1, 0, 0]);
    expect(reference.logSoftmax(t([0, 0], [2]), 0).values[0]).toBeCloseTo(-Math.LN2, 7);
  });

  it('gives the same values for the same seed, in range and rounded to the step', () => {
    const a = reference.randomReference([257], { seed: 5, min: -2, max: 2, step: 0.125 });
    expect(reference.randomReference([257], { seed: 5, min: -2, max: 2, step: 0.125 })).toEqual(a);
    expect(a.values.every((v) => v >= -2 && v <= 2 && Number.isInteger(v * 8))).toBe(true);
    const ints = reference.randomReference([100], { seed: 1, min: -3, max: 3, dtype: 'int32' });
    expect(new Set(ints.values)).toEqual(new Set([-3, -2, -1, 0, 1, 2, 3]));
    expect(reference.randomReference([10], { seed: 2, dtype: 'bool' }).values.every((v) => v === 0 || v === 1)).toBe(
      true,
    );
  });
});
