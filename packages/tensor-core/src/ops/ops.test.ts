import '../test-setup.js';
import { describe, expect, it } from 'vitest';
import { memory } from '../api.js';
import { FailedPreconditionError, InvalidArgumentError, TapeflowError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import * as tf from './index.js';

const values = (t: Tensor): number[] => Array.from(t.dataSync());

function expectClose(actual: Tensor, expected: number[], digits = 5): void {
  const got = values(actual);
  expect(got.length).toBe(expected.length);
  got.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, digits));
}

/** Runs `fn`, expects a typed error matching `pattern`, and checks no tensor was left behind. */
function expectCleanError(fn: () => unknown, type: new (...args: never[]) => Error, pattern: RegExp): void {
  const before = memory().numTensors;
  expect(fn).toThrow(type);
  expect(fn).toThrow(pattern);
  expect(memory().numTensors).toBe(before);
}

describe('creation', () => {
  it('infers shape and dtype from nested arrays and typed arrays', () => {
    const a = tf.constant([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(a.shape).toEqual([2, 3]);
    expect(a.dtype).toBe('float32');
    expect(a.rank).toBe(2);
    expect(a.size).toBe(6);
    expect(a.arraySync()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(tf.constant(new Int32Array([1, 2])).dtype).toBe('int32');
    expect(tf.constant(true).dtype).toBe('bool');
    expect(tf.tensor([1, 2, 3, 4], [2, 2]).arraySync()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(tf.tensor(5, [2, 2]).arraySync()).toEqual([
      [5, 5],
      [5, 5],
    ]);
    expect(tf.constant([]).shape).toEqual([0]);
    expect(tf.scalar(3, 'int32').arraySync()).toBe(3);
  });

  it('fills, ranges and identities', () => {
    expect(values(tf.zeros([2, 2]))).toEqual([0, 0, 0, 0]);
    expect(values(tf.ones([3], 'int32'))).toEqual([1, 1, 1]);
    expect(values(tf.fill([2], 7))).toEqual([7, 7]);
    expect(values(tf.eye(2))).toEqual([1, 0, 0, 1]);
    expect(values(tf.range(5))).toEqual([0, 1, 2, 3, 4]);
    expect(values(tf.range(1, 2, 0.25))).toEqual([1, 1.25, 1.5, 1.75]);
    expect(values(tf.range(5, 0, -2))).toEqual([5, 3, 1]);
    expect(values(tf.linspace(0, 1, 5))).toEqual([0, 0.25, 0.5, 0.75, 1]);
    const x = tf.tensor([1, 2]);
    expect(values(tf.zerosLike(x))).toEqual([0, 0]);
    expect(values(tf.onesLike(x))).toEqual([1, 1]);
  });

  it('rejects ragged arrays, bad shapes and unknown dtypes', () => {
    expectCleanError(() => tf.constant([[1, 2], [3]]), InvalidArgumentError, /constant.*ragged/);
    expectCleanError(() => tf.tensor([1, 2, 3], [2, 2]), InvalidArgumentError, /tensor.*shape.*3 elements/);
    expectCleanError(() => tf.zeros([2, -1]), InvalidArgumentError, /zeros.*shape/);
    expectCleanError(() => tf.zeros([1.5]), InvalidArgumentError, /non-negative integer/);
    expectCleanError(() => tf.zeros([2], 'float64' as 'float32'), InvalidArgumentError, /zeros.*dtype.*float64/);
    expectCleanError(() => tf.range(0, 1, 0), InvalidArgumentError, /range.*step/);
  });
});

describe('elementwise arithmetic', () => {
  it('broadcasts in both directions', () => {
    const col = tf.tensor([[1], [2]]);
    const row = tf.tensor([10, 20, 30]);
    expect(tf.add(col, row).arraySync()).toEqual([
      [11, 21, 31],
      [12, 22, 32],
    ]);
    expect(tf.sub(row, col).arraySync()).toEqual([
      [9, 19, 29],
      [8, 18, 28],
    ]);
    expect(values(tf.mul(row, 2))).toEqual([20, 40, 60]);
    expect(values(tf.div(1, tf.tensor([2, 4])))).toEqual([0.5, 0.25]);
    expect(values(row.pow(2))).toEqual([100, 400, 900]);
    expect(values(tf.maximum(row, 15))).toEqual([15, 20, 30]);
    expect(values(tf.minimum(row, 15))).toEqual([10, 15, 15]);
  });

  it('keeps TensorFlow numerics: log(0) = -inf, 0/0 = NaN, int32 division is real', () => {
    expect(values(tf.log(tf.tensor([0, 1])))).toEqual([-Infinity, 0]);
    expect(values(tf.div(tf.tensor([0, 1]), tf.tensor([0, 0])))).toEqual([NaN, Infinity]);
    const q = tf.div(tf.tensor([7, -7], [2], 'int32'), tf.tensor([2, 2], [2], 'int32'));
    expect(q.dtype).toBe('float32');
    expect(values(q)).toEqual([3.5, -3.5]);
    expect(values(tf.sqrt(tf.tensor([4, -1])))).toEqual([2, NaN]);
  });

  it('computes unary math and activations', () => {
    const x = tf.tensor([-2, 0, 0.5]);
    expectClose(tf.neg(x), [2, 0, -0.5]);
    expectClose(tf.abs(x), [2, 0, 0.5]);
    expectClose(tf.sign(x), [-1, 0, 1]);
    expectClose(tf.square(x), [4, 0, 0.25]);
    expectClose(tf.exp(x), [Math.exp(-2), 1, Math.exp(0.5)]);
    expectClose(tf.relu(x), [0, 0, 0.5]);
    expectClose(tf.sigmoid(x), [1 / (1 + Math.exp(2)), 0.5, 1 / (1 + Math.exp(-0.5))]);
    expectClose(tf.tanh(x), [Math.tanh(-2), 0, Math.tanh(0.5)]);
    expectClose(tf.softmax(tf.tensor([1, 2, 3])), [0.09003057, 0.24472848, 0.66524094]);
    expectClose(tf.logSoftmax(tf.tensor([[1, 2, 3]])), [-2.40760596, -1.40760596, -0.40760596]);
    expectClose(
      tf.softmax(
        tf.tensor([
          [1, 2],
          [3, 5],
        ]),
        0,
      ),
      [0.11920292, 0.04742587, 0.88079708, 0.95257413],
    );
    expectClose(tf.clipByValue(tf.tensor([-5, 0.5, 5]), -1, 1), [-1, 0.5, 1]);
  });

  it('compares, selects and casts', () => {
    const a = tf.tensor([1, 2, 3]);
    expect(tf.greater(a, 2).arraySync()).toEqual([false, false, true]);
    expect(tf.greaterEqual(a, 2).arraySync()).toEqual([false, true, true]);
    expect(tf.less(a, 2).arraySync()).toEqual([true, false, false]);
    expect(tf.lessEqual(a, 2).arraySync()).toEqual([true, true, false]);
    expect(tf.equal(a, 2).arraySync()).toEqual([false, true, false]);
    expect(tf.notEqual(a, 2).arraySync()).toEqual([true, false, true]);
    expect(values(tf.where(tf.greater(a, 1), a, tf.tensor([0])))).toEqual([0, 2, 3]);
    expect(values(tf.cast(tf.tensor([1.7, -1.7, 0]), 'int32'))).toEqual([1, -1, 0]);
    expect(tf.cast(tf.tensor([2, 0]), 'bool').arraySync()).toEqual([true, false]);
    expect(a.cast('float32').shape).toEqual([3]);
  });

  it('names the op, the argument and both shapes on bad input, and leaves nothing behind', () => {
    const a = tf.tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const b = tf.tensor([1, 2]);
    expectCleanError(() => tf.add(a, b), InvalidArgumentError, /add: .*\[2,3\] vs\. \[2\]/);
    const ints = tf.tensor([1], [1], 'int32');
    const bools = tf.constant([true]);
    expectCleanError(() => tf.add(a, ints), InvalidArgumentError, /add: argument 'b' expected dtype float32.*int32/);
    expectCleanError(() => tf.exp(ints), InvalidArgumentError, /exp: argument 'x' expected a float32 tensor/);
    expectCleanError(() => tf.add(bools, bools), InvalidArgumentError, /add: .*bool/);
    expectCleanError(() => tf.where(a, a, a), InvalidArgumentError, /where: argument 'condition'/);
    expectCleanError(
      () => tf.add(a, 'x' as unknown as number),
      InvalidArgumentError,
      /add: argument 'b' expected a Tensor or a number/,
    );
    expectCleanError(() => tf.cast(a, 'int8' as 'int32'), InvalidArgumentError, /cast: argument 'dtype'/);
  });

  it('refuses a disposed tensor by name', () => {
    const a = tf.tensor([1]);
    a.dispose();
    expectCleanError(() => tf.add(a, 1), FailedPreconditionError, /add: argument 'a' is a disposed tensor/);
    expectCleanError(() => a.dataSync(), FailedPreconditionError, /disposed/);
    expect(TapeflowError.isInstance(new FailedPreconditionError('x'))).toBe(true);
  });
});

describe('softplus', () => {
  it('is log(1 + eˣ) as a function and as a method', () => {
    const x = tf.tensor([-2, -0.5, 0, 0.5, 3]);
    const expected = [0.12692801, 0.47407698, 0.69314718, 0.97407698, 3.04858735];
    expectClose(tf.softplus(x), expected, 6);
    expectClose(x.softplus(), expected, 6);
    expect(tf.softplus(2).shape).toEqual([]);
  });

  it('gives x far above 0, eˣ far below it, ln 2 at 0, and keeps ±Infinity and NaN', () => {
    const got = values(tf.softplus(tf.tensor([100, -100, 0, Infinity, -Infinity, NaN, 20, -20])));
    expect(got.slice(0, 6)).toEqual([100, Math.fround(3.720076e-44), Math.fround(Math.LN2), Infinity, 0, NaN]);
    expect(got[6]).toBe(Math.fround(20 + Math.exp(-20)));
    expect(got[7]).toBe(Math.fround(2.0611537e-9));
  });

  it('refuses int32 and bool, a disposed tensor and a non-tensor by name, leaving nothing behind', () => {
    const ints = tf.tensor([1, 2], [2], 'int32');
    const bools = tf.constant([true]);
    expectCleanError(
      () => tf.softplus(ints),
      InvalidArgumentError,
      /^softplus: argument 'x' expected a float32 tensor, but got a int32 tensor/,
    );
    expectCleanError(() => ints.softplus(), InvalidArgumentError, /^softplus: argument 'x' expected a float32 tensor/);
    expectCleanError(
      () => tf.softplus(bools),
      InvalidArgumentError,
      /^softplus: argument 'x' expected a float32 tensor, but got a bool tensor/,
    );
    expectCleanError(
      () => tf.softplus('x' as unknown as number),
      InvalidArgumentError,
      /^softplus: argument 'x' expected a Tensor/,
    );
    expectCleanError(
      () => tf.softplus({} as unknown as number),
      InvalidArgumentError,
      /^softplus: argument 'x' expected a Tensor/,
    );
    const gone = tf.tensor([1]);
    gone.dispose();
    expectCleanError(() => tf.softplus(gone), FailedPreconditionError, /^softplus: argument 'x' is a disposed tensor/);
    expectCleanError(() => gone.softplus(), FailedPreconditionError, /^softplus: argument 'x' is a disposed tensor/);
    expect(values(ints)).toEqual([1, 2]);
  });
});

describe('matmul', () => {
  const a = tf.tensor([
    [1, 2, 3],
    [4, 5, 6],
  ]);
  const b = tf.tensor([
    [1, 0],
    [0, 1],
    [1, 1],
  ]);
  it('multiplies with and without transposes', () => {
    expect(tf.matmul(a, b).arraySync()).toEqual([
      [4, 5],
      [10, 11],
    ]);
    expect(tf.matmul(a, a, { transposeB: true }).arraySync()).toEqual([
      [14, 32],
      [32, 77],
    ]);
    expect(tf.matmul(a, a, { transposeA: true }).arraySync()).toEqual([
      [17, 22, 27],
      [22, 29, 36],
      [27, 36, 45],
    ]);
    expect(tf.matmul(b, a, { transposeA: true, transposeB: true }).arraySync()).toEqual([
      [4, 10],
      [5, 11],
    ]);
    expect(a.matmul(b).shape).toEqual([2, 2]);
  });
  it('batches and broadcasts batch dims', () => {
    const batch = tf.reshape(tf.range(0, 12), [2, 2, 3]);
    const result = tf.matmul(batch, b);
    expect(result.shape).toEqual([2, 2, 2]);
    expect(result.arraySync()).toEqual([
      [
        [2, 3],
        [8, 9],
      ],
      [
        [14, 15],
        [20, 21],
      ],
    ]);
  });
  it('rejects mismatched inner dimensions naming both shapes', () => {
    expectCleanError(() => tf.matmul(a, a), InvalidArgumentError, /matmul: .*\[2,3\].*\[2,3\].*3 vs\. 2/);
    const vector = tf.tensor([1, 2]);
    expectCleanError(
      () => tf.matmul(vector, a),
      InvalidArgumentError,
      /matmul: argument 'a' expected a tensor of rank >= 2/,
    );
  });
});

describe('reductions', () => {
  const x = tf.tensor([
    [1, 5, 3],
    [4, 2, 6],
  ]);
  it('reduce over every axis, negative axes and keepDims', () => {
    expect(values(tf.reduceSum(x))).toEqual([21]);
    expect(values(tf.reduceSum(x, 0))).toEqual([5, 7, 9]);
    expect(values(tf.reduceSum(x, -1))).toEqual([9, 12]);
    expect(tf.reduceSum(x, 1, true).shape).toEqual([2, 1]);
    expect(tf.reduceSum(x, [0, 1], true).shape).toEqual([1, 1]);
    expect(values(tf.reduceMean(x, 1))).toEqual([3, 4]);
    expect(values(tf.reduceMax(x, 0))).toEqual([4, 5, 6]);
    expect(values(tf.reduceMin(x, 1))).toEqual([1, 2]);
    expect(values(tf.argMax(x, 1))).toEqual([1, 2]);
    expect(values(tf.argMax(x))).toEqual([1, 0, 1]);
    expect(values(tf.argMin(x, 1))).toEqual([0, 1]);
    expect(values(x.reduceSum([]))).toEqual(values(x));
    expect(values(tf.reduceMean(tf.zeros([0])))).toEqual([NaN]);
    expect(values(tf.reduceMean(tf.tensor([1, 2], [2], 'int32')))).toEqual([1]);
  });
  it('rejects an axis out of range', () => {
    expectCleanError(
      () => tf.reduceSum(x, 2),
      InvalidArgumentError,
      /reduceSum: argument 'axis' expected integers in \[-2, 2\).*2/,
    );
    expectCleanError(() => tf.reduceSum(x, [0, -2]), InvalidArgumentError, /repeated/);
    expectCleanError(() => tf.argMax(x, 3), InvalidArgumentError, /argMax: argument 'axis'/);
  });
});

describe('shape ops', () => {
  const x = tf.reshape(tf.range(0, 6), [2, 3]);
  it('reshape, expandDims and squeeze share the buffer', () => {
    const before = memory().numDataBuffers;
    const r = tf.reshape(x, [3, -1]);
    expect(r.shape).toEqual([3, 2]);
    expect(tf.expandDims(x, -1).shape).toEqual([2, 3, 1]);
    expect(tf.squeeze(tf.reshape(x, [1, 2, 1, 3])).shape).toEqual([2, 3]);
    expect(tf.squeeze(tf.reshape(x, [1, 2, 1, 3]), 2).shape).toEqual([1, 2, 3]);
    expect(memory().numDataBuffers).toBe(before);
    expectCleanError(() => tf.reshape(x, [4, -1]), InvalidArgumentError, /reshape: argument 'shape'.*\[4,-1\]/);
    expectCleanError(
      () => tf.squeeze(x, 0),
      InvalidArgumentError,
      /squeeze: argument 'axis' expected dimension 0 of size 1/,
    );
  });
  it('transposes, slices and concatenates', () => {
    expect(tf.transpose(x).arraySync()).toEqual([
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
    expect(tf.slice(x, [0, 1], [2, 2]).arraySync()).toEqual([
      [1, 2],
      [4, 5],
    ]);
    expect(tf.slice(x, [1, 2]).arraySync()).toEqual([[5]]);
    expect(tf.slice(x, 1).arraySync()).toEqual([[3, 4, 5]]);
    expect(tf.concat([x, x], 1).shape).toEqual([2, 6]);
    expect(tf.concat([x, tf.zeros([1, 3])]).arraySync()).toEqual([
      [0, 1, 2],
      [3, 4, 5],
      [0, 0, 0],
    ]);
    expectCleanError(() => tf.slice(x, [0, 2], [1, 2]), InvalidArgumentError, /slice: argument 'size'/);
    const square = tf.zeros([2, 2]);
    expectCleanError(
      () => tf.concat([x, square], 0),
      InvalidArgumentError,
      /concat: argument 'tensors\[1\]'.*\[2,3\].*\[2,2\]/,
    );
    expectCleanError(() => tf.transpose(x, [0, 0]), InvalidArgumentError, /transpose: argument 'perm'/);
  });
  it('gathers, broadcasts, one-hots and pads', () => {
    expect(tf.gather(x, [1, 0, 1]).arraySync()).toEqual([
      [3, 4, 5],
      [0, 1, 2],
      [3, 4, 5],
    ]);
    expect(tf.gather(x, [2], 1).arraySync()).toEqual([[2], [5]]);
    expectCleanError(
      () => tf.gather(x, [2]),
      InvalidArgumentError,
      /gather: argument 'indices' expected values in \[0, 2\)/,
    );
    expect(tf.broadcastTo(tf.tensor([1, 2]), [2, 2]).arraySync()).toEqual([
      [1, 2],
      [1, 2],
    ]);
    expectCleanError(() => tf.broadcastTo(x, [3, 3]), InvalidArgumentError, /broadcastTo: argument 'shape'/);
    expect(tf.oneHot(tf.tensor([0, 2, 5], [3], 'int32'), 3).arraySync()).toEqual([
      [1, 0, 0],
      [0, 0, 1],
      [0, 0, 0],
    ]);
    expect(
      tf
        .pad(tf.tensor([[1]]), [
          [1, 0],
          [0, 1],
        ])
        .arraySync(),
    ).toEqual([
      [0, 0],
      [1, 0],
    ]);
    expect(tf.unsortedSegmentSum(tf.tensor([1, 2, 3]), tf.tensor([0, 0, 1], [3], 'int32'), 2).arraySync()).toEqual([
      3, 3,
    ]);
  });
});
